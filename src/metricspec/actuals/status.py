"""Status: pure functions from a metric and its series to the figures ACTUALS.md defines.

S, B, V, D, L and tL, expected progress e, progress p, pacing, the status table read top to
bottom, demotion by a worsened partner, the least-squares forecast, rollup over a hierarchy,
segment judging, the sparkline and the rounding every output uses. Nothing reads a source or
prints: callers hand in the series (points dated after today are ignored here too).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Optional

from metricspec.actuals.model import MetricInfo, Point, Target, Thresholds
from metricspec.vocabulary import CADENCE_DAYS

# The status table's statuses, and the rollup's order: worst first.
ROLLUP_ORDER = ("missed", "off-track", "at-risk", "stale", "no-data", "unpaced", "on-track", "met")
# The order the JSON report counts them in.
STATUSES = ("met", "on-track", "at-risk", "off-track", "missed", "stale", "no-data", "unpaced")
ICONS = {
    "no-data": ("○", "o"), "unpaced": ("–", "-"), "met": ("✔", "+"), "missed": ("✖", "x"),
    "stale": ("◌", "~"), "on-track": ("●", "*"), "at-risk": ("▲", "!"), "off-track": ("▼", "v"),
}
COLOURS = {
    "no-data": "#5F6368", "unpaced": "#5F6368", "met": "#0B6E4F", "missed": "#7B1FA2",
    "stale": "#5F6368", "on-track": "#1F5FA8", "at-risk": "#8A5A00", "off-track": "#B3261E",
}
# `--fail-on` levels: a status fails a run at its level or worse; the others never do.
FAIL_LEVELS = ("at-risk", "off-track", "missed")

WINDOW_DAYS = {"daily": 1, "weekly": 7, "monthly": 30, "quarterly": 91}
_N_DAYS = re.compile(r"^([1-9][0-9]*)d$")

SPARK = "▁▂▃▄▅▆▇█"
SPARK_ASCII = ".:-=+*#@"
SPARK_POINTS = 12


# -- periods -------------------------------------------------------------------------------


def period_days(window: Optional[str], review: Optional[str]) -> Optional[int]:
    """The metric's period: its window in days, else its review cycle (as G003 counts it)."""
    if window:
        text = window.strip().lower()
        match = _N_DAYS.match(text)
        if match:
            return int(match.group(1))
        if text in WINDOW_DAYS:
            return WINDOW_DAYS[text]
    return review_days(review)


def review_days(review: Optional[str]) -> Optional[int]:
    return CADENCE_DAYS.get((review or "").strip().lower())


def read_start(metric: MetricInfo, partners: Iterable[MetricInfo]) -> Optional[dt.date]:
    """`:start`: the earliest `since` of the metric and its partners, less one period (else 7 days).

    None when none of them has a `since` (`0001-01-01`: everything is read).
    """
    sinces = [m.target.since for m in (metric, *partners) if m.target and m.target.since]
    if not sinces:
        return None
    days = period_days(metric.window, metric.review) or 7
    earliest = min(sinces)
    return earliest - dt.timedelta(days=min(days, (earliest - dt.date.min).days))


# -- series lookups ------------------------------------------------------------------------


def upto(series: Sequence[Point], day: dt.date) -> tuple:
    """The points dated on or before `day` (series are oldest first)."""
    return tuple(series[: bisect_right([p.at for p in series], day)])


def last_on_or_before(series: Sequence[Point], day: dt.date) -> Optional[Point]:
    before = [p for p in series if p.at <= day]
    return before[-1] if before else None


def first_on_or_after(series: Sequence[Point], day: dt.date) -> Optional[Point]:
    return next((p for p in series if p.at >= day), None)


def value_at(series: Sequence[Point], day: dt.date) -> Optional[Point]:
    """Demotion's reading of a span's start: the last point on or before `day`, else the first after."""
    return last_on_or_before(series, day) or first_on_or_after(series, day)


# -- rounding ------------------------------------------------------------------------------


def ratio(x: Optional[float]) -> Optional[float]:
    """A ratio as shown: 4 decimals."""
    return None if x is None else round(x, 4) + 0.0


