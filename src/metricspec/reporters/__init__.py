"""One module per output format; each has `render(report, options) -> str`.

Reporters are imported on demand so that a run pays only for the format it prints.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

FORMATS = ("text", "concise", "json", "sarif", "github", "junit")


@dataclass
class RenderOptions:
    color: bool = False
    width: int = 100
    statistics: bool = False
    show_suppressed: bool = False
    verbose: bool = False
    quiet: bool = False
    # On a terminal: lines wider than `width` break at spaces (text), never in a pipe or file.
    wrap: bool = False


def render(format: str, report: object, options: RenderOptions) -> str:
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}")
    module = importlib.import_module(f"metricspec.reporters.{format}")
    return module.render(report, options)


def with_related(diagnostic) -> str:
    """The message with its folded follow-ons in one line's form, `message (also: P001, B003)`:
    how the one-line formats (concise, github, junit) show them."""
    if not diagnostic.related:
        return diagnostic.message
    return f"{diagnostic.message} (also: {diagnostic.related_codes()})"


def statistics_rows(report: object) -> list[tuple[int, str, str, str]]:
    """(count, code, name, severity) per rule, most frequent first."""
    counts: dict[str, list] = {}
    for diagnostic in report.diagnostics:  # type: ignore[attr-defined]
        entry = counts.setdefault(diagnostic.code, [0, diagnostic.name, diagnostic.severity.value])
        entry[0] += 1
    return sorted(((n, code, name, sev) for code, (n, name, sev) in counts.items()), key=lambda r: (-r[0], r[1]))
