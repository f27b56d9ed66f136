"""The .gitignore files of a walked folder, read as git reads them (compared with git itself
over generated trees) and matched in linear time (counted in matcher steps, never timed)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from metricspec import globs
from metricspec.discovery import Walker
from metricspec.gitignore import GitIgnores, read

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FOLDERS = ["a", "b", "a/b", "a/a", "a/b/c", "d1", "d1/a", "x.yaml", "a/x.yaml", "#h", "sp ace"]
FILES = ["a.yaml", "b.yaml", "ab.yaml", "x.yaml", "1.yaml", "#c.yaml", "!d.yaml", "e .yaml", "[a].yaml", "ba.yml"]
# Where .gitignore files are written, and the pieces their lines are made of.
IGNORE_FOLDERS = ["", "a", "a/b"]
PIECES = ["a", "b", "ab", "x", ".yaml", ".yml", "*", "*", "?", "**", "/", "/", "/", "[ab]", "[!a]", "[^b]",
          "[a-c]", "[z-a]", "[[:digit:]]", "[]a]", "[", "\\", "\\#", "\\!", "\\ ", " ", "#", "!", "1", "c", "d1",
          "sp ace", "e ", "\\*", "-", "\\/", "***"]


def _tree(root: Path) -> None:
    for folder in FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)
    for folder in [""] + FOLDERS:
        for name in FILES:
            if not (root / folder / name).exists():
                (root / folder / name).write_text("x: 1\n")


def _git_kept(root: Path) -> set[str]:
    """The files git does not ignore (untracked, in a repository with no commit)."""
    env = {**os.environ, "HOME": str(root.parent), "XDG_CONFIG_HOME": str(root.parent),
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    listed = subprocess.run(["git", "ls-files", "-z", "--others", "--exclude-standard"], cwd=root, env=env,
                            check=True, capture_output=True).stdout.decode()
    return {path for path in listed.split("\0") if path.endswith((".yaml", ".yml"))}


def _walker_kept(root: Path) -> set[str]:
    prefix = str(root) + os.sep
    return {target.fs_path[len(prefix):].replace(os.sep, "/") for target in Walker(str(root)).walk(str(root))}


def _write_ignores(root: Path, ignores: dict[str, str]) -> None:
    for folder in IGNORE_FOLDERS:
        path = root / folder / ".gitignore"
        if folder in ignores:
            path.write_text(ignores[folder])
        elif path.exists():
            path.unlink()


@pytest.fixture
def repository(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True, env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull})
    _tree(root)
    return root


# Each case: the .gitignore files, by folder. The walker and git must keep the same files.
CASES = {
    "a name at any depth": {"": "a.yaml\n"},
    "anchored by a leading slash": {"": "/a.yaml\n"},
    "anchored by a middle slash": {"": "a/b.yaml\n"},
    "folders only": {"": "x.yaml/\n"},
    "a folder's contents": {"": "a/**\n"},
    "any folders between": {"": "a/**/b.yaml\n"},
    "any folders before": {"": "**/b/a.yaml\n"},
    "negation, last match wins": {"": "*.yaml\n!a.yaml\n"},
    "negation overridden again": {"": "!a.yaml\n*.yaml\n"},
    "no re-including inside an excluded folder": {"": "a/\n!a/b.yaml\n"},
    "a deeper file decides first": {"": "*.yaml\n", "a": "!b.yaml\n"},
    "a deeper file anchors at its folder": {"a": "/b/\n"},
    "comments, blanks and escapes": {"": "# a.yaml\n\n\\#c.yaml\n\\!d.yaml\n"},
    "trailing spaces dropped, escaped kept": {"": "b.yaml   \ne\\ .yaml\n"},
    "classes": {"": "[ab].yaml\n[!a]b.yaml\n[[:digit:]].yaml\n"},
    "a range upside down": {"": "[z-a].yaml\n"},
    "an open class and a final backslash match nothing": {"": "[a.yaml\nb.yaml\\\n"},
    "stars and question marks stay within a name": {"": "a*b.yaml\n?/a.yaml\n"},
    "a lone negation and a lone slash": {"": "!\n/\n"},
    "carriage returns": {"": "a.yaml\r\nb.yaml\r\n"},
    "double stars inside a name": {"": "a**.yaml\n**b/x.yaml\n"},
    "an escaped slash after a double star skips no folder": {"": "**\\/a.yaml\n"},
}


@needs_git
@pytest.mark.parametrize("ignores", CASES.values(), ids=CASES.keys())
def test_the_walk_ignores_what_git_ignores(repository, ignores):
    _write_ignores(repository, ignores)
    kept = _walker_kept(repository)
    assert kept == _git_kept(repository)
    assert len(kept) < len(FILES) * (len(FOLDERS) + 1)  # each case ignores something


@needs_git
def test_random_patterns_agree_with_git(repository):
    """Differential: hundreds of generated .gitignore files, each checked against git."""
    rng = random.Random(int(os.environ.get("METRICSPEC_GITIGNORE_SEED", "14")))
    rounds = int(os.environ.get("METRICSPEC_GITIGNORE_ROUNDS", "150"))
    differed = []
    for _ in range(rounds):
        ignores = {}
        for folder in rng.sample(IGNORE_FOLDERS, rng.randint(1, 2)):
            lines = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 4))]
            ignores[folder] = "\n".join(lines) + "\n"
        _write_ignores(repository, ignores)
        expected = _git_kept(repository)
        if _walker_kept(repository) != expected:
            differed.append(ignores)
    assert not differed, differed[:5]


# -- linear time ------------------------------------------------------------------------------


def _steps(line: str, path: str, is_dir: bool = False) -> int:
    (pattern,) = read(line + "\n")
    globs.STEPS = 0
    pattern.matches(path.split("/"), is_dir)
    return globs.STEPS


@pytest.mark.parametrize(("line", "filler", "end"), [
    ("*a*a*a*a*a*a*b*c", "a", "c"),  # no `b`: a backtracking matcher tries every spread of the a's
    ("*a?a?a?a?a?b*c", "a", "c"),
    ("*[a]*[a]*[a]*[b]*c", "a", "c"),
    ("**/a/**/a/**/a/**/b/**/c", "a/", "c"),  # the same over folders
    ("**/a*a/**/a*a*b/**/c", "aa/", "c"),
    ("/**/a/**/a/**/b/**", "a/", "c"),
])
def test_steps_grow_linearly_with_the_path(line, filler, end):
    small, large = _steps(line, filler * 2000 + end), _steps(line, filler * 4000 + end)
    assert small >= 2000  # the whole path is looked at: the counter counts the work
    assert large <= 2.1 * small


def test_a_hostile_line_in_a_walked_folder_is_linear(tmp_path):
    """Through the walk: `*a*a*a*a*a*a*b*c` in a .gitignore, over long file names (a name is
    at most 255 bytes, so the names grow from 100 to 200 characters)."""
    counted = []
    for n in (100, 200):
        folder = tmp_path / f"run{n}"
        folder.mkdir()
        (folder / ".gitignore").write_text("*a*a*a*a*a*a*b*c\n")
        (folder / ("a" * n + ".yaml")).write_text("x: 1\n")
        (folder / ("a" * n + "bc")).mkdir()
        (folder / ("a" * n + "bc") / "b.yaml").write_text("x: 1\n")
        globs.STEPS = 0
        kept = [Path(target.fs_path).name for target in Walker(str(folder)).walk(str(folder))]
        counted.append(globs.STEPS)
        assert kept == ["a" * n + ".yaml"]  # the folder is ignored, the file (no `b`) kept
    assert counted[0] >= 100 and counted[1] <= 2.1 * counted[0]


def test_gitignore_files_are_read_once_per_folder_and_looked_up_by_depth(tmp_path):
    """Many sibling folders, each with a .gitignore: an entry consults only the .gitignore
    files of its own folders, so the work grows with the entries, not entries x .gitignores."""
    counted = []
    for n in (50, 500):
        top = tmp_path / f"n{n}"
        for i in range(n):
            (top / f"f{i}").mkdir(parents=True)
            (top / f"f{i}" / ".gitignore").write_text("*.yml\n")
            (top / f"f{i}" / "a.yaml").write_text("x: 1\n")
        globs.STEPS = 0
        assert len(list(Walker(str(top)).walk(str(top)))) == n
        counted.append(globs.STEPS)
    assert counted[1] <= 12 * counted[0]


def test_the_chain_of_a_folder_with_no_gitignore_above_is_empty(tmp_path):
    ignores = GitIgnores()
    ignores.enter(str(tmp_path), None)
    assert not ignores.ignored(str(tmp_path), "a.yaml", False)
