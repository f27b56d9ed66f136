"""Configuration: discovery of metricspec.toml / .metricspec.toml / [tool.metricspec], and reading it.

The keys are vocabulary.SETTINGS; their schema is config_model.py (pydantic), and a well-formed
file is read here without it."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Optional

from metricspec import vocabulary as v
from metricspec.auxfiles import AuxFileError, parse_toml, read_text, read_toml

CONFIG_FILES = ("metricspec.toml", ".metricspec.toml", "pyproject.toml")


class ConfigError(Exception):
    """A configuration problem: the CLI reports it with the file and key, and exits 2."""


class _Table:
    """A table of settings as plain attributes, each set to its default."""

    _SETTINGS: tuple[v.Setting, ...] = ()

    def __init__(self) -> None:
        for setting in self._SETTINGS:
            value = _TABLES[setting.key]() if setting.form == v.TABLE else setting.new_default()
            setattr(self, setting.attribute, value)


class Thresholds(_Table):
    """What the thresholds default to (vocabulary.THRESHOLDS)."""

    _SETTINGS = v.THRESHOLDS
    max_metrics_per_node: int
    max_metrics_per_document: int
    max_metrics_per_owner: int
    max_target_change: float
    max_deadline_days: int
    stale_review_cycles: float
    stale_windows: float
    on_track_pacing: float
    at_risk_pacing: float
    partner_worsening: float
    forecast_points: int
    flatline_cycles: float
    flatline_change: float
    segment_decline: float
    baseline_mismatch: float
    maintain_tolerance: float


class Vanity(_Table):
    _SETTINGS = v.VANITY
    extend_terms: list[str]


class PerMetric(_Table):
    """Where the metrics an id or glob names are read from (vocabulary.PER_METRIC)."""

    _SETTINGS = v.PER_METRIC
    source: Optional[list[str]]
    table: Optional[str]
    columns: dict[str, str]


class Actuals(_Table):
    _SETTINGS = v.ACTUALS
    source: Optional[list[str]]
    table: str
    columns: dict[str, str]
    timeout: float
    lock_timeout: float
    per_metric: dict[str, PerMetric]


class Status(_Table):
    _SETTINGS = v.STATUS
    fail_on: Optional[str]


class Config(_Table):
    """The settings of a run, as plain attributes (vocabulary.SETTINGS; config_model.Config is
    their schema).

    Built without pydantic when the file holds only what `_plain` takes as is: that keeps
    pydantic out of the start-up of a run whose configuration is well-formed.
    """

    _SETTINGS = v.SETTINGS
    include: list[str]
    exclude: list[str]
    select: Optional[list[str]]
    extend_select: list[str]
    ignore: list[str]
    extend_ignore: list[str]
    fail_on: str
    severity: dict[str, str]
    per_file_ignores: dict[str, list[str]]
    thresholds: Thresholds
    vanity: Vanity
    actuals: Actuals
    status: Status

    def __init__(self) -> None:
        super().__init__()
        # Where the config came from: globs are relative to its folder.
        self.source: Optional[Path] = None

    @property
    def root(self) -> Path:
        return self.source.parent if self.source else Path.cwd()


_TABLES: dict[str, type[_Table]] = {"thresholds": Thresholds, "vanity": Vanity, "actuals": Actuals, "status": Status}


class _Defer(Exception):
    """A value _plain does not take as is: pydantic decides, and names the error if any."""


def _texts(value: object, one_or_many: bool = True) -> list[str]:
    if one_or_many and type(value) is str:
        return [value]
    if type(value) is list and all(type(item) is str for item in value):
        return list(value)
    raise _Defer


def _severity(value: object) -> str:
    if type(value) is str and value in v.SEVERITIES:
        return value
    raise _Defer


def _table(value: object) -> dict:
    if type(value) is dict:
        return value
    raise _Defer


def _text(value: object) -> str:
    if type(value) is str:
        return value
    raise _Defer


def _status_level(value: object) -> str:
    if type(value) is str and value in v.FAIL_STATUSES:
        return value
    raise _Defer


def _whole(value: object) -> int:
    if type(value) is int and value >= 0:
        return value
    raise _Defer


def _positive(value: object) -> float:
    if type(value) in (int, float) and math.isfinite(value) and value > 0:  # type: ignore[arg-type]
        return float(value)  # type: ignore[arg-type]
    raise _Defer


# How the plain reader takes each form of value (vocabulary.py), converted as the schema would.
_READERS = {
    v.TEXT_OR_TEXTS: _texts,
    v.TEXTS: lambda value: _texts(value, one_or_many=False),
    v.SEVERITY: _severity,
    v.SEVERITY_BY_CODE: lambda value: {code: _severity(name) for code, name in _table(value).items()},
    v.TEXTS_BY_GLOB: lambda value: {glob: _texts(codes, one_or_many=False) for glob, codes in _table(value).items()},
    v.WHOLE: _whole,
    v.POSITIVE: _positive,
    v.CONFIG_TEXT: _text,
    v.TEXT_BY_NAME: lambda value: {name: _text(text) for name, text in _table(value).items()},
    v.STATUS_LEVEL: _status_level,
}


def _plain(data: dict) -> Config:
    """The config from TOML data holding only plainly valid keys and values (kebab-case keys,
    exact types), converted as the pydantic schema would; _Defer on anything else."""
    config = Config()
    _read(data, config)
    return config


def _read(data: dict, table: _Table) -> None:
    settings = {setting.key: setting for setting in table._SETTINGS}
    for key, value in data.items():
        setting = settings.get(key)
        if setting is None:
            raise _Defer
        if setting.form == v.TABLE:
            _read(_table(value), getattr(table, setting.attribute))
        elif setting.form == v.TABLES_BY_GLOB:
            setattr(table, setting.attribute, {glob: _held(setting, held) for glob, held in _table(value).items()})
        else:
            setattr(table, setting.attribute, _READERS[setting.form](value))


def _held(setting: v.Setting, value: object) -> _Table:
    """One table of a TABLES_BY_GLOB setting, read plainly."""
    table = _HELD[setting.key]()
    _read(_table(value), table)
    return table


_HELD: dict[str, type[_Table]] = {"per-metric": PerMetric}


def _from_schema(model: object) -> Config:
    config = Config()
    _copy(model, config)
    return config


def _copy(model: object, table: _Table) -> None:
    for setting in table._SETTINGS:
        value = getattr(model, setting.attribute)
        if setting.form == v.TABLE:
            _copy(value, getattr(table, setting.attribute))
        elif setting.form == v.TABLES_BY_GLOB:
            copies = {}
            for glob, held in value.items():
                copies[glob] = _HELD[setting.key]()
                _copy(held, copies[glob])
            setattr(table, setting.attribute, copies)
        else:
            setattr(table, setting.attribute, value)


# `[tool.metricspec]`, `[tool."metricspec".severity]`, `tool.metricspec.select = ...`: how a
# pyproject.toml that TOML cannot read shows that it holds our settings.
_OUR_TABLE = re.compile(r"""\btool\s*\.\s*["']?metricspec["']?\s*[].=]""")


def discover(start: Path) -> Optional[Path]:
    """The first config file found from `start` upwards; pyproject.toml only with [tool.metricspec].

    A pyproject.toml that cannot be read as TOML, or nests deeper than auxfiles reads, is ours
    when its text names tool.metricspec: it is returned, and `load` reports the error (exit 2)
    instead of the run going on with another config or the defaults. Without that name it is
    some other tool's, and skipped, as one too large or not UTF-8 is.
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
            except AuxFileError:
                continue
            try:
                data = parse_toml(text, candidate)
            except AuxFileError:
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
        data = read_toml(path)  # never waits on a FIFO or /dev/zero; depth-capped
    except AuxFileError as exc:
        if exc.missing:
            raise ConfigError(f"{path}: config file not found") from None
        raise ConfigError(str(exc)) from None  # the file, the line when known, what is wrong
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
            loc = [str(part) for part in first["loc"]]
            reason = _reason(first)
            if first["type"] == "extra_forbidden":
                reason += did_you_mean(loc[-1], _keys_beside(loc))
            elif isinstance(first.get("input"), str) and first["type"] in ("literal_error", "enum"):
                reason += did_you_mean(first["input"], _choices_at(loc))
            more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
            raise ConfigError(f"{_at(path, loc, prefix)}: {prefix}{'.'.join(loc)}: {reason}{more}") from None
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
                check_selector(selector, actuals=True)  # an A code: status and lint --actuals read it
            except SelectorError as exc:
                from metricspec.diff.codes import names_a_code

                if not names_a_code(selector):  # a D code: `metricspec diff` reads it (DIFF.md)
                    loc = ["severity", selector] if key == "severity" else key.replace('"', "").split(".", 1)
                    raise ConfigError(f"{_at(path, loc, prefix)}: {prefix}{key}: {exc}{rule_suggestion(selector)}") from None


def did_you_mean(word: str, candidates) -> str:
    """`; did you mean 'x'?` when one of `candidates` is close to `word` (a mistyped key, choice
    or rule), else nothing; as E002 says it of a spec's keys."""
    import difflib

    candidates = list(candidates)
    starting = [c for c in candidates if word and c.lower().startswith(word.lower())]
    close = starting[:1] if len(starting) == 1 else difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def rule_suggestion(selector: str) -> str:
    """The "did you mean" for an unknown rule code or name: the closest code or name; none for
    a selector that names an A code (lint without --actuals says so itself)."""
    from metricspec.actuals.codes import actual_codes, names_a_code
    from metricspec.rules import all_rules

    if names_a_code(selector) and selector.strip().upper() != "ALL":
        return ""
    rules = [*all_rules().values(), *actual_codes().values()]  # `A0002` meant A002
    if selector[:1].isupper() or selector[:1].isdigit() or len(selector) <= 4:
        return did_you_mean(selector.upper(), [rule.code for rule in rules])
    return did_you_mean(selector.lower(), [rule.name for rule in rules])


def _keys_beside(loc: list[str]) -> list[str]:
    """The known keys of the table that holds the key at `loc`."""
    settings: tuple = v.SETTINGS
    parts = iter(loc[:-1])
    for part in parts:
        found = [s for s in settings if s.key == part and s.form in (v.TABLE, v.TABLES_BY_GLOB)]
        if not found:
            return []
        if found[0].form == v.TABLES_BY_GLOB:
            next(parts, None)  # the glob that names the table
        settings = found[0].holds
    return [setting.key for setting in settings]


_CHOICES = {v.SEVERITY: v.SEVERITIES, v.SEVERITY_BY_CODE: v.SEVERITIES, v.STATUS_LEVEL: v.FAIL_STATUSES}


def _choices_at(loc: list[str]) -> tuple[str, ...]:
    """The choices of the setting at `loc` (a severity, a status level), for a "did you mean"."""
    settings: tuple = v.SETTINGS
    for part in loc:
        found = [s for s in settings if s.key == part]
        if not found:
            return ()
        if found[0].form in _CHOICES:
            return _CHOICES[found[0].form]
        settings = found[0].holds
    return ()


def _at(path: Path, loc: list[str], prefix: str) -> str:
    """`path:line` of the key at `loc` (its table's header for a table), or `path` when the
    file does not show where (an inline table, a key written unusually)."""
    try:
        lines = read_text(path).splitlines()
    except AuxFileError:
        return str(path)
    base = [part for part in prefix.split(".") if part]
    table: list[str] = []
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("["):
            table = _dotted(stripped.strip("[]"))
            if table[:len(base)] == base:
                table = table[len(base):]
            elif base:
                table = ["\0"]  # another tool's table
            if table == loc:
                return f"{path}:{number}"
            continue
        name, equals, _ = stripped.partition("=")
        if equals and not stripped.startswith("#") and table + _dotted(name) == loc:
            return f"{path}:{number}"
    return str(path)


def _dotted(name: str) -> list[str]:
    return [part.strip().strip("\"'") for part in re.split(r"""\.(?=(?:[^"']*["'][^"']*["'])*[^"']*$)""", name.strip())]
