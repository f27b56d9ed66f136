"""T: SMART targets. A metric is a goal only when its target is Specific, Measurable, Achievable,
Relevant and Time-bound: a value, where it stands now, which way it should move, and by when.

Deprecated metrics are retired and exempt from every target rule. Every date rule reads
`ctx.today` (`--today`), never the clock, and every threshold comes from `ctx.thresholds`.
When a target has no `direction`, it is inferred from baseline -> value: higher is
`increase`, lower is `decrease`, equal is `maintain`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Optional

from metricspec.plain import Target
from metricspec.rules import Context, Finding, rule
from metricspec.rules.kit import as_words, examples_for, metric_name, node_name
from metricspec.rules.kit import retired
from metricspec.rules.titles import has_number, has_time, vague_verb
from metricspec.rules.vanity import flagged
from metricspec.workspace import MetricItem, NodeItem

_PERCENT_UNITS = {"percent", "percentage", "pct", "%"}
_TARGET_HELP = "e.g. `target: {baseline: 32, value: 40, by: 2027-06-30}`"


def _num(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1e15 or abs(value) < 1e-4 else f"{value:,}"


def _pct(fraction: float, sign: bool = False) -> str:
    text = f"{fraction * 100:{'+' if sign else ''}.1f}".rstrip("0").rstrip(".")
    return f"{text}%"




def _target(metric: MetricItem) -> Optional[Target]:
    """The target the T rules judge: none on a deprecated metric."""
    return None if retired(metric) else metric.model.target


def _implied_direction(target: Target) -> Optional[str]:
    """The direction baseline -> value implies (what an absent `direction` is inferred as)."""
    if target.value is None or target.baseline is None:
        return None
    if target.value > target.baseline:
        return "increase"
    if target.value < target.baseline:
        return "decrease"
    return "maintain"


def _is_percent(metric: MetricItem) -> bool:
    return (metric.model.unit or "").strip().lower() in _PERCENT_UNITS


# Percents that are not a share of a population: they may pass 100 (net revenue retention of
# 110%, 150% year-over-year growth) or fall below 0 (a shrinking market, a negative margin,
# negative net MRR churn: expansion outgrowing churn, the goal).
_NET_CHURN = r"net (?:revenue |dollar |mrr |arr |subscription )?churn"
_OVER_100 = re.compile(
    r"\b(?:" + _NET_CHURN + r"|net (?:revenue|dollar|sales)? ?retention|nrr|ndr|growth|change|yoy|mom|qoq|wow|roi|roas|"
    r"return on|attainment|uplift|lift|markup|index|expansion|over plan|vs|versus)\b"
)
_BELOW_0 = re.compile(
    r"\b(?:" + _NET_CHURN + r"|growth|change|yoy|mom|qoq|wow|roi|roas|return on|uplift|lift|margin|profit|profitability|"
    r"net promoter|nps|variance|delta)\b"
)


def _percent_bounds(metric: MetricItem) -> tuple[Optional[float], Optional[float]]:
    """The lowest and highest value a percent metric can take, from what it measures."""
    said = as_words(f"{metric.id} {metric.model.name}")
    low = None if _BELOW_0.search(said) else 0.0
    high = None if _OVER_100.search(said) else 100.0
    return low, high


def _days(count: int) -> str:
    return f"{count:,} day{'' if count == 1 else 's'}"


# -- T001 --------------------------------------------------------------------------------------


@rule(
    "T001", "no-target", "warning", "metric", "an active metric with no `target`",
    what="A metric with `status: active` (the default) that has no `target`. Proposed metrics "
    "are still being designed and deprecated ones are retired: neither is flagged.",
    why="A metric without a target is not Measurable against anything: nobody can say "
    "whether 8,500 weekly report builders is good news or bad. The review turns into "
    "reading numbers aloud, and every change can be spun as progress. A target (value, "
    "baseline, deadline) turns the number into a commitment the team can win or miss.",
)
def check_no_target(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    if metric.model.status != "active" or metric.model.target is not None or metric.rejected("target"):
        return
    yield Finding(
        metric,
        f"active metric {metric_name(metric)} has no `target`: nothing says what number would count as success",
        help=f"Add a `target` with the value to reach, the baseline it starts from and the "
        f"deadline ({_TARGET_HELP}), or mark the metric `status: proposed` until it has one.",
        field=("id",),
    )


# -- T002 / T003 / T010: what a target is missing ---------------------------------------------


@rule(
    "T002", "no-deadline", "warning", "metric", "a target with no `by`",
    what="A metric's `target` with no `by` date.",
    why="A target without a deadline is not Time-bound: 'reach 40% activation' is equally "
    "on track this quarter and in five years, so it is never missed and never reviewed. "
    "The deadline is what makes the team plan backwards from it and what tells the "
    "review when to ask whether it was met.",
)
def check_no_deadline(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    target = _target(metric)
    if target is None or target.by is not None or metric.rejected("target", "by"):
        return
    goal = f"the target of {_num(target.value)}" if target.value is not None else "the target"
    yield Finding(
        metric,
        f"target of {metric_name(metric)} has no `by`: {goal} can never be missed",
        help="Add `by: YYYY-MM-DD`, the date by which the value should be reached (usually the "
        "end of a quarter or of the planning year).",
        field=("target",),
    )


@rule(
    "T003", "no-baseline", "warning", "metric", "a target with no `baseline`",
    what="A metric's `target` with no `baseline`: the value the metric stands at now.",
    why="Without a baseline the target is neither Achievable nor comparative: 11,000 weekly "
    "report builders may be a 5% nudge or a tenfold leap, and nobody can tell which. The "
    "baseline is what makes the ambition visible, lets reviewers judge it, and lets the "
    "team show progress before the deadline. Record when it was measured with `since`.",
)
def check_no_baseline(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    target = _target(metric)
    if target is None or target.baseline is not None or metric.rejected("target", "baseline"):
        return
    goal = f"the target of {_num(target.value)}" if target.value is not None else "the target"
    yield Finding(
        metric,
        f"target of {metric_name(metric)} has no `baseline`: nobody can tell whether {goal} is a "
        "nudge or a leap",
        help="Add `baseline:` with where the metric stands today (and `since:` with the date it "
        "was measured); if it is not measured yet, measure it before committing to a value.",
        field=("target",),
    )


@rule(
    "T010", "target-without-value", "error", "metric", "a target with no `value`",
    what="A metric's `target` that has no `value`: a deadline, a baseline or a direction, but "
    "no number to reach.",
    why="A target without a value breaks the file's meaning: it says there is a goal without "
    "saying what it is. It is not Specific, and nothing can be measured against it; it is "
    "usually a scaffold that was never filled in, or a `value` key misspelt.",
)
def check_target_without_value(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    target = _target(metric)
    if target is None or target.value is not None or metric.rejected("target", "value"):
        return
    given = [key for key in ("baseline", "direction", "by", "since") if getattr(target, key) is not None]
    evidence = f"it only sets {', '.join(f'`{key}`' for key in given)}" if given else "it is empty"
    yield Finding(
        metric,
        f"target of {metric_name(metric)} has no `value`: {evidence}, so there is no number to reach",
        help="Add `value:` with the number the metric should reach by the deadline, or remove "
        "the `target` until one is agreed.",
        field=("target",),
    )


# -- T004 / T009: the deadline ----------------------------------------------------------------


@rule(
    "T004", "deadline-passed", "warning", "metric", "`by` lies before today",
    what="A target whose `by` date lies before today (`--today` sets the date the linter "
    "uses). A deadline of today itself has not passed.",
    why="A target past its deadline is no longer Time-bound: it has either been met, been "
    "missed, or been quietly forgotten, and the spec still presents it as the plan. "
    "Closing it (record the result, set the next target or retire the metric) is what makes "
    "the next review honest.",
)
def check_deadline_passed(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    target = _target(metric)
    if target is None or target.by is None or target.by >= ctx.today:
        return
    late = (ctx.today - target.by).days
    yield Finding(
        metric,
        f"target of {metric_name(metric)} was due {target.by.isoformat()}, {_days(late)} before today "
        f"({ctx.today.isoformat()})",
        help="Record whether it was met, then set the next target (a new baseline, value and "
        "`by`), or deprecate the metric if the team no longer steers by it.",
        field=("target", "by"),
    )


@rule(
    "T009", "distant-deadline", "info", "metric", "`by` more than 730 days after today",
    what="A target whose `by` date lies more than `max-deadline-days` (730 by default) after "
    "today (`--today` sets the date the linter uses).",
    why="A deadline years away is Time-bound only on paper: nobody on the team is "
    "accountable for it at any review they will attend, and the plan cannot be checked "
    "until it is too late to change. Long-term ambitions belong in the objective; the "
    "metric's target should be the next milestone towards it.",
    options=(("thresholds.max-deadline-days", "how many days after today a deadline may lie (default 730)"),),
)
def check_distant_deadline(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    target = _target(metric)
    if target is None or target.by is None:
        return
    limit = ctx.thresholds.max_deadline_days
    ahead = (target.by - ctx.today).days
    if ahead <= limit:
        return
    yield Finding(
        metric,
        f"target of {metric_name(metric)} is due {target.by.isoformat()}, {_days(ahead)} after today "
        f"({ctx.today.isoformat()}), beyond {_days(limit)}",
        help="Set the next milestone instead, due within "
        f"{_days(limit)} (e.g. the end of next year), and keep the long-term ambition in the objective's title.",
        field=("target", "by"),
    )


# -- T005 / T006: the numbers -----------------------------------------------------------------


@rule(
    "T005", "unrealistic-target", "warning", "metric",
    "a relative change from baseline beyond 300%, or a percent outside 0-100",
    what="A target whose value lies more than `max-target-change` (3.0, i.e. 300%, by "
    "default) away from its baseline, relative to the baseline; or, with `unit: percent`, a "
    "value or baseline outside 0-100. A change from a baseline of 0 (a new feature starts "
    "from nothing) or across zero (from a loss to a profit) has no relative size, so only the "
    "percent bounds apply to it. Rates that are net or signed by definition are not a share of "
    "something and may leave 0-100: net revenue (or MRR) churn, net revenue retention, growth, "
    "change, ROI, uplift, attainment may pass 100; net revenue (or MRR) churn, growth, change, "
    "margin, profit, NPS may be negative (negative net MRR churn is the goal).",
    why="A target must be Achievable. Quintupling a metric in a planning cycle is a wish, "
    "not a plan: the team either sandbags the real work or games the number, and missing "
    "by a mile teaches everyone that targets do not matter. A percent above 100 or below 0 "
    "cannot happen at all, and usually means a count or a ratio was written where a "
    "percent was meant.",
    options=(("thresholds.max-target-change", "the largest relative change from baseline, 3.0 = 300% (default 3.0)"),),
)
def check_unrealistic_target(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    target = _target(metric)
    if target is None:
        return
    if _is_percent(metric):
        low, high = _percent_bounds(metric)
        outside = [
            (key, number) for key in ("value", "baseline")
            if (number := getattr(target, key)) is not None
            and ((low is not None and number < low) or (high is not None and number > high))
        ]
        if outside:
            evidence = " and ".join(f"{key} {_num(number)}" for key, number in outside)
            above = any(number > 100 for _, number in outside)
            share = "a share cannot exceed 100%" if above else "a share cannot be negative"
            yield Finding(
                metric,
                f"target of {metric_name(metric)} is in percent but its {evidence} "
                f"{'lies' if len(outside) == 1 else 'lie'} outside 0-100: {share}",
                help="Write percents as 0-100 (35 for 35%); if the number is a count or a ratio, set "
                "`unit` to what it really is.",
                field=("target", outside[0][0]),
            )
            return
    if target.value is None or target.baseline is None or target.baseline == 0:
        return
    if (target.baseline < 0) != (target.value < 0) and target.value != 0:
        return  # from a loss to a profit, a shrink to growth: a relative change across zero means nothing
    change = (target.value - target.baseline) / abs(target.baseline)
    limit = ctx.thresholds.max_target_change
    if abs(change) <= limit:
        return
    yield Finding(
        metric,
        f"target of {metric_name(metric)} moves from {_num(target.baseline)} to {_num(target.value)} "
        f"({_pct(change, sign=True)}), beyond {_pct(limit)}",
        help="Set a target the team can reach by the deadline (a stretch goal is usually 10-50% "
        "above the baseline), check that baseline and value use the same unit, or split the "
        "ambition into milestones.",
        field=("target", "value"),
    )


@rule(
    "T006", "direction-mismatch", "error", "metric", "`direction` contradicts baseline -> value",
    what="A target whose written `direction` contradicts its numbers: `increase` to a value "
    "below (or equal to) the baseline, `decrease` to a value above (or equal to) it, or "
    "`maintain` with a value that differs from the baseline. Without `direction` it is "
    "inferred from baseline -> value and cannot contradict.",
    why="The direction says which way is good news. When it contradicts the numbers, the "
    "target means two things at once: dashboards colour a regression green, and the team "
    "cannot tell whether to push the metric up or down. Lower-is-better metrics (days to "
    "get paid, churn, latency) are where this usually happens.",
)
def check_direction_mismatch(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    target = _target(metric)
    if target is None or target.direction is None:
        return
    implied = _implied_direction(target)
    if implied is None or implied == target.direction:
        return
    if implied == "maintain":
        moves = f"its value equals its baseline ({_num(target.value)})"
    else:
        article = "an" if implied == "increase" else "a"
        moves = f"it moves from {_num(target.baseline)} to {_num(target.value)}, {article} {implied}"
    yield Finding(
        metric,
        f"target of {metric_name(metric)} says `direction: {target.direction}` but {moves}",
        help=f"Fix whichever is wrong: write `direction: {implied}` (or drop `direction` and let "
        "baseline -> value say it), or correct the value or the baseline.",
        field=("target", "direction"),
    )


# -- T007: the node's title -------------------------------------------------------------------


@rule(
    "T007", "vague-objective", "warning", "node", "an objective or goal whose title states no amount and no usable target",
    what="An objective or goal whose title states no amount and that has no active metric with "
    "a usable `target` on the node itself: 'Increase user engagement', 'Teach better', "
    "'Register more people before the May 2027 elections' instead of 'Increase DAU by 20% next "
    "quarter'. It is judged by the missing amount, whatever verb the title opens with (or "
    "none). A year or a quarter says when, not how much; digits inside a name such as B2B, P95, "
    "v2 or 3D, and a window such as 30-day or week 4, are no amount; 'by a third' is one. A "
    "target on a metric flagged V001 or V002 (a raw count of reach, a running total) is not "
    "usable: it can be met without the objective moving.",
    why="'Improve engagement' is not Specific: every result counts as an improvement, so the "
    "objective can never be missed and cannot rank one project above another. Saying how "
    "much, of what, by when, in the title or in a target on the node, is what lets the "
    "team decide what not to do and lets leadership check it was met. A target on a download "
    "count or a running total does not say it either: it is met by marketing spend and time.",
)
def check_vague_objective(node: NodeItem, ctx: Context) -> Iterator[Finding]:
    if node.level > 1 or retired(node):
        return
    title = node.model.title
    if has_number(title):
        return
    active = [metric for metric in node.metrics if metric.active]
    targeted = [metric for metric in active if metric.model.target is not None]
    vanity = [(metric, code) for metric in targeted if (code := flagged(metric, ctx))]
    if len(vanity) < len(targeted):
        return
    if vanity:
        metric, code = vanity[0]
        evidence = f"the target of '{metric.id}' does not count: {code} flags it as a count that grows without the {node.level_name} moving"
    elif len(active) == 1:
        evidence = f"its metric '{active[0].id}' has no `target`"
    elif active:
        evidence = f"none of its {len(active)} metrics has a `target`"
    else:
        evidence = "it carries no metric"
    retired_targets = [metric.id for metric in node.metrics if retired(metric) and metric.model.target is not None]
    if retired_targets and not vanity:
        evidence += f" (the target of deprecated '{retired_targets[0]}' no longer counts)"
    question = "by how much?" if has_time(title) else "by how much, and by when?"
    verb = vague_verb(title)
    opening = f"'{verb}' {question}" if verb else question
    yield Finding(
        node,
        f"{node_name(node)} is vague: {opening} The title names no amount and {evidence}",
        help=f"Say how much and by when: put the number in the title (e.g. \"{examples_for(node.doc).goal}\"), "
        f"or give a metric on this {node.level_name} a `target` with value, baseline and `by`.",
        field=("title",),
    )


# -- T008 --------------------------------------------------------------------------------------


@rule(
    "T008", "no-unit", "warning", "metric", "a metric with no `unit`",
    what="A metric (not deprecated) with no `unit`, or an empty one.",
    why="Without a unit a number is not Measurable in any shared sense: is a target of 35 a "
    "percent, a count of teams or thousands of dollars? Readers guess, dashboards disagree, "
    "and a target can look ambitious or trivial depending on who reads it. The unit also "
    "lets the linter check that percents stay within 0-100.",
)
def check_no_unit(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    if retired(metric) or (metric.model.unit or "").strip() or metric.rejected("unit"):
        return
    target = metric.model.target
    if target is not None and target.value is not None:
        question = f"is its target of {_num(target.value)} a percent, a count or dollars?"
    else:
        question = "is it a percent, a count or dollars?"
    yield Finding(
        metric,
        f"metric {metric_name(metric)} has no `unit`: {question}",
        help="Add `unit:` (`percent`, `count`, `ratio`, `score`, `seconds`, `days`, or a currency "
        "code such as `USD`).",
        field=("unit",),
    )
