"""A run spread over processes reports exactly what one process reports, byte for byte."""

from __future__ import annotations

import datetime as dt
import os
import sys

import pytest

from metricspec import api, documents, parallel, transport
from metricspec.reporters import RenderOptions, render

pytestmark = pytest.mark.skipif(not parallel._can_fork(), reason="workers are forked on Linux only")

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import team_block, team_file  # noqa: E402


def _workspace(tmp_path, files: int = 24):
    import random

    rng = random.Random(7)
    for i in range(files):
        (tmp_path / f"t{i:03d}.metrics.yaml").write_text(team_file(i, rng))
    # Files that do not validate, do not parse, or are not metricspec at all.
    (tmp_path / "broken.metrics.yaml").write_text("metricspec: 1\nobjectives:\n  - id: Bad Id\n    title: x\n    colour: red\n")
    (tmp_path / "syntax.metricspec.yaml").write_text("metricspec: 1\nobjectives: [\n")
    # Repaired by validation in the middle of the file: the data then has another shape than
    # the one the loader recorded positions for (a text item in a node list, a list that is not one).
    (tmp_path / "repaired.metrics.yaml").write_text(
        "metricspec: 1\nobjectives:\n- id: o1\n  title: x\n  goals:\n  - just text\n"
        "- id: o2\n  title: Grow revenue by 20% by 2027\n  goals: 5\n  owner: pm\n  metrics:\n"
        "  - {id: m3, name: y, kind: sideways, unit: count}\n"
    )
    (tmp_path / "other.yaml").write_text("name: not a spec\n")
    (tmp_path / "ignored.metrics.yaml").write_text(
        "metricspec: 1  # metricspec: ignore-file[T001]\nproduct: Ignored\ngoals:\n  - id: lone-goal\n    title: A goal\n"
        "    metrics:\n      - id: lone-metric  # metricspec: ignore[P004] -- reviewed\n        name: Lone metric\n"
        # Only text: it suppresses nothing, in a child as here.
        '        description: "see # metricspec: ignore[G001]"\n'
    )


def _lint(tmp_path, monkeypatch, workers: int):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(parallel, "jobs", lambda: workers)
    monkeypatch.setattr(parallel, "MIN_FILES", 1)
    monkeypatch.setattr(parallel, "MIN_DOCS", 1)
    options = api.LintOptions(paths=[], today=dt.date(2026, 6, 1))
    report = api.lint(options)
    text = render("json", report, RenderOptions()) + render("text", report, RenderOptions(show_suppressed=True))
    return report, text


@pytest.mark.parametrize("workers", [2, 3])
def test_the_same_report_as_one_process(tmp_path, monkeypatch, workers):
    _workspace(tmp_path)
    one, one_text = _lint(tmp_path, monkeypatch, 1)
    many, many_text = _lint(tmp_path, monkeypatch, workers)
    assert len(one.diagnostics) > 20 and one.suppressed
    assert ("G001", "lone-metric") in [(d.code, d.subject) for d in one.diagnostics]
    assert many_text == one_text
    assert [s.diagnostic for s in many.suppressed] == [s.diagnostic for s in one.suppressed]
    assert many.skipped == one.skipped
    assert many.internal_errors == one.internal_errors


def test_faults_in_rules_and_files_come_back_in_one_process_order(tmp_path, monkeypatch):
    from metricspec.rules import all_rules

    _workspace(tmp_path, files=12)
    rules = all_rules()
    broken = [code for code, rule in rules.items() if rule.scope in ("metric", "document") and rule.check][:2]
    # A whole-run rule too: run here while the children check documents, its fault is merged in rule order.
    broken += [code for code, rule in rules.items() if rule.scope == "workspace" and rule.check][:1]

    def crash(*args, **kwargs):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    for code in broken:
        monkeypatch.setitem(rules, code, rules[code].__class__(**{**rules[code].__dict__, "check": crash}))
    real_load = documents.load

    def load(target, skip):
        if target.display.endswith("t005.metrics.yaml"):
            raise ValueError("bad file")
        return real_load(target, skip)

    monkeypatch.setattr(documents, "load", load)
    one, one_text = _lint(tmp_path, monkeypatch, 1)
    many, many_text = _lint(tmp_path, monkeypatch, 2)
    assert len(one.internal_errors) > 10
    assert any(f"internal error in rule {broken[2]} " in error and "on the workspace" in error
               for error in one.internal_errors)
    assert many.internal_errors == one.internal_errors
    assert many_text == one_text


def test_checks_are_counted_alike(tmp_path, monkeypatch):
    _workspace(tmp_path, files=12)
    counts = []
    for workers in (1, 2):
        real = parallel.run_rules

        def spy(workspace, ctx, selected):
            found = real(workspace, ctx, selected)
            counts.append(dict(ctx.counters))
            return found

        monkeypatch.setattr(parallel, "run_rules", spy)
        _lint(tmp_path, monkeypatch, workers)
        monkeypatch.setattr(parallel, "run_rules", real)
    assert counts[0] == counts[1]
    assert counts[0]["checks:T001"] > 100


