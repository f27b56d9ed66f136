"""What a parallel run sends between processes (parallel.py forks and schedules; this is the wire format).

- a loaded file travels as its text, its problems, its plain model as nested tuples, its data
  as a marshal blob and its positions as the loader's compact spans, decoded only when
  something asks for them (in a large run, mostly the rule workers, each for its own documents);
- a shard of documents comes back as its problems by the document's index in the workspace,
  its rule faults as (rule code, message), and the checks it counted.
"""

from __future__ import annotations

import marshal
from array import array
from collections import OrderedDict
from typing import Any, Optional

from metricspec import plain
from metricspec.diagnostics import Problem
from metricspec.lean_walk import SpanIndex
from metricspec.loader import LoadedFile, positions_from_spans
from metricspec.workspace import DocItem

LoadResult = tuple[Optional[Any], Optional[str]]  # (FileRecord or None to skip, internal error)


def ship_result(result: LoadResult) -> tuple:
    record, error = result
    if record is None:
        return (None, error)
    model = record.doc.model if record.doc is not None else None
    return (
        pack(record.loaded),
        record.problems,
        None if model is None else plain.to_tuple(model),
        record.doc.reported if record.doc is not None else True,
        record.doc.removed if record.doc is not None else frozenset(),
        error,
    )


def unship_result(entry: tuple) -> LoadResult:
    from metricspec.engine import FileRecord

    if entry[0] is None:
        return None, entry[1]
    fields, problems, model, reported, removed, error = entry
    loaded = ShippedFile(*fields)
    record = FileRecord(loaded, problems=problems)
    if model is not None:
        record.doc = DocItem(loaded, plain.from_tuple(model), reported=reported, removed=removed)
    return record, error


def pack(loaded: LoadedFile) -> tuple:
    """The arguments of a ShippedFile holding `loaded`: its data marshalled, its positions as
    spans, or compressed for the rare file that needed the careful walk (which keeps them)."""
    import zlib

    spans = loaded.spans
    return (
        loaded.path,
        loaded.text,
        loaded.problems,
        loaded.unreadable,
        (spans.typecode, spans.tobytes()) if spans is not None else None,
        zlib.compress(marshal.dumps(loaded.positions), 1) if spans is None else None,
        marshal.dumps(loaded.data),
        loaded.quoted,
    )


def packed(result: LoadResult) -> LoadResult:
    """A result of this process in the form a child's arrives in: a large run would otherwise
    hold this process's share of files fully expanded, the largest part of a large run's memory
    (benchmarks/README.md, peak memory)."""
    record = result[0]
    if record is not None:
        record.loaded = ShippedFile(*pack(record.loaded))
        if record.doc is not None:
            record.doc.loaded = record.loaded
    return result


class ShippedFile(LoadedFile):
    """A file of a parallel run, loaded by a child or packed here. Its positions are kept as the
    loader's compact spans (or, for the rare file that needed the careful walk, compressed) and
    expanded on demand, for a few files at a time (the most recently used stay expanded): a
    large run keeps 100,000 metrics' positions in a fraction of their memory. Its data is
    decoded on first use."""

    def __init__(self, path: str, text: str, problems: list[Problem], unreadable: bool,
                 spans: Optional[tuple[str, bytes]], positions: Optional[bytes], data: bytes,
                 quoted: Optional[list]) -> None:
        # LoadedFile's fields, without its __init__: positions and data are properties here.
        self.path = path
        self.text = text
        self.problems = problems
        self.unreadable = unreadable
        self.quoted = quoted
        self.spans = None
        if spans is not None:
            self.spans = array(spans[0])
            self.spans.frombytes(spans[1])
        self._positions_blob: Optional[bytes] = positions
        self._data_blob: Optional[bytes] = data

    @property  # type: ignore[override]
    def positions(self) -> dict:
        decoded = _DECODED.get(self)
        if decoded.__class__ is dict:
            _DECODED.move_to_end(self)
            return decoded
        if self.spans is not None:
            decoded = positions_from_spans(self._shape(), self.spans)
        else:
            import zlib

            decoded = marshal.loads(zlib.decompress(self._positions_blob)) if self._positions_blob else {}
        _remember(self, decoded)
        return decoded

    def _entry(self, path: tuple) -> Optional[tuple]:
        """One path's spans: from the expansion when there is one, else found along the path
        (lean_walk.SpanIndex), as most files asked for a finding's place need a few paths."""
        found = _DECODED.get(self)
        if found is None:
            if self.spans is None:
                return self.positions.get(path)
            found = SpanIndex(self._shape(), self.spans)
            _remember(self, found)
        else:
            _DECODED.move_to_end(self)
        return found.get(path) if found.__class__ is dict else found.entry(path)

    def _shape(self) -> Any:
        # The data is read for its shape only: decoding it into `data` would keep every
        # reported file's data in memory for the rest of the run.
        return self.__dict__["_data"] if self._data_blob is None else marshal.loads(self._data_blob)

    @property  # type: ignore[override]
    def data(self) -> Any:
        if self._data_blob is not None:
            self.__dict__["_data"] = marshal.loads(self._data_blob)
            self._data_blob = None
        return self.__dict__["_data"]

    @data.setter
    def data(self, value: Any) -> None:
        self._data_blob = None
        self.__dict__["_data"] = value

    __hash__ = object.__hash__  # keys of _DECODED, by identity


_DECODED_FILES = 64
# The files whose places were asked for last: each its positions expanded, or its SpanIndex.
_DECODED: OrderedDict[ShippedFile, Any] = OrderedDict()


def _remember(file: ShippedFile, decoded: Any) -> None:
    _DECODED[file] = decoded
    _DECODED.move_to_end(file)
    while len(_DECODED) > _DECODED_FILES:
        _DECODED.pop(next(iter(_DECODED)))


def ship_found(workspace: Any, found: dict[int, list[Problem]]) -> list[tuple[int, list[Problem]]]:
    """A shard's problems, keyed by id() of their DocItem here, by the document's index there."""
    index = {id(doc): position for position, doc in enumerate(workspace.docs)}
    return [(index[doc_id], problems) for doc_id, problems in found.items()]


def unship_found(workspace: Any, shipped: list[tuple[int, list[Problem]]], into: dict[int, list[Problem]]) -> None:
    """Add a shard's problems to `into`, keyed by id() of their DocItem in this process."""
    for doc_index, problems in shipped:
        into.setdefault(id(workspace.docs[doc_index]), []).extend(problems)