def figure(x: Optional[float]):
    """A computed value as shown: 6 significant digits (an int when it is whole)."""
    if x is None:
        return None
    shown = float(f"{x:.6g}")
    return int(shown) if shown.is_integer() and abs(shown) < 1e15 else shown


# -- the figures ---------------------------------------------------------------------------


def implied_direction(baseline: Optional[float], value: Optional[float]) -> Optional[str]:
    if baseline is None or value is None:
        return None
    if value > baseline:
        return "increase"
    return "decrease" if value < baseline else "maintain"


@dataclass(frozen=True)
class Forecast:
    points: int
    slope_per_day: float
    at_by: Optional[float]
    reaches_on: Optional[dt.date]


@dataclass(frozen=True)
class Judgement:
    """Everything status shows for one metric (one series): raw floats, rounded when shown."""

    status: str
    direction: Optional[str] = None
    S: Optional[dt.date] = None
    B: Optional[float] = None
    V: Optional[float] = None
    D: Optional[dt.date] = None
    L: Optional[float] = None
    tL: Optional[dt.date] = None
    tolerance: Optional[float] = None  # the effective band half-width, `maintain` only
    e: Optional[float] = None
    expected: Optional[float] = None
    expected_today: Optional[float] = None
    p: Optional[float] = None
    pacing: Optional[float] = None
    demoted_by: tuple[str, ...] = ()
    forecast: Optional[Forecast] = None
    recent: tuple = ()


def within(gap: float, width: float) -> bool:
    """`gap <= width` as the spec's decimals mean it: 0.4 - 0.3 is 0.10000000000000003 in binary
    floats, and an actual of 0.4 against 0.3 ± 0.1 is on the band's edge, inside. The slack, a
    billionth of the width, is far below what any measurement resolves."""
    return gap <= width * (1 + 1e-9)


def reached(value: float, V: float, direction: Optional[str], tolerance: Optional[float]) -> bool:
    if direction == "increase":
        return value >= V
    if direction == "decrease":
        return value <= V
    return tolerance is not None and within(abs(value - V), tolerance)


def _fraction(start: dt.date, day: dt.date, end: dt.date) -> float:
    return min(1.0, max(0.0, (day - start).days / (end - start).days))


def judge(
    metric: MetricInfo,
    series: Sequence[Point],
    today: dt.date,
    thresholds: Thresholds = Thresholds(),
    partners: Mapping[str, tuple] = {},
) -> Judgement:
    """The status of `metric`'s target on `series` (its overall points, oldest first).

    `partners` maps the ids `demotion_partners` names to `(MetricInfo, series)`; a partner
    missing from it is not judged. The metric must have a target (callers skip the others).
    """
    target = metric.target or Target()
    points = upto(series, today)
    recent = points[-SPARK_POINTS:]
    if not points:
        return Judgement("no-data", direction=target.direction, V=target.value, D=target.by)
    last = points[-1]
    L, tL = last.value, last.at
    S = target.since or points[0].at
    first = first_on_or_after(points, S)
    B = target.baseline if target.baseline is not None else (first.value if first else None)
    V, D = target.value, target.by
    direction = target.direction or implied_direction(B, V)
    tolerance = None
    if direction == "maintain" and V is not None:
        tolerance = target.tolerance if target.tolerance is not None else thresholds.maintain_tolerance * abs(V)
    base = dict(direction=direction, S=S, B=B, V=V, D=D, L=L, tL=tL, tolerance=tolerance, recent=recent)
    contradicts = (
        target.direction is not None
        and implied_direction(target.baseline, V) not in (None, target.direction)
    )
    paced = D is not None and D > S
    if V is None or B is None or contradicts or (direction != "maintain" and not paced):
        return Judgement("unpaced", **base)

    e = _fraction(S, tL, D) if paced else None
    figures = dict(base)
    if paced:
        figures.update(
            e=e,
            expected=B + e * (V - B),
            expected_today=B + _fraction(S, today, D) * (V - B),
        )
    p = (L - B) / (V - B) if V != B else None
    pacing = p / e if p is not None and e else None
    figures.update(p=p, pacing=pacing)
    met_before = direction != "maintain" and reached(L, V, direction, tolerance)
    forecast = fit_forecast(points, V, D, direction, met_before, thresholds.forecast_points)
    figures["forecast"] = forecast

    if D is not None and today > D:
        final = last_on_or_before(points, D) or first_on_or_after(points, D)
        met = reached(final.value, V, direction, tolerance)
        return Judgement("met" if met else "missed", **figures)
    period = period_days(metric.window, metric.review)
    if period is not None and (today - tL).days > thresholds.stale_windows * period:
        return Judgement("stale", **figures)
    if met_before:
        return Judgement("met", **figures)
    if direction == "maintain":
        gap = abs(L - V)
        status = "on-track" if within(gap, tolerance) else "at-risk" if within(gap, 2 * tolerance) else "off-track"
    elif e == 0 or (pacing is not None and pacing >= thresholds.on_track_pacing):
        status = "on-track"
    elif pacing is not None and pacing >= thresholds.at_risk_pacing:
        status = "at-risk"
    else:
        status = "off-track"
    if status == "on-track":
        worse = tuple(
            pid for pid in demotion_partners(metric, {pid: info for pid, (info, _) in partners.items()})
            if pid in partners and worsened(*partners[pid], S, tL, thresholds)
        )
        if worse:
            return Judgement("at-risk", demoted_by=worse, **figures)
    return Judgement(status, **figures)


