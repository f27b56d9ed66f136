"""P: leading/lagging pairs. Every result needs the early signal that predicts it, and every
early signal needs the result that proves it mattered.

A pair counts for both ends and across files: the workspace links `pairs_with` in both
directions, so a leading metric named by a lagging metric's `pairs_with` in another file is
paired. Deprecated metrics are retired: they are not checked, and a deprecated partner does not
count as a partner. A metric with no `kind` is reported once (P004): its own pairing cannot be
judged, so it gets no P001/P002.
"""

from __future__ import annotations

from collections.abc import Iterator

from metricspec.rules import Context, Finding, rule
from metricspec.rules.kit import examples_for, ids, metric_name
from metricspec.workspace import MetricItem


def _kind_and_name(metric: MetricItem) -> str:
    """The metric with its kind, as a pairing finding names it: "leading metric 'id' ("name")"."""
    kind = f"{metric.model.kind} metric" if metric.model.kind else "metric"
    return f"{kind} {metric_name(metric)}"


def _partners(metric: MetricItem, ctx: Context) -> list[MetricItem]:
    """Other metrics paired with this one from either end, deprecated ones included.

    A context file's copy of an id that a linted file defines (a stale duplicate, read only for
    definitions) is not the metric its id names, so its `pairs_with` pairs nothing."""
    by_id = ctx.workspace.by_id
    return [p for p in metric.partners if p is not metric and (p.doc.reported or by_id.get(p.id) is p)]


def _pairs_field(metric: MetricItem) -> tuple:
    return ("pairs_with",) if metric.model.pairs_with else ("kind",)


def _unpaired_evidence(metric: MetricItem, wanted: str, ctx: Context) -> str:
    """Why `metric` has no active partner of kind `wanted`, in the words a reviewer would use."""
    others = _partners(metric, ctx)
    if not others:
        refs = metric.model.pairs_with
        if refs and all(ref == metric.id for ref in refs):
            return "its `pairs_with` names only itself"
        if refs:
            return "its `pairs_with` names no other metric of the run, and no metric names it in theirs"
        return "it has no `pairs_with`, and no metric names it in theirs"
    reasons = []
    same = [p for p in others if p.active and p.model.kind and p.model.kind != wanted]
    kindless = [p for p in others if p.active and not p.model.kind]
    retired = [p for p in others if not p.active]
    if same:
        reasons.append(f"{'its partner' if len(same) == 1 else 'its partners'} {ids(same)} "
                       f"{'is' if len(same) == 1 else 'are'} {same[0].model.kind} too")
    if kindless:
        reasons.append(f"{ids(kindless)} {'has' if len(kindless) == 1 else 'have'} no `kind`")
    if retired:
        reasons.append(f"{ids(retired)} {'is' if len(retired) == 1 else 'are'} deprecated")
    return "; ".join(reasons)


def _judged(metric: MetricItem, ctx: Context) -> bool:
    """Active, and the metric its id names: a second definition of an id (E003) has no
    pairs of its own, since every `pairs_with` naming that id resolves to the first."""
    return metric.active and ctx.workspace.by_id.get(metric.id) is metric


def _has_partner_of_kind(metric: MetricItem, kind: str, ctx: Context) -> bool:
    return any(p.active and p.model.kind == kind for p in _partners(metric, ctx))


