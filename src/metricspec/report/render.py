"""The HTML report (ACTUALS.md, "report"): one self-contained page from status's and lint's JSON.

`render_report` reads the dicts `status --format json`, `lint --format json` and (with `--base`)
`diff --format json` print, and fills `templates/report.html.j2`: if the page needs a number,
the JSON has it. Besides the documented keys, a status metric may carry these, each optional
(the page leaves out what is missing):

- `series`: the overall actuals since S, `[{"at", "value"}]` oldest first, that the chart and its
  table plot (at most 40 of them, see `chart.downsample`); without it, `recent`.
- `definition`: the spec's own fields `description`, `kind`, `category`, `window`,
  `aggregation`, `formula`, `numerator`, `denominator`, `event`, `decision`, `owner` (its own or
  inherited) and `source` (the spec's documentation field; the top-level `source` is where the
  actuals were read).
- `segments`: `[{"segment": "plan_tier=enterprise", "latest": {"at", "value"}}]`.
- `pairs_with`, `guardrails`: lists of metric ids.

S and B, when the target does not write `since` and `baseline`, are read from the series as
Status defines them: the first actual, and the first actual on or after S.

The page has no script: Jinja2 escapes every value (autoescape), the charts are SVG strings that
`chart` escapes itself, and nothing links outside the file. Element ids are derived from metric
and node ids, so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Optional

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from metricspec.actuals.status import COLOURS, ICONS, ROLLUP_ORDER
from metricspec.report.chart import CSS, DEFS, MONTHS, Band, Chart, downsample, format_number, format_quantity, render_svg

# icon, ASCII icon, colour: the table of ACTUALS.md's Status, as status computes it; the rollup
# order, worst first.
STATUSES = {status: (*ICONS[status], COLOURS[status]) for status in ROLLUP_ORDER}
SEVERITIES = ("error", "warning", "info")
DEFINITION_FIELDS = ("description", "kind", "category", "unit", "window", "aggregation", "numerator",
                     "denominator", "formula", "event", "decision", "owner", "source")

_ENV: Optional[Environment] = None
_INDENT = re.compile(r"\n[ \t]+")
# Line breaks before table rows, definition terms and list items: a page of 1,000 cards has
# 70,000 of them, and between those elements white space shows nowhere.
_ROW_BREAK = re.compile(r"\n+(?=<(?:tr|dt|li|/table|/dl|/ul)\b)")


def _environment() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = Environment(
            loader=PackageLoader("metricspec.report", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    return _ENV


# -- small readers ------------------------------------------------------------------------


def element_id(prefix: str, *parts: Optional[str]) -> str:
    """An HTML id from spec ids: letters, digits, `-` and `_` kept, any other character as
    `.HEX.`, so two different ids never share an element id."""
    out = [prefix]
    for part in parts:
        if part is None:
            continue
        out.append("--")
        out.extend(c if (c.isascii() and c.isalnum()) or c in "-_" else f".{ord(c):x}." for c in part)
    return "".join(out)


def _date(text) -> Optional[dt.date]:
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _number(value) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _points(rows) -> list:
    """(date, value) of `[{"at", "value"}]` rows, oldest first, unreadable rows left out."""
    points = [(_date(r.get("at")), _number(r.get("value"))) for r in rows or () if isinstance(r, dict)]
    return sorted((p for p in points if p[0] is not None and p[1] is not None), key=lambda p: p[0])


def badge(status: Optional[str]) -> dict:
    """How a status shows: icon and word, white on its colour (never the colour alone)."""
    if status not in STATUSES:
        return {"status": None, "icon": "—", "word": "no status", "css": "none"}
    icon, _, _ = STATUSES[status]
    return {"status": status, "icon": icon, "word": status, "css": status}


def _latest_text(latest, unit, dated: bool = True) -> str:
    if not isinstance(latest, dict) or _number(latest.get("value")) is None:
        return "no data"
    value = format_quantity(_number(latest["value"]), unit)
    return f"{value} on {latest.get('at')}" if dated else value


def _segments(segments: list, unit) -> Optional[dict]:
    """The segments table: its rows (segment, latest), the dimension and the latest date said
    once in the header when every segment shares them (a benchmark card's ten rows said
    `region=` and the same date ten times), else each row says its own."""
    if not segments:
        return None
    dates = {s["latest"].get("at") if isinstance(s.get("latest"), dict) else None for s in segments}
    shared = dates.pop() if len(dates) == 1 else None
    names = [str(s.get("segment")) for s in segments]
    parts = [name.partition("=") for name in names]
    # Only `dim=value` rows, both sides written, of one dimension name it once; else each is shown whole.
    dimensions = {dim for dim, _, _ in parts}
    dimension = dimensions.pop() if len(dimensions) == 1 and all(dim and value for dim, _, value in parts) else None
    rows = [(part[2] if dimension else name, _latest_text(s.get("latest"), unit, dated=shared is None))
            for name, part, s in zip(names, parts, segments)]
    return {"at": shared, "dimension": dimension, "rows": rows}


# -- the chart of one metric --------------------------------------------------------------


def _start(target: dict, points: list) -> tuple:
    """(S, B): the target's `since` and `baseline`, else read from the series as Status does."""
    since = _date(target.get("since")) or (points[0][0] if points else None)
    baseline = _number(target.get("baseline"))
    if baseline is None and since is not None:
        baseline = next((v for d, v in points if d >= since), None)
    return since, baseline


