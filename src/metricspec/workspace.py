"""Every document of a run, indexed once: ids, the node tree across files, resolved references.

Rules read the workspace instead of re-walking the YAML: owners and review cadences are
inherited here, leading/lagging partners are linked in both directions here, and every id is a
dictionary look-up, so no rule needs to be more than linear in the number of metrics.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Callable, Optional, Union

from metricspec.diagnostics import Problem, Span
from metricspec.plain import LEVELS, Document, Metric, Node
from metricspec.vocabulary import LEVEL_NAMES
from metricspec.validate import PLACEHOLDER_PREFIX, with_article

if TYPE_CHECKING:  # only annotations: `metricspec rules` need not import the YAML parser
    from metricspec.loader import LoadedFile

_CHILD_KEYS = ("goals", "outcomes", "behaviors")


class DocItem:
    """A validated document and where it came from."""

    def __init__(self, loaded: LoadedFile, model: Document, reported: bool = True,
                 removed: frozenset[tuple] = frozenset()) -> None:
        self.loaded = loaded
        self.model = model
        self.reported = reported
        # The paths of the values validation took out of the file (validate.Validation.removed).
        self.removed = removed
        self.path: tuple = ()
        self.nodes: list[NodeItem] = []
        self.metrics: list[MetricItem] = []
        self.problems: list[Problem] = []

    @property
    def id(self) -> None:
        return None

    @property
    def display_path(self) -> str:
        return self.loaded.path

    def span(self, path: tuple) -> Span:
        """The span of the value at `path`, or of the nearest enclosing value that has one."""
        for end in range(len(path), -1, -1):
            span = self.loaded.value_span(path[:end])
            if span:
                return span
        return (1, 1, 1, 1)

    def rejected(self, path: tuple) -> bool:
        """True when the file holds a value at `path` that validation took out: E002 reported
        it, so "missing" would be a second, misleading finding about the same line."""
        removed = self.removed
        if not removed or not any(path[:end] in removed for end in range(1, len(path) + 1)):
            return False
        return self.loaded.value_span(path) is not None


class NodeItem:
    """One objective, goal, outcome or behavior, placed in the tree of the whole run."""

    def __init__(self, model: Node, doc: DocItem, path: tuple, level: int, holder: Optional["NodeItem"]) -> None:
        self.model = model
        self.doc = doc
        self.path = path
        self.level = level
        # The node that holds this one in the file (None at the top level of a file).
        self.holder = holder
        # The node above in the hierarchy: the holder, or the node `parent:` names.
        self.parent: Optional[NodeItem] = holder
        self.children: list[NodeItem] = []
        self.metrics: list[MetricItem] = []

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]

    def rejected(self, *field: str) -> bool:
        """True when the file holds a value at `field` of this node that validation took out."""
        return self.doc.rejected(self.path + field)

    @property
    def owner(self) -> Optional[str]:
        node: Optional[NodeItem] = self
        while node is not None:
            if node.model.owner:
                return node.model.owner
            node = node.parent if node.parent is not self else None
        return self.doc.model.owner

    def ancestors(self) -> Iterator["NodeItem"]:
        seen = {id(self)}
        node = self.parent
        while node is not None and id(node) not in seen:
            seen.add(id(node))
            yield node
            node = node.parent


class MetricItem:
    """One metric, with the node it hangs on and its partners from both ends of `pairs_with`."""

    def __init__(self, model: Metric, doc: DocItem, path: tuple, node: NodeItem) -> None:
        self.model = model
        self.doc = doc
        self.path = path
        self.node = node
        self.partners: list[MetricItem] = []
        self.guardrails: list[MetricItem] = []
        # Read by most rules for every metric: an attribute, not a property (models do not change).
        self.active = model.status != "deprecated"

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def owner(self) -> Optional[str]:
        return self.model.owner or self.node.owner

    def rejected(self, *field: str) -> bool:
        """True when the file holds a value at `field` of this metric that validation took out."""
        return self.doc.rejected(self.path + field)

    @property
    def review(self) -> Optional[str]:
        return self.model.review or self.doc.model.review


Item = Union[DocItem, NodeItem, MetricItem]


class Workspace:
    """All documents of a run. Documents that are only context (not reported) still define ids."""

    def __init__(self) -> None:
        self.docs: list[DocItem] = []
        self.nodes: list[NodeItem] = []
        self.metrics: list[MetricItem] = []
        self.by_id: dict[str, Union[NodeItem, MetricItem]] = {}
        self._reported_first: set[int] = set()  # ids (id()) of first definitions already reported E003
        self.north_stars: dict[int, MetricItem] = {}
        self._suggestions: Optional[list[str]] = None
        # The ids of context files a run did not read (cache.py: nothing it reports reaches
        # them), each with whether it is a metric's: still candidates for "did you mean".
        self.unloaded_ids: Callable[[], dict[str, bool]] = dict
        # A hook run's context: every spec file it knows of beyond the linted ones, read or only
        # indexed (api._add_context), so that `--output` never replaces one.
        self.context_paths: list[str] = []
        self._all_ids: Optional[list[str]] = None

    # -- building --------------------------------------------------------------------------

    def add(self, doc: DocItem) -> None:
        self.docs.append(doc)
        for key, level in ((key, index) for index, (key, _) in enumerate(LEVELS)):
            for index, node in enumerate(getattr(doc.model, key)):
                self._add_node(node, doc, (key, index), level, None)

    def _add_node(self, model: Node, doc: DocItem, path: tuple, level: int, holder: Optional[NodeItem]) -> None:
        if model.id.startswith(PLACEHOLDER_PREFIX):
            return
        node = NodeItem(model, doc, path, level, holder)
        self._define(node)
        doc.nodes.append(node)
        self.nodes.append(node)
        if holder is not None:
            holder.children.append(node)
        for index, metric in enumerate(model.metrics):
            if metric.id.startswith(PLACEHOLDER_PREFIX):
                continue
            item = MetricItem(metric, doc, path + ("metrics", index), node)
            self._define(item)
            node.metrics.append(item)
            doc.metrics.append(item)
            self.metrics.append(item)
        if level < 3:
            child_key = _CHILD_KEYS[level]
            for index, child in enumerate(getattr(model, child_key)):
                self._add_node(child, doc, path + (child_key, index), level + 1, node)

    def _define(self, item: Union[NodeItem, MetricItem]) -> None:
        first = self.by_id.get(item.id)
        if first is None:
            self.by_id[item.id] = item
            return
        if not (first.doc.reported or item.doc.reported):
            return  # two context files (read only for references) clash: the run that lints them says so
        if not first.doc.reported:
            self.by_id[item.id] = item  # a linted file's definition wins over a context file's
        # Reported on every linted definition, each naming another: a hook that lints either
        # file finds the clash where the full run reports it (CLI.md: a hook run and a full run
        # agree). The first definition is reported once, however many repeat it.
        if item.doc.reported:
            _report_duplicate(item, first)
        if first.doc.reported and id(first) not in self._reported_first:
            self._reported_first.add(id(first))
            _report_duplicate(first, item)

    def unresolved_ids(self) -> set[str]:
        """Ids that references name but no document of the run defines."""
        wanted: set[str] = set()
        for node in self.nodes:
            if node.model.parent and node.holder is None:
                wanted.add(node.model.parent)
        for metric in self.metrics:
            wanted.update(metric.model.pairs_with)
            wanted.update(metric.model.guardrails)
        for doc in self.docs:
            if doc.model.north_star:
                wanted.add(doc.model.north_star)
        return {name for name in wanted if name not in self.by_id}

    def resolve(self) -> None:
        """Link parents, partners, guardrails and north stars; report what does not resolve."""
        for node in self.nodes:
            if self._shadowed(node):
                continue
            self._resolve_parent(node)
        # The links made so far, as (id(metric), id(other)): a set, not a look through a
        # metric's list, since one metric may pair with, or be guarded by, every other one.
        paired: set[tuple[int, int]] = set()
        guarded: set[tuple[int, int]] = set()
        for metric in self.metrics:
            if self._shadowed(metric):
                continue
            for index, ref in enumerate(metric.model.pairs_with):
                partner = self._metric_ref(metric, ref, ("pairs_with", index) if len(metric.model.pairs_with) > 1 else ("pairs_with",), "pairs_with")
                if partner is not None:
                    _link(metric, partner, paired)
            for index, ref in enumerate(metric.model.guardrails):
                guard = self._metric_ref(metric, ref, ("guardrails", index), "guardrails")
                if guard is not None and (id(metric), id(guard)) not in guarded:
                    guarded.add((id(metric), id(guard)))
                    metric.guardrails.append(guard)
        for doc in self.docs:
            name = doc.model.north_star
            if not name:
                continue
            target = self.by_id.get(name)
            if target is None:
                _report(doc, "E004", f"north_star '{name}' names no metric in the run", ("north_star",),
                        help=_id_help(name, self._metric_ids()))
            elif not isinstance(target, MetricItem):
                _report(doc, "E004", f"north_star '{name}' is {with_article(target.level_name)}, not a metric", ("north_star",),
                        help="The north star must be the id of a metric.")
            else:
                self.north_stars[id(doc)] = target

    def _resolve_parent(self, node: NodeItem) -> None:
        name = node.model.parent
        if not name:
            return
        if node.holder is not None:
            if name != node.holder.id:
                _report(node, "E004",
                        f"{node.level_name} '{node.id}' sits under {node.holder.level_name} "
                        f"'{node.holder.id}' but names parent '{name}'", ("parent",),
                        help="A nested node's parent is the node that holds it: remove `parent` or move the node.")
            return
        if node.level == 0:
            _report(node, "E004", f"objective '{node.id}' names a parent, but objectives are the top level",
                    ("parent",), help="Remove `parent`, or make this node a goal.")
            return
        target = self.by_id.get(name)
        wanted = LEVEL_NAMES[node.level - 1]
        if target is None:
            _report(node, "E004", f"parent '{name}' of {node.level_name} '{node.id}' names nothing in the run",
                    ("parent",), help=_id_help(name, self._ids()))
        elif not isinstance(target, NodeItem) or target.level != node.level - 1:
            what = "a metric" if isinstance(target, MetricItem) else with_article(target.level_name)
            _report(node, "E004", f"parent '{name}' of {node.level_name} '{node.id}' is {what}, not {with_article(wanted)}",
                    ("parent",), help=f"A {node.level_name}'s parent must be {with_article(wanted)}.")
        elif target is node or node in target.ancestors():
            _report(node, "E004", f"parent '{name}' of '{node.id}' makes a cycle", ("parent",))
        else:
            node.parent = target
            target.children.append(node)

    def _shadowed(self, item: Union[NodeItem, MetricItem]) -> bool:
        """A context file's stale copy of an id the run defines: it must not link to anything."""
        return not item.doc.reported and self.by_id.get(item.id) is not item

    def _metric_ids(self) -> list[str]:
        """Metric ids to suggest from, computed once (only on the error path)."""
        if self._suggestions is None:
            self._suggestions = [name for name, item in self.by_id.items() if isinstance(item, MetricItem)]
            self._suggestions.extend(name for name, is_metric in self.unloaded_ids().items() if is_metric)
        return self._suggestions

    def _ids(self) -> list[str]:
        """Every id to suggest from, computed once (only on the error path)."""
        if self._all_ids is None:
            self._all_ids = [*self.by_id, *self.unloaded_ids()]
        return self._all_ids

    def _metric_ref(self, metric: MetricItem, name: str, field: tuple, key: str) -> Optional[MetricItem]:
        target = self.by_id.get(name)
        if target is None:
            _report(metric, "E004", f"{key} '{name}' of metric '{metric.id}' names no metric in the run", field,
                    help=_id_help(name, self._metric_ids()))
            return None
        if not isinstance(target, MetricItem):
            _report(metric, "E004", f"{key} '{name}' of metric '{metric.id}' is {with_article(target.level_name)}, not a metric",
                    field, help=f"`{key}` takes metric ids.")
            return None
        return target

    # -- reading ---------------------------------------------------------------------------

    def north_star(self, doc: DocItem) -> Optional[MetricItem]:
        return self.north_stars.get(id(doc))

    @property
    def reported_docs(self) -> list[DocItem]:
        return [doc for doc in self.docs if doc.reported]


