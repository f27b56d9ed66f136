"""One side of a diff: its files loaded and validated as lint would, and its items by id.

Each file goes through the project's loader and validation (loader.load_bytes,
validate.validate_document) unchanged; a file lint would skip (not YAML-ish, not a metricspec
document) is skipped here too, and a file that is E001 or E007 is kept as unreadable (D090).
Items are read from the validated document, and their positions from the loaded file. The keys
the format does not have yet (ACTUALS.md's `query` and `tolerance`) are read from the
loaded data as written: validation reports them E002 and takes them out of its document, and
the diff reads them until the lead adds them to vocabulary.py and FORMAT.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from metricspec.loader import LoadedFile, load_bytes
from metricspec.validate import PLACEHOLDER_PREFIX, validate_document
from metricspec.vocabulary import LEVEL_KEYS, LEVEL_NAMES

VERSIONS = ("1",)  # as documents.VERSIONS
_LOOKS_LIKE_METRICSPEC = re.compile(r"^\ufeff?metricspec[ \t]*:", re.MULTILINE)  # as documents.py
# The keys read from the data as written, whatever validation made of them.
PENDING_KEYS = ("query", "tolerance")


@dataclass
class Unreadable:
    """A file that is E001 or E007 at this side: lint's complaint and where."""

    path: str
    code: str
    message: str
    line: int
    column: int


@dataclass
class Item:
    """A metric or a node of one side."""

    kind: str  # "metric", or a level name: "objective", ...
    id: str
    path: str
    loaded: LoadedFile
    where: tuple  # the path of the item in the loaded data
    model: Any  # the plain Metric or node
    raw: dict  # the item as written
    removed: frozenset  # validation's removed paths of the file
    doc: "Doc"
    parent: Optional[str] = None  # the enclosing node's id, or `parent`
    level: int = -1  # a node's level; -1 for a metric
    node: Optional[str] = None  # a metric's node

    def failed(self, *keys: Any) -> bool:
        """Whether the value at `keys` under the item failed validation (E002: not compared)."""
        if not self.removed or keys and keys[0] in PENDING_KEYS:  # most files lose nothing
            return False
        path = self.where + keys
        return any(path[:length] in self.removed for length in range(len(self.where), len(path) + 1))

    def at(self, *keys: Any) -> tuple[int, int]:
        """Line and column of the key at `keys` under the item, else of the item's `id`."""
        for path in (self.where + keys, self.where + ("id",), self.where):
            span = self.loaded.key_span(path)
            if span is not None:
                return span[0], span[1]
        return 1, 1

    @property
    def status(self) -> str:
        return self.model.status or "active"


@dataclass
class Doc:
    path: str
    loaded: LoadedFile
    product: Optional[str]
    stage: Optional[str]
    north_star: Optional[str]
    owner: Optional[str]
    removed: frozenset

    def at(self, key: str) -> tuple[int, int]:
        for path in ((key,), ("metricspec",)):
            span = self.loaded.key_span(path)
            if span is not None:
                return span[0], span[1]
        return 1, 1


@dataclass
class Snapshot:
    metrics: dict[str, Item] = field(default_factory=dict)
    nodes: dict[str, Item] = field(default_factory=dict)
    docs: list[Doc] = field(default_factory=list)
    unreadable: dict[str, Unreadable] = field(default_factory=dict)
    files: int = 0
    paths: set[str] = field(default_factory=set)

    def owner(self, item: Item) -> tuple[Optional[str], Optional[tuple]]:
        """The owner in force for an item (own, an ancestor's, the document's) and where it is
        set: ("item", id) or ("doc", path)."""
        seen = set()
        current: Optional[Item] = item
        while current is not None and current.id not in seen:
            seen.add(current.id)
            if current.model.owner and current.model.owner.strip():
                return current.model.owner, ("item", current.kind, current.id)
            up = current.node if current.kind == "metric" else current.parent
            current = self.nodes.get(up) if up else None
        if item.doc.owner and item.doc.owner.strip():
            return item.doc.owner, ("doc", item.doc.path)
        return None, None


