"""The JSON report of `status`, built from already-computed judgements.

The caller (the command line) knows the workspace: paths, lines, columns, titles, document
headers and lint's diagnostics; this module knows the shape ACTUALS.md gives the report and how
its figures are rounded (ratios to 4 decimals, computed values to 6 significant digits, stored
values as read). Every key is always present, null when unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Optional

from metricspec.actuals.model import MetricInfo
from metricspec.actuals.status import STATUSES, Judgement, figure, ratio


def _day(day: Optional[dt.date]) -> Optional[str]:
    return None if day is None else day.isoformat()


def _stored(value):
    """A value as read: a whole float shown as an int (1390.0 was written 1390)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def metric_entry(metric: MetricInfo, judgement: Judgement, *, node: Optional[str], path: str,
                 line: Optional[int], column: Optional[int], source: str,
                 segment: Optional[str] = None) -> dict:
    """One `metrics` item. `source` is the masked source label; `segment` the judged segment."""
    j = judgement
    target = metric.target
    forecast = None
    if j.forecast is not None:
        forecast = {
            "points": j.forecast.points,
            "slope_per_day": figure(j.forecast.slope_per_day),
            "at_by": figure(j.forecast.at_by),
            "reaches_on": _day(j.forecast.reaches_on),
        }
    scaled = segment is not None  # a segment's B and V are computed, not written
    return {
        "id": metric.id, "name": metric.name, "node": node, "path": path, "line": line, "column": column,
        "segment": segment, "source": source, "unit": metric.unit, "direction": j.direction,
        "target": {
            "baseline": (figure(j.B) if scaled else _stored(target.baseline)) if target else None,
            "value": (figure(j.V) if scaled else _stored(target.value)) if target else None,
            "since": _day(target.since) if target else None,
            "by": _day(target.by) if target else None,
            "tolerance": figure(j.tolerance) if j.tolerance is not None else None,
        },
        "latest": None if j.tL is None else {"at": _day(j.tL), "value": _stored(j.L)},
        "expected": figure(j.expected), "expected_today": figure(j.expected_today),
        "expected_progress": ratio(j.e), "progress": ratio(j.p), "pacing": ratio(j.pacing),
        "status": j.status, "demoted_by": list(j.demoted_by), "forecast": forecast,
        "recent": [{"at": _day(p.at), "value": _stored(p.value)} for p in j.recent],
    }


def node_entry(node_id: str, *, level: str, title: Optional[str], parent: Optional[str],
               status: Optional[str], path: str, line: Optional[int], column: Optional[int]) -> dict:
    return {"id": node_id, "level": level, "title": title, "parent": parent, "status": status,
            "path": path, "line": line, "column": column}


def document_entry(path: str, product: Optional[str], stage: Optional[str], north_star: Optional[str]) -> dict:
    return {"path": path, "product": product, "stage": stage, "north_star": north_star}


def status_counts(statuses: Iterable[str]) -> dict:
    counts = {status: 0 for status in STATUSES}
    for status in statuses:
        counts[status] += 1
    return counts


def build(*, version: str, today: dt.date, segment: Optional[str], documents: Sequence[Mapping],
          nodes: Sequence[Mapping], metrics: Sequence[Mapping], diagnostics: Sequence[Mapping]) -> dict:
    """The whole report; `diagnostics` are lint's JSON objects in lint's order."""
    summary = {"error": 0, "warning": 0, "info": 0}
    for diagnostic in diagnostics:
        severity = diagnostic.get("severity")
        if severity in summary:
            summary[severity] += 1
    return {
        "metricspec": version, "today": today.isoformat(), "segment": segment,
        "statuses": status_counts(m["status"] for m in metrics),
        "summary": summary,
        "documents": [dict(d) for d in documents],
        "nodes": [dict(n) for n in nodes],
        "metrics": [dict(m) for m in metrics],
        "diagnostics": [dict(d) for d in diagnostics],
    }
