"""O: metric overload. A team acts on a handful of numbers; a wall of them is a report nobody reads.

Only active metrics count (`status: active`, the default), as for T001: deprecated ones are
retired, and proposed ones are not in use yet; neither asks anyone's attention at a review.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Optional, Union

from metricspec.rules import Context, Finding, rule
from metricspec.rules.kit import counted, doc_anchor, doc_name, ids, in_use, metric_name, retired
from metricspec.workspace import DocItem, MetricItem, NodeItem


# In use: `status: active` (the default), neither proposed nor deprecated; the one meaning of
# "active" in every message (kit.in_use).
_active = in_use


@rule(
    "O001", "crowded-node", "warning", "node", "more than 3 active metrics directly on one node",
    what="A node (objective, goal, outcome or behavior) that carries more active metrics "
    "directly than `max-metrics-per-node` allows (3 by default). Metrics on the nodes below "
    "it do not count; proposed and deprecated metrics do not count.",
    why="Each level of the hierarchy needs one to three numbers that say whether it is "
    "happening. Past that, nobody knows which one decides: the team cherry-picks whichever "
    "moved the right way, and the node's owner spends the review explaining numbers "
    "instead of acting on one. A crowded node is usually behavior metrics hung too high, "
    "or one metric split by segment into several.",
    options=(("thresholds.max-metrics-per-node", "the most active metrics one node may carry directly (default 3)"),),
)
def check_crowded_node(node: NodeItem, ctx: Context) -> Iterator[Finding]:
    limit = ctx.thresholds.max_metrics_per_node
    if retired(node):
        return
    active = [metric for metric in node.metrics if _active(metric)]
    if len(active) <= limit:
        return
    below = " move behavior-level measures down to the behaviors they describe," if node.level < 3 else ""
    yield Finding(
        node,
        f"{node.level_name} '{node.id}' carries {counted(len(active), 'active metric')} directly "
        f"(limit {limit}): {ids(active, 6)}",
        help=f"Keep the few that decide whether this {node.level_name} is happening;{below} fold per-segment copies into one metric with `segments`, and "
        "set `status: deprecated` on the rest.",
        field=("metrics",),
    )


@rule(
    "O002", "metric-overload", "warning", "document", "more than 12 active metrics in one document",
    what="A document that defines more active metrics than `max-metrics-per-document` allows "
    "(12 by default), counted over every node of the file. Proposed and deprecated metrics do "
    "not count.",
    why="A product team can watch and act on about a dozen numbers; beyond that the spec "
    "becomes a data dump. Every extra metric dilutes attention from the north star, gives "
    "someone a number that happened to go up to present, and costs instrumentation and "
    "review time. Fewer, sharper metrics make for faster decisions.",
    options=(("thresholds.max-metrics-per-document", "the most active metrics one document may define (default 12)"),),
)
def check_metric_overload(doc: DocItem, ctx: Context) -> Iterator[Finding]:
    limit = ctx.thresholds.max_metrics_per_document
    active = [metric for metric in doc.metrics if _active(metric)]
    if len(active) <= limit:
        return
    per_node: dict[int, list[MetricItem]] = {}
    for metric in active:
        per_node.setdefault(id(metric.node), []).append(metric)
    busiest = max(per_node.values(), key=len)
    yield Finding(
        doc,
        f"{doc_name(doc)} defines {counted(len(active), 'active metric')} (limit {limit}) over "
        f"{counted(len(per_node), 'node')}; the busiest, {busiest[0].node.level_name} "
        f"'{busiest[0].node.id}', carries {len(busiest)}",
        help="Keep the north star, its guardrails and the leading/lagging pairs that drive "
        "decisions; set `status: deprecated` on metrics no decision depends on, or split the "
        "file by team.",
        field=doc_anchor(doc),
    )


Source = Union[DocItem, NodeItem, MetricItem]


def _owner_source(metric: MetricItem) -> Source:
    """Where the metric's owner is written: the metric, its nearest owning ancestor, or the document."""
    if metric.model.owner:
        return metric
    node = metric.node
    if node.model.owner:
        return node
    for ancestor in node.ancestors():
        if ancestor.model.owner:
            return ancestor
    return metric.doc


@rule(
    "O003", "owner-overload", "info", "workspace", "one owner answering for more than 6 active metrics across the run",
    what="One owner answering for more active metrics than `max-metrics-per-owner` allows (6 "
    "by default), across every file of the run. Owners are inherited: a metric without its "
    "own `owner` belongs to its nearest node's owner, then the document's. Owners are "
    "compared ignoring case. Proposed and deprecated metrics do not count. Reported once per "
    "owner, at the `owner:` that hands them the most metrics.",
    why="Ownership means someone looks at the number every review and acts when it moves. "
    "Nobody can do that for a dozen metrics: in practice the owner watches three and the "
    "rest drift unnoticed. Usually a document-wide default owner was never replaced by the "
    "people closest to each goal.",
    options=(("thresholds.max-metrics-per-owner", "the most active metrics one owner may answer for across the run (default 6)"),),
)
def check_owner_overload(ctx: Context) -> Iterator[Finding]:
    limit = ctx.thresholds.max_metrics_per_owner
    owned: dict[str, list[MetricItem]] = {}
    for doc in ctx.workspace.reported_docs:
        for metric in doc.metrics:
            owner = metric.owner
            if _active(metric) and owner and owner.strip():
                owned.setdefault(owner.strip().casefold(), []).append(metric)
    for metrics in owned.values():
        if len(metrics) <= limit:
            continue
        # Point at the `owner:` that hands this owner the most metrics (the first, on a tie).
        sources: dict[int, list] = {}
        for metric in metrics:
            source = _owner_source(metric)
            sources.setdefault(id(source), [source, 0])[1] += 1
        source, _ = max(sources.values(), key=lambda entry: entry[1])
        anchor: Source = source
        field: tuple = ("owner",)
        source_doc = anchor if isinstance(anchor, DocItem) else anchor.doc
        if not source_doc.reported:  # an owner inherited from a file read only for context
            anchor, field = metrics[0], ("id",)
        owner = metrics[0].owner.strip()
        files = len({id(metric.doc) for metric in metrics})
        where = f"across {files} files" if files > 1 else "in one file"
        yield Finding(
            anchor,
            f"owner '{owner}' answers for {counted(len(metrics), 'active metric')} {where} "
            f"(limit {limit}): {ids(metrics, 5)}",
            help="Hand goals and outcomes to the people closest to them (`owner:` on the node "
            "or metric), retire metrics no decision depends on, or raise "
            "`max-metrics-per-owner` if this owner is a whole team.",
            field=field,
        )