def _forecast(metric: dict, deadline: Optional[dt.date]) -> Optional[tuple]:
    forecast, latest = metric.get("forecast") or {}, metric.get("latest") or {}
    slope, at_by, t_latest = _number(forecast.get("slope_per_day")), _number(forecast.get("at_by")), _date(latest.get("at"))
    if None in (slope, at_by, t_latest, deadline) or deadline <= t_latest:
        return None
    # The fitted line itself, from the latest actual's day to the deadline.
    return ((t_latest, at_by - slope * (deadline - t_latest).days), (deadline, at_by))


def _sentence(metric: dict, start, deadline, value, unit, points) -> str:
    """The chart's `aria-label`: what it shows, in one sentence."""
    name = metric.get("name") or metric.get("id")
    parts = [f"{name}: " + (f"{len(points)} actuals from {points[0][0]} to {points[-1][0]}, the latest "
                            f"{format_quantity(points[-1][1], unit)}" if points else "no actuals")]
    target = metric.get("target") or {}
    if metric.get("direction") == "maintain" and value is not None:
        parts.append(f"target: maintain {format_quantity(value, unit)} ± {format_quantity(_number(target.get('tolerance')), unit)}"
                     + (f" until {deadline}" if deadline else ""))
    elif start[0] and start[1] is not None and value is not None and deadline:
        parts.append(f"trajectory from {format_quantity(start[1], unit)} on {start[0]} to {format_quantity(value, unit)} by {deadline}")
    elif value is not None and deadline:
        parts.append(f"target {format_quantity(value, unit)} by {deadline}")
    if _number(metric.get("expected")) is not None:
        parts.append(f"expected {format_quantity(_number(metric['expected']), unit)} at the latest actual")
    forecast = metric.get("forecast") or {}
    if _number(forecast.get("at_by")) is not None:
        parts.append(f"forecast {format_quantity(_number(forecast['at_by']), unit)} at the deadline")
    parts.append(f"status {metric.get('status') or 'none'}")
    return "; ".join(parts) + "."