def test_a_context_file_finds_its_positions_again_from_its_text(tmp_path):
    from metricspec.discovery import Target

    path = tmp_path / "context.metrics.yaml"
    path.write_text(team_file(3, __import__("random").Random(1)))
    record, _ = documents.load_context(Target(str(path), "context.metrics.yaml", False), False)
    assert record is not None and not record.doc.reported
    shipped, _ = transport.unship_result(transport.ship_result((record, None)))
    assert shipped.loaded._positions_blob is None  # not shipped
    assert shipped.loaded.positions == record.loaded.positions
    assert shipped.loaded.data == record.loaded.data
    assert shipped.doc.model == record.doc.model


@pytest.mark.parametrize("sent", [0, 10])
def test_a_worker_that_dies_leaves_its_share_to_this_process(tmp_path, monkeypatch, sent):
    # It dies at once, or after sending its first few files back.
    _workspace(tmp_path, files=60)
    one, one_text = _lint(tmp_path, monkeypatch, 1)
    parent, forks, calls = os.getpid(), [], []
    real_fork = os.fork

    def fork():
        forks.append(1)
        return real_fork()

    def dying(real):
        def in_a_child_dies(*args):
            if os.getpid() != parent:
                calls.append(1)
                if len(calls) > sent:
                    os._exit(3)  # as if killed, out of memory say
            return real(*args)
        return in_a_child_dies

    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(transport, "ship_result", dying(transport.ship_result))
    monkeypatch.setattr(parallel, "_run_shard", dying(parallel._run_shard))
    many, many_text = _lint(tmp_path, monkeypatch, 3)
    assert len(forks) == 4  # two loading, two checking: all died
    assert many_text == one_text
    assert many.internal_errors == one.internal_errors


def test_an_interrupted_run_leaves_no_worker_behind(tmp_path, monkeypatch):
    _workspace(tmp_path, files=60)
    parent, forked = os.getpid(), []
    real_fork, real_load = os.fork, documents.load

    def fork():
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    def load(target, skip):
        if os.getpid() == parent and target.display.endswith("t010.metrics.yaml"):
            raise KeyboardInterrupt  # Ctrl-C while this process loads its own share
        return real_load(target, skip)

    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(documents, "load", load)
    with pytest.raises(KeyboardInterrupt):
        _lint(tmp_path, monkeypatch, 3)
    assert len(forked) == 2
    for pid in forked:  # killed and reaped: nothing left to wait for
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def _one_large_file(tmp_path, metrics: int = 300) -> None:
    import random

    rng = random.Random(5)
    head = ("metricspec: 1\nproduct: Whole company\nstage: growth\nowner: head-of-product\nreview: monthly\n"
            "north_star: t00000-reports-weekly-users\nobjectives:\n")
    (tmp_path / "company.metrics.yaml").write_text(head + "".join(team_block(i, rng) for i in range(metrics // 10)))
    (tmp_path / "small.metrics.yaml").write_text(team_file(999, rng))


@pytest.mark.parametrize("workers", [2, 3])
def test_one_large_file_is_checked_a_part_of_the_rules_per_process(tmp_path, monkeypatch, workers):
    from metricspec.rules import all_rules

    _one_large_file(tmp_path)
    rules = all_rules()

    def crash(*args, **kwargs):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    broken = [code for code, rule in rules.items() if rule.scope in ("metric", "node") and rule.check][3:5]
    for code in broken:
        monkeypatch.setitem(rules, code, rules[code].__class__(**{**rules[code].__dict__, "check": crash}))
    one, one_text = _lint(tmp_path, monkeypatch, 1)
    real_shares, shares = parallel._shares, []

    def spy(*args):
        result = real_shares(*args)
        shares.extend(result)
        return result

    monkeypatch.setattr(parallel, "_shares", spy)
    many, many_text = _lint(tmp_path, monkeypatch, workers)
    assert len(shares) == workers and all(shard == (0, 2) for _, shard in shares)  # split by rules
    assert len(one.diagnostics) > 20 and len(one.internal_errors) == 4
    assert many_text == one_text
    assert many.internal_errors == one.internal_errors


def test_without_a_process_to_fork_the_work_is_done_here(tmp_path, monkeypatch):
    import errno

    _workspace(tmp_path)
    one, one_text = _lint(tmp_path, monkeypatch, 1)

    def fork():
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", fork)
    many, many_text = _lint(tmp_path, monkeypatch, 2)
    assert many_text == one_text
    assert many.internal_errors == one.internal_errors == []