@rule(
    "P001", "leading-without-lagging", "warning", "metric", "a leading metric paired with no lagging metric",
    what="An active `kind: leading` metric that is paired with no active lagging metric, from "
    "either end: neither its own `pairs_with` nor the `pairs_with` of a lagging metric (in any "
    "file of the run) links the two. A leading metric whose only partners are leading too, "
    "deprecated, or itself is unpaired. A partner with no `kind` does not count as lagging "
    "(P004 flags it).",
    why="A leading metric is a bet that moving it moves a result the business cares about. "
    "Without the lagging metric it predicts, nobody can check the bet: the team celebrates "
    "more weekly report builders while revenue stays flat, and never learns that the lever "
    "was the wrong one. Pairing it makes every review ask 'did the result follow?'.",
)
def check_leading_without_lagging(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    if not _judged(metric, ctx) or metric.model.kind != "leading" or _has_partner_of_kind(metric, "lagging", ctx):
        return
    yield Finding(
        metric,
        f"{_kind_and_name(metric)} is paired with no lagging metric: {_unpaired_evidence(metric, 'lagging', ctx)}",
        help="Add `pairs_with: <id>` naming the lagging result this metric is meant to predict "
        f"(e.g. {examples_for(metric.doc).result}), or name this metric in that metric's `pairs_with`.",
        field=_pairs_field(metric),
    )


@rule(
    "P002", "lagging-without-leading", "warning", "metric", "a lagging metric paired with no leading metric",
    what="An active `kind: lagging` metric that is paired with no active leading metric, from "
    "either end: neither its own `pairs_with` nor the `pairs_with` of a leading metric (in any "
    "file of the run) links the two. Partners that are lagging too, deprecated, itself, or "
    "have no `kind` do not count.",
    why="A lagging metric (revenue, churn, renewals) reports the result after the fact, "
    "usually a quarter too late to act on. Without a leading metric that moves first, the "
    "team only learns it missed when the quarter is over and cannot tell which of its "
    "levers to pull. The leading partner is what the team steers by week to week.",
)
def check_lagging_without_leading(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    if not _judged(metric, ctx) or metric.model.kind != "lagging" or _has_partner_of_kind(metric, "leading", ctx):
        return
    yield Finding(
        metric,
        f"{_kind_and_name(metric)} is paired with no leading metric: {_unpaired_evidence(metric, 'leading', ctx)}",
        help="Add `pairs_with: <id>` naming the leading metric that moves before this result "
        "(activation, weekly usage, a key behavior), or name this metric in that metric's `pairs_with`.",
        field=_pairs_field(metric),
    )


def _reports_pair(metric: MetricItem, partner: MetricItem) -> bool:
    """A pair named from both ends is reported once: on the end with the smaller id."""
    return metric.id not in partner.model.pairs_with or metric.id < partner.id


@rule(
    "P003", "pair-kind-mismatch", "warning", "metric",
    "`pairs_with` links two metrics of the same kind, or a metric to itself",
    what="A `pairs_with` entry that names a metric of the same `kind` (leading with leading, "
    "lagging with lagging), or the metric itself. Each mismatched pair is reported once, on "
    "the metric whose `pairs_with` names the other (on the smaller id when both name each "
    "other). Deprecated metrics, and partners with no `kind`, are not judged.",
    why="A pair is a prediction: this early signal moves before that result. Two leading "
    "metrics paired together predict nothing the business can bank, and two lagging ones "
    "only report the same quarter twice. The pair looks like a checked bet while neither "
    "end can validate the other; a metric paired with itself is a placeholder that was never "
    "filled in.",
)
def check_pair_kind_mismatch(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    if not _judged(metric, ctx) or not metric.model.pairs_with:
        return
    by_id = ctx.workspace.by_id
    refs = metric.model.pairs_with
    seen: set[str] = set()
    for index, ref in enumerate(refs):
        if ref in seen:
            continue
        seen.add(ref)
        partner = by_id.get(ref)
        if not isinstance(partner, MetricItem):
            continue  # unresolved or not a metric: E004 reports it
        field = ("pairs_with", index) if len(refs) > 1 else ("pairs_with",)
        if partner is metric:
            yield Finding(
                metric,
                f"{_kind_and_name(metric)} is paired with itself: `pairs_with` names its own id",
                help="Name the metric of the other kind it is paired with: for a leading metric "
                "the lagging result it predicts, for a lagging one the leading metric that moves first.",
                field=field,
            )
            continue
        kind = metric.model.kind
        if not partner.active or not kind or partner.model.kind != kind or not _reports_pair(metric, partner):
            continue
        other = "lagging" if kind == "leading" else "leading"
        role = "the lagging result it predicts" if kind == "leading" else "the leading metric that moves before it"
        yield Finding(
            metric,
            f"{_kind_and_name(metric)} is paired with {metric_name(partner)}, which is "
            f"{kind} too: a pair links a leading metric to a lagging one",
            help=f"Pair '{metric.id}' with {role} instead; if '{partner.id}' is really {other}, "
            f"set its `kind: {other}`.",
            field=field,
        )


@rule(
    "P004", "kind-missing", "warning", "metric", "a metric with no `kind`",
    what="An active metric with no `kind`, so nobody can tell whether it leads or lags and its "
    "pairing cannot be judged (it gets no P001/P002 until it has one).",
    why="Leading metrics (weekly active report builders, activation) are what the team steers "
    "by; lagging metrics (revenue, churn) are the results that prove the steering worked. A "
    "metric that is neither cannot be paired, so it is neither a lever nor a proof: it is a "
    "number on a dashboard. Deciding its kind forces the question of what it is for.",
)
def check_kind_missing(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    if not metric.active or metric.model.kind or metric.rejected("kind"):
        return
    yield Finding(
        metric,
        f"metric {metric_name(metric)} has no `kind`: nobody can tell whether it "
        "leads or lags, so its pairing cannot be judged",
        help="Add `kind: leading` if it moves first and the team steers by it (usage, "
        f"activation), or `kind: lagging` if it reports a result after the fact (e.g. {examples_for(metric.doc).result}).",
        field=("kind",),
    )
