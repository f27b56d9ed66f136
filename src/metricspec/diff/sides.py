"""Which files count at each side: exactly those lint on a checkout of it would read (DIFF.md,
Usage).

At a revision the files are a `git ls-tree` listing, not a folder, so lint's walk
(discovery.Walker.walk and include_targets) is followed here over that listing, check for check
and in the same order: the paths named after `--`, else the config's `include`, else the
working directory; `exclude`; the `.gitignore` files met from the walk's top down, as that
revision has them; the folders lint never enters (SKIP_DIRS). `include` and `exclude` come from
the config as it stands at that revision, found as lint finds one (from the working directory
up, metricspec.toml, .metricspec.toml, then a pyproject.toml with [tool.metricspec]); with no
config in that revision, or one that cannot be read, the working tree's (a note says so under
--verbose). The working tree side is lint's own walk (`worktree_paths`). tests/test_diff_sides.py
holds the two against each other on a checkout, so the copy cannot drift from the walk.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional, Sequence

from metricspec.config import CONFIG_FILES
from metricspec.discovery import SKIP_DIRS, SUFFIXES, Walker, glob_walk, include_targets
from metricspec.gitignore import GitIgnores, read
from metricspec.globs import Glob, any_match, forms

GITIGNORE = ".gitignore"


@dataclass
class Scope:
    """What decides which files a side reads: `include`, `exclude` (globs relative to `root`,
    the config's folder) and where they came from (a note for --verbose)."""

    include: list[str]
    exclude: list[str]
    root: str
    notes: list[str] = field(default_factory=list)


def working_scope(config: Any, cwd: str, exclude: Sequence[str]) -> Scope:
    """The working tree's scope: its config (already loaded) and the command line's --exclude."""
    source = getattr(config, "source", None)
    root = str(source.parent) if source is not None else cwd
    return Scope(list(getattr(config, "include", None) or []),
                 [*(getattr(config, "exclude", None) or []), *exclude], root)


def config_candidates(git_root: str, cwd: str, explicit: Optional[str]) -> list[str]:
    """The paths, from the repository's root, where a revision's config may be, in the order lint
    looks: the file given with --config, else each folder from the working directory up."""
    if explicit is not None:
        inside = _inside(git_root, os.path.abspath(os.path.join(cwd, explicit)))
        return [inside] if inside is not None else []
    folder = _inside(git_root, cwd)
    found = []
    while folder is not None:
        found += [f"{folder}/{name}" if folder else name for name in CONFIG_FILES]
        folder = None if not folder else (folder.rsplit("/", 1)[0] if "/" in folder else "")
    return found


def revision_scope(label: str, texts: dict[str, Optional[str]], candidates: list[str], git_root: str,
                   working: Scope, exclude: Sequence[str]) -> Scope:
    """A revision's scope: `include` and `exclude` from its config (`texts` by path, for the
    candidates it has), plus the command line's --exclude; else the working tree's."""
    from metricspec.auxfiles import AuxFileError, parse_toml

    for path in candidates:
        if path not in texts:
            continue
        shown = f"{label}:{path}"
        text = texts[path]
        if text is None:
            return _fallback(working, f"{shown} is not UTF-8 text")
        try:
            data = parse_toml(text, shown)
        except AuxFileError as exc:
            if path.rsplit("/", 1)[-1] == "pyproject.toml" and "tool.metricspec" not in text:
                continue  # some other tool's file, as lint's discovery skips it
            return _fallback(working, f"{shown} cannot be read ({exc.message})")
        tool = data.get("tool")
        if path.rsplit("/", 1)[-1] == "pyproject.toml":
            if not (isinstance(tool, dict) and isinstance(tool.get("metricspec"), dict)):
                continue
            table = tool["metricspec"]
        else:
            table = tool.get("metricspec") if isinstance(tool, dict) else data
        values = [table.get(key, []) if isinstance(table, dict) else None for key in ("include", "exclude")]
        globs = [[value] if type(value) is str else value for value in values]
        if not all(type(value) is list and all(type(g) is str for g in value) for value in globs):
            return _fallback(working, f"{shown}: include and exclude must be globs")
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        return Scope(globs[0], [*globs[1], *exclude], os.path.join(git_root, folder) if folder else git_root)
    return working


def _fallback(working: Scope, why: str) -> Scope:
    note = f"{why}; its include and exclude are the working tree's"
    return Scope(working.include, working.exclude, working.root, [note])


def revision_paths(files: Sequence[str], texts: dict[str, Optional[str]], scope: Scope, named: Sequence[str],
                   git_root: str, cwd: str) -> set[str]:
    """The paths (from the repository's root) of a revision's regular files that lint on a
    checkout would read; `texts` holds its .gitignore files by path."""
    tree = _Listing(git_root, files)
    ignores = {os.path.join(git_root, path[:-len(GITIGNORE)]).rstrip("/"): text
               for path, text in texts.items() if text is not None and path.rsplit("/", 1)[-1] == GITIGNORE}
    walk = _Walk(tree, ignores, scope, cwd)
    if named:
        found = walk.named(named)
    elif scope.include:
        found = walk.included(scope.include)
    else:
        found = walk.walk(cwd)
    return {path[len(git_root) + 1:] for path in found}


def worktree_paths(scope: Scope, named: Sequence[str], git_root: str, cwd: str) -> list[str]:
    """The paths (from the repository's root) lint would read in the working tree now: its own
    walk. A named path missing here is no error: it may be at BASE only."""
    walker = Walker(cwd, scope.exclude, scope.root)
    if named:
        targets = []
        for path in named:
            if os.path.lexists(path):
                targets += list(walker.named([path]))
    elif scope.include:
        targets = list(include_targets(_path(scope.root), scope.include, walker))
    else:
        targets = list(walker.walk(cwd))
    found = (_inside(git_root, os.path.abspath(target.fs_path)) for target in targets)
    return sorted(path for path in found if path)


def _path(folder: str):
    from pathlib import Path

    return Path(folder)


def _inside(git_root: str, path: str) -> Optional[str]:
    relative = os.path.relpath(path, git_root).replace(os.sep, "/")
    if relative == ".":
        return ""
    return None if relative.startswith("../") or relative == ".." else relative


class _Listing:
    """A revision's files as folders of names, by absolute path as at a checkout."""

    def __init__(self, git_root: str, files: Sequence[str]) -> None:
        self.files: set[str] = set()
        self.folders: dict[str, dict[str, bool]] = {git_root: {}}
        for path in files:
            names = path.split("/")
            folder = git_root
            for depth, name in enumerate(names):
                is_dir = depth < len(names) - 1
                self.folders.setdefault(folder, {})[name] = is_dir
                folder = os.path.join(folder, name)
                if is_dir:
                    self.folders.setdefault(folder, {})
            self.files.add(folder)


class _TreeIgnores(GitIgnores):
    """GitIgnores reading each folder's .gitignore from the revision, not the disk (the same
    chain as GitIgnores.enter builds)."""

    def __init__(self, texts: dict[str, str]) -> None:
        super().__init__()
        self.texts = texts

    def enter(self, folder: str, parent: Optional[str]) -> None:
        chain, names = self.folders.get(parent, (None, ())) if parent is not None else (None, ())
        if parent is not None:
            names = names + (os.path.basename(folder),)
        patterns = read(self.texts[folder]) if folder in self.texts else []
        if patterns:
            chain = (len(names), patterns, chain)
        self.folders[folder] = (chain, names)


class _Walk:
    """discovery.Walker's walk over a listing: the same checks in the same order."""

    def __init__(self, tree: _Listing, ignores: dict[str, str], scope: Scope, cwd: str) -> None:
        self.tree, self.ignores, self.cwd = tree, ignores, cwd
        self.exclude = [Glob(pattern) for pattern in scope.exclude]
        self.root = scope.root

    def _excluded(self, path: str) -> bool:
        return bool(self.exclude) and any_match(self.exclude, forms(path, self.root, self.cwd))

    def named(self, paths: Sequence[str]) -> Iterator[str]:
        for path in paths:
            path = os.path.normpath(path)
            if path in self.tree.folders:
                yield from self.walk(path)
            elif path in self.tree.files:
                yield path  # a file named is read, whatever its name (lint reports it)

    def included(self, patterns: Sequence[str]) -> Iterator[str]:
        # As discovery.include_targets.
        for pattern in patterns:
            glob = Glob(pattern)
            base = glob.anchor or self.root
            literal = glob.literal()
            if literal is not None:
                path = os.path.normpath(os.path.join(base, literal) if literal else base)
                if path in self.tree.folders:
                    yield from self.walk(path)
                elif path.endswith(SUFFIXES) and path in self.tree.files and not self._excluded(path):
                    yield path
                continue
            top, wanted = glob_walk(glob, base)
            yield from self.walk(os.path.normpath(top), wanted)

    def walk(self, top: str, wanted: Optional[Callable[[str, bool], bool]] = None) -> Iterator[str]:
        ignores = _TreeIgnores(self.ignores)
        stack: list[tuple[str, Optional[str]]] = [(top, None)]
        while stack:
            folder, parent = stack.pop()
            entries = self.tree.folders.get(folder)
            if entries is None:
                continue
            ignores.enter(folder, parent)
            subdirs = []
            for name in sorted(entries):
                is_dir = entries[name]
                path = os.path.join(folder, name)
                if self._excluded(path) or ignores.ignored(folder, name, is_dir):
                    continue
                if is_dir:
                    if name not in SKIP_DIRS and (wanted is None or wanted(path, True)):
                        subdirs.append(path)
                    continue
                if name.endswith(SUFFIXES) and (wanted is None or wanted(path, False)):
                    yield path
            stack.extend((subdir, folder) for subdir in reversed(subdirs))