def chart_for(metric: dict, today: Optional[dt.date]) -> Optional[dict]:
    """The chart and its table's rows for a metric with a target, else None."""
    target = metric.get("target")
    if not isinstance(target, dict):
        return None
    unit = metric.get("unit")
    series = _points(metric.get("series") if metric.get("series") is not None else metric.get("recent"))
    plotted = downsample(series)
    start = _start(target, series)
    deadline, value = _date(target.get("by")), _number(target.get("value"))
    trajectory = band = None
    tolerance = _number(target.get("tolerance"))
    if metric.get("direction") == "maintain":
        if value is not None and tolerance is not None:
            band = Band(value - tolerance, value + tolerance, start[0], deadline)
    elif None not in (start[0], start[1], value, deadline) and deadline > start[0] and metric.get("status") != "unpaced":
        trajectory = ((start[0], start[1]), (deadline, value))
    # Without S (no `since`, no actual yet) there is no trajectory: the target is still a place on the chart.
    target_point = (deadline, value) if trajectory is None and band is None and None not in (deadline, value) else None
    chart = Chart(
        label=_sentence(metric, start, deadline, value, unit, plotted), points=tuple(plotted), unit=unit,
        trajectory=trajectory, band=band, forecast=_forecast(metric, deadline), deadline=deadline, today=today,
        target=target_point,
    )
    return {"svg": Markup(render_svg(chart)), "figures": _figures(metric, start, unit, today),
            "points": _point_rows(plotted, unit),
            "trajectory": trajectory is not None, "band": band is not None, "forecast": chart.forecast is not None,
            "target": target_point is not None, "deadline": deadline is not None}


def _point_rows(points: list, unit) -> list:
    """The points table's rows, two points a row (`Date, Value, Date, Value`), oldest first and
    read across: half the rows of one point a row, for print and for the eye. A date is `Jul 4`,
    with the year on the first point and on the first of each new year (`Jan 3, 2027`), as a
    printed table has it: forty ISO dates said the year forty times."""
    cells, year = [], None
    for day, value in points:
        date = f"{MONTHS[day.month - 1]} {day.day}" + (f", {day.year}" if day.year != year else "")
        year = day.year
        cells.append((date, format_quantity(value, unit)))
    return [cells[k:k + 2] for k in range(0, len(cells), 2)]


def _figures(metric: dict, start: tuple, unit, today) -> list:
    """(label, value) rows of the figures table: the numbers the chart draws, and status's."""
    target, latest = metric.get("target") or {}, metric.get("latest") or {}
    forecast = metric.get("forecast") or {}
    q = lambda x: format_quantity(_number(x), unit)  # noqa: E731
    share = lambda x: "—" if _number(x) is None else f"{_number(x) * 100:.1f}%"  # noqa: E731
    rows = [
        ("Baseline (B)", q(start[1]) + (f" on {start[0]}" if start[0] else "")),
        ("Target (V)", q(target.get("value")) + (f" by {target['by']}" if target.get("by") else "")),
    ]
    if _number(target.get("tolerance")) is not None:
        rows.append(("Tolerance", "± " + q(target.get("tolerance"))))
    rows += [
        ("Latest (L)", _latest_text(latest, unit)),
        ("Expected at the latest actual", q(metric.get("expected"))),
    ]
    if latest.get("at") != str(today):  # else the same number as the row above
        rows.append(("Expected today", q(metric.get("expected_today"))))
    rows += [
        ("Progress", share(metric.get("progress"))),
        ("Expected progress", share(metric.get("expected_progress"))),
        ("Pacing", "—" if _number(metric.get("pacing")) is None else format_number(_number(metric["pacing"]))),
        ("Forecast at the deadline", q(forecast.get("at_by"))
         + (f" ({forecast['points']} points)" if forecast.get("points") else "")),
        ("Forecast reaches the target on", forecast.get("reaches_on") or "—"),
    ]
    return rows


# -- the page -----------------------------------------------------------------------------


def _fields(item, keys: tuple) -> dict:
    """`item`'s `keys`, each present (None when missing): the template reads no other key."""
    item = item if isinstance(item, dict) else {}
    return {key: item.get(key) for key in keys}


DIAGNOSTIC_FIELDS = ("code", "name", "severity", "message", "path", "line", "column", "subject", "url")
CHANGE_FIELDS = ("code", "name", "severity", "message", "subject", "side", "path", "line", "before", "after", "acknowledged")


