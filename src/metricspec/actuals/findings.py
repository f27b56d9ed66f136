"""The A rules' predicates: what the actuals show about the metrics themselves.

Each function looks at one metric (or, for A008/A009, one source's counts) and returns the
`AFinding`s it makes; the caller registers them as rules, places them at the metric's `id` (or
the source) and lets the engine select, suppress and re-severity them as it does lint's.
Thresholds come from `Thresholds`; the span is S to tL (S the target's `since`, else the first
actual), its ends read as Demotion reads them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Optional

from metricspec.actuals.model import AFinding, MetricInfo, Point, Thresholds
from metricspec.actuals.status import (
    Judgement,
    change_against,
    demotion_partners,
    effective_direction,
    figure,
    least_squares,
    period_days,
    ratio,
    review_days,
    upto,
    value_at,
    worsened,
)


def _num(x: float) -> str:
    return f"{figure(x):,}" if isinstance(figure(x), int) else f"{figure(x)}"


def _span(metric: MetricInfo, points: Sequence[Point]) -> Optional[tuple]:
    if not points:
        return None
    since = metric.target.since if metric.target else None
    return since or points[0].at, points[-1].at


def off_track(metric: MetricInfo, judgement: Judgement) -> list:
    """A001: a target whose status is `off-track` or `missed`."""
    if judgement.status not in ("off-track", "missed"):
        return []
    j = judgement
    if j.status == "missed":
        why = f"missed its target {_num(j.V)} by {j.D.isoformat()}: latest {_num(j.L)} on {j.tL.isoformat()}"
    elif j.direction == "maintain":  # judged by its band, with or without a deadline
        why = (f"is off-track: {_num(j.L)} on {j.tL.isoformat()}, more than twice its band "
               f"{_num(j.V)} ± {_num(j.tolerance)} away")
    else:
        why = (f"is off-track: {_num(j.L)} on {j.tL.isoformat()}, expected {_num(j.expected)} "
               f"on the way to {_num(j.V)} by {j.D.isoformat()} (pacing {ratio(j.pacing)})")
    return [AFinding("A001", metric.id, f"'{metric.id}' {why}", data={"status": j.status})]


def stale(metric: MetricInfo, series: Sequence[Point], today: dt.date, thresholds: Thresholds) -> list:
    """A002: an active metric whose latest actual is more than `stale-windows` periods old."""
    points = upto(series, today)
    period = period_days(metric.window, metric.review)
    if not metric.active or not points or period is None:
        return []
    age = (today - points[-1].at).days
    if age <= thresholds.stale_windows * period:
        return []
    return [AFinding(
        "A002", metric.id,
        f"'{metric.id}' was last measured on {points[-1].at.isoformat()}, {age} days ago: more than "
        f"{thresholds.stale_windows:g} periods of {period} days",
        data={"latest": points[-1].at.isoformat(), "age_days": age},
    )]


def myopia(metric: MetricInfo, judgement: Judgement, partners: Mapping[str, tuple],
           thresholds: Thresholds) -> list:
    """A003: progress over the span (p > 0) while a guardrail or lagging partner worsened over it."""
    if judgement.p is None or judgement.p <= 0 or judgement.S is None or judgement.tL is None:
        return []
    ids = demotion_partners(metric, {pid: info for pid, (info, _) in partners.items()})
    worse = [pid for pid in ids if pid in partners
             and worsened(*partners[pid], judgement.S, judgement.tL, thresholds)]
    if not worse:
        return []
    names = ", ".join(f"'{pid}'" for pid in worse)
    return [AFinding(
        "A003", metric.id,
        f"'{metric.id}' progressed from {judgement.S.isoformat()} to {judgement.tL.isoformat()} "
        f"(progress {ratio(judgement.p)}) while {names} worsened",
        data={"worsened": worse},
    )]


@dataclass(frozen=True)
class SegmentSpan:
    """A segment's values at the span's ends (`start` as Demotion reads it, `end` the last on or
    before tL), as the source's points query returns them; `rows` its rows in the read."""

    segment: str
    start: Optional[float]
    end: Optional[float]
    rows: int = 0
    end_at: Optional[str] = None  # the day of `end`, as the source wrote it (the report shows it)


