"""Which BASE item is which HEAD item: by id across the workspace, else renamed (D014).

Files play no part: a metric moved to another file or node, or a file split in two, keeps its
id and is the same metric. A metric only at BASE and one only at HEAD with the same definition
are one metric renamed, unless a third metric (at either side) shares that definition; a node
likewise by level and title. Items in a file unreadable at either side are set aside: they are
neither matched, removed nor added.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

from metricspec.diff import values as v
from metricspec.diff.snapshot import Item, Snapshot

# The fields that make a metric's definition (DIFF.md, Matching); `query` is ACTUALS.md's.
DEFINITION = ("event", "source", "numerator", "denominator", "formula", "window", "aggregation", "unit", "name")


@dataclass
class Matching:
    metrics: list[tuple[Item, Item]] = field(default_factory=list)  # (base, head), same id or renamed
    nodes: list[tuple[Item, Item]] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # base id -> head id (metrics and nodes)
    removed_metrics: list[Item] = field(default_factory=list)
    added_metrics: list[Item] = field(default_factory=list)
    removed_nodes: list[Item] = field(default_factory=list)
    _heads: Optional[dict[str, Item]] = field(default=None, repr=False)

    def matched_heads(self) -> dict[str, Item]:
        """The HEAD side of matched metrics by id, built once: every metric's D021 reads it."""
        if self._heads is None or len(self._heads) != len(self.metrics):
            self._heads = {n.id: n for _, n in self.metrics}
        return self._heads

    def head_id(self, base_id: Optional[str]) -> Optional[str]:
        """A BASE reference as HEAD would write it: renames followed."""
        return self.renamed.get(base_id, base_id) if base_id is not None else None


def definition(item: Item) -> tuple:
    model = item.model
    read = [v.text(getattr(model, name, None)) for name in DEFINITION]
    query = item.raw.get("query") if isinstance(item.raw, dict) else None
    return (*read, v.text(query))


def node_key(item: Item) -> tuple:
    return item.level, v.text(item.model.title)


def match(base: Snapshot, head: Snapshot) -> Matching:
    unreadable = set(base.unreadable) | set(head.unreadable)
    result = Matching()
    base_metrics = {k: i for k, i in base.metrics.items() if i.path not in unreadable}
    head_metrics = {k: i for k, i in head.metrics.items() if i.path not in unreadable}
    # Ids whose copy at one side is in an unreadable file are not compared at all.
    hidden = {k for k, i in base.metrics.items() if i.path in unreadable} | {
        k for k, i in head.metrics.items() if i.path in unreadable}
    _pair(base_metrics, head_metrics, hidden, definition, result, result.metrics,
          result.removed_metrics, result.added_metrics)
    base_nodes = {k: i for k, i in base.nodes.items() if i.path not in unreadable}
    head_nodes = {k: i for k, i in head.nodes.items() if i.path not in unreadable}
    hidden = {k for k, i in base.nodes.items() if i.path in unreadable} | {
        k for k, i in head.nodes.items() if i.path in unreadable}
    _pair(base_nodes, head_nodes, hidden, node_key, result, result.nodes, result.removed_nodes, [])
    return result


def _pair(base: dict[str, Item], head: dict[str, Item], hidden: set[str], key, result: Matching,
          pairs: list, removed: list, added: list) -> None:
    for item_id in sorted(base.keys() & head.keys()):
        pairs.append((base[item_id], head[item_id]))
    only_base = [base[k] for k in sorted(base.keys() - head.keys()) if k not in hidden]
    only_head = [head[k] for k in sorted(head.keys() - base.keys()) if k not in hidden]
    if not only_base or not only_head:  # no rename possible: the keys of every item are not needed
        removed.extend(only_base)
        added.extend(only_head)
        return
    # How many items, by id across both sides, share each key: a rename needs exactly two.
    sharing: dict[tuple, set[str]] = defaultdict(set)
    for side in (base, head):
        for item in side.values():
            sharing[key(item)].add(item.id)
    by_key_base: dict[tuple, list[Item]] = defaultdict(list)
    for item in only_base:
        by_key_base[key(item)].append(item)
    renamed_heads = set()
    for item in only_head:
        k = key(item)
        candidates = by_key_base.get(k, [])
        if len(candidates) == 1 and len(sharing[k]) == 2:
            old = candidates[0]
            result.renamed[old.id] = item.id
            pairs.append((old, item))
            renamed_heads.add(item.id)
    removed.extend(item for item in only_base if item.id not in result.renamed)
    added.extend(item for item in only_head if item.id not in renamed_heads)