# -- O004 -------------------------------------------------------------------------------------

# A formula that is another metric times a constant: `mrr * 12`, `12 × mrr`, `revenue / 1000`.
_NUMBER = r"\d[\d_,]*(?:\.\d+)?"
_MULTIPLE = re.compile(
    rf"^\(?\s*(?:(?P<before>{_NUMBER})\s*[*×x]\s*)?(?P<id>[A-Za-z][\w-]*)"
    rf"(?:\s*(?P<op>[*×x/])\s*(?P<after>{_NUMBER}))?\s*\)?$"
)


def _multiple_of(metric: MetricItem, ctx: Context) -> Optional[tuple[MetricItem, str]]:
    """The other metric the formula is a constant multiple of, and the factor as written."""
    match = _MULTIPLE.match((metric.model.formula or "").strip())
    if match is None:
        return None
    name = match["id"]
    for candidate in (name, name.lower(), name.lower().replace("_", "-")):
        other = ctx.workspace.by_id.get(candidate)
        if isinstance(other, MetricItem) and other is not metric and not retired(other):
            op = "÷" if match["op"] == "/" else "×"
            factor = match["before"] or match["after"]
            return other, f"{op} {factor}" if factor else "itself"
    return None


def _definition(metric: MetricItem) -> Optional[tuple]:
    """What the metric counts and how, normalised; None when it says neither event nor ratio."""
    model = metric.model
    parts = tuple(" ".join((text or "").lower().split()) for text in (model.event, model.numerator, model.denominator))
    if not any(parts):
        return None
    return (*parts, " ".join((model.window or "").lower().split()), model.aggregation)


def _how(metric: MetricItem) -> str:
    model = metric.model
    said = [f"{key} `{value.strip()}`" for key in ("event", "numerator", "denominator")
            if (value := getattr(model, key))]
    said.append(f"window {model.window}" if model.window else "no window")
    said.append(f"aggregation {model.aggregation}" if model.aggregation else "no aggregation")
    return ", ".join(said)


@rule(
    "O004", "redundant-metric", "warning", "document", "a metric that measures the same thing as another",
    what="A metric that measures the same thing as another: its `formula` is a constant "
    "multiple of one other metric (ARR written `mrr * 12` beside MRR), or two active metrics "
    "of the document count the same `event` (or `numerator` and `denominator`) with the same "
    "`window` and `aggregation`: one finding per definition, on its first copy, naming the "
    "others. Deprecated metrics do not count.",
    why="One number tracked twice looks like two signals and is one: it takes a place a real "
    "signal could hold (the document's and the node's few metrics), doubles the review time, "
    "and invites a team to celebrate the same movement twice. ARR and MRR always move "
    "together; keep the one the team steers by.",
)
def check_redundant_metric(doc: DocItem, ctx: Context) -> Iterator[Finding]:
    seen: dict[tuple, list[MetricItem]] = {}
    for metric in doc.metrics:
        if retired(metric):
            continue
        multiple = _multiple_of(metric, ctx) if metric.model.formula else None
        if multiple is not None:
            other, factor = multiple
            same = f"the same number as {metric_name(other)}" if factor == "itself" else f"{metric_name(other)} {factor}"
            message = (f"{metric_name(metric)} is {same} (its formula `{metric.model.formula.strip()}`): "
                       "one number, tracked twice")
            yield Finding(
                metric, message,
                help=f"Keep the one the team steers by: deprecate '{metric.id}' (show it on a dashboard "
                f"if people ask for it), or deprecate '{other.id}' and give '{metric.id}' its own definition.",
                field=("formula",),
            )
            continue
        if _active(metric) and (key := _definition(metric)) is not None:
            seen.setdefault(key, []).append(metric)
    # One finding per definition tracked more than once (one root cause, one finding), on its
    # first copy, naming the others.
    for first, metric, *more in (group for group in seen.values() if len(group) > 1):
        field = next(name for name in ("event", "numerator", "denominator") if getattr(metric.model, name))
        also = f" (and so do {ids(more, 3)})" if more else ""
        yield Finding(
            metric,
            f"{metric_name(metric)} measures the same thing as {metric_name(first)}{also}: "
            f"{'all' if more else 'both'} count {_how(metric)}",
            help=f"Keep one of them: deprecate '{metric.id}'{' and the other copies' if more else ''}, or "
            "change what it counts (another event, a denominator, a window) if it was meant to "
            "measure something else.",
            field=(field,),
        )
