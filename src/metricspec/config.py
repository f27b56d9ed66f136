"""Configuration: discovery of metricspec.toml / .metricspec.toml / [tool.metricspec], and its model."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from metricspec.fileio import read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_FILES = ("metricspec.toml", ".metricspec.toml", "pyproject.toml")
SeverityName = Literal["error", "warning", "info"]


class ConfigError(Exception):
    """A configuration problem: the CLI reports it with the file and key, and exits 2."""


class _Kebab(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, alias_generator=lambda name: name.replace("_", "-"))


class Thresholds(_Kebab):
    max_metrics_per_node: int = Field(3, ge=0)
    max_metrics_per_document: int = Field(12, ge=0)
    max_metrics_per_owner: int = Field(6, ge=0)
    max_target_change: float = Field(3.0, gt=0)
    max_deadline_days: int = Field(730, ge=0)
    stale_review_cycles: float = Field(2, gt=0)


class Vanity(_Kebab):
    extend_terms: list[str] = Field(default_factory=list)


class Config(_Kebab):
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    select: Optional[list[str]] = None
    extend_select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    extend_ignore: list[str] = Field(default_factory=list)
    fail_on: SeverityName = "warning"
    severity: dict[str, SeverityName] = Field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    vanity: Vanity = Field(default_factory=Vanity)
    # Where the config came from: globs are relative to its folder.
    source: Optional[Path] = Field(None, exclude=True)

    @field_validator("include", "exclude", "select", "extend_select", "ignore", "extend_ignore", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @property
    def root(self) -> Path:
        return self.source.parent if self.source else Path.cwd()


def discover(start: Path) -> Optional[Path]:
    """The first config file found from `start` upwards; pyproject.toml only with [tool.metricspec]."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml":
                return candidate
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            if isinstance(data.get("tool"), dict) and "metricspec" in data["tool"]:
                return candidate
    return None


def load(path: Optional[Path]) -> Config:
    """Read and validate a config file; `None` gives the defaults."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(read_text(path))  # never waits on a FIFO or /dev/zero
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    prefix = ""
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("metricspec", {})
        prefix = "tool.metricspec."
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        key = prefix + ".".join(str(part) for part in first["loc"])
        reason = "unknown key" if first["type"] == "extra_forbidden" else first["msg"]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ConfigError(f"{path}: {key}: {reason}{more}") from None
    config.source = path.resolve()
    _check_codes(config, path, prefix)
    return config


def _check_codes(config: Config, path: Path, prefix: str) -> None:
    from metricspec.selection import SelectorError, check_selector

    lists = {
        "select": config.select or [],
        "extend-select": config.extend_select,
        "ignore": config.ignore,
        "extend-ignore": config.extend_ignore,
        "severity": list(config.severity),
    }
    for glob, codes in config.per_file_ignores.items():
        lists[f'per-file-ignores."{glob}"'] = codes
    for key, selectors in lists.items():
        for selector in selectors:
            try:
                check_selector(selector)
            except SelectorError as exc:
                raise ConfigError(f"{path}: {prefix}{key}: {exc}") from None