def _diagnostics(*reports: Optional[dict]) -> list:
    """Lint's and status's findings, each once, in lint's order (path, line, column, code)."""
    seen, out = set(), []
    for report in reports:
        for d in (report or {}).get("diagnostics") or ():
            d = _fields(d, DIAGNOSTIC_FIELDS)
            key = json.dumps([d[k] for k in ("code", "path", "line", "column", "subject", "message")], default=str)
            if key not in seen:
                seen.add(key)
                out.append(d)
    return sorted(out, key=lambda d: (d.get("path") or "", d.get("line") or 0, d.get("column") or 0, d.get("code") or ""))


def _by_rule(diagnostics: list) -> list:
    rules: dict = {}
    for d in diagnostics:
        rule = rules.setdefault(d.get("code"), {"code": d.get("code"), "name": d.get("name"), "count": 0,
                                                 "severities": set(), "url": d.get("url")})
        rule["count"] += 1
        rule["severities"].add(d.get("severity"))
    return [dict(r, severities=[s for s in SEVERITIES if s in r["severities"]])
            for _, r in sorted(rules.items(), key=lambda item: str(item[0]))]


def _card(metric: dict, index: dict, findings: dict, today) -> dict:
    definition = dict(metric.get("definition") or {})
    definition.setdefault("unit", metric.get("unit"))
    links = []
    for relation in ("pairs_with", "guardrails"):
        for partner in metric.get(relation) or ():
            other = index.get(partner)
            links.append({"relation": "pairs with" if relation == "pairs_with" else "guardrail", "id": partner,
                          "anchor": other["anchor"] if other else None,
                          "badge": badge(other["metric"].get("status")) if other else badge(None)})
    unit = metric.get("unit")
    return {
        "id": metric.get("id"), "name": metric.get("name") or metric.get("id"), "segment": metric.get("segment"),
        "anchor": element_id("metric", metric.get("id"), metric.get("segment")),
        "badge": badge(metric.get("status")), "direction": metric.get("direction"),
        "definition": [(key, definition[key]) for key in DEFINITION_FIELDS if definition.get(key) not in (None, "", [])],
        "actuals_source": metric.get("source"), "where": f"{metric.get('path')}:{metric.get('line')}",
        "segments": _segments([s for s in metric.get("segments") or () if isinstance(s, dict)], unit),
        "links": links, "demoted_by": metric.get("demoted_by") or [],
        "findings": findings.get(metric.get("id"), []), "chart": chart_for(metric, today),
        "has_target": isinstance(metric.get("target"), dict),
    }


def _tree(nodes: list, cards: list) -> list:
    """The hierarchy: top nodes (no parent, or one not in the report) with `children` and
    `metrics`, in document order."""
    items = {n.get("id"): dict(_fields(n, ("id", "level", "title", "parent", "status", "path")), children=[],
                               metrics=[], anchor=element_id("node", n.get("id")), badge=badge(n.get("status")))
             for n in nodes}
    roots = []
    for node in nodes:
        item = items[node.get("id")]
        parent = items.get(node.get("parent"))
        (parent["children"] if parent is not None and parent is not item else roots).append(item)
    for card in cards:
        if card["node"] in items:
            items[card["node"]]["metrics"].append(card)
    return roots


def _trees(documents: list, roots: list) -> list:
    """(document, its top nodes) per document; nodes of no listed document go with the first."""
    if not documents:
        return [({}, roots)]
    paths = [d.get("path") for d in documents]
    return [(doc, [r for r in roots if r.get("path") == doc.get("path") or (i == 0 and r.get("path") not in paths)])
            for i, doc in enumerate(documents)]


def _side(side) -> str:
    """A diff side as diff's text report names it: the revision as given, else the working tree
    or the short SHA."""
    side = side if isinstance(side, dict) else {}
    return side.get("rev") or ("working tree" if side.get("worktree") else (side.get("sha") or "")[:12])