def masked_segment_decline(metric: MetricInfo, series: Sequence[Point], segments: Sequence[SegmentSpan],
                           today: dt.date, thresholds: Thresholds) -> list:
    """A004: a flat or better overall value hiding a declared segment that fell by `segment-decline`."""
    points = upto(series, today)
    span = _span(metric, points)
    if span is None:
        return []
    first, last = value_at(points, span[0]), points[-1]
    direction = effective_direction(metric, points)
    if direction not in ("increase", "decrease"):
        direction = None  # a fall is worse
    value = metric.target.value if metric.target else None
    overall = _relative(change_against(direction, first.value, last.value, value), first.value)
    if overall is None or overall > thresholds.flatline_change:
        return []
    declared = set(metric.segments)
    falls = []
    for seg in segments:
        if seg.start is None or seg.end is None or seg.segment.partition("=")[0] not in declared:
            continue
        drop = _relative(change_against(direction, seg.start, seg.end, value), seg.start)
        if drop is not None and drop >= thresholds.segment_decline:
            falls.append((drop, seg.segment))
    if not falls:
        return []
    falls.sort(key=lambda item: (-item[0], item[1]))
    listed = ", ".join(f"{name} {round(drop * 100):g}% worse" for drop, name in falls)
    # Not worse by more than `flatline-change`, better counting as not worse: "held steady"
    # would misname a total that grew 79%.
    over = f"from {span[0].isoformat()} to {span[1].isoformat()}"
    trend = (f"did not worsen overall {over} ({round(-overall * 100):g}% better)" if overall < 0
             else f"held steady overall {over} ({round(overall * 100):g}% worse)")
    return [AFinding(
        "A004", metric.id, f"'{metric.id}' {trend} while {listed}",
        data={"segments": [name for _, name in falls]},
    )]


def _relative(change: float, start: float) -> Optional[float]:
    if start == 0:
        return None if change == 0 else math.copysign(math.inf, change)
    return change / abs(start)