def _link(metric: MetricItem, partner: MetricItem, paired: set[tuple[int, int]]) -> None:
    """Pair the two both ways, once each way."""
    if (id(metric), id(partner)) not in paired:
        paired.add((id(metric), id(partner)))
        metric.partners.append(partner)
    if partner is not metric and (id(partner), id(metric)) not in paired:
        paired.add((id(partner), id(metric)))
        partner.partners.append(metric)


def _report_duplicate(here: Union[NodeItem, MetricItem], other: Union[NodeItem, MetricItem]) -> None:
    _report(
        here,
        "E003",
        f"id '{here.id}' is defined twice: also at {other.doc.display_path}:{_line(other)}",
        ("id",),
        help="Ids are shared by every node and metric of every file in the run; rename one.",
    )


def _line(item: Union[NodeItem, MetricItem]) -> int:
    return item.doc.span(item.path + ("id",))[0]


def _report(item: Item, code: str, message: str, field: tuple, help: str = "") -> None:
    doc = item.doc if not isinstance(item, DocItem) else item
    subject = item.id
    subject_line = _line(item) if subject else None
    doc.problems.append(
        Problem(code, message, doc.span(item.path + field), help=help, subject=subject, subject_line=subject_line)
    )


def _id_help(name: str, known) -> str:
    # difflib is linear in the candidates: suggest only in workspaces small enough to stay instant.
    close = closest(name, known) if len(known) <= 2_000 else None
    if close is not None:
        return f"Did you mean '{close}'?"
    return "Check the spelling, or lint the file that defines it in the same run."


