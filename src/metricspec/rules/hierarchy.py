"""H: hierarchy. A line of sight from a button click to the bottom line.

Every business objective should be broken into product goals, user outcomes and the behaviors
that show them; every behavior should be measured; the objective itself needs a lagging
metric that says whether it was met; and the document needs a north star that leads success
instead of reporting it. Deprecated nodes and metrics are retired: they neither need nor count
as measurement.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional

from metricspec.rules import Context, Finding, rule
from metricspec.rules.kit import (
    counted, doc_anchor, doc_name, examples_for, ids, in_use, is_cost, metric_name, node_name, retired,
)
from metricspec.rules.vanity import flagged
from metricspec.workspace import DocItem, MetricItem, NodeItem

_NEXT_LEVEL = {0: "goals", 1: "outcomes", 2: "behaviors"}


def _active_metrics(node: NodeItem) -> list[MetricItem]:
    return [metric for metric in node.metrics if metric.active]


@rule(
    "H001", "unmeasured-behavior", "warning", "node", "a behavior with no metric",
    what="A behavior (the bottom level of the hierarchy: the thing users do that shows an "
    "outcome) that carries no active metric. Deprecated metrics do not count; deprecated "
    "behaviors are not checked.",
    why="Behaviors are where the line of sight starts: the button click that, repeated by "
    "enough users, moves the outcome and then the business objective. A behavior nobody "
    "measures is a hope, not a lever: the team cannot tell whether the feature it built "
    "changed what users do, so every result above it is unexplained.",
)
def check_unmeasured_behavior(node: NodeItem, ctx: Context) -> Iterator[Finding]:
    if node.level != 3 or retired(node):
        return
    if _active_metrics(node):
        return
    deprecated = [metric for metric in node.metrics if retired(metric)]
    evidence = (
        (f"its only metric{'s' if len(deprecated) != 1 else ''} ({ids(deprecated)}) "
         f"{'are' if len(deprecated) != 1 else 'is'} deprecated") if deprecated else "it has no `metrics`"
    )
    yield Finding(
        node,
        f"{node_name(node)} is not measured: {evidence}",
        help="Add a leading metric that counts how many people do this, ideally as a share of "
        f"those who could (e.g. '{examples_for(node.doc).behavior}').",
        field=("id",),
    )


@rule(
    "H002", "broken-line-of-sight", "warning", "node",
    "an objective with no goals, a goal with no outcomes, an outcome with no behaviors",
    what="An objective with no goals, a goal with no outcomes, or an outcome with no "
    "behaviors under it, in its own file or in another file of the run (nodes that name it "
    "with `parent:`). Deprecated nodes are not checked and do not count as children. "
    "Behaviors are the bottom level and have no children.",
    why="The hierarchy exists to show how a button click adds up to the bottom line. Where a "
    "level is missing, nobody can say which product work serves the objective, or which "
    "user behavior would show that an outcome is happening: the chain is broken and the "
    "roadmap floats free of the business goal.",
)
def check_broken_line_of_sight(node: NodeItem, ctx: Context) -> Iterator[Finding]:
    if node.level >= 3 or retired(node):
        return
    children = [child for child in node.children if not retired(child)]
    if children:
        return
    below = _NEXT_LEVEL[node.level]
    evidence = f"all its {below} are deprecated" if node.children else f"it has no {below}"
    yield Finding(
        node,
        f"{node_name(node)} breaks the line of sight: {evidence}",
        help=f"Add the {below} that show how it is reached (nested under `{below}:`, or in "
        f"another file with `parent: {node.id}`, linted in the same run).",
        field=("id",),
    )


def _inherited_north_star(doc: DocItem, ctx: Context) -> Optional[MetricItem]:
    """The north star of the document a team file's top-level nodes hang under, if any."""
    workspace = ctx.workspace
    for node in doc.nodes:
        if node.holder is not None or node.parent is None:
            continue
        for ancestor in node.ancestors():
            if ancestor.doc is not doc:
                found = workspace.north_star(ancestor.doc)
                if found is not None:
                    return found
    return None


