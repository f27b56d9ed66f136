"""B: balance. One number alone is gamed; a product seen from one side only is misread.

A healthy spec watches users, the business and operations side by side, guards its north star
with counter-metrics, and reads user numbers by segment. Deprecated metrics are retired and
count for nothing here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Optional

from metricspec.rules import Context, Finding, rule
from metricspec.rules.kit import counted, doc_anchor, doc_name, examples_for, in_use, join_words, metric_name, number
from metricspec.rules.vanity import flagged
from metricspec.workspace import DocItem, MetricItem

CATEGORIES = ("user", "business", "operational")


class _Product:
    """The active metrics of one product, over every file of the run that names it."""

    __slots__ = ("metrics", "files", "first")

    def __init__(self) -> None:
        self.metrics: list[MetricItem] = []
        self.files = 0
        # Where B001 speaks: the product's first file in path order (a walk's), whichever files a
        # run names, so that a hook run reports it where a full run does, or not at all.
        self.first: Optional[DocItem] = None


def _products(ctx: Context) -> dict[str, _Product]:
    """Every named product of the run; built once per run, since each document asks for its own."""
    cache = ctx.workspace.__dict__.get("_b001_products")
    if cache is None:
        cache = ctx.workspace.__dict__["_b001_products"] = {}
        for doc in ctx.workspace.docs:
            if doc.model.product is None:
                continue
            product = cache.setdefault(doc.model.product, _Product())
            product.metrics.extend(metric for metric in doc.metrics if in_use(metric))
            product.files += 1
            if product.first is None or _path_order(doc) < _path_order(product.first):
                product.first = doc
    return cache


def _path_order(doc: DocItem) -> list[str]:
    return os.path.abspath(doc.loaded.path).split(os.sep)


@rule(
    "B001", "unbalanced-categories", "info", "document",
    "a product whose metrics miss one of the categories user, business, operational",
    what="A product whose active metrics (`status: active`) leave out at least one of the three "
    "categories `user`, `business` and `operational`. A product is every file of the run with "
    "the same `product` (a team's file of user metrics is balanced by its product's other "
    "files), reported once, on its first file in path order (a hook run naming another of its "
    "files reads them all, and reports nothing there); a file without `product` is judged "
    "alone. The finding lists the missing categories, and how many metrics declare no "
    "`category` at all.",
    why="Each category catches what the others miss. User metrics without business ones "
    "celebrate engagement that never pays; business metrics without user ones hit revenue "
    "targets by squeezing customers; neither notices the slow pages, failures and support "
    "queues that operational metrics show until churn does. A balanced spec, like a "
    "balanced scorecard, keeps one win from hiding another loss.",
)
def check_unbalanced_categories(doc: DocItem, ctx: Context) -> Iterator[Finding]:
    if doc.model.product is None:
        active, files = [metric for metric in doc.metrics if in_use(metric)], 1
    else:
        product = _products(ctx)[doc.model.product]
        if product.first is not doc:
            return
        active, files = product.metrics, product.files
    if not active:
        return
    present = {metric.model.category for metric in active if metric.model.category}
    missing = [category for category in CATEGORIES if category not in present]
    if not missing:
        return
    uncategorised = sum(1 for metric in active if not metric.model.category)
    count = counted(len(active), "active metric")
    whose = doc_name(doc) + (f" ({files} files)" if files > 1 else "")
    if not present:
        which = f"the only active metric of {whose} declares no" if len(active) == 1 else (
            f"none of the {count} of {whose} declares a"
        )
        message = f"{which} `category`, so nothing shows user, business and operational health side by side"
    else:
        covered = [category for category in CATEGORIES if category in present]
        message = (
            f"{'the only active metric' if len(active) == 1 else 'the ' + count} of {whose} "
            f"cover{'s' if len(active) == 1 else ''} {join_words(covered)} but no "
            f"{join_words(missing, 'or')} metric"
        )
        if uncategorised:
            message += f" ({uncategorised} declare{'s' if uncategorised == 1 else ''} no `category`)"
    examples = _category_examples(doc)
    yield Finding(
        doc,
        message,
        help=f"Add {join_words([examples[category] for category in missing])}, or set `category` on "
        "the metrics that already measure it.",
        field=doc_anchor(doc),
    )


def _category_examples(doc: DocItem) -> dict[str, str]:
    examples = examples_for(doc)
    return {
        "user": f"a user metric (e.g. {examples.retention}, satisfaction)",
        "business": f"a business metric (e.g. {examples.money})",
        "operational": "an operational metric (reliability, latency, support load)",
    }


@rule(
    "B002", "unguarded-north-star", "warning", "document", "the north star has no `guardrails`",
    what="The document's `north_star` names a metric with no active `guardrails`: no "
    "counter-metric is watched beside it. Guardrails that are deprecated, or that name the "
    "north star itself, do not count. The guardrails may live in any file of the run.",
    why="Optimising one number alone invites gaming it (metric myopia, Goodhart's law): "
    "weekly active users go up with notification spam, bookings with refunds, reports "
    "built with reports that fail. A guardrail such as unsubscribe rate, refund rate or "
    "report failure rate is the counter-metric that must not get worse while the north "
    "star climbs, so that the team wins honestly.",
)
def check_unguarded_north_star(doc: DocItem, ctx: Context) -> Iterator[Finding]:
    star = ctx.workspace.north_star(doc)
    if star is None:
        return
    guards = [guard for guard in star.guardrails if guard.active and guard is not star]
    if guards:
        return
    void = [guard for guard in star.guardrails if guard not in guards]
    if void:
        shown = ", ".join(f"'{guard.id}'" for guard in void)
        evidence = f"its guardrails ({shown}) are deprecated or name itself"
    else:
        evidence = "it has no `guardrails`"
    yield Finding(
        doc,
        f"north star {metric_name(star)} is unguarded: {evidence}, so nothing "
        "shows when it is being gamed",
        help=f"Add `guardrails: [...]` to '{star.id}' naming the counter-metrics that must not "
        f"get worse while it climbs (e.g. {examples_for(doc).guards}).",
        field=("north_star",),
        subject=star.id,
    )


@rule(
    "B003", "unsegmented-user-metric", "info", "metric", "a `category: user` metric with no `segments`",
    what="An active metric of `category: user` that lists no `segments`: the breakdowns "
    "(plan tier, user type, acquisition channel, cohort) it is always read by.",
    why="An overall user number is an average over very different people. A flat weekly-"
    "active count can hide a shrinking core segment behind a wave of low-intent sign-ups, "
    "and a falling one can be a single channel drying up. Reading user metrics by segment "
    "is how a team sees who it is winning and losing, in time to act.",
)
def check_unsegmented_user_metric(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    if metric.model.category != "user" or not metric.active or metric.model.segments:
        return
    yield Finding(
        metric,
        f"user metric {metric_name(metric)} has no `segments`: an overall number "
        "can hide a shrinking core segment",
        help="Add `segments:` with the breakdowns it is always read by, e.g. "
        f"`segments: {examples_for(metric.doc).segments}`.",
        field=("category",),
    )


# -- B004 -------------------------------------------------------------------------------------

# A target this far from its baseline (relative to it) is pushed hard enough to invite gaming.
# A percent moves in points: 22% -> 35% is a 13-point step, not a 59% leap (a rate near 0
# would otherwise make every improvement a stretch), while 60% -> 90% take-up is 30 points.
STRETCH = 0.30
_PERCENT_UNITS = {"percent", "percentage", "pct", "%"}
# Below this, both ends are a small count (2 -> 3 releases): a step, not a stretch.
SMALL_COUNT = 10


def _stretch(metric: MetricItem) -> Optional[float]:
    """The target's change from its baseline (points / 100 for a percent, else relative to the
    baseline), when it is a stretch; else None."""
    target = metric.model.target
    if target is None or target.value is None or target.baseline is None:
        return None
    change = target.value - target.baseline
    if target.direction and change and target.direction != ("increase" if change > 0 else "decrease"):
        return None  # the target contradicts itself (T006): to be corrected, not guarded
    if (metric.model.unit or "").strip().lower() in _PERCENT_UNITS:
        if not (0 <= target.value <= 100 and 0 <= target.baseline <= 100):
            return None  # not a share (T005, or a signed rate): points say nothing
        change = (target.value - target.baseline) / 100
        return change if abs(change) >= STRETCH else None
    if target.baseline == 0:
        return None  # from nothing (a new feature), the change has no relative size
    if abs(target.value) < SMALL_COUNT and abs(target.baseline) < SMALL_COUNT:
        return None
    if (target.value < 0) != (target.baseline < 0):
        return None  # across zero: no relative size either
    change = (target.value - target.baseline) / abs(target.baseline)
    return change if abs(change) >= STRETCH else None


@rule(
    "B004", "unguarded-stretch-target", "warning", "metric",
    "a target 30% or more from its baseline, on a metric with no `guardrails`",
    what="A metric whose target moves it 30% or more from its baseline (relative to the "
    "baseline, either way; a percent by 30 points or more, as 60% -> 90% take-up) and that "
    "has no active `guardrails` of its own. The document's "
    "north star is B002's, not this rule's; small counts (baseline and value both under 10: "
    "2 -> 3 releases) are not stretch targets, and neither is a target from a baseline of 0 or "
    "across zero, nor one on a metric V001 or V002 flags (it is to be replaced, not guarded), "
    "nor a target that is itself to be corrected (a `direction` its numbers contradict, a "
    "percent outside 0-100). "
    "Deprecated metrics are not checked.",
    why="The harder a number is pushed, the more it invites gaming it (metric myopia, "
    "Goodhart's law): a 90% take-up target is met by making the other channels worse, a "
    "halved handling time by closing calls early. A counter-metric watched beside it "
    "(satisfaction, failure demand, refunds) is what shows whether the number moved for the "
    "right reason.",
)
def check_unguarded_stretch_target(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    if not metric.active or any(guard.active and guard is not metric for guard in metric.guardrails):
        return
    change = _stretch(metric)
    if change is None or ctx.workspace.north_star(metric.doc) is metric or flagged(metric, ctx):
        return
    target = metric.model.target
    percent = (metric.model.unit or "").strip().lower() in _PERCENT_UNITS
    moves = f"{abs(change) * 100:.0f} {'points' if percent else '%'}".replace(" %", "%")
    way = "up" if change > 0 else "down"
    yield Finding(
        metric,
        f"{metric_name(metric)} is pushed {moves} {way} (from {number(target.baseline)} to {number(target.value)}) "
        "with no `guardrails`: nothing shows whether it moved for the right reason",
        help=f"Add `guardrails: [...]` to '{metric.id}' naming the counter-metrics that must not get "
        f"worse while it is pushed (e.g. {examples_for(metric.doc).guards}).",
        field=("target", "value"),
    )
