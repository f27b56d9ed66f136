"""Each side's own config and .gitignore decide which of its files count (DIFF.md Usage), in
real git repositories; and the walk over a revision's listing (diff/sides.py) against lint's own
walk (discovery.Walker) on a checkout of it, so the copy cannot drift."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from metricspec import config, diff
from metricspec.diff import sides
from metricspec.diff.gitcli import Git
from tests.test_diff import found, git, repo, spec

DRAFT = spec("""
- id: m9
  name: Draft metric
  event: draft_seen
""", node="o9")


def test_a_file_excluded_at_base_and_included_at_head(tmp_path: Path) -> None:
    base = {"metricspec.toml": 'exclude = ["drafts/**"]\n', "drafts/d.yaml": DRAFT}
    root = repo(tmp_path, base, {**base, "metricspec.toml": "exclude = []\n"})
    # HEAD's config includes the draft: its metric is new there; BASE's never read it.
    assert found(root) == [("D016", "m9", "head", 6)]
    # The reverse (committed HEAD excludes it again) drops it from HEAD: the node and metric go.
    git(root, "checkout", "-q", "main")
    git(root, "checkout", "-qb", "back")
    assert found(root, base="feature", head="back") == [("D011", "o9", "base", 3), ("D010", "m9", "base", 6)]


def test_the_working_trees_config_counts_for_the_working_tree(tmp_path: Path) -> None:
    root = repo(tmp_path, {"metricspec.toml": 'exclude = ["drafts/**"]\n', "drafts/d.yaml": DRAFT},
                {"drafts/d.yaml": DRAFT, "metricspec.toml": 'include = ["drafts/*.yaml"]\n'}, commit_head=False)
    assert found(root) == [("D016", "m9", "head", 6)]


def test_a_gitignore_change_at_head(tmp_path: Path) -> None:
    base = {".gitignore": "legacy/\n", "legacy/l.yaml": DRAFT}
    # legacy/ is tracked, yet ignored at BASE: lint on a checkout of BASE never reads it.
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for path, text in base.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    git(root, "add", "-f", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    (root / ".gitignore").write_text("*.log\n")
    assert found(root) == [("D016", "m9", "head", 6)]  # the working tree's .gitignore
    git(root, "commit", "-qam", "head")
    assert found(root, head="feature") == [("D016", "m9", "head", 6)]  # HEAD's, from its tree
    assert found(root, base="feature", head="main") == [("D011", "o9", "base", 3), ("D010", "m9", "base", 6)]


def test_a_broken_config_at_a_revision_falls_back_to_the_working_trees(tmp_path: Path) -> None:
    kept = spec("- id: m1\n  name: A\n  event: a\n")
    root = repo(tmp_path, {"metricspec.toml": "exclude = [\n", "drafts/d.yaml": DRAFT, "a.yaml": kept},
                {"drafts/d.yaml": DRAFT, "a.yaml": kept, "metricspec.toml": 'exclude = ["drafts/**"]\n'})
    working = config.load(root / "metricspec.toml")  # the checkout's: drafts excluded
    result = diff.run("main", "feature", [], str(root), working)
    assert result.changes == []  # both sides exclude the draft: BASE's config is unreadable
    assert len(result.notes) == 1
    assert result.notes[0].startswith("BASE:metricspec.toml cannot be read (")
    assert result.notes[0].endswith("; its include and exclude are the working tree's")


def test_a_config_in_pyproject_and_a_subfolder_working_directory(tmp_path: Path) -> None:
    base = {"pyproject.toml": '[tool.metricspec]\nexclude = ["specs/drafts"]\n', "specs/drafts/d.yaml": DRAFT,
            "specs/a.yaml": spec("- id: m1\n  name: A\n  event: a\n")}
    root = repo(tmp_path, base, {**base, "pyproject.toml": "[tool.black]\nline-length = 100\n"})
    assert found(root / "specs") == [("D016", "m9", "head", 6)]


CHECKOUT = {
    ".gitignore": "build/\n*.tmp.yaml\n!keep.tmp.yaml\n",
    "a.yaml": "x: 1\n",
    "keep.tmp.yaml": "x: 1\n",
    "drop.tmp.yaml": "x: 1\n",
    "build/b.yaml": "x: 1\n",
    "node_modules/n.yaml": "x: 1\n",
    "specs/s.yml": "x: 1\n",
    "specs/.gitignore": "/local/\n",
    "specs/local/l.yaml": "x: 1\n",
    "specs/teams/t.yaml": "x: 1\n",
    "specs/teams/deep/u.yaml": "x: 1\n",
    "specs/notes.txt": "x\n",
    "other/o.yaml": "x: 1\n",
}


@pytest.mark.parametrize(("include", "exclude", "named", "cwd"), [
    ([], [], [], ""),
    ([], ["specs/teams"], [], ""),
    (["specs/**/*.yaml"], [], [], ""),
    (["specs/teams", "a.yaml"], ["**/deep"], [], ""),
    ([], [], ["specs", "other/o.yaml"], ""),
    ([], [], [], "specs"),
    (["*.yaml"], [], [], "specs"),
])
def test_the_listing_walk_reads_what_lints_walk_reads(tmp_path: Path, include, exclude, named, cwd) -> None:
    root = tmp_path / "repo"
    for path, text in CHECKOUT.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-f", "-A")
    git(root, "commit", "-qm", "all")
    where = str(root / cwd)
    g = Git(where)
    entries = g.tree("HEAD").entries
    texts = {e.path: (root / e.path).read_text() for e in entries if e.path.endswith(".gitignore")}
    scope = sides.Scope(include, exclude, str(root))
    paths = [os.path.join(where, p) for p in named]
    from_tree = sides.revision_paths([e.path for e in entries], texts, scope, paths, g.root, where)
    from_walk = sides.worktree_paths(scope, paths, g.root, where)
    assert sorted(from_tree) == from_walk
    assert "build/b.yaml" not in from_walk and "node_modules/n.yaml" not in from_walk


def test_verbose_says_which_revisions_config_was_not_read(tmp_path: Path) -> None:
    import subprocess
    import sys

    kept = spec("- id: m1\n  name: A\n  event: a\n")
    root = repo(tmp_path, {"metricspec.toml": "exclude = [\n", "a.yaml": kept}, {"a.yaml": kept, "metricspec.toml": ""})
    env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    done = subprocess.run([sys.executable, "-m", "metricspec", "diff", "main", "feature", "--verbose"], cwd=root,
                          env=env, capture_output=True, text=True)
    notes = [line for line in done.stderr.splitlines() if "cannot be read" in line]
    assert done.returncode == 0 and len(notes) == 1
    assert notes[0].startswith("metricspec diff: BASE:metricspec.toml cannot be read (")
    assert notes[0].endswith("); its include and exclude are the working tree's")
