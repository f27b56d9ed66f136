"""The workspace index of hook runs (cache.py): a run with it reports what a run without it does.

Also CLI.md's "a hook run and a full run agree": a named file's findings are the ones a run
over the whole workspace reports for it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from metricspec import cache
from metricspec.api import LintOptions, lint
from tests.conftest import PROJECT, TODAY, findings

HEAD = "metricspec: 1\nproduct: {product}\nstage: growth\nowner: pm\nreview: monthly\n"


def _generator():
    spec = importlib.util.spec_from_file_location("generate", PROJECT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _report(root: Path, paths: list[str], use_cache: bool, config=None) -> list[tuple]:
    options = LintOptions(paths=paths, today=TODAY, cwd=str(root), cache=use_cache)
    if config is not None:
        options.config = config
    report = lint(options)
    assert report.internal_errors == []
    return [(d.code, d.path, d.line, d.column, d.subject, d.message, d.help, d.severity.value)
            for d in report.diagnostics]


def _agree(root: Path, *named: str) -> list[tuple]:
    """The report of a hook run naming `named`, with the index, once it is equal to the one
    without it (twice with it: the run that updates the index and the run that reads it)."""
    paths = [str(root / name) for name in named]
    without = _report(root, paths, use_cache=False)
    assert _report(root, paths, use_cache=True) == without
    assert _report(root, paths, use_cache=True) == without
    return without


class Clock:
    """File times as a real history has them: an edit is later than what it edits, and older
    than the racy window, so that the index trusts sizes and mtimes as it does in use."""

    def __init__(self) -> None:
        self.now = time.time() - 10_000

    def touch(self, *paths: Path) -> None:
        for path in paths:
            self.now += 10
            os.utime(path, (self.now, self.now))


@pytest.fixture(autouse=True)
def _default_location(monkeypatch):
    monkeypatch.delenv("METRICSPEC_CACHE_DIR", raising=False)


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "repo"
    _generator().write_workspace(str(root), 40)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _edit(root: Path, name: str, old: str, new: str) -> Path:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("aged", [False, True], ids=["just-edited", "aged"])
def test_a_hook_run_with_the_index_reports_what_one_without_it_does(workspace, aged):
    """Over a generated workspace, files edited, added, removed and renamed between runs.
    Just edited, every file and folder is within the racy window (hashes, walks); aged, the
    index trusts sizes, mtimes and the folders' list, as in a real history."""
    root, team = workspace, "team-000"
    clock = Clock()

    def changed(*paths: Path) -> None:
        if aged:
            clock.touch(*paths)

    if aged:
        for folder, _, files in os.walk(root):
            if ".git" not in folder:
                clock.touch(*(Path(folder) / name for name in files), Path(folder))
    _agree(root, f"{team}/t00005.metrics.yaml")
    _agree(root, f"{team}/t00009.metrics.yaml")  # a pair across files

    # An id that another file defines: E003 on the named file, both places named.
    changed(_edit(root, f"{team}/t00003.metrics.yaml", "id: t00003-messaging-churn", "id: t00010-search-churn"))
    hook = _agree(root, f"{team}/t00003.metrics.yaml")
    assert ("E003", "t00010-search-churn") in [(f[0], f[4]) for f in hook]
    assert "also at team-000/t00010.metrics.yaml" in next(f[5] for f in hook if f[0] == "E003")
    _agree(root, f"{team}/t00010.metrics.yaml")

    # A reference to a metric of another file, and a misspelled one ("did you mean" from the index).
    changed(_edit(root, f"{team}/t00007.metrics.yaml", "pairs_with: t00007-dashboards-revenue\n",
                  "pairs_with: [t00007-dashboards-revenue, t00020-invoicing-revenue, t00021-booking-revenu]\n"))
    hook = _agree(root, f"{team}/t00007.metrics.yaml")
    assert any("Did you mean 't00021-booking-revenue'?" == f[6] for f in hook)
    _agree(root, f"{team}/t00020.metrics.yaml")

    # A file added: its north star lives in another file, which the next run reads.
    added = root / team / "added.metrics.yaml"
    added.write_text(HEAD.format(product="Added") + "north_star: t00012-invoicing-weekly-users\n"
                     "objectives:\n  - id: added-objective\n    title: Grow\n    metrics:\n"
                     "      - {id: added-metric, name: Added, kind: leading, pairs_with: t00013-booking-revenue}\n",
                     encoding="utf-8")
    changed(added, added.parent)
    _agree(root, f"{team}/added.metrics.yaml")
    _agree(root, f"{team}/t00013.metrics.yaml")
    _agree(root, f"{team}/t00012.metrics.yaml", f"{team}/t00014.metrics.yaml")

    # A file removed: the references into it no longer resolve.
    (root / team / "t00020.metrics.yaml").unlink()
    changed(root / team)
    hook = _agree(root, f"{team}/t00007.metrics.yaml")
    assert any(f[0] == "E004" and "t00020-invoicing-revenue" in f[5] for f in hook)

    # A file renamed into another folder: its ids are found at the new path.
    (root / "team-001").mkdir()
    (root / team / "t00013.metrics.yaml").rename(root / "team-001" / "renamed.metrics.yaml")
    changed(root / team, root / "team-001" / "renamed.metrics.yaml", root / "team-001")
    hook = _agree(root, f"{team}/added.metrics.yaml")
    assert not any(f[0] == "E004" for f in hook)

    # An edit of the same size: found by its mtime (aged) or by its content hash (just edited).
    changed(_edit(root, f"{team}/t00012.metrics.yaml", "id: t00012-invoicing-weekly-users",
                  "id: t00012-invoicing-weekly-userz"))
    hook = _agree(root, f"{team}/added.metrics.yaml")
    assert any(f[0] == "E004" and "t00012-invoicing-weekly-users" in f[5] for f in hook)
    # The whole workspace, and a run over it that reads context for an unresolved reference.
    _agree(root, team, "team-001")
    _agree(root, "team-001")


