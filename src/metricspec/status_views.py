"""`metricspec status`'s text, markdown and csv formats, drawn from its JSON report.

Every figure is the report's (already rounded); text from specs passes through
escape_controls, so a title cannot forge a line or move the cursor.
"""

from __future__ import annotations

import csv
import io
import json

from metricspec.actuals.model import Point
from metricspec.actuals.status import ICONS, sparkline
from metricspec.terminal import escape_controls

CSV_FIELDS = (
    "id", "name", "node", "path", "line", "column", "segment", "source", "unit", "direction", "status",
    "baseline", "value", "since", "by", "tolerance", "latest_at", "latest_value", "expected", "expected_today",
    "expected_progress", "progress", "pacing", "demoted_by", "forecast_points", "forecast_slope_per_day",
    "forecast_at_by", "forecast_reaches_on",
)


def render(report: dict, fmt: str, *, unicode: bool = True, labels=(), quiet: bool = False) -> str:
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=not unicode) + "\n"  # \u escapes lose nothing
    if fmt == "csv":
        return _csv(report)
    if fmt == "markdown":
        return _markdown(report, labels, quiet)
    return _text(report, unicode, labels, quiet)


def _n(value) -> str:
    return "—" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _icon(status, unicode: bool) -> str:
    if status is None:
        return "—" if unicode else "-"
    return ICONS[status][0 if unicode else 1]


def _spark(metric: dict, unicode: bool) -> str:
    import datetime as dt

    points = [Point(dt.date.fromisoformat(p["at"]), p["value"]) for p in metric["recent"]]
    return sparkline(points, ascii_only=not unicode)


def _cells(metric: dict, unicode: bool) -> list:
    """status, id, latest, target, expected, pacing, forecast, trend."""
    latest = metric["latest"]
    target = metric["target"]
    forecast = metric["forecast"]
    name = metric["id"] + (f" [{metric['segment']}]" if metric["segment"] else "")
    return [
        f"{_icon(metric['status'], unicode)} {metric['status']}",
        name,
        f"{_n(latest['value'])} on {latest['at']}" if latest else "no data",
        f"{_n(target['value'])} by {target['by'] or '—'}",
        f"expected {_n(metric['expected_today'])}",
        f"pacing {_n(metric['pacing'])}",
        f"forecast {_n(forecast['at_by'])}" if forecast else "forecast —",
        _spark(metric, unicode),
    ]


def _header(report: dict, labels) -> list:
    lines = []
    for doc in report["documents"]:
        parts = [doc["product"] or doc["path"]]
        if doc["stage"]:
            parts.append(f"stage {doc['stage']}")
        if doc["north_star"]:
            parts.append(f"north star {doc['north_star']}")
        lines.append(" · ".join(parts))
    source = ", ".join(labels) if labels else "—"
    lines.append(f"today {report['today']} · source {source}" + (f" · segment {report['segment']}" if report["segment"] else ""))
    return [escape_controls(line) for line in lines]


def _counts(report: dict) -> str:
    shown = [f"{count} {status}" for status, count in report["statuses"].items() if count]
    return ", ".join(shown) if shown else "no metric with a target"


def _by_node(report: dict) -> dict:
    found: dict = {}
    for metric in report["metrics"]:
        found.setdefault(metric["node"], []).append(metric)
    return found


def _depths(report: dict) -> dict:
    parents = {node["id"]: node["parent"] for node in report["nodes"]}
    depths = {}
    for node in report["nodes"]:
        depth, seen, at = 0, set(), node["parent"]
        while at is not None and at in parents and at not in seen:
            seen.add(at)
            depth, at = depth + 1, parents[at]
        depths[node["id"]] = depth
    return depths


def _text(report: dict, unicode: bool, labels, quiet: bool) -> str:
    lines = [] if quiet else [*_header(report, labels), ""]
    by_node = _by_node(report)
    depths = _depths(report)
    for node in report["nodes"]:
        pad = "  " * depths[node["id"]]
        lines.append(escape_controls(f"{pad}{_icon(node['status'], unicode)} {node['id']}  {node['title'] or ''}").rstrip())
        rows = [_cells(metric, unicode) for metric in by_node.get(node["id"], ())]
        widths = [max(len(row[i]) for row in rows) for i in range(8)] if rows else []
        for row in rows:
            cells = "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
            lines.append(escape_controls(f"{pad}  {cells}"))
    if report["diagnostics"]:
        lines.append("")
        for d in report["diagnostics"]:
            where = f"{d['path']}:{d['line']}:{d['column']}" if d["line"] else d["path"]
            lines.append(escape_controls(f"{where}: {d['code']} {d['message']}"))
    if not quiet:
        lines += ["", _counts(report)]
    text = "".join(line + "\n" for line in lines)
    return text if unicode else text.replace(" · ", " - ").replace("—", "-")


def _md(text) -> str:
    return escape_controls(str(text)).replace("|", "\\|")


def _markdown(report: dict, labels, quiet: bool) -> str:
    lines = [] if quiet else [f"**{_md(line)}**  " for line in _header(report, labels)] + [""]
    lines += ["| status | node or metric | latest | target | expected today | pacing | forecast at by | trend |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    by_node = _by_node(report)
    depths = _depths(report)
    for node in report["nodes"]:
        indent = "&nbsp;&nbsp;" * depths[node["id"]]
        lines.append(f"| {_icon(node['status'], True)} {node['status'] or ''} | {indent}**{_md(node['id'])}** "
                     f"{_md(node['title'] or '')} | | | | | | |")
        for metric in by_node.get(node["id"], ()):
            cells = _cells(metric, True)
            cells[4] = _n(metric["expected_today"])
            cells[5] = _n(metric["pacing"])
            cells[6] = _n(metric["forecast"]["at_by"]) if metric["forecast"] else "—"
            cells[1] = indent + "&nbsp;&nbsp;`" + cells[1] + "`"
            lines.append("| " + " | ".join(_md(cell) if i != 1 else cell.replace("|", "\\|") for i, cell in enumerate(cells)) + " |")
    if report["diagnostics"]:
        lines += ["", "| rule | where | finding |", "| --- | --- | --- |"]
        for d in report["diagnostics"]:
            where = f"{d['path']}:{d['line']}" if d["line"] else d["path"]
            lines.append(f"| {d['code']} {d['name']} | {_md(where)} | {_md(d['message'])} |")
    if not quiet:
        lines += ["", _counts(report)]
    return "".join(line + "\n" for line in lines)


def _csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for m in report["metrics"]:
        target, latest, forecast = m["target"], m["latest"] or {}, m["forecast"] or {}
        row = {
            **{key: m[key] for key in ("id", "name", "node", "path", "line", "column", "segment", "source", "unit",
                                       "direction", "status", "expected", "expected_today", "expected_progress",
                                       "progress", "pacing")},
            **{key: target[key] for key in ("baseline", "value", "since", "by", "tolerance")},
            "latest_at": latest.get("at"), "latest_value": latest.get("value"),
            "demoted_by": " ".join(m["demoted_by"]),
            **{f"forecast_{key}": forecast.get(key) for key in ("points", "slope_per_day", "at_by", "reaches_on")},
        }
        writer.writerow(["" if row[key] is None else row[key] for key in CSV_FIELDS])
    return out.getvalue()