@rule(
    "H003", "no-north-star", "warning", "document", "a document with metrics but no `north_star`",
    what="A document that defines active metrics but names no `north_star`. A team's file "
    "whose nodes hang (with `parent:`) under a document that has a north star shares that "
    "one and is not flagged.",
    why="The north star is the one metric that best captures the value the product delivers "
    "to its users and leads its long-term revenue. Without it, every team optimises its own "
    "number, trade-offs between them have no referee, and a dashboard of a dozen metrics "
    "never says whether the product as a whole is getting better.",
)
def check_no_north_star(doc: DocItem, ctx: Context) -> Iterator[Finding]:
    if doc.model.north_star:
        return
    active = [metric for metric in doc.metrics if metric.active]
    if not active or _inherited_north_star(doc, ctx) is not None:
        return
    yield Finding(
        doc,
        f"{doc_name(doc)} defines {counted(len(active), 'metric')} "
        "but no `north_star`: nothing says which one number shows the product delivering value",
        help="Add `north_star: <metric id>` naming the one leading metric that best captures "
        f"the value users get (e.g. {examples_for(doc).value}), and pair it with the "
        "lagging result it predicts.",
        field=doc_anchor(doc),
    )


@rule(
    "H004", "lagging-north-star", "warning", "document", "the north star is `kind: lagging`",
    what="The document's `north_star` names a metric of `kind: lagging`: revenue, churn, "
    "renewals and other results that are only known after the fact.",
    why="A north star must lead long-term success, not report it. Revenue and retention tell "
    "the team how it did last quarter, too late and too aggregated to steer weekly work; a "
    "leading measure of delivered value (weekly active report builders, nights booked, "
    "messages sent) moves first and predicts them. Keep the lagging metric, paired with "
    "the north star, as the proof.",
)
def check_lagging_north_star(doc: DocItem, ctx: Context) -> Iterator[Finding]:
    star = ctx.workspace.north_star(doc)
    if star is None or star.model.kind != "lagging":
        return
    # Only a partner that measures value delivered to users can be a north star: not a cost,
    # an operational guard, or a raw count of reach.
    leading = [
        partner for partner in star.partners
        if partner.model.kind == "leading" and in_use(partner) and partner.model.category in (None, "user")
        and not is_cost(partner) and not flagged(partner, ctx)
    ]
    hint = (
        f"If {ids(leading, 1)} measures the value users get, make it the north star and keep "
        f"'{star.id}' as the lagging proof it predicts; otherwise name a leading metric of "
        f"delivered value (e.g. {examples_for(doc).value})."
        if leading
        else "Name a leading metric of delivered value as the north star (e.g. "
        f"{examples_for(doc).value}) and pair it with '{star.id}'."
    )
    yield Finding(
        doc,
        f"north star {metric_name(star)} is a lagging metric: it reports success "
        "after the fact instead of leading it",
        help=hint,
        field=("north_star",),
        subject=star.id,
    )


@rule(
    "H005", "objective-without-outcome-metric", "warning", "node",
    "an objective with no lagging metric on itself or its goals",
    what="A business objective with no active `kind: lagging` metric, neither on the objective "
    "itself nor on any of its goals (in any file of the run). Leading metrics further down "
    "do not count: they predict the result, they do not report it.",
    why="A business objective is a financial or market result: revenue, retention, share. "
    "Only a lagging metric says whether it was met. Without one, the quarter ends with "
    "every leading metric green and nobody able to tell whether the business moved: the "
    "objective cannot be reviewed, and the leading metrics below it cannot be validated "
    "against the result they are supposed to predict.",
)
def check_objective_without_outcome_metric(node: NodeItem, ctx: Context) -> Iterator[Finding]:
    if node.level != 0 or retired(node):
        return
    goals = [goal for goal in node.children if not retired(goal)]
    metrics = _active_metrics(node) + [metric for goal in goals for metric in _active_metrics(goal)]
    if any(metric.model.kind == "lagging" for metric in metrics):
        return
    if goals:
        where = f"on itself or its {counted(len(goals), 'goal')}"
    else:
        where = "on itself (all its goals are deprecated)" if node.children else "on itself (it has no goals)"
    deprecated = [
        metric for holder in (node, *goals) for metric in holder.metrics
        if retired(metric) and metric.model.kind == "lagging"
    ]
    if metrics:
        evidence = f"none of the metrics {where} is lagging ({ids(metrics)})"
    else:
        evidence = f"it has no metric {where}"
    if deprecated:
        evidence += f"; its lagging {ids(deprecated)} {'is' if len(deprecated) == 1 else 'are'} deprecated"
    yield Finding(
        node,
        f"nobody can tell whether {node_name(node)} was met: {evidence}",
        help=f"Add a lagging metric of the result to the objective (e.g. {examples_for(node.doc).result}) "
        "with `kind: lagging`, and pair the leading metrics below with it.",
        field=("id",),
    )
