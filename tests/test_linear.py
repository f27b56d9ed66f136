"""Linting stays linear in the number of metrics: counted in work done, never timed.

Two measures, on workspaces of N and 10N metrics (many files of ten metrics, and one file):
- the engine's count of checks each rule made (ctx.counters): every rule sees each item once;
- the lines of metricspec's own code executed, per module, traced: a rule that compares every
  metric with every other one, or rescans the workspace for each metric, executes a hundred
  times more lines at 10N, where linear code executes ten times more.
Work done in C or the standard library (a `sorted`) is counted by the calls metricspec makes to
it, which the line count includes. One deliberate exception: the "did you mean" suggestion for an
id that resolves to nothing (workspace.closest) looks at every id of the workspace, but only in
workspaces of at most 2,000 ids (workspace._id_help), so it is bounded per reference; it is left
out of the line count and its bound checked instead.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
from collections import Counter
from pathlib import Path

import pytest

from metricspec import api, parallel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import team_block, team_file  # noqa: E402

PACKAGE = str(Path(api.__file__).resolve().parent) + os.sep
SMALL_FILES, SMALL_METRICS = 10, 100  # the N workspaces (each smell once); the large ones ten times as big
LINEAR = 12.0  # 10x the metrics may cost at most 12x the work (fixed costs make it less than 10x)


def _files(folder: Path, files: int) -> None:
    rng = random.Random(3)
    for i in range(files):
        (folder / f"t{i:05d}.metrics.yaml").write_text(team_file(i, rng))


def _single(folder: Path, metrics: int) -> None:
    rng = random.Random(3)
    head = ("metricspec: 1\nproduct: Whole company\nstage: growth\nowner: head-of-product\nreview: monthly\n"
            "north_star: t00000-reports-weekly-users\nobjectives:\n")
    (folder / "company.metrics.yaml").write_text(head + "".join(team_block(i, rng) for i in range(metrics // 10)))


def _lint_counting(folder: Path, monkeypatch, also: str = "") -> tuple[Counter, dict[str, int]]:
    """Lint `folder` in this process, counting the lines executed in each metricspec module (and
    in the file `also`)."""
    monkeypatch.chdir(folder)
    monkeypatch.setattr(parallel, "jobs", lambda: 1)  # one process: the tracer sees all the work
    lines: Counter = Counter()
    checks: dict[str, int] = {}
    real_run_rules = parallel.run_rules

    def run_rules(workspace, ctx, selected):
        found = real_run_rules(workspace, ctx, selected)
        checks.update(ctx.counters)
        return found

    monkeypatch.setattr(parallel, "run_rules", run_rules)

    def tracer(frame, event, arg):
        if frame.f_code.co_name == "closest":
            return None  # bounded per unresolved reference: see the module's docstring
        filename = frame.f_code.co_filename
        if filename == also:
            module = os.path.basename(also)
        elif filename.startswith(PACKAGE):
            module = filename[len(PACKAGE):]
        else:
            return None  # not ours: its lines are not counted (what it calls into ours is)

        def count(frame, event, arg):
            if event == "line":
                lines[module] += 1
            return count

        return count

    options = api.LintOptions(paths=[], today=dt.date(2026, 6, 1))
    _clear_caches()
    sys.settrace(tracer)
    try:
        report = api.lint(options)
    finally:
        sys.settrace(None)
    assert report.diagnostics and not report.internal_errors
    return lines, checks


def _clear_caches() -> None:
    """Start each count from cold caches, as a process does: memoised results left by an earlier
    test (the same generated names) would make the small run cheaper than it is."""
    for name, module in list(sys.modules.items()):
        if name == "metricspec" or name.startswith("metricspec."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def _assert_linear(small: tuple[Counter, dict], large: tuple[Counter, dict]) -> None:
    small_lines, small_checks = small
    large_lines, large_checks = large
    assert set(large_checks) == set(small_checks) and small_checks
    for key, count in small_checks.items():
        assert large_checks[key] <= LINEAR * count, f"{key}: {count} checks for N metrics, {large_checks[key]} for 10N"
    worse = {module: (small_lines[module], count) for module, count in large_lines.items()
             if count > LINEAR * max(small_lines[module], 200)}
    assert not worse, f"more than {LINEAR}x the lines for 10x the metrics (N, 10N): {worse}"
    total_small, total_large = sum(small_lines.values()), sum(large_lines.values())
    assert total_large <= LINEAR * total_small, (total_small, total_large)


@pytest.mark.parametrize("shape", ["files", "one file"])
def test_ten_times_the_metrics_is_at_most_twelve_times_the_work(tmp_path, monkeypatch, shape):
    measured = []
    for scale in (1, 10):
        folder = tmp_path / f"x{scale}"
        folder.mkdir()
        if shape == "files":
            _files(folder, SMALL_FILES * scale)
        else:
            _single(folder, SMALL_METRICS * scale)
        measured.append(_lint_counting(folder, monkeypatch))
    _assert_linear(*measured)


def test_the_tracer_catches_a_quadratic_rule(tmp_path, monkeypatch):
    """The guard itself: a rule that looks at every metric for each metric is caught."""
    from metricspec.rules import Finding, all_rules

    rules = all_rules()
    code = next(code for code, rule in rules.items() if rule.scope == "metric" and rule.check)

    def quadratic(metric, ctx):
        for other in ctx.workspace.metrics:
            if other is not metric and other.id == metric.id:
                yield Finding(metric, "never")

    monkeypatch.setitem(rules, code, rules[code].__class__(**{**rules[code].__dict__, "check": quadratic}))
    measured = []
    for scale in (1, 10):
        folder = tmp_path / f"x{scale}"
        folder.mkdir()
        _files(folder, SMALL_FILES * scale)
        measured.append(_lint_counting(folder, monkeypatch, also=__file__))
    with pytest.raises(AssertionError, match="more than"):
        _assert_linear(*measured)


def test_suggestions_are_bounded_per_reference():
    import inspect

    from metricspec import workspace

    assert "len(known) <= 2_000" in inspect.getsource(workspace._id_help)


# -- one metric that every other one pairs with or is guarded by ---------------------------


def _hub(folder: Path, metrics: int, shape: str) -> None:
    """One file: a lagging `hub` (the north star) and `metrics` leading metrics, each pairing
    with it and guarded by it ("all name one"), or named all by its `pairs_with` and
    `guardrails` ("one names all")."""
    leaves = [f"m{i:06d}" for i in range(metrics)]
    hub_refs = f"        pairs_with: [{', '.join(leaves)}]\n        guardrails: [{', '.join(leaves)}]\n"
    leaf_refs = "        pairs_with: hub\n        guardrails: [hub]\n"
    lines = ["metricspec: 1\nproduct: Acme\nstage: growth\nowner: ana\nreview: monthly\nnorth_star: hub\n",
             "objectives:\n  - id: grow\n    title: Grow revenue 20% by 2027\n    metrics:\n",
             "      - id: hub\n        name: Revenue\n        kind: lagging\n        unit: USD\n",
             hub_refs if shape == "one names all" else ""]
    for leaf in leaves:
        lines.append(f"      - id: {leaf}\n        name: Leaf {leaf}\n        kind: leading\n        unit: count\n")
        lines.append(leaf_refs if shape == "all name one" else "")
    (folder / "hub.metrics.yaml").write_text("".join(lines))


@pytest.mark.parametrize("shape", ["all name one", "one names all"])
def test_pairing_with_one_metric_is_linear(tmp_path, monkeypatch, shape):
    """Linking partners and guardrails looked through a metric's list for each new one: 80,000
    metrics pairing with one took a minute. `x in list` runs in C, where the line tracer sees
    nothing, so metrics are also compared through a counting __eq__ (what `in` on a list calls
    for each element it passes; a set of identities calls none)."""
    from metricspec.workspace import MetricItem

    compared = Counter()

    def counting_eq(self, other):
        compared["metrics"] += 1
        return self is other

    monkeypatch.setattr(MetricItem, "__eq__", counting_eq, raising=False)
    monkeypatch.setattr(MetricItem, "__hash__", object.__hash__, raising=False)
    measured, comparisons = [], []
    for scale in (1, 10):
        folder = tmp_path / f"x{scale}"
        folder.mkdir()
        _hub(folder, 300 * scale, shape)
        compared.clear()
        measured.append(_lint_counting(folder, monkeypatch))
        comparisons.append(compared["metrics"])
    _assert_linear(*measured)
    assert comparisons[1] <= LINEAR * max(comparisons[0], 300), comparisons
