"""Large runs on every core: files are loaded, and documents checked, in forked worker processes.

A run of many files spends its time parsing and validating each file, then running the rules.
Loading is independent per file; the metric, node and document rules are independent per
document once the workspace is resolved. Both are spread over worker processes forked from this
one (nothing is imported twice, and the rule workers see the resolved workspace as it is), and
both send back compact results (transport.py, the wire format). A shard's problems are merged
here in the order one process would have produced them (rule by rule, then document by
document), so the report is the same to the byte.

Small runs, platforms without fork, and processes with other threads running (a fork copies
only the calling thread, and any lock another thread holds stays locked in the child) stay in
one process. METRICSPEC_JOBS=1 forces one process; METRICSPEC_JOBS=N caps the workers.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Optional

from metricspec import transport
from metricspec.diagnostics import Problem
from metricspec.transport import LoadResult
from metricspec.workspace import DocItem

# Below these, forking and shipping results cost about what the second core saves (benchmarks/
# README.md keeps the measurement).
# METRICSPEC_PARALLEL_MIN changes both, so that the tests can run small workspaces in parallel.
MIN_FILES = MIN_DOCS = int(os.environ.get("METRICSPEC_PARALLEL_MIN", "") or 100)


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


def _can_fork() -> bool:
    # fork is what makes workers cheap (no second import, the workspace already in memory); it is
    # only safe on Linux and only while this process runs a single thread.
    import threading  # imported here, like pickle below: a run too small to fork starts sooner

    return sys.platform.startswith("linux") and threading.active_count() == 1


class _Child:
    """A forked process that sends back what it computes, in pickled pieces, through a pipe.

    Plain fork and a pipe rather than a multiprocessing pool: a pool's threads in this process
    (feeding tasks, unpickling results as they come) compete for the interpreter with this
    process's own share of the work. Here this process collects the pieces itself, between its
    own files, so that a child never holds more than a piece; and a child that dies is simply
    work to do here.
    """

    def __init__(self, work: Callable[[Callable[[Any], None]], None]) -> None:
        import pickle  # here, not at the top: a run of one file never forks, and starts sooner

        read_end, write_end = os.pipe()
        try:  # room for a few pieces, so that the child seldom waits for this process to read
            import fcntl

            fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 1 << 20)
        except (ImportError, AttributeError, OSError):  # pragma: no cover - older kernels keep 64 KiB
            pass
        self.fd: Optional[int] = None
        self.buffer = bytearray()
        try:
            self.pid: Optional[int] = os.fork()
        except OSError:  # no process to be had (a limit, no memory): its work is done here
            os.close(read_end)
            os.close(write_end)
            self.pid = None
            return
        if self.pid == 0:  # the child: compute, send, and leave without the parent's exit handlers
            status = 1
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as pipe:

                    def send(piece: Any) -> None:
                        blob = pickle.dumps(piece, pickle.HIGHEST_PROTOCOL)
                        pipe.write(len(blob).to_bytes(8, "little"))
                        pipe.write(blob)

                    work(send)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        os.set_blocking(read_end, False)
        self.fd = read_end

    def receive(self, wait: bool = False) -> list[Any]:
        """The pieces that arrived since the last call; with `wait`, every piece until the end."""
        import pickle

        if wait and self.fd is not None:
            os.set_blocking(self.fd, True)
        while self.fd is not None:
            try:
                chunk = os.read(self.fd, 1 << 20)
            except BlockingIOError:
                break
            if not chunk:  # the child closed its end: it has sent all it will
                os.close(self.fd)
                self.fd = None
            self.buffer += chunk
        pieces = []
        start = 0
        while len(self.buffer) - start >= 8:
            size = int.from_bytes(self.buffer[start:start + 8], "little")
            if len(self.buffer) - start - 8 < size:
                break
            pieces.append(pickle.loads(memoryview(self.buffer)[start + 8:start + 8 + size]))
            start += 8 + size
        del self.buffer[:start]
        return pieces

    def finished(self) -> bool:
        """Wait for the child to end: True when it did all its work."""
        if self.pid is None:
            return False
        _, status = os.waitpid(self.pid, 0)
        return status == 0

    def cancel(self) -> None:
        import signal

        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:  # pragma: no cover - already gone
            pass


def _fork_all(works: list[Callable[[Callable[[Any], None]], None]]) -> list[_Child]:
    with _frozen():
        return [_Child(work) for work in works]


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
    results: list[LoadResult] = []
    if workers < 2 or total < MIN_FILES or not _can_fork():
        for done, target in enumerate(targets):
            if progress is not None:
                progress(done, total)
            results.append(load_one(target, skip_unrecognized))
        return results
    # This process loads the first share itself while forked children load the others and send
    # them back a piece at a time, collected here between this process's own files.
    shares = [targets[total * part // workers:total * (part + 1) // workers] for part in range(workers)]
    children = _fork_all([partial(_load_share, share, skip_unrecognized, load_one) for share in shares[1:]])
    received: list[list[LoadResult]] = [[] for _ in children]

    def collect(wait: bool = False) -> None:
        for child, got in zip(children, received):
            for piece in child.receive(wait):
                got.extend(transport.unship_result(entry) for entry in piece)

    try:
        for done, target in enumerate(shares[0]):
            if progress is not None:
                progress(min(done * workers, total - 1), total)  # the children keep about this pace
            results.append(transport.packed(load_one(target, skip_unrecognized)))
            if done % _PIECE == 0:
                collect()
        collect(wait=True)
        for share, child, got in zip(shares[1:], children, received):
            results.extend(got)
            if not child.finished() or len(got) < len(share):
                # The child died (killed, out of memory): what it did not send is loaded here.
                results.extend(load_one(target, skip_unrecognized) for target in share[len(got):])
    except BaseException:
        for child in children:
            child.cancel()
        raise
    return results


_PIECE = 8  # files a child sends at a time


def _load_share(targets: Sequence[Any], skip_unrecognized: bool, load_one: Callable[[Any, bool], LoadResult],
                send: Callable[[Any], None]) -> None:
    for start in range(0, len(targets), _PIECE):
        send([transport.ship_result(load_one(target, skip_unrecognized)) for target in targets[start:start + _PIECE]])


# -- rules ------------------------------------------------------------------------------------


def run_rules(workspace: Any, ctx: Any, selected: set[str]) -> tuple[dict[int, list[Problem]], list[tuple[str, str]]]:
    """engine.run_rules, with the per-document rules spread over processes when the run is large.

    This process takes the first share (and the whole-run rules); forked workers take the
    others. A share is a run of consecutive documents, or, when one document outweighs the
    others (a single large file), a part of the rules for every document. Fewer forks, less
    memory: a worker's reads of the workspace touch reference counts, and every page it touches
    becomes its own copy.
    """
    from metricspec.engine import run_rules as run_in_process
    from metricspec.rules import all_rules

    docs = workspace.reported_docs
    workers = jobs()
    weights = [1 + len(doc.nodes) + len(doc.metrics) for doc in docs]
    large = len(docs) >= MIN_DOCS or sum(weights) >= MIN_DOCS * _ITEMS_PER_FILE
    if workers < 2 or not large or not _can_fork():
        return run_in_process(workspace, ctx, selected)
    shares = _shares(weights, selected, workers)
    children = _fork_all([partial(_send_shard, workspace, ctx, codes, docs, shard) for codes, shard in shares[1:]])
    try:
        whole, whole_faults = run_in_process(workspace, ctx, selected, docs=[], per_document=False)
        results = [_run_shard(workspace, ctx, shares[0][0], docs, shares[0][1])]
        for (codes, shard), child in zip(shares[1:], children):
            sent = child.receive(wait=True)
            results.append(sent[0] if child.finished() and sent else _run_shard(workspace, ctx, codes, docs, shard))
    except BaseException:
        for child in children:
            child.cancel()
        raise
    rank = {code: index for index, code in enumerate(all_rules())}
    by_doc: dict[int, list[Problem]] = {}
    faults: list[tuple[int, int, str, str]] = []
    for shard, (found, shard_faults, counters) in enumerate(results):
        transport.unship_found(workspace, found, by_doc)
        faults.extend((rank[code], shard, code, message) for code, message in shard_faults)
        for key, count in counters.items():
            ctx.counters[key] = ctx.counters.get(key, 0) + count
    for doc_id, problems in whole.items():
        by_doc.setdefault(doc_id, []).extend(problems)
    # One process appends rule by rule, and within a rule document by document. Each rule's
    # problems for a document come from one share, in that order (shares are consecutive runs
    # of documents, or parts of the rules), so a stable sort on the rule restores it exactly.
    for problems in by_doc.values():
        problems.sort(key=lambda problem: rank[problem.code])
    faults.extend((rank[code], len(results), code, message) for code, message in whole_faults)
    faults.sort(key=lambda fault: (fault[0], fault[1]))
    return by_doc, [(code, message) for _, _, code, message in faults]


_ITEMS_PER_FILE = 16  # a typical file: its document, five nodes and ten metrics


def _shares(weights: list[int], selected: set[str], parts: int) -> list[tuple[set[str], tuple[int, int]]]:
    """`parts` shares of the per-document work, as (rule codes, range of documents): consecutive
    runs of documents with about as many items (nodes and metrics) each, or, when that cannot
    be even (one document outweighs the rest), every document with a part of the rules."""
    total = sum(weights)
    runs, start, seen = [], 0, 0
    for index, weight in enumerate(weights):
        seen += weight
        if seen * parts >= total * (len(runs) + 1) and len(runs) < parts - 1:
            runs.append((start, index + 1))
            start = index + 1
    runs.append((start, len(weights)))
    heaviest = max(sum(weights[a:b]) for a, b in runs)
    if len(runs) == parts and heaviest * parts <= total * 1.5:
        return [(selected, run) for run in runs]
    from metricspec.rules import all_rules

    # Dealt out in turn: neighbouring rules (a family) tend to cost alike.
    codes = [code for code, rule in all_rules().items()
             if code in selected and rule.check is not None and rule.scope != "workspace"]
    return [(set(codes[part::parts]), (0, len(weights))) for part in range(parts)]


def _send_shard(workspace: Any, ctx: Any, selected: set[str], docs: list[DocItem], shard: tuple[int, int],
                send: Callable[[Any], None]) -> None:
    send(_run_shard(workspace, ctx, selected, docs, shard))


def _run_shard(workspace: Any, ctx: Any, selected: set[str], docs: list[DocItem], shard: tuple[int, int]) -> tuple:
    from metricspec.engine import run_rules as run_in_process

    saved, ctx.counters = ctx.counters, {}  # only this shard's work is counted here
    found: dict[int, list[Problem]] = {}
    faults: list[tuple[str, str]] = []
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
    return transport.ship_found(workspace, found), faults, counters


class _frozen:
    """gc.freeze() around a fork: the children's collector then leaves the parent's objects (and
    their memory pages) alone, so copy-on-write copies only what a worker really writes."""

    def __enter__(self) -> None:
        gc.freeze()

    def __exit__(self, *exc: object) -> None:
        gc.unfreeze()
