"""Configuration: discovery of metricspec.toml / .metricspec.toml / [tool.metricspec], and reading it.

The schema is config_model.py (pydantic); a well-formed file is read here without it."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Optional

from metricspec.fileio import read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_FILES = ("metricspec.toml", ".metricspec.toml", "pyproject.toml")


class ConfigError(Exception):
    """A configuration problem: the CLI reports it with the file and key, and exits 2."""


class Thresholds:
    """What the thresholds default to (config_model.Thresholds is the schema)."""

    def __init__(self) -> None:
        self.max_metrics_per_node = 3
        self.max_metrics_per_document = 12
        self.max_metrics_per_owner = 6
        self.max_target_change = 3.0
        self.max_deadline_days = 730
        self.stale_review_cycles = 2


class Vanity:
    def __init__(self) -> None:
        self.extend_terms: list[str] = []


class Config:
    """The settings of a run, as plain attributes (config_model.Config is the schema).

    Built without pydantic when the file holds only what `_plain` takes as is: that keeps
    pydantic out of the start-up of a run whose configuration is well-formed.
    """

    def __init__(self) -> None:
        self.include: list[str] = []
        self.exclude: list[str] = []
        self.select: Optional[list[str]] = None
        self.extend_select: list[str] = []
        self.ignore: list[str] = []
        self.extend_ignore: list[str] = []
        self.fail_on: str = "warning"
        self.severity: dict[str, str] = {}
        self.per_file_ignores: dict[str, list[str]] = {}
        self.thresholds = Thresholds()
        self.vanity = Vanity()
        # Where the config came from: globs are relative to its folder.
        self.source: Optional[Path] = None

    @property
    def root(self) -> Path:
        return self.source.parent if self.source else Path.cwd()


_SEVERITIES = ("error", "warning", "info")
_LISTS = {"include": "include", "exclude": "exclude", "select": "select", "extend-select": "extend_select",
          "ignore": "ignore", "extend-ignore": "extend_ignore"}
_INTS = {"max-metrics-per-node", "max-metrics-per-document", "max-metrics-per-owner", "max-deadline-days"}
_FLOATS = {"max-target-change", "stale-review-cycles"}


class _Defer(Exception):
    """A value _plain does not take as is: pydantic decides, and names the error if any."""


def _texts(value: object, one_or_many: bool = True) -> list[str]:
    if one_or_many and type(value) is str:
        return [value]
    if type(value) is list and all(type(item) is str for item in value):
        return list(value)
    raise _Defer


def _plain(data: dict) -> Config:
    """The config from TOML data holding only plainly valid keys and values (kebab-case keys,
    exact types), converted as the pydantic schema would; _Defer on anything else."""
    import math

    config = Config()
    for key, value in data.items():
        if key in _LISTS:
            setattr(config, _LISTS[key], _texts(value))
        elif key == "fail-on" and type(value) is str and value in _SEVERITIES:
            config.fail_on = value
        elif key == "severity" and type(value) is dict and all(type(v) is str and v in _SEVERITIES for v in value.values()):
            config.severity = dict(value)
        elif key == "per-file-ignores" and type(value) is dict:
            config.per_file_ignores = {glob: _texts(codes, one_or_many=False) for glob, codes in value.items()}
        elif key == "thresholds" and type(value) is dict:
            for name, number in value.items():
                if name in _INTS and type(number) is int and number >= 0:
                    setattr(config.thresholds, name.replace("-", "_"), number)
                elif name in _FLOATS and type(number) in (int, float) and math.isfinite(number) and number > 0:
                    setattr(config.thresholds, name.replace("-", "_"), float(number))
                else:
                    raise _Defer
        elif key == "vanity" and type(value) is dict and set(value) <= {"extend-terms"}:
            if "extend-terms" in value:
                config.vanity.extend_terms = _texts(value["extend-terms"], one_or_many=False)
        else:
            raise _Defer
    return config


def _from_schema(model: object) -> Config:
    config = Config()
    for name in ("include", "exclude", "select", "extend_select", "ignore", "extend_ignore", "fail_on", "severity",
                 "per_file_ignores"):
        setattr(config, name, getattr(model, name))
    for name in vars(config.thresholds):
        setattr(config.thresholds, name, getattr(model.thresholds, name))  # type: ignore[attr-defined]
    config.vanity.extend_terms = model.vanity.extend_terms  # type: ignore[attr-defined]
    return config


# `[tool.metricspec]`, `[tool."metricspec".severity]`, `tool.metricspec.select = ...`: how a
# pyproject.toml that TOML cannot read shows that it holds our settings.
_OUR_TABLE = re.compile(r"""\btool\s*\.\s*["']?metricspec["']?\s*[].=]""")


def discover(start: Path) -> Optional[Path]:
    """The first config file found from `start` upwards; pyproject.toml only with [tool.metricspec].

    A pyproject.toml that cannot be read as TOML is ours when its text names tool.metricspec:
    it is returned, and `load` reports the error (exit 2) instead of the run going on with
    another config or the defaults. Without that name it is some other tool's, and skipped.
    """
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml":
                return candidate
            try:
                text = read_text(candidate)
            except (OSError, UnicodeDecodeError):
                continue
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                if _OUR_TABLE.search(text):
                    return candidate
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
    data, prefix = _settings(data, path)
    try:
        config = _plain(data)
    except _Defer:
        from pydantic import ValidationError

        from metricspec.config_model import Config as Schema

        try:
            config = _from_schema(Schema.model_validate(data))
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            key = prefix + ".".join(str(part) for part in first["loc"])
            reason = _reason(first)
            more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
            raise ConfigError(f"{path}: {key}: {reason}{more}") from None
    config.source = path.resolve()
    _check_codes(config, path, prefix)
    return config


def _settings(data: dict, path: Path) -> tuple[dict, str]:
    """metricspec's table in a config file's TOML, and the prefix that names its keys.

    metricspec.toml and .metricspec.toml hold the keys at the top level, or under
    [tool.metricspec] exactly as pyproject.toml does: the snippet in the docs is written that
    way, and copied into metricspec.toml it must just work. One file holds them one way only.
    """
    tool = data.get("tool")
    if path.name != "pyproject.toml":
        if not isinstance(tool, dict):
            return data, ""  # keys at the top level (a `tool` that is not a table is an unknown key)
        for key in data:
            if key != "tool":
                raise ConfigError(f"{path}: {key}: outside [tool.metricspec]; keep every key under "
                                  "[tool.metricspec] or none")
        for key in tool:
            if key != "metricspec":
                raise ConfigError(f"{path}: tool.{key}: unknown key (only [tool.metricspec] is read here)")
    table = tool.get("metricspec", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.metricspec: must be a table ([tool.metricspec] and its keys below it)")
    return table, "tool.metricspec."


def _reason(error: dict) -> str:
    """What a pydantic error says, in the words of a config file."""
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind in ("int_type", "float_type"):
        expected = "a whole number (like 3)" if kind == "int_type" else "a number (like 3.0)"
        return f"must be {expected}, not {_shown(error['input'])}"
    return error["msg"]


def _shown(value: object) -> str:
    """A TOML value as the user wrote it, roughly."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


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