def flatlined(metric: MetricInfo, series: Sequence[Point], today: dt.date, thresholds: Thresholds) -> list:
    """A005: the line over the last `flatline-cycles` review cycles moved less than its noise."""
    target = metric.target
    if target is not None and (target.direction == "maintain" or effective_direction(metric, series) == "maintain"):
        return []
    cycle = review_days(metric.review)
    points = upto(series, today)
    if cycle is None or not points:
        return []
    cycles = max(1, int(thresholds.flatline_cycles))
    tL = points[-1].at
    start = tL - dt.timedelta(days=cycle * cycles)
    used = [p for p in points if p.at > start]
    buckets = {min(cycles - 1, (tL - p.at).days // cycle) for p in used}
    if len(used) < 4 or len(buckets) < cycles:
        return []
    slope, intercept = least_squares(used)
    change = abs(slope) * cycle * cycles
    residuals = [p.value - (slope * p.at.toordinal() + intercept) for p in used]
    noise = math.sqrt(sum(r * r for r in residuals) / len(residuals))
    mean = sum(p.value for p in used) / len(used)
    allowed = max(noise, thresholds.flatline_change * abs(mean))
    if change > allowed:
        return []
    return [AFinding(
        "A005", metric.id,
        f"'{metric.id}' barely moved over its last {cycles} review cycles ({cycles * cycle} days to "
        f"{tL.isoformat()}): the trend changed it by {_num(change)}, within its noise ({_num(allowed)})",
        data={"change": figure(change), "allowed": figure(allowed)},
    )]


def baseline_mismatch(metric: MetricInfo, series: Sequence[Point], today: dt.date, thresholds: Thresholds) -> list:
    """A006: a `baseline` the actual nearest S (within one period, else 7 days) does not bear out."""
    target = metric.target
    points = upto(series, today)
    if target is None or target.baseline is None or not points:
        return []
    S = target.since or points[0].at
    reach = period_days(metric.window, metric.review) or 7
    near = [p for p in points if abs((p.at - S).days) <= reach]
    if not near:
        return []
    actual = min(near, key=lambda p: (abs((p.at - S).days), p.at))
    gap = abs(actual.value - target.baseline)
    if gap <= thresholds.baseline_mismatch * abs(target.baseline) and not (target.baseline == 0 and gap):
        return []
    return [AFinding(
        "A006", metric.id,
        f"'{metric.id}' has baseline {_num(target.baseline)} but measured {_num(actual.value)} on "
        f"{actual.at.isoformat()}",
        data={"actual": actual.value, "at": actual.at.isoformat()},
    )]


def already_met(metric: MetricInfo, judgement: Judgement, today: dt.date) -> list:
    """A007: a target `met` before its deadline."""
    j = judgement
    if j.status != "met" or (j.D is not None and today > j.D):
        return []
    by = f" by {j.D.isoformat()}" if j.D else ""
    return [AFinding(
        "A007", metric.id,
        f"'{metric.id}' already met its target {_num(j.V)}{by}: {_num(j.L)} on {j.tL.isoformat()}",
    )]


def metric_findings(metric: MetricInfo, series: Sequence[Point], judgement: Optional[Judgement],
                    today: dt.date, thresholds: Thresholds = Thresholds(),
                    partners: Mapping[str, tuple] = {}, segments: Sequence[SegmentSpan] = ()) -> list:
    """A001-A007 for one metric, in code order; `judgement` is None for a metric without a target."""
    found = []
    if judgement is not None:
        found += off_track(metric, judgement)
    found += stale(metric, series, today, thresholds)
    if judgement is not None:
        found += myopia(metric, judgement, partners, thresholds)
    found += masked_segment_decline(metric, series, segments, today, thresholds)
    found += flatlined(metric, series, today, thresholds)
    found += baseline_mismatch(metric, series, today, thresholds)
    if judgement is not None:
        found += already_met(metric, judgement, today)
    return found


def source_findings(label: str, unknown_ids: Mapping[str, int], unknown_dimensions: Mapping[tuple, int],
                    invalid: Mapping[str, int], line: Optional[int] = None) -> list:
    """A008 (unknown ids, unknown segment dimensions) and A009 (unusable rows) for one source.

    `invalid` maps a reason (`value`, `at`, `segment`, `repeat`) to its row count.
    """
    found = []
    for mid in sorted(unknown_ids):
        count = unknown_ids[mid]
        found.append(AFinding("A008", label, f"{count} {_rows(count)} for \"{mid}\", which no metric of the "
                              "workspace defines", line, {"metric": mid, "rows": count}))
    for (mid, dim) in sorted(unknown_dimensions):
        count = unknown_dimensions[(mid, dim)]
        found.append(AFinding("A008", label, f"{count} {_rows(count)} of \"{mid}\" for segment dimension "
                              f"\"{dim}\", which it does not declare", line,
                              {"metric": mid, "dimension": dim, "rows": count}))
    reasons = {
        "row": "a row that is not metric,at,value[,segment]",
        "metric": "no metric id",
        "value": "a value that is not a finite number",
        "at": "a bad `at` date",
        "segment": "a segment that is not dimension=value",
        "repeat": "repeats of one (metric, at, segment), taken as their mean",
    }
    parts = [f"{invalid[key]} {reasons[key]}" if key == "repeat" else f"{invalid[key]} with {reasons[key]}"
             for key in reasons if invalid.get(key)]
    if parts:
        total = sum(invalid.get(key, 0) for key in reasons)
        found.append(AFinding("A009", label, f"{total} unusable {_rows(total)} left out or merged: "
                              + "; ".join(parts), line, dict(invalid)))
    return found


def _rows(n: int) -> str:
    return "row" if n == 1 else "rows"
