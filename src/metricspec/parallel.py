"""Large runs on every core: files are loaded, and documents checked, in forked worker processes.

A run of many files spends its time parsing and validating each file, then running the rules.
Loading is independent per file; the metric, node and document rules are independent per
document once the workspace is resolved. Both are spread over worker processes forked from this
one (nothing is imported twice, and the rule workers see the resolved workspace as it is), and
both send back compact results:

- a loaded file comes back as its text, its problems, its plain model as nested tuples, its
  data as a marshal blob and its positions as the loader's compact spans, decoded only when
  something asks for them (in a large run, mostly the rule workers, each for its own documents);
- a shard of documents comes back as its problems, merged here in the order one process would
  have produced them (rule by rule, then document by document), so the report is the same to
  the byte.

Small runs, platforms without fork, and processes with other threads running (a fork copies
only the calling thread, and any lock another thread holds stays locked in the child) stay in
one process. METRICSPEC_JOBS=1 forces one process; METRICSPEC_JOBS=N caps the workers.
"""

from __future__ import annotations

import gc
import marshal
import os
import sys
import threading
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Optional

from metricspec import plain
from metricspec.diagnostics import Problem
from metricspec.loader import LoadedFile, positions_from_spans
from metricspec.workspace import DocItem

# Below these, forking and shipping results cost about what the second core saves (measured on
# 2 cores: even at 200 files, 10% faster at 400, 20% at 1,000). METRICSPEC_PARALLEL_MIN lowers
# both, so that the tests can run small workspaces in parallel.
MIN_FILES = MIN_DOCS = int(os.environ.get("METRICSPEC_PARALLEL_MIN", "") or 250)
LoadResult = tuple[Optional[Any], Optional[str]]  # (FileRecord or None to skip, internal error)