def _changes(diff: Optional[dict]) -> Optional[dict]:
    if diff is None:
        return None
    from metricspec.diff.report import changed_only

    compact = lambda x: "—" if x is None else json.dumps(x, ensure_ascii=False, sort_keys=True)  # noqa: E731
    changes = []
    for c in diff.get("changes") or ():
        if isinstance(c, dict):
            before, after = changed_only(c.get("before"), c.get("after"))  # the fields that moved, as diff's text
            changes.append(dict(_fields(c, CHANGE_FIELDS), before_text=compact(before), after_text=compact(after),
                                acknowledged=_fields(c["acknowledged"], ("status", "reason")) if c.get("acknowledged") else None))
    return {
        "base": _side(diff.get("base")), "head": _side(diff.get("head")),
        "summary": _fields(diff.get("summary"), SEVERITIES), "changes": changes,
    }


LEGEND = ("points", "trajectory", "band", "target", "forecast", "deadline")


def _legend(cards: list) -> list:
    """The chart key, once for the page (before the first card): the marks some chart draws, in
    drawing order; `today` is on every chart."""
    drawn = {key for card in cards if card.get("chart") for key in LEGEND if card["chart"].get(key)}
    return [key for key in LEGEND if key in drawn] + (["today"] if any(card.get("chart") for card in cards) else [])


def render_report(status_json: dict, lint_json: dict, diff_json: Optional[dict] = None, *,
                  version: str, today, source: Optional[str]) -> str:
    """The page, as text: the same arguments give the same string."""
    today_date = _date(today if isinstance(today, (str, dt.date)) else str(today))
    diagnostics = _diagnostics(lint_json, status_json)
    findings: dict = {}
    for d in diagnostics:
        findings.setdefault(d.get("subject"), []).append(d)
    metrics = [m for m in status_json.get("metrics") or () if isinstance(m, dict)]
    index: dict = {}
    for metric in metrics:
        anchor = element_id("metric", metric.get("id"), metric.get("segment"))
        index.setdefault(metric.get("id"), {"anchor": anchor, "metric": metric})
    cards = [dict(_card(m, index, findings, today_date), node=m.get("node")) for m in metrics]
    shown = {c["id"] for c in cards}
    documents = []
    for doc in status_json.get("documents") or ():
        doc = _fields(doc, ("path", "product", "stage", "north_star"))
        star = index.get(doc["north_star"])
        documents.append(dict(doc, star_anchor=star["anchor"] if star else None,
                              star_badge=badge(star["metric"].get("status") if star else None),
                              star_latest=_latest_text(star["metric"].get("latest"), star["metric"].get("unit")) if star else "—"))
    nodes = [n for n in status_json.get("nodes") or () if isinstance(n, dict)]
    statuses = status_json.get("statuses") or {}
    summary = {s: (lint_json.get("summary") or {}).get(s, 0) + (status_json.get("summary") or {}).get(s, 0) for s in SEVERITIES}
    products = [d.get("product") for d in documents if d.get("product")]
    page = _environment().get_template("report.html.j2").render(
        title=(", ".join(dict.fromkeys(products)) or "metricspec") + f" — metrics report, {today}",
        version=version, today=str(today), source=source, segment=status_json.get("segment"),
        documents=documents, statuses=[(badge(s), statuses.get(s, 0)) for s in STATUSES],
        trees=_trees(documents, _tree(nodes, cards)),
        cards=cards, rules=_by_rule(diagnostics), summary=summary, legend=_legend(cards),
        other_findings=[d for d in diagnostics if d.get("subject") not in shown],
        changes=_changes(diff_json), colours={s: c for s, (_, _, c) in STATUSES.items()},
        chart_css=Markup(CSS), chart_defs=Markup(DEFS),
    )
    # The template's indentation is for its reader: the page goes without it (a tenth of the
    # bytes of a 1,000-metric page). The page has no <pre> and no `white-space: pre`, so a line's
    # leading blanks never show.
    return _ROW_BREAK.sub("", _INDENT.sub("\n", page))