def read_file(data: bytes | LoadedFile, path: str) -> Optional[tuple[LoadedFile, Any]]:
    """A file loaded and validated: (loaded, validation), (loaded, None) for an unreadable
    metricspec file, or None for a file lint would not read as a metricspec document."""
    loaded = data if isinstance(data, LoadedFile) else load_bytes(data, path)
    bad = any(p.code in ("E001", "E007") for p in loaded.problems)
    if loaded.unreadable or loaded.data is None and bad:
        binary = any(p.code == "E006" for p in loaded.problems)
        if binary or not _LOOKS_LIKE_METRICSPEC.search(loaded.text or ""):
            return None
        return loaded, None
    if not (isinstance(loaded.data, dict) and "metricspec" in loaded.data):
        if bad and _LOOKS_LIKE_METRICSPEC.search(loaded.text):
            return loaded, None
        return None
    if loaded.data["metricspec"] not in VERSIONS:
        return None  # E006: lint reads no items of it either
    if bad:
        return loaded, None
    return loaded, validate_document(loaded)


def build(files: list[tuple[str, Optional[tuple[LoadedFile, Any]]]]) -> Snapshot:
    """A side from its files in path order, each (display path, read_file's result)."""
    snap = Snapshot()
    for path, result in sorted(files, key=lambda pair: pair[0]):
        if result is None:
            continue
        loaded, validation = result
        snap.files += 1
        snap.paths.add(path)
        if validation is None:
            problem = next(p for p in loaded.problems if p.code in ("E001", "E007"))
            snap.unreadable[path] = Unreadable(path, problem.code, problem.message, problem.span[0], problem.span[1])
            continue
        document = validation.document
        if document is None:
            continue
        removed = validation.removed
        doc = Doc(path, loaded, _text(document.product), document.stage, document.north_star,
                  document.owner, removed)
        snap.docs.append(doc)
        raw_doc = loaded.data if isinstance(loaded.data, dict) else {}
        for level, key in enumerate(LEVEL_KEYS):
            _nodes(snap, doc, getattr(document, key, None) or [], raw_doc.get(key), (key,), level, None)
    return snap


def _nodes(snap: Snapshot, doc: Doc, nodes: list, raw_list: Any, where: tuple, level: int,
           enclosing: Optional[str]) -> None:
    for index, node in enumerate(nodes):
        if node is None or not isinstance(getattr(node, "id", None), str) or node.id.startswith(PLACEHOLDER_PREFIX):
            continue
        raw = _index(raw_list, index)
        here = where + (index,)
        item = Item(LEVEL_NAMES[level], node.id, doc.path, doc.loaded, here, node, raw, doc.removed, doc,
                    parent=enclosing or node.parent, level=level)
        snap.nodes.setdefault(node.id, item)  # E003: the first definition in path order
        raw_metrics = raw.get("metrics") if isinstance(raw, dict) else None
        for m_index, metric in enumerate(node.metrics or []):
            if metric is None or not isinstance(getattr(metric, "id", None), str) or metric.id.startswith(PLACEHOLDER_PREFIX):
                continue
            m_raw = _index(raw_metrics, m_index)
            snap.metrics.setdefault(metric.id, Item("metric", metric.id, doc.path, doc.loaded,
                                                    here + ("metrics", m_index), metric, m_raw, doc.removed,
                                                    doc, node=node.id))
        if level + 1 < len(LEVEL_KEYS):
            below = LEVEL_KEYS[level + 1]
            _nodes(snap, doc, getattr(node, below, None) or [], raw.get(below) if isinstance(raw, dict) else None,
                   here + (below,), level + 1, node.id)


def _index(values: Any, index: int) -> dict:
    if isinstance(values, list) and index < len(values) and isinstance(values[index], dict):
        return values[index]
    return {}


def _text(value: Optional[str]) -> Optional[str]:
    return " ".join(value.split()) if isinstance(value, str) else None