# -- demotion ------------------------------------------------------------------------------


def demotion_partners(metric: MetricInfo, others: Mapping[str, MetricInfo]) -> tuple:
    """The ids whose worsening demotes `metric`: its guardrails, and for a leading metric its
    lagging partners at either end of `pairs_with`; in the order written, guardrails first."""
    ids = list(metric.guardrails)
    if metric.kind == "leading":
        paired = list(metric.pairs_with) + [
            oid for oid, other in others.items() if metric.id in other.pairs_with
        ]
        ids += [oid for oid in paired if oid in others and others[oid].kind == "lagging"]
    return tuple(dict.fromkeys(i for i in ids if i != metric.id))


def effective_direction(metric: MetricInfo, series: Sequence[Point]) -> Optional[str]:
    target = metric.target
    if target is None:
        return None
    if target.direction:
        return target.direction
    baseline = target.baseline
    if baseline is None:
        start = first_on_or_after(series, target.since) if target.since else (series[0] if series else None)
        baseline = start.value if start else None
    return implied_direction(baseline, target.value)


def change_against(direction: Optional[str], start: float, end: float, value: Optional[float]) -> float:
    """How far `start` -> `end` moved against the target (positive: worse), in the metric's unit."""
    if direction == "increase":
        return start - end
    if direction == "decrease":
        return end - start
    if direction == "maintain" and value is not None:
        return abs(end - value) - abs(start - value)
    return start - end  # no target direction: a fall is worse


def worsened(
    metric: MetricInfo, series: Sequence[Point], start: dt.date, end: dt.date, thresholds: Thresholds
) -> bool:
    """Whether `metric` moved against its target by more than `partner-worsening` over start..end."""
    if metric.target is None or metric.target.value is None:
        return False
    first, last = value_at(series, start), last_on_or_before(series, end)
    if first is None or last is None:
        return False
    moved = change_against(effective_direction(metric, series), first.value, last.value, metric.target.value)
    return moved > thresholds.partner_worsening * abs(first.value)


# -- forecast ------------------------------------------------------------------------------


def least_squares(points: Sequence[Point]) -> tuple:
    """(slope per day, intercept) of the least-squares line, x in days (date ordinals)."""
    xs = [p.at.toordinal() for p in points]
    x0 = xs[0]  # centred on the first day: ordinals are large, their squares lose precision
    xs = [x - x0 for x in xs]
    ys = [p.value for p in points]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return slope, my - slope * mx - slope * x0


def fit_forecast(
    points: Sequence[Point],
    V: Optional[float],
    D: Optional[dt.date],
    direction: Optional[str],
    met: bool,
    count: int = 8,
) -> Optional[Forecast]:
    """The least-squares line through the last `count` points (3 at least, else None)."""
    used = tuple(points[-int(count):])
    if len(used) < 3 or len({p.at for p in used}) < 2:
        return None
    slope, intercept = least_squares(used)
    at_by = slope * D.toordinal() + intercept if D is not None else None
    reaches = None
    last = used[-1]
    towards = V is not None and (V - last.value) * slope > 0
    if towards and not met and direction != "maintain" and slope:
        crossing = math.ceil((V - intercept) / slope - 1e-9)
        if crossing <= dt.date.max.toordinal():  # a line that slow reaches V after year 9999: never
            reaches = dt.date.fromordinal(max(last.at.toordinal() + 1, crossing))
    return Forecast(len(used), slope, at_by, reaches)


