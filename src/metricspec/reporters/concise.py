"""`--format concise`: `path:line:col: CODE [severity] message`, one finding a line; folded
follow-ons at its end, `(also: P001, B003)`.

CLI.md fixes the line as `path:line:col: CODE message`: the severity is the message's first
word, in brackets, so that every parser of that shape (editors' problem matchers, grep -o)
still reads the line, and a reader still sees which findings fail the run."""

from __future__ import annotations

from metricspec.reporters import statistics_rows, with_related
# A newline or escape in user text must not forge a line of its own.
from metricspec.terminal import escape_controls as _one_line


def render(report, options) -> str:
    if options.statistics:  # the table instead of the findings, as ruff does
        lines = [f"{count:5}  {code}  {name}  [{severity}]" for count, code, name, severity in statistics_rows(report)]
    else:
        lines = [
            f"{_one_line(d.path)}:{d.line}:{d.column}: {d.code} [{d.severity.value}] {_one_line(with_related(d))}"
            for d in report.diagnostics
        ]
    return "".join(line + "\n" for line in lines)