def closest(word: str, candidates, cutoff: float = 0.75) -> Optional[str]:
    """`difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)[0]`, or None, found faster.

    difflib spends ~10 us per candidate on its character-count filter (quick_ratio) in Python;
    here the counts of each candidate are kept, and the length filter (real_quick_ratio) runs
    first, so that only the plausible few reach SequenceMatcher.ratio(). Same tests, same
    floating-point expressions, same tie-break: the same answer (tests/test_suggestions.py).
    """
    from difflib import SequenceMatcher

    length = len(word)
    counts = _char_counts(word)
    matcher = SequenceMatcher()
    matcher.set_seq2(word)
    best: Optional[tuple[float, str]] = None
    for candidate in candidates:
        total = len(candidate) + length
        if (2.0 * min(len(candidate), length) / total if total else 1.0) < cutoff:
            continue
        matches = 0
        for char, count in _char_counts(candidate).items():
            available = counts.get(char)
            if available:
                matches += count if count < available else available
        if (2.0 * matches / total if total else 1.0) < cutoff:
            continue
        matcher.set_seq1(candidate)
        score = matcher.ratio()
        if score >= cutoff and (best is None or (score, candidate) > best):
            best = (score, candidate)
    return best[1] if best is not None else None


@functools.lru_cache(maxsize=16_384)
def _char_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    return counts
