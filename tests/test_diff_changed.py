"""diff/changed.py, the library half of `lint --changed-since REV`, against real git repositories:
which of lint's candidate files are new since REV or differ from its blob, and git's errors."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from metricspec.diff import gitcli
from metricspec.diff.changed import changed_since
from tests.test_diff import git


def make(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "sub").mkdir(parents=True)
    for name in ("a.yaml", "b.yaml", "sub/c.yaml", "crlf.yaml"):
        (root / name).write_text(f"metricspec: 1\n# {name}\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "tag", "v1")
    (root / "e.yaml").write_text("metricspec: 1\n# committed after v1\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "later")
    (root / "b.yaml").write_text("metricspec: 1\n# b.yaml, changed\n")
    (root / "d.yaml").write_text("metricspec: 1\n# untracked\n")
    (root / "crlf.yaml").write_bytes(b"metricspec: 1\r\n# crlf.yaml\r\n")  # CRLF line ends: another blob
    os.utime(root / "a.yaml", (1, 1))  # touched only: the same bytes are no change
    return root


def test_new_changed_and_untracked_files_since_a_revision(tmp_path: Path) -> None:
    root = make(tmp_path)
    candidates = ["a.yaml", "b.yaml", "sub/c.yaml", "d.yaml", "e.yaml", "crlf.yaml"]
    result = changed_since(str(root), "v1", candidates)
    assert result.paths == ["b.yaml", "d.yaml", "e.yaml", "crlf.yaml"]
    assert (result.rev, result.unchanged) == ("v1", 2)
    assert result.sha == git(root, "rev-parse", "v1^{commit}").strip()
    # Since the last commit only the working tree's edits count; absolute paths are kept as given.
    result = changed_since(str(root / "sub"), "HEAD", [str(root / "a.yaml"), "c.yaml", "../d.yaml"])
    assert result.paths == ["../d.yaml"]


def test_same_size_other_bytes_is_a_change(tmp_path: Path) -> None:
    root = make(tmp_path)
    (root / "a.yaml").write_text("metricspec: 1\n# A.yaml\n")
    assert changed_since(str(root), "v1", ["a.yaml"]).paths == ["a.yaml"]


def test_no_changed_spec_file(tmp_path: Path) -> None:
    root = make(tmp_path)
    result = changed_since(str(root), "main", ["a.yaml", "sub/c.yaml"])
    assert (result.paths, result.unchanged) == ([], 2)


@pytest.mark.parametrize(("rev", "message"), [
    ("nope", "metricspec: error: unknown revision 'nope'; check the name, or git fetch it"),
    ("-x", "metricspec: error: '-x' is not a revision (it starts with '-'); name a branch, tag or SHA"),
])
def test_git_errors_are_diffs_messages_with_lints_prefix(tmp_path: Path, rev: str, message: str) -> None:
    root = make(tmp_path)
    with pytest.raises(gitcli.GitError) as caught:
        changed_since(str(root), rev, ["a.yaml"], prefix="metricspec: error: ")
    assert str(caught.value) == message
    with pytest.raises(gitcli.GitError, match="^metricspec diff: unknown revision 'nope'"):
        changed_since(str(root), "nope", ["a.yaml"])


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "plain").mkdir()
    with pytest.raises(gitcli.GitError) as caught:
        changed_since(str(tmp_path / "plain"), "main", ["a.yaml"])
    assert str(caught.value) == gitcli.NOT_A_REPOSITORY


def test_a_shallow_clone_names_the_fix(tmp_path: Path) -> None:
    root = make(tmp_path)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)], check=True, capture_output=True)
    with pytest.raises(gitcli.GitError) as caught:
        changed_since(str(clone), "v1", ["a.yaml"])
    assert str(caught.value) == "metricspec diff: unknown revision 'v1'" + gitcli.SHALLOW_HINT
