"""`metricspec lint --changed-since REV` (DIFF.md) through the console script, in real git
repositories: only the files new or changed since REV are linted, untracked ones included, while
references resolve against the whole workspace; git's errors are one line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_diff import git

TODAY = "2026-06-01"
ACME = """metricspec: 1
product: Acme
stage: growth
north_star: weekly-builders
goals:
  - id: adoption
    title: Make reports a weekly habit for 60% of accounts by 2027
    owner: pm-analytics
    metrics:
      - id: weekly-builders
        name: Weekly active report builders
        kind: leading
        category: user
        segments: [plan]
        pairs_with: arr
        target: {baseline: 10, value: 12, by: 2027-06-30}
"""
# `arr`, which a.metrics.yaml pairs with, lives in a file the changes leave alone.
REVENUE = """metricspec: 1
product: Acme
goals:
  - id: revenue
    title: Grow revenue to 12M by mid 2027
    owner: cfo
    metrics:
      - id: arr
        name: Annual recurring revenue
        kind: lagging
        category: business
        unit: USD
        target: {baseline: 10, value: 12, by: 2027-06-30}
"""
BETA = """metricspec: 1
product: Beta
goals:
  - id: reach
    title: Reach
    metrics:
      - {id: Signups, name: Signups}
"""


def _lint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "NO_COLOR": "1", "CI": "1",
           "METRICSPEC_CACHE_DIR": os.environ["METRICSPEC_CACHE_DIR"]}
    return subprocess.run([sys.executable, "-m", "metricspec", "lint", "--today", TODAY, *args], cwd=cwd,
                          capture_output=True, text=True, env=env)


def _found(stdout: str) -> list[tuple[str, str, str, int]]:
    return [(d["path"], d["code"], d["subject"], d["line"]) for d in json.loads(stdout)["diagnostics"]]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Three specs and a YAML file that is not one, committed; then a.metrics.yaml changed (a
    unit added, a metric with a bad id) and an untracked d.metrics.yaml."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "a.metrics.yaml").write_text(ACME)
    (root / "b.metrics.yaml").write_text(REVENUE)
    (root / "c.metrics.yaml").write_text(REVENUE.replace("arr", "mrr").replace("revenue", "income"))
    (root / "notes.yaml").write_text("title: not a spec\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "specs")
    (root / "a.metrics.yaml").write_text(
        ACME.replace("        kind: leading\n", "        kind: leading\n        unit: count\n")
        + "      - {id: x-Y, name: Bad}\n")
    (root / "d.metrics.yaml").write_text(BETA)
    return root


def test_only_the_changed_and_untracked_files_are_linted_as_a_full_run_lints_them(repo):
    result = _lint(repo, "--changed-since", "HEAD", "--format", "json")
    assert result.returncode == 1, result.stderr
    found = _found(result.stdout)
    assert {path for path, *_ in found} == {"a.metrics.yaml", "d.metrics.yaml"}
    assert json.loads(result.stdout)["files"] == 2
    assert ("a.metrics.yaml", "T001", "x-y", 18) in found  # the metric the change added
    # `pairs_with: arr` resolves against b.metrics.yaml, unchanged and not linted.
    assert not [f for f in found if f[1] == "E004"]
    full = _found(_lint(repo, "--format", "json").stdout)
    assert found == [f for f in full if f[0] in ("a.metrics.yaml", "d.metrics.yaml")]


def test_named_files_are_narrowed_too(repo):
    result = _lint(repo, "a.metrics.yaml", "b.metrics.yaml", "--changed-since", "HEAD", "--format", "json")
    assert {path for path, *_ in _found(result.stdout)} == {"a.metrics.yaml"}


def _fixed(result: subprocess.CompletedProcess) -> list[tuple[str, str, str]]:
    return [(f["path"], f["code"], f["subject"]) for f in json.loads(result.stdout)["fixed"]]


def test_the_baseline_lists_as_fixed_only_findings_of_the_changed_files(repo):
    # The baseline was written when a.metrics.yaml and b.metrics.yaml had no unit (T008 each);
    # a's unit comes with the change, b's was committed since.
    changed = (repo / "a.metrics.yaml").read_text()
    (repo / "a.metrics.yaml").write_text(ACME)
    (repo / "b.metrics.yaml").write_text(REVENUE.replace("        unit: USD\n", ""))
    assert _lint(repo, "--write-baseline", "baseline.json").returncode == 0
    (repo / "a.metrics.yaml").write_text(changed)
    git(repo, "checkout", "--", "b.metrics.yaml")
    full = _lint(repo, "--baseline", "baseline.json", "--format", "json")
    assert _fixed(full) == [("a.metrics.yaml", "T008", "weekly-builders"), ("b.metrics.yaml", "T008", "arr")]
    result = _lint(repo, "--changed-since", "HEAD", "--baseline", "baseline.json", "--format", "json")
    assert _fixed(result) == [("a.metrics.yaml", "T008", "weekly-builders")]
    # What the change added is reported; d.metrics.yaml's findings, recorded, stay hidden.
    assert {(path, subject) for path, _, subject, _ in _found(result.stdout)} >= {("a.metrics.yaml", "x-y")}
    assert {path for path, *_ in _found(result.stdout)} == {"a.metrics.yaml"}


def test_no_changed_spec_file_exits_0_saying_so(repo):
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "all of it")
    result = _lint(repo, "--changed-since", "HEAD")
    assert (result.returncode, result.stderr) == (0, "metricspec: no spec file changed since HEAD (5 files unchanged)\n")
    as_json = _lint(repo, "--changed-since", "HEAD", "--format", "json", "--quiet")
    assert (as_json.returncode, as_json.stderr, _found(as_json.stdout)) == (0, "", [])
    # A YAML file that is no spec, changed, changes nothing either.
    (repo / "notes.yaml").write_text("title: still not a spec\n")
    notes = _lint(repo, "--changed-since", "HEAD")
    assert (notes.returncode, notes.stderr) == (0, "metricspec: no spec file changed since HEAD (4 files unchanged)\n")
    # A workspace with no spec at all is still the error that a wrong path is.
    empty = repo / "empty"
    empty.mkdir()
    nothing = _lint(empty, "--changed-since", "HEAD")
    assert nothing.returncode == 2 and nothing.stderr.startswith("metricspec: error: no spec file found in the current")


def test_a_change_since_an_older_revision_counts(repo):
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "all of it")
    result = _lint(repo, "--changed-since", "HEAD~1", "--format", "json")
    assert {path for path, *_ in _found(result.stdout)} == {"a.metrics.yaml", "d.metrics.yaml"}


def test_git_errors_and_usage_errors_are_one_line_exit_2(repo, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.metrics.yaml").write_text(ACME)
    outside = _lint(plain, "--changed-since", "main")
    assert (outside.returncode, outside.stdout) == (2, "")
    assert outside.stderr == (f"metricspec: error: --changed-since reads git's history, and {plain} is not in a git "
                              "repository; run it inside a clone, or lint without --changed-since\n")
    unknown = _lint(repo, "--changed-since", "origin/nope")
    assert (unknown.returncode, unknown.stderr) == (
        2, "metricspec: error: unknown revision 'origin/nope'; check the name, or git fetch it\n")
    for args in (["--changed-since", "-x"], ["--changed-since=--output=x"]):
        option = _lint(repo, *args)
        value = args[-1] if len(args) == 2 else "--output=x"
        assert (option.returncode, option.stderr) == (
            2, f"metricspec: error: --changed-since takes a revision (a branch, tag or SHA), not '{value}'\n")
    both = _lint(repo, "--changed-since", "HEAD", "--write-baseline", "b.json")
    assert both.returncode == 2 and "cannot be combined with --changed-since" in both.stderr
    assert not (repo / "b.json").exists()


def test_the_report_never_lands_on_a_spec_read_for_its_definitions(repo):
    before = (repo / "b.metrics.yaml").read_bytes()
    result = _lint(repo, "--changed-since", "HEAD", "--output", "b.metrics.yaml")
    assert (result.returncode, result.stderr) == (
        2, "metricspec: error: --output b.metrics.yaml is a spec this run reads; the file is left untouched\n")
    assert (repo / "b.metrics.yaml").read_bytes() == before