def test_the_declared_workspace_of_a_config_is_indexed_too(workspace):
    """With `include`, the context is the declared workspace, wherever the repository ends."""
    from metricspec.config import load as load_config

    (workspace / "metricspec.toml").write_text('include = ["team-000/t0001*.yaml"]\n', encoding="utf-8")
    config = load_config(workspace / "metricspec.toml")
    named = [str(workspace / "team-000" / "t00003.metrics.yaml")]
    _edit(workspace, "team-000/t00003.metrics.yaml", "id: t00003-messaging-churn", "id: t00010-search-churn")
    for step in range(2):
        expected = _report(workspace, named, use_cache=False, config=config)
        assert (("E003", "t00010-search-churn") in [(f[0], f[4]) for f in expected]) == (step == 0)
        assert _report(workspace, named, use_cache=True, config=config) == expected
        assert _report(workspace, named, use_cache=True, config=config) == expected
        assert list((workspace / cache.FOLDER).glob("context-*.bin"))
        if step == 0:
            (workspace / "team-000" / "t00010.metrics.yaml").unlink()


def test_a_hook_run_and_a_full_run_agree_on_two_products(tmp_path):
    """Two products' `nps` (CLI.md): E003 on the named file, as in the full run, where the
    released behaviour let the named file's `nps` win silently."""
    root = tmp_path / "repo"
    (root / "products").mkdir(parents=True)
    for product in ("alpha", "beta"):
        (root / "products" / f"{product}.metrics.yaml").write_text(
            HEAD.format(product=product.title()) + "north_star: nps\nobjectives:\n"
            f"  - id: {product}-loyalty\n    title: Keep {product} customers\n    metrics:\n"
            "      - {id: nps, name: Net promoter score, kind: leading, pairs_with: "
            f"{product}-retention" + "}\n"
            f"      - {{id: {product}-retention, name: Retention, kind: lagging}}\n",
            encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    full = _report(root, [str(root)], use_cache=False)
    # Whichever product's file a hook names, it gets what the full run reports for that file.
    for named in ("products/alpha.metrics.yaml", "products/beta.metrics.yaml"):
        for use_cache in (False, True, True):
            hook = _report(root, [str(root / named)], use_cache=use_cache)
            assert hook == [finding for finding in full if finding[1] == named]
    assert [(code, path, subject, line) for code, path, line, _, subject, *_ in full if code == "E003"] == [
        ("E003", "products/alpha.metrics.yaml", "nps", 11), ("E003", "products/beta.metrics.yaml", "nps", 11)]


def test_a_hook_run_and_a_full_run_agree_on_a_product_over_several_files(tmp_path):
    """B001 judges a product over all its files and speaks on its first (path order): a hook
    naming any one of them reads the others, connected by ids or not, and reports B001 where
    the full run does, or not at all."""
    root = tmp_path / "repo"
    (root / "teams").mkdir(parents=True)
    for name, category in (("billing", "business"), ("platform", "operational"), ("growth", "user")):
        (root / "teams" / f"{name}.metrics.yaml").write_text(
            HEAD.format(product="Acme") + f"objectives:\n  - id: {name}-objective\n    title: Do {name} well\n"
            f"    metrics:\n      - {{id: {name}-metric, name: {name.title()} metric, kind: lagging, "
            f"category: {category}}}\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for balanced in (True, False):
        full = _report(root, [str(root)], use_cache=False)
        assert [f[1] for f in full if f[0] == "B001"] == ([] if balanced else ["teams/billing.metrics.yaml"])
        for named in ("teams/billing.metrics.yaml", "teams/growth.metrics.yaml", "teams/platform.metrics.yaml"):
            for use_cache in (False, True, True):
                hook = _report(root, [str(root / named)], use_cache=use_cache)
                assert hook == [finding for finding in full if finding[1] == named], (named, use_cache)
        if balanced:
            _edit(root, "teams/growth.metrics.yaml", "category: user", "category: operational")


def test_a_broken_or_foreign_index_is_ignored_and_rebuilt(workspace):
    named = [str(workspace / "team-000" / "t00009.metrics.yaml")]
    expected = _report(workspace, named, use_cache=False)
    assert _report(workspace, named, use_cache=True) == expected
    (index_file,) = (workspace / cache.FOLDER).glob("context-*.bin")
    good = index_file.read_bytes()
    header = good[:good.index(b"\0")]
    damaged = {
        "garbage": b"\x00\xff" * 300,
        "cut short": good[: len(good) // 2],
        "empty": b"",
        "foreign version": good.replace(header, header.replace(b"index\n", b"index\n9", 1), 1),
        "a flipped byte": good[:-10] + bytes([good[-10] ^ 1]) + good[-9:],
    }
    for name, blob in damaged.items():
        index_file.write_bytes(blob)
        assert _report(workspace, named, use_cache=True) == expected, name
        assert index_file.read_bytes() != blob, f"{name}: not rebuilt"
    shutil.rmtree(workspace / cache.FOLDER)
    index_file.parent.write_text("a file where the folder goes\n", encoding="utf-8")
    assert _report(workspace, named, use_cache=True) == expected  # cannot write: no error


def test_hooks_writing_the_index_at_once_leave_it_correct(workspace):
    named = str(workspace / "team-000" / "t00009.metrics.yaml")
    command = [sys.executable, "-m", "metricspec", "lint", named, "--format", "json", "--today", "2026-06-01"]
    expected = subprocess.run([*command, "--no-cache"], cwd=workspace, capture_output=True, text=True)
    assert not (workspace / cache.FOLDER).exists()
    hooks = [subprocess.Popen(command, cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    for hook in hooks:
        out, err = hook.communicate(timeout=300)
        assert (hook.returncode, out, err) == (expected.returncode, expected.stdout, "")
    assert len(list((workspace / cache.FOLDER).glob("*.tmp"))) == 0
    again = subprocess.run(command, cwd=workspace, capture_output=True, text=True)
    assert (again.returncode, again.stdout, again.stderr) == (expected.returncode, expected.stdout, "")


def test_where_the_index_lives(workspace, tmp_path, monkeypatch):
    named = [str(workspace / "team-000" / "t00005.metrics.yaml")]
    _report(workspace, named, use_cache=False)
    assert not (workspace / cache.FOLDER).exists()  # --no-cache writes nothing
    _report(workspace, named, use_cache=True)
    assert (workspace / cache.FOLDER / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=workspace,
                            capture_output=True, text=True).stdout
    assert cache.FOLDER not in status
    shutil.rmtree(workspace / cache.FOLDER)
    monkeypatch.setenv("METRICSPEC_CACHE_DIR", str(tmp_path / "elsewhere"))
    _report(workspace, named, use_cache=True)
    assert not (workspace / cache.FOLDER).exists()
    assert list((tmp_path / "elsewhere").glob("context-*.bin"))


def test_no_cache_is_an_option_of_lint(run, tmp_path):
    spec = tmp_path / "a.metrics.yaml"
    spec.write_text(HEAD.format(product="Acme") + "objectives: []\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = run("lint", str(spec), "--no-cache")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / cache.FOLDER).exists()
    assert findings(lint(LintOptions(paths=[str(spec)], today=TODAY))) == []
    assert (tmp_path / cache.FOLDER).is_dir()
