"""G: governance. A metric is a promise someone keeps: owned, sourced, reviewed, retired in time.

Owners inherit down the tree (metric, then the nodes above it, then the document); review
cadences come from the metric or its document. Deprecated metrics are retired: they need no
owner, source or review any more, but nothing active may still lean on them. Placeholder text
is checked everywhere, retired or not: a scaffold that was never filled in is wrong wherever
it stands. V003 (a metric with no `decision`) is a field-presence check like G001 and G002 and
lives here, under its own code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Optional, Union

from metricspec.rules import Context, Finding, rule
from metricspec.rules.kit import as_words, counted, doc_anchor, doc_name, ids, metric_name, node_name
from metricspec.vocabulary import CADENCE_DAYS  # how many days one review cycle lasts
from metricspec.workspace import DocItem, MetricItem, NodeItem


def _filled(text: Optional[str]) -> bool:
    return bool(text and text.strip())


# -- G001 -----------------------------------------------------------------------------------


@rule(
    "G001", "no-owner", "warning", "metric", "a metric with no owner of its own, its ancestors' or the document's",
    what="An active or proposed metric that has no `owner`, and neither has the node it hangs on, "
    "any node above that one (across files, through `parent`), nor the document. Owners are "
    "inherited down the tree, so one `owner:` on the document covers every metric in it. "
    "Deprecated metrics are not checked.",
    why="A number nobody owns is a number nobody acts on. When it drops, every team assumes "
    "another one is looking into it, and the review meeting ends with no name against the "
    "follow-up. Ownership is what turns a dashboard into accountability: one person or team "
    "answers for the number, explains its moves and proposes what to do.",
)
def check_no_owner(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    if not metric.active or _filled(metric.owner):
        return
    node = metric.node
    above = " and the nodes above it" if node.parent is not None else ""
    yield Finding(
        metric,
        f"{metric_name(metric)} has no owner: neither the metric, its {node.level_name} '{node.id}'{above}, "
        f"nor the document ({doc_name(metric.doc)}) sets `owner`",
        help="Add `owner:` naming the person or team who answers for this number: on the metric, on a "
        "node above it (inherited by everything below), or on the document as the default.",
        field=("id",),
    )


# -- G002 -----------------------------------------------------------------------------------


@rule(
    "G002", "no-source", "warning", "metric", "a metric with neither `source` nor `event`",
    what="An active or proposed metric with neither a `source` (where the data comes from: "
    "amplitude, bigquery, stripe, a survey, the CRM) nor an `event` (the instrumented event it "
    "counts). Deprecated metrics are not checked.",
    why="A metric without a source is a wish: nobody knows where the number comes from, so two "
    "teams compute it two ways and argue about whose is right, or nobody computes it at all "
    "until the quarterly review. Naming the source or event makes the number reproducible and "
    "shows early which metrics still need instrumentation.",
)
def check_no_source(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    if not metric.active or _filled(metric.model.source) or _filled(metric.model.event):
        return
    yield Finding(
        metric,
        f"{metric_name(metric)} has neither `source` nor `event`: nobody knows where its data comes from",
        help="Add `source:` (the system it is computed in: amplitude, bigquery, stripe, survey, ...) "
        "and, for a behavioral metric, `event:` (the instrumented event it counts).",
        field=("id",),
    )


# -- V003 -----------------------------------------------------------------------------------
# A vanity metric by what it lacks, not by what it counts: a field-presence check like G001 and
# G002, so it lives with them, keeping its V code (RULES.md lists it with the vanity rules).


# Words of a metric whose rise is bad news: a cost, a churn, a wait, a failure.
_LOWER_IS_BETTER = frozenset(
    "cost costs cac cpa spend expense expenses churn churned time latency duration wait days hours "
    "minutes seconds error errors failure failures failed complaints complaint incidents defects "
    "refunds refund returns abandonment bounce drop dropout".split()
)


def _bad_news(metric: MetricItem) -> str:
    """Which way of moving 20% is bad news for this metric: "rise" for a cost, "drop" otherwise."""
    target = metric.model.target
    if target is not None and target.direction in ("increase", "decrease"):
        return "rise" if target.direction == "decrease" else "drop"
    if target is not None and target.value is not None and target.baseline is not None and target.value != target.baseline:
        return "rise" if target.value < target.baseline else "drop"
    return "rise" if _LOWER_IS_BETTER.intersection(as_words(f"{metric.model.name} {metric.id}").split()) else "drop"


@rule(
    "V003", "no-decision", "info", "metric", "a metric with no `decision`",
    what="An active or proposed metric with no `decision`: no sentence saying what the team would "
    "do if the number moved 20% tomorrow. Deprecated metrics are not checked.",
    why="A metric earns its place by changing what the team does. If nobody can say which "
    "decision a 20% swing would trigger (pause a launch, move budget, staff a fix), the number "
    "is reported but never acted on: the purest form of a vanity metric, whatever it counts. "
    "Writing the decision down up front also stops post-hoc stories when the number moves.",
)
def check_no_decision(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    if not metric.active or _filled(metric.model.decision):
        return
    yield Finding(
        metric,
        f"{metric_name(metric)} has no `decision`: nothing says what the team would do if it moved 20% tomorrow",
        help=f"Add `decision:` with the action a 20% move would trigger (e.g. \"A 20% {_bad_news(metric)} "
        "puts the next change on hold until we know why\"); if there is none, retire the metric with "
        "`status: deprecated`.",
        field=("id",),
    )


# -- G003 -----------------------------------------------------------------------------------


@rule(
    "G003", "stale-metric", "warning", "metric", "`last_reviewed` older than two review cycles",
    what="A metric whose `last_reviewed` date lies more than two review cycles before today. The "
    "cycle is the metric's `review` cadence, else its document's: daily 1 day, weekly 7, biweekly "
    "14, monthly 30, quarterly 91. A metric with no cadence or no `last_reviewed` is not checked "
    "(G004 asks for the cadence); neither are deprecated metrics. `--today` sets the date.",
    why="A metric that drove no discussion in two reviews in a row is not steering anything: "
    "it stays on the dashboard out of habit, takes attention from the numbers that matter, and "
    "its definition silently rots as the product changes. Either review it, or retire it with "
    "`status: deprecated` so the spec says what the team really watches.",
    options=(
        ("thresholds.stale-review-cycles", "how many review cycles may pass since `last_reviewed` "
         "before the metric is stale (default 2)"),
    ),
)
def check_stale_metric(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    reviewed = metric.model.last_reviewed
    cadence = metric.review
    if not metric.active or reviewed is None or cadence is None:
        return
    cycles = float(ctx.thresholds.stale_review_cycles)
    allowed = cycles * CADENCE_DAYS[cadence]
    age = (ctx.today - reviewed).days
    if age <= allowed:
        return
    whose = "" if metric.model.review else ", the document's cadence"
    yield Finding(
        metric,
        f"{metric_name(metric)} was last reviewed on {reviewed.isoformat()}, {counted(age, 'day')} ago: more "
        f"than {counted(cycles, f'{cadence} review cycle')} ({allowed:g} days{whose})",
        help=f"Review it and set `last_reviewed: {ctx.today.isoformat()}`; if it drove no discussion "
        "in the last reviews, retire it with `status: deprecated`.",
        field=("last_reviewed",),
    )


# -- G004 -----------------------------------------------------------------------------------


@rule(
    "G004", "no-review-cadence", "info", "document", "neither the metric nor its document sets `review`",
    what="A document that sets no `review` cadence and holds active or proposed metrics that "
    "set none either: one finding on the document, naming how many of its metrics have no "
    "cadence (and which, when only some do), since a `review:` on the document is the fix for "
    "all of them. A document that sets `review` is never flagged: its metrics inherit it. "
    "(Until this release, once any metric set its own `review`, each of the others was "
    "reported separately.)",
    why="Metrics are only useful if someone looks at them on a rhythm that matches how fast they "
    "can move: daily for incidents, weekly for activation, quarterly for revenue retention. "
    "Without an agreed cadence numbers are looked at when they are already bad news, and "
    "nothing can tell a stale metric (G003) from a fresh one.",
)
def check_no_review_cadence(doc: DocItem, ctx: Context) -> Iterator[Finding]:
    if doc.model.review:
        return
    active = [metric for metric in doc.metrics if metric.active]
    missing = [metric for metric in active if not metric.model.review]
    if not missing:
        return
    if len(missing) == len(active):
        whose = "its only metric sets none" if len(active) == 1 else f"none of its {len(missing)} metrics sets one"
    else:
        verb = "sets" if len(missing) == 1 else "set"
        whose = f"{len(missing)} of its {len(active)} metrics {verb} none ({ids(missing, 3)})"
    yield Finding(
        doc,
        f"{doc_name(doc)} sets no `review` cadence, and {whose}: nobody has agreed when "
        f"{'this number is' if len(missing) == 1 else 'these numbers are'} looked at",
        help="Add `review:` (daily, weekly, biweekly, monthly or quarterly) at the top of the file "
        "as the default, and override it on the metrics that move faster or slower.",
        field=doc_anchor(doc),
    )


# -- G005 -----------------------------------------------------------------------------------


def _deprecated_metric(ctx: Context, ref: str) -> Optional[MetricItem]:
    target = ctx.workspace.by_id.get(ref)
    if isinstance(target, MetricItem) and target.model.status == "deprecated":
        return target
    return None


@rule(
    "G005", "deprecated-reference", "warning", "document",
    "an active metric, or `north_star`, points at a deprecated metric",
    what="An active or proposed metric whose `pairs_with` or `guardrails` names a deprecated "
    "metric, or a document whose `north_star` is deprecated. The deprecated metric may live in "
    "any file of the run.",
    why="Retiring a metric is a decision; anything still leaning on it silently loses what it "
    "relied on. A leading metric paired with a retired lagging one no longer shows whether it "
    "predicts anything; a guardrail nobody maintains guards nothing; a north star that is "
    "retired means the team steers by a number it no longer watches.",
)
def check_deprecated_reference(doc: DocItem, ctx: Context) -> Iterator[Finding]:
    for metric in doc.metrics:
        if not metric.active:
            continue
        for index, ref in enumerate(metric.model.pairs_with):
            gone = _deprecated_metric(ctx, ref)
            if gone is not None and gone is not metric:
                yield Finding(
                    metric,
                    f"{metric_name(metric)} pairs with {metric_name(gone)}, which is deprecated: "
                    "the pair leans on a number nobody maintains",
                    help=f"Pair '{metric.id}' with an active metric of the opposite kind instead, or "
                    f"deprecate it too if it only made sense beside '{gone.id}'.",
                    field=("pairs_with", index),
                )
        for index, ref in enumerate(metric.model.guardrails):
            gone = _deprecated_metric(ctx, ref)
            if gone is not None and gone is not metric:
                yield Finding(
                    metric,
                    f"{metric_name(metric)} is guarded by {metric_name(gone)}, which is "
                    "deprecated: nothing watches for gaming any more",
                    help=f"Replace '{gone.id}' in `guardrails` with an active counter-metric (quality, "
                    "satisfaction, failure or refund rate).",
                    field=("guardrails", index),
                )
    star = ctx.workspace.north_star(doc)
    if star is not None and star.model.status == "deprecated":
        yield Finding(
            doc,
            f"north star {metric_name(star)} of {doc_name(doc)} is deprecated: the "
            "document steers by a number the team no longer watches",
            help="Point `north_star` at the active metric that now best captures the value the product "
            "delivers, or take the metric out of retirement.",
            field=("north_star",),
            subject=star.id,
        )


# -- G006 -----------------------------------------------------------------------------------

_WORD_PLACEHOLDER = re.compile(
    r"(?<![A-Za-z0-9])(?:TODO|(?i:tbd|fixme|xxx))(?![A-Za-z0-9])"
    # "todo" in lower or title case is a word in a to-do app: only as the whole value or as "todo:".
    r"|^\s*(?i:todo)\s*[:!?.]*\s*$|(?<![A-Za-z0-9])(?i:todo)(?=\s*:)"
)
_HTML_TAGS = frozenset("b i u s p br hr em strong code pre ul ol li sup sub small span div a".split())
_ANGLE = re.compile(r"<(?:\.\.\.|…|([A-Za-z](?:[A-Za-z0-9 _./-]{0,38}[A-Za-z0-9])?))>")
_OTHER_PLACEHOLDER = re.compile(
    r"(?i:lorem\s+ipsum)|(?<![A-Za-z0-9-])(?i:example\.(?:com|org|net))(?![A-Za-z0-9-])"
)


# Every pattern above needs one of these (case aside, which lower() settles for ASCII text; in
# other text the patterns' case-insensitive matching knows more letters than lower() does).
_NEEDED = ("<", "todo", "tbd", "fixme", "xxx", "lorem", "example.")


def _may_hold_placeholder(text: str) -> bool:
    if not text.isascii():
        return True
    lower = text.lower()
    return any(needed in lower for needed in _NEEDED)


def find_placeholder(text: str) -> Optional[str]:
    """The placeholder text in `text`, if it holds one."""
    # Most values hold none of the patterns' letters: they are cleared at a fraction of the
    # regexes' cost.
    if not _may_hold_placeholder(text):
        return None
    match = _WORD_PLACEHOLDER.search(text) or _OTHER_PLACEHOLDER.search(text)
    if match:
        return match.group(0).strip()
    for match in _ANGLE.finditer(text):
        inner = match.group(1)
        if inner is None or inner.lower() not in _HTML_TAGS:
            return match.group(0)
    return None


# Fields that hold no free text of the user's: rule codes, and nested items walked on their own.
_NOT_TEXT = frozenset(("lint_ignore", "metrics", "goals", "outcomes", "behaviors", "objectives", "target"))


def _strings(model: Any) -> Iterator[tuple[tuple, str]]:
    for name in type(model).model_fields:
        if name in _NOT_TEXT:
            continue
        value = getattr(model, name)
        if isinstance(value, str):
            yield (name,), value
        elif isinstance(value, list):
            for index, entry in enumerate(value):
                if isinstance(entry, str):
                    yield (name, index), entry
                elif name == "history" and isinstance(entry.reason, str) and "placeholder--" not in entry.reason:
                    yield (name, index, "reason"), entry.reason  # a history entry's why


def _shown(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@rule(
    "G006", "placeholder-text", "warning", "document",
    "a value still holding placeholder text (TODO, TBD, FIXME, XXX, <...>, lorem ipsum, example.com)",
    what="Any text value of the document, a node or a metric (names, titles, descriptions, "
    "owners, sources, events, formulas, decisions, segments, tags, ids) that still holds "
    "placeholder text: `TODO`, `TBD`, `FIXME` or `XXX` as words, an angle-bracket placeholder "
    "such as `<owner>` or `<...>`, `lorem ipsum`, or an `example.com` address. Each field holding "
    "one is reported. A lowercase \"todo\" is a word (a to-do app) unless it is the whole value "
    "or reads \"todo:\"; comments are not values and are never read.",
    why="A scaffold that was never filled in looks finished to everyone who reads it: an owner "
    "of `TBD` means nobody answers for the number, a decision of `TODO` means nobody has "
    "decided anything, an `example.com` contact reaches no one. Catching the leftovers keeps "
    "the spec an honest statement of what the team has actually agreed.",
)
def check_placeholder_text(doc: DocItem, ctx: Context) -> Iterator[Finding]:
    text = doc.loaded.text
    if text and "\\" not in text and not _may_hold_placeholder(text):
        # Every value is a scalar as written in the file (the loader constructs no tags; repairs
        # only remove values, empty a title or stand in for items the workspace then skips).
        # Only a double-quoted escape (`\x3c`, `T\u004fDO`, an escaped line break) makes
        # characters the file does not hold; line folding and dropped indentation leave a space
        # or a line break between the pieces, and nothing _NEEDED holds whitespace. So a file
        # without a backslash whose text holds nothing _NEEDED has no value that does: one scan
        # of the file instead of a walk of every field of every item.
        return
    items: list[Union[DocItem, NodeItem, MetricItem]] = [doc, *doc.nodes, *doc.metrics]
    for item in items:
        for field, text in _strings(item.model):
            found = find_placeholder(text)
            if found is None:
                continue
            key = field[-1] if isinstance(field[-1], str) else field[0]
            if isinstance(item, DocItem):
                whose = f"the document {doc_name(doc)}"
            elif isinstance(item, NodeItem):
                whose = node_name(item)
            else:
                whose = metric_name(item)
            evidence = f"'{found}'" if found == text.strip() else f"'{found}' in \"{_shown(text)}\""
            yield Finding(
                item,
                f"{whose} still holds placeholder text in `{key}`: {evidence}",
                help=f"Fill in the real `{key}`, or remove the key until it is known: a placeholder reads "
                "as finished to everyone else.",
                field=field,
            )
