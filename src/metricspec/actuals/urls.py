"""Source URLs: `${VAR}` expansion, password masking, and which source a metric reads.

Credentials never sit in a spec or a config: a URL names them as `${VAR}` and the environment
supplies them. Every URL shown anywhere goes through `mask` first.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from typing import Optional

_VAR = re.compile(r"\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)\})")
_WHOLE_VAR = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")


class ConfigError(Exception):
    """A source that cannot be used as configured: the one line the command prints (exit 2)."""


def is_url(source: str) -> bool:
    """Whether `source` is a URL (`scheme://...`) rather than a path or glob."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source) is not None


def _split(url: str) -> Optional[tuple]:
    """(before the userinfo, user, password or None, after the `@`), or None without userinfo."""
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)(.*)$", url, re.DOTALL)
    if not match:
        return None
    scheme, authority, rest = match.groups()
    userinfo, at, host = authority.rpartition("@")
    if not at:
        return None
    user, colon, password = userinfo.partition(":")
    return scheme, user, password if colon else None, host + rest


def mask(url: str) -> str:
    """The URL with its password shown as `***` (a path or a URL without one is unchanged)."""
    parts = _split(url)
    if parts is None or parts[2] is None:
        return url
    scheme, user, _, rest = parts
    return f"{scheme}{user}:***@{rest}"


def password_of(url: str) -> Optional[str]:
    """The URL's password as written (None without one): what a message must never show."""
    parts = _split(url)
    return parts[2] if parts is not None and parts[2] else None


def check_config_url(url: str) -> None:
    """Refuse a URL from the config whose password is written out rather than a `${VAR}`."""
    parts = _split(url)
    if parts is not None and parts[2] is not None and not _WHOLE_VAR.match(parts[2]):
        raise ConfigError(
            f"the source {mask(url)} writes its password in the configuration: write it as "
            "${VARIABLE} and set that environment variable"
        )


def expand(url: str, environ: Mapping[str, str]) -> str:
    """`${VAR}` replaced by that environment variable, `$$` by `$`; an unset one is an error."""
    def value(match: re.Match) -> str:
        if match.group(1) == "$":
            return "$"
        name = match.group(2)
        if name not in environ:
            raise ConfigError(f"the source {mask(url)} uses ${{{name}}}, but the environment variable "
                              f"{name} is not set")
        return environ[name]

    return _VAR.sub(value, url)


def choose(metric_id: str, per_metric: Sequence[tuple], cli_source: Optional[str],
           environ: Mapping[str, str], configured: str) -> tuple:
    """`(source, origin)` a metric reads: its `per-metric` entry (its id, else the first glob
    matching it), else `--source`, else `METRICSPEC_ACTUALS_URL`, else the config's `source`.

    `per_metric` is `(pattern, source)` pairs in the config's order; `origin` says which won
    (`per-metric`, `--source`, `METRICSPEC_ACTUALS_URL`, `config`), so only config URLs need
    `check_config_url`.
    """
    for pattern, source in per_metric:
        if pattern == metric_id:
            return source, "per-metric"
    for pattern, source in per_metric:
        if fnmatch.fnmatchcase(metric_id, pattern):
            return source, "per-metric"
    if cli_source:
        return cli_source, "--source"
    if environ.get("METRICSPEC_ACTUALS_URL"):
        return environ["METRICSPEC_ACTUALS_URL"], "METRICSPEC_ACTUALS_URL"
    return configured, "config"


def file_url(url: str, base) -> str:
    """A DuckDB URL's relative file made absolute under `base` (the config's folder, or the
    working directory), as a SQLite path is; other URLs are unchanged."""
    import os.path

    match = re.match(r"^(duckdb:///)([^?]*)(.*)$", url, re.IGNORECASE | re.DOTALL)
    if not match or not match.group(2) or match.group(2) == ":memory:" or os.path.isabs(match.group(2)):
        return url
    return match.group(1) + os.path.join(str(base), match.group(2)) + match.group(3)