# -- segments ------------------------------------------------------------------------------


def segment_target(metric: MetricInfo, segment_series: Sequence[Point], overall_baseline: Optional[float],
                   thresholds: Thresholds = Thresholds()) -> Optional[MetricInfo]:
    """`metric` as `--segment DIM=X` judges it: the segment's own B and the same relative change.

    None when the ratio cannot be formed (no overall baseline, or one of 0): such a row is
    `unpaced`. The returned metric's target has B the segment's first value on or after S,
    V = B x (value / baseline), and a `maintain` band of the same relative width.
    """
    target = metric.target
    if target is None or target.value is None or not overall_baseline:
        return None
    points = segment_series
    start = first_on_or_after(points, target.since) if target.since else (points[0] if points else None)
    if start is None:
        return replace(metric, target=replace(target, baseline=None))
    scale = start.value / overall_baseline
    tolerance = target.tolerance
    if tolerance is None and (target.direction == "maintain" or implied_direction(overall_baseline, target.value) == "maintain"):
        tolerance = thresholds.maintain_tolerance * abs(target.value)
    return replace(metric, target=replace(
        target,
        baseline=start.value,
        value=target.value * scale,
        tolerance=None if tolerance is None else tolerance * abs(scale),
    ))


def judge_segment(metric: MetricInfo, segment_series: Sequence[Point], overall_series: Sequence[Point],
                  today: dt.date, thresholds: Thresholds = Thresholds()) -> Judgement:
    """The status of one segment's rows against the metric's target scaled to the segment."""
    target = metric.target or Target()
    overall = upto(overall_series, today)
    B = target.baseline
    if B is None and overall:
        first = first_on_or_after(overall, target.since or overall[0].at)
        B = first.value if first else None
    scaled = segment_target(metric, upto(segment_series, today), B, thresholds)
    if scaled is None:
        scaled = replace(metric, target=replace(target, value=None))
    # A segment row has no partners: demotion judges metrics, not their breakdowns.
    return judge(scaled, segment_series, today, thresholds)


# -- rollup --------------------------------------------------------------------------------


def worst(statuses: Iterable[str]) -> Optional[str]:
    """The worst status in rollup order, None for none."""
    ranks = [ROLLUP_ORDER.index(s) for s in statuses]
    return ROLLUP_ORDER[min(ranks)] if ranks else None


def rollup(parents: Mapping[str, Optional[str]], metric_statuses: Iterable[tuple]) -> dict:
    """Each node's rolled-up status: the worst among the metrics on it and every node below it.

    `parents` maps every node id to its parent's id (None at a root); `metric_statuses` gives
    `(node id, status)` for each metric with a target. A node with none has None.
    """
    found: dict = {node: [] for node in parents}
    for node, status in metric_statuses:
        seen = set()
        while node is not None and node in parents and node not in seen:
            seen.add(node)  # a parent cycle (H rules report it) must not loop forever
            found[node].append(status)
            node = parents[node]
    return {node: worst(statuses) for node, statuses in found.items()}


def fails(status: str, fail_on: Optional[str]) -> bool:
    """Whether `status` is at `--fail-on`'s level or worse (`stale`, `no-data`, `unpaced` never)."""
    if fail_on is None or status not in FAIL_LEVELS:
        return False
    return FAIL_LEVELS.index(status) >= FAIL_LEVELS.index(fail_on)


# -- sparkline -----------------------------------------------------------------------------


def sparkline(points: Sequence[Point], ascii_only: bool = False) -> str:
    """The last 12 points as bars, lowest to highest (a flat series sits in the middle)."""
    bars = SPARK_ASCII if ascii_only else SPARK
    values = [p.value for p in points[-SPARK_POINTS:]]
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return bars[3] * len(values)
    return "".join(bars[round((v - low) / (high - low) * 7)] for v in values)
