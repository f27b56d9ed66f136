"""O: metric overload. A team acts on a handful of numbers; a wall of them is a report nobody reads.

Only active metrics count (`status: active`, the default), as for T001: deprecated ones are
retired, and proposed ones are not in use yet; neither asks anyone's attention at a review.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Union

from metricspec.rules import Context, Finding, rule
from metricspec.rules.kit import counted, doc_anchor, doc_name, ids, retired
from metricspec.workspace import DocItem, MetricItem, NodeItem


def _active(metric: MetricItem) -> bool:
    """In use: `status: active` (the default), neither proposed nor deprecated. Not
    `MetricItem.active`, which also holds proposed metrics."""
    return metric.model.status == "active"


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