def jobs() -> int:
    """How many processes a large run uses: the CPUs this process may run on, or METRICSPEC_JOBS."""
    try:
        available = len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        available = os.cpu_count() or 1
    wanted = os.environ.get("METRICSPEC_JOBS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return min(int(wanted), available)
    return available


def _fork_context() -> Optional[Any]:
    # fork is what makes workers cheap (no second import, the workspace already in memory); it is
    # only safe on Linux and only while this process runs a single thread.
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None
    import multiprocessing

    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover
        return None


# -- loading ----------------------------------------------------------------------------------


def load(
    targets: Sequence[Any],
    skip_unrecognized: bool,
    load_one: Callable[[Any, bool], LoadResult],
    progress: Optional[Callable[[int, int], None]] = None,
) -> list[LoadResult]:
    """`load_one(target, skip_unrecognized)` for every target, in order; on every core when worth it."""
    total = len(targets)
    workers = jobs()
    context = _fork_context() if workers > 1 and total >= MIN_FILES else None
    results: list[LoadResult] = []
    if context is None:
        for done, target in enumerate(targets):
            if progress is not None:
                progress(done, total)
            results.append(load_one(target, skip_unrecognized))
        return results
    size = max(4, min(64, total // (workers * 8)))
    chunks = [(load_one, targets[start:start + size], skip_unrecognized) for start in range(0, total, size)]
    with _frozen(), context.Pool(workers) as pool:
        for shipped in pool.imap(_load_chunk, chunks):
            for entry in shipped:
                if progress is not None:
                    progress(len(results), total)
                results.append(_unship_result(entry))
    return results


def _load_chunk(job: tuple[Callable[[Any, bool], LoadResult], Sequence[Any], bool]) -> list[tuple]:
    load_one, targets, skip_unrecognized = job
    return [_ship_result(load_one(target, skip_unrecognized)) for target in targets]


def _ship_result(result: LoadResult) -> tuple:
    record, error = result
    if record is None:
        return (None, error)
    loaded = record.loaded
    model = record.doc.model if record.doc is not None else None
    spans = loaded.spans
    return (
        loaded.path,
        loaded.text,
        loaded.unreadable,
        loaded.problems,
        record.problems,
        (spans.typecode, spans.tobytes()) if spans is not None else None,
        # Only a file that needed the careful walk has its positions at hand (and they are rare).
        zlib.compress(marshal.dumps(loaded.positions), 1) if spans is None else None,
        marshal.dumps(loaded.data),
        None if model is None else plain.to_tuple(model),
        record.doc.reported if record.doc is not None else True,
        error,
    )


def _unship_result(entry: tuple) -> LoadResult:
    from metricspec.engine import FileRecord

    if entry[0] is None:
        return None, entry[1]
    path, text, unreadable, loaded_problems, problems, spans, positions, data, model, reported, error = entry
    loaded = ShippedFile(path, text, loaded_problems, unreadable, spans, positions, data)
    record = FileRecord(loaded, problems=problems)
    if model is not None:
        record.doc = DocItem(loaded, plain.from_tuple(model), reported=reported)
    return record, error


class ShippedFile(LoadedFile):
    """A file loaded in a worker. Its positions travel as the loader's compact spans (or, for
    the rare file that needed the careful walk, compressed) and are expanded on demand, for a
    few files at a time (the most recently used stay expanded): a large run keeps 100,000
    metrics' positions in a fraction of their memory. Its data is decoded on first use."""

    def __init__(self, path: str, text: str, problems: list[Problem], unreadable: bool,
                 spans: Optional[tuple[str, bytes]], positions: Optional[bytes], data: bytes) -> None:
        # LoadedFile's fields, without its __init__: positions and data are properties here.
        self.path = path
        self.text = text
        self.problems = problems
        self.unreadable = unreadable
        self.spans = None
        if spans is not None:
            self.spans = array(spans[0])
            self.spans.frombytes(spans[1])
        self._positions_blob: Optional[bytes] = positions
        self._data_blob: Optional[bytes] = data

    @property  # type: ignore[override]
    def positions(self) -> dict:
        decoded = _DECODED.get(self)
        if decoded is None:
            if self.spans is not None:
                # The data is read for its shape only: decoding it into `data` would keep every
                # reported file's data in memory for the rest of the run.
                data = self.__dict__["_data"] if self._data_blob is None else marshal.loads(self._data_blob)
                decoded = positions_from_spans(data, self.spans)
            else:
                decoded = marshal.loads(zlib.decompress(self._positions_blob)) if self._positions_blob else {}
            _DECODED[self] = decoded
            while len(_DECODED) > _DECODED_FILES:
                _DECODED.pop(next(iter(_DECODED)))
        else:
            _DECODED.move_to_end(self)
        return decoded

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
_DECODED: OrderedDict[ShippedFile, dict] = OrderedDict()


# -- rules ------------------------------------------------------------------------------------

_RULES_JOB: Optional[tuple] = None  # what the forked rule workers inherit


def run_rules(workspace: Any, ctx: Any, selected: set[str]) -> tuple[dict[int, list[Problem]], list[str]]:
    """engine.run_rules, with the per-document rules spread over processes when the run is large.

    This process takes the first share of the documents (and the whole-run rules); forked
    workers take the others. Fewer forks, less memory: a worker's reads of the workspace touch
    reference counts, and every page it touches becomes its own copy.
    """
    from metricspec.engine import run_rules as run_in_process
    from metricspec.rules import all_rules

    global _RULES_JOB
    docs = workspace.reported_docs
    workers = jobs()
    context = _fork_context() if workers > 1 and len(docs) >= MIN_DOCS else None
    if context is None:
        return run_in_process(workspace, ctx, selected)
    shards = _shares(docs, workers)
    if len(shards) < 2:
        return run_in_process(workspace, ctx, selected)
    _RULES_JOB = (workspace, ctx, selected, docs)
    try:
        with _frozen(), context.Pool(len(shards) - 1) as pool:
            pending = pool.map_async(_rules_shard, shards[1:], chunksize=1)
            whole, whole_faults = run_in_process(workspace, ctx, selected, docs=[], per_document=False)
            results = [_run_shard(workspace, ctx, selected, docs, shards[0])] + pending.get()
    finally:
        _RULES_JOB = None
    rank = {code: index for index, code in enumerate(all_rules())}
    by_doc: dict[int, list[Problem]] = {}
    faults: list[tuple[int, int, str]] = []
    for shard, (found, shard_faults, counters) in enumerate(results):
        for doc_index, problems in found:
            by_doc.setdefault(id(workspace.docs[doc_index]), []).extend(problems)
        faults.extend((rank[code], shard, message) for code, message in shard_faults)
        for key, count in counters.items():
            ctx.counters[key] = ctx.counters.get(key, 0) + count
    for doc_id, problems in whole.items():
        by_doc.setdefault(doc_id, []).extend(problems)
    # One process appends rule by rule, and within a rule document by document: shards are
    # consecutive runs of documents, so a stable sort on the rule restores exactly that order.
    for problems in by_doc.values():
        problems.sort(key=lambda problem: rank[problem.code])
    faults.extend((rank[code], len(results), message) for code, message in _fault_codes(whole_faults))
    faults.sort(key=lambda fault: (fault[0], fault[1]))
    return by_doc, [message for _, _, message in faults]


def _shares(docs: list[DocItem], parts: int) -> list[tuple[int, int]]:
    """`parts` consecutive runs of documents with about as many items (nodes and metrics) each."""
    weights = [1 + len(doc.nodes) + len(doc.metrics) for doc in docs]
    total = sum(weights)
    shards, start, seen = [], 0, 0
    for index, weight in enumerate(weights):
        seen += weight
        if seen * parts >= total * (len(shards) + 1) and len(shards) < parts - 1:
            shards.append((start, index + 1))
            start = index + 1
    shards.append((start, len(docs)))
    return [shard for shard in shards if shard[1] > shard[0]] or [(0, 0)]


def _rules_shard(shard: tuple[int, int]) -> tuple[list[tuple[int, list[Problem]]], list[tuple[str, str]], dict[str, int]]:
    assert _RULES_JOB is not None
    workspace, ctx, selected, docs = _RULES_JOB
    return _run_shard(workspace, ctx, selected, docs, shard)


def _run_shard(workspace: Any, ctx: Any, selected: set[str], docs: list[DocItem], shard: tuple[int, int]) -> tuple:
    from metricspec.engine import run_rules as run_in_process

    saved, ctx.counters = ctx.counters, {}  # only this shard's work is counted here
    found: dict[int, list[Problem]] = {}
    faults: list[str] = []
    try:
        # Document by document (every rule on one document, then the next), so that each file's
        # positions are decoded once; run_rules's merge puts the problems back in rule order.
        for doc in docs[shard[0]:shard[1]]:
            doc_found, doc_faults = run_in_process(workspace, ctx, selected, docs=[doc], whole_run=False)
            for doc_id, problems in doc_found.items():
                found.setdefault(doc_id, []).extend(problems)
            faults.extend(doc_faults)
    finally:
        counters, ctx.counters = ctx.counters, saved
    index = {id(doc): position for position, doc in enumerate(workspace.docs)}
    return [(index[doc_id], problems) for doc_id, problems in found.items()], _fault_codes(faults), counters


def _fault_codes(faults: list[str]) -> list[tuple[str, str]]:
    # engine writes "internal error in rule CODE (name) ..."; the code orders the faults.
    return [(message.split("internal error in rule ", 1)[1].split(" ", 1)[0], message) for message in faults]


class _frozen:
    """gc.freeze() around a fork: the children's collector then leaves the parent's objects (and
    their memory pages) alone, so copy-on-write copies only what a worker really writes."""

    def __enter__(self) -> None:
        gc.freeze()

    def __exit__(self, *exc: object) -> None:
        gc.unfreeze()
