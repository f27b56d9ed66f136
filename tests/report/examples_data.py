"""Actuals for the bundled examples (the repository ships none): weekly overall values for every
metric with a target, moving from its baseline towards its value at a pace that differs by
metric (ahead, on track, behind, backwards), and a few weeks of two segments of each metric's
first declared dimension. Deterministic: the same CSV every time."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.metrics.yaml"))
TODAY = dt.date(2026, 12, 1)
FIRST = dt.date(2026, 6, 1)
PACES = (1.15, 1.0, 0.8, 0.45, -0.3, 1.6)


def _metrics(node):
    """Every metric mapping of a loaded spec (a dict with `id` and `target` or `segments`)."""
    if isinstance(node, dict):
        if "id" in node and ("target" in node or "segments" in node) and "name" in node:
            yield node
        for value in node.values():
            yield from _metrics(value)
    elif isinstance(node, list):
        for value in node:
            yield from _metrics(value)


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def rows() -> list:
    out = []
    for index, metric in enumerate(m for path in EXAMPLES for m in _metrics(yaml.safe_load(path.read_text("utf-8")))):
        target = metric.get("target") or {}
        value = _number(target.get("value"))
        baseline = _number(target.get("baseline"))
        if baseline is None:
            baseline = value * 0.8 if value is not None else 100.0
        if value is None:
            value = baseline * 1.2
        by = target.get("by")
        by = by if isinstance(by, dt.date) else dt.date(2027, 12, 31)
        pace = PACES[index % len(PACES)]
        span = max((by - FIRST).days, 1)
        day, week = FIRST, 0
        while day < TODAY:
            progress = min((day - FIRST).days / span * pace, 1.2)
            wobble = 0.01 * abs(value - baseline or baseline or 1) * math.sin(week * 1.3 + index)
            level = baseline + progress * (value - baseline) + wobble
            out.append((metric["id"], day.isoformat(), round(level, 3), ""))
            segments = metric.get("segments") or []
            if segments and (TODAY - day).days <= 60:
                for share, name in ((0.6, "north"), (0.4, "south")):
                    out.append((metric["id"], day.isoformat(), round(level * share, 3), f"{segments[0]}={name}"))
            day += dt.timedelta(days=7)
            week += 1
    return out


def write_csv(path: Path) -> Path:
    text = "metric,at,value,segment\n" + "".join(f"{m},{at},{v:g},{s}\n" for m, at, v, s in rows())
    path.write_text(text, encoding="utf-8")
    return path
