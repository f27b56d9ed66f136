"""Which files a run reads: named files, walked directories, the config's include globs.

Walking never enters a symlinked directory (as git and os.walk: no loops, no escape through a
link to a parent) nor a directory twice, opens nothing (the loader does, and only regular
files), and turns every unreadable path into a problem for that path instead of an error for
the run. A symlinked directory named on the command line is followed: the user asked for it.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from metricspec.diagnostics import Problem
from metricspec.gitignore import GitIgnores
from metricspec.globs import Glob, any_match, forms

SKIP_DIRS = frozenset((".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"))
SUFFIXES = (".yaml", ".yml")


class PathNotFound(Exception):
    """A path named on the command line does not exist: a usage error (exit 2)."""


@dataclass(frozen=True)
class Target:
    fs_path: str
    display: str
    named: bool  # named on the command line: reported even when not a metricspec file
    # The file's bytes when they do not come from fs_path: `lint -` reads them from stdin.
    content: Optional[bytes] = None


@dataclass(frozen=True)
class PathProblem:
    display: str
    problem: Problem


def display_path(path: str, cwd: str) -> str:
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, cwd)
    except ValueError:
        relative = absolute
    shown = absolute if relative.startswith("..") else relative
    # A name that is not valid UTF-8 (kept by Python as lone surrogates) is shown with its
    # bytes escaped: every report format can then print it.
    shown = os.fsencode(shown).decode("utf-8", errors="backslashreplace")
    return shown.replace(os.sep, "/")


class Walker:
    def __init__(self, cwd: str, exclude: Iterable[str] = (), exclude_root: Optional[str] = None) -> None:
        self.cwd = cwd
        self.exclude = [Glob(pattern) for pattern in exclude]
        self.exclude_root = exclude_root or cwd
        self.seen_files: set[str] = set()
        self.seen_dirs: set[tuple[int, int]] = set()
        self.problems: list[PathProblem] = []
        self.skipped: list[str] = []
        self._problem_paths: set[str] = set()
        # With `explain` (--verbose), every entry the walk passes over is recorded with its
        # reason, as (shown path, reason): kept off by default, it costs a run nothing.
        self.explain = False
        self.passed_over: list[tuple[str, str]] = []

    def _pass_over(self, path: str, is_dir: bool, reason: str) -> None:
        shown = display_path(path, self.cwd) + ("/" if is_dir else "")
        self.passed_over.append((shown, reason))

    def _exclusion(self, path: str) -> str:
        """The first exclude glob that matches `path`, as written."""
        paths = forms(os.path.abspath(path), self.exclude_root, self.cwd)
        for glob in self.exclude:
            if any_match([glob], paths):
                return glob.pattern
        return ""

    def _excluded(self, path: str) -> bool:
        if not self.exclude:
            return False
        return any_match(self.exclude, forms(os.path.abspath(path), self.exclude_root, self.cwd))

    def _problem(self, path: str, message: str) -> None:
        # The same directory entry reached twice (named and walked) is reported once.
        identity = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path))
        if identity in self._problem_paths:
            return
        self._problem_paths.add(identity)
        self.problems.append(PathProblem(display_path(path, self.cwd), Problem("E001", message, (1, 1, 1, 1))))

    def named(self, paths: Iterable[str]) -> Iterator[Target]:
        for path in paths:
            try:
                info = os.lstat(path)
            except OSError as exc:
                if exc.errno in (errno.ENOENT, errno.ENOTDIR) or not path:
                    raise PathNotFound(path) from None
                self._problem(path, f"cannot read: {exc.strerror}; not read")
                continue
            if stat.S_ISLNK(info.st_mode):
                try:
                    info = os.stat(path)
                except OSError as exc:
                    self._problem(path, f"{_link_problem(exc)}; not read")
                    continue
            if stat.S_ISDIR(info.st_mode):
                yield from self.walk(path)
            elif not stat.S_ISREG(info.st_mode):
                self._problem(path, f"{_not_regular(info.st_mode)}; not read")
            else:
                target = self._file(path, named=True)
                if target:
                    yield target

    def _file(self, path: str, named: bool) -> Optional[Target]:
        real = os.path.realpath(path)
        if real in self.seen_files:
            return None
        self.seen_files.add(real)
        return Target(path, display_path(path, self.cwd), named)

    def walk(self, top: str, wanted: Optional[Callable[[str, bool], bool]] = None) -> Iterator[Target]:
        """Every *.yaml / *.yml below `top`, depth first, in a stable (sorted) order; with
        `wanted(path, is_dir)`, only the files it wants, in the folders it wants entered."""
        ignores = GitIgnores()
        stack: list[tuple[str, Optional[str]]] = [(top, None)]  # a folder, the walked folder that holds it
        # A walk for some files only (an include glob) may not skip a folder another walked.
        seen_dirs = self.seen_dirs if wanted is None else set()
        while stack:
            folder, parent = stack.pop()
            try:
                info = os.stat(folder)
            except OSError as exc:
                if exc.errno != errno.ENOENT:  # a folder gone since it was listed is no problem
                    self._problem(folder, f"cannot enter the directory: {exc.strerror}")
                continue
            key = (info.st_dev, info.st_ino)
            if key in seen_dirs:
                continue  # a symlink back into a walked directory: nothing new below it
            seen_dirs.add(key)
            try:
                with os.scandir(folder) as scan:
                    entries = sorted(scan, key=lambda e: e.name)
            except OSError as exc:
                if exc.errno != errno.ENOENT:
                    self._problem(folder, f"cannot list the directory: {exc.strerror}")
                continue
            ignores.enter(folder, parent)
            subdirs = []
            for entry in entries:
                path = entry.path
                try:
                    is_dir = entry.is_dir()
                except OSError:  # a symlink loop: reported below if its name is *.yaml
                    is_dir = False
                if self._excluded(path):
                    if self.explain:
                        self._pass_over(path, is_dir, f"matches exclude `{self._exclusion(path)}`")
                    continue
                if ignores.ignored(folder, entry.name, is_dir):
                    if self.explain:
                        self._pass_over(path, is_dir, "ignored by .gitignore")
                    continue
                try:
                    is_link = entry.is_symlink()
                except OSError:
                    is_link = False
                if is_dir:
                    # A symlinked directory is not entered: it could lead back up (a loop) or out
                    # of the tree; what it points to inside the tree is walked anyway. A link
                    # back to a directory that holds it is a loop in the repository: say so.
                    if entry.name in SKIP_DIRS or (wanted is not None and not wanted(path, True)):
                        continue
                    if not is_link:
                        subdirs.append(path)
                    elif _is_ancestor(os.path.realpath(path), os.path.realpath(folder)):
                        self._problem(path, "a directory link back to a folder that holds it (a loop); not followed")
                    continue
                if not entry.name.endswith(SUFFIXES) or (wanted is not None and not wanted(path, False)):
                    continue
                try:
                    info = entry.stat()
                except OSError as exc:
                    reason = _link_problem(exc) if is_link else f"cannot read: {exc.strerror}"
                    self._problem(path, f"{reason}; not read")
                    continue
                if not stat.S_ISREG(info.st_mode):
                    self._problem(path, f"{_not_regular(info.st_mode)}; not read")
                    continue
                target = self._file(path, named=False)
                if target:
                    yield target
            stack.extend((subdir, folder) for subdir in reversed(subdirs))


def _is_ancestor(candidate: str, folder: str) -> bool:
    return folder == candidate or folder.startswith(candidate.rstrip(os.sep) + os.sep)


def _not_regular(mode: int) -> str:
    kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "something else")
    return f"not a regular file but {kind}"


def _link_problem(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symlink loop"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "a broken symlink (its target does not exist)"
    return f"a symlink whose target cannot be read: {exc.strerror}"


def include_targets(root: Path, patterns: Iterable[str], walker: Walker) -> Iterator[Target]:
    """Files matching the config's include globs (globs.py reads them), glob by glob, each
    glob's in the order of their paths. A glob without a wildcard names a file or a folder;
    any other is walked from the folders it starts with, as a folder named on the command line
    is walked (.gitignore, exclude, no symlinked folder entered), for the files it matches."""
    for pattern in patterns:
        glob = Glob(pattern)
        base = glob.anchor or str(root)
        literal = glob.literal()
        if literal is not None:
            path = os.path.join(base, literal) if literal else base
            if os.path.isdir(path):
                yield from walker.walk(path)
            elif path.endswith(SUFFIXES) and os.path.isfile(path) and not walker._excluded(path):
                target = walker._file(path, named=False)
                if target:
                    yield target
            continue
        top, wanted = glob_walk(glob, base)
        yield from sorted(walker.walk(top, wanted), key=lambda target: target.fs_path.split(os.sep))


def glob_walk(glob: Glob, base: str) -> tuple[str, Callable[[str, bool], bool]]:
    """Where a walk for a glob that is not a literal path starts, and which paths under it the
    glob may hold (folders) or matches (files): include_targets on disk, diff's sides over a
    revision's tree."""
    start = glob.folder() or ""
    top = os.path.join(base, start) if start else base
    prefix = top if top.endswith(os.sep) else top + os.sep
    lead = glob.anchor + (start + "/" if start else "")

    def wanted(path: str, is_dir: bool) -> bool:
        # The path as the glob reads it: under `top`, which the glob writes as `lead`.
        form = lead + path[len(prefix):].replace(os.sep, "/")
        return glob.may_hold(form) if is_dir else glob.matches(form)

    return top, wanted


def repository_root(start: str) -> Optional[str]:
    folder = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
