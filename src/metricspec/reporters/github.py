"""`--format github`: GitHub Actions workflow commands, one annotation a finding.

    ::error file=metrics/a.metrics.yaml,line=7,col=5,endLine=7,endColumn=9,title=E002 schema::unknown key ...

The runner reads any output line that starts with `::` as a command, so user text (a metric's
title, an unknown key) must never start a line of its own or end a property early. Properties
and data are escaped exactly as `@actions/core` does (`%`, CR and LF; in properties also `:`
and `,`), which the runner undoes; other control characters (an ANSI escape, a vertical tab,
U+2028) are shown as visible escapes, since the log would otherwise render or split on them.

Folded follow-on findings end the message's first line: `(also: P001, B003)`.
"""

from __future__ import annotations

from metricspec.reporters import statistics_rows, with_related

_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _visible(text: str) -> str:
    return "".join(ch if ch.isprintable() or ch in " \r\n" else repr(ch)[1:-1] for ch in text)


def escape_data(text: str) -> str:
    return _visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, object], message: str) -> str:
    shown = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name} {shown}::{escape_data(message)}" if shown else f"::{name}::{escape_data(message)}"


def render(report, options) -> str:
    lines = []
    for diagnostic in report.diagnostics:
        properties: dict[str, object] = {"file": diagnostic.path, "line": diagnostic.line}
        # Annotations take columns only within one line.
        if diagnostic.end_line == diagnostic.line:
            properties.update(col=diagnostic.column, endLine=diagnostic.end_line, endColumn=diagnostic.end_column)
        else:
            properties.update(endLine=diagnostic.end_line)
        properties["title"] = f"{diagnostic.code} {diagnostic.name}"
        message = with_related(diagnostic) + (f"\nhelp: {diagnostic.help}" if diagnostic.help else "")
        lines.append(command(_COMMANDS[diagnostic.severity.value], properties, message))
    if options.statistics:
        lines.extend(f"{count:5}  {code}  {name}  [{severity}]" for count, code, name, severity in statistics_rows(report))
    if not options.quiet:
        lines.append(_summary(report))
    return "".join(line + "\n" for line in lines)


def _summary(report) -> str:
    counts = report.summary()
    total = sum(counts.values())
    files = f"{report.files} file{'s' if report.files != 1 else ''}"
    if not total:
        return f"metricspec: {files} checked, no problems."
    parts = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}" for s in ("error", "warning", "info"))
    return f"metricspec: {total} problem{'s' if total != 1 else ''} ({parts}) in {files}."
