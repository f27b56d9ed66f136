"""`metricspec diff`: what changed in metric targets and definitions between two revisions.

`run(base, head, paths, cwd, config, exclude, config_file)` is the one entry: it reads both
sides through git (gitcli.py), decides which files count at each (sides.py), loads them as lint
would (snapshot.py, on every core for a large run), matches items (matching.py) and returns
every change (changes.py) in a DiffResult; report.py turns one into text, markdown or JSON,
ci.py into SARIF or GitHub annotations; command.py is the command behind cli.py (the selection
over D codes is codes.py, their pages pages.py). It never prints; a git or usage failure is a
gitcli.GitError holding the one line to print (exit 2). changed.py is the library half of
`lint --changed-since`.

A file counts at a side exactly when lint on a checkout of it would read it (sides.py): the
paths asked for, else the config's `include`, else the working directory; `exclude`; that side's
`.gitignore` files; with `include` and `exclude` from the config as it stands at that revision.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from typing import TYPE_CHECKING

from metricspec.diff.gitcli import MAX_BLOB_BYTES, PREFIX, Entry, Git, GitError, Revisions, UsageError, blob_id, resolve

if TYPE_CHECKING:
    from metricspec.diff.changes import Change
    from metricspec.loader import LoadedFile

__all__ = ["run", "DiffResult", "GitError", "UsageError", "Change"]
SUFFIXES = (".yaml", ".yml")


def __getattr__(name: str) -> Any:
    # `metricspec rules` reads the D codes' pages (diff/pages.py) without the YAML loader this
    # package's run needs: the modules that load files are imported when first asked for.
    if name == "Change":
        from metricspec.diff.changes import Change

        return Change
    raise AttributeError(name)


@dataclass
class DiffResult:
    revisions: Revisions
    base_files: int
    head_files: int
    changes: list[Change]
    skipped: list[str] = field(default_factory=list)  # symlinks and submodules (--verbose)
    commands: list[str] = field(default_factory=list)  # the git commands run (--verbose)
    notes: list[str] = field(default_factory=list)  # a revision's config not read (--verbose)


def run(base: Optional[str], head: Optional[str], paths: Sequence[str] = (), cwd: Optional[str] = None,
        config: Any = None, exclude: Sequence[str] = (), config_file: Optional[str] = None) -> DiffResult:
    """The changes from BASE to HEAD (None: the defaults). `config` is the working tree's loaded
    config; `exclude` the command line's --exclude (both sides); `config_file` the --config
    given, read at each revision too."""
    from metricspec.diff import sides, snapshot
    from metricspec.diff.changes import compare

    # git names the root by its real path: the working directory is read the same way.
    cwd = os.path.realpath(cwd or os.getcwd())
    git = Git(cwd)
    revisions = resolve(git, base, head)
    chosen = _Selection(git.root, cwd, paths, config)
    named = [os.path.abspath(os.path.join(cwd, p)) for p in paths]
    working = sides.working_scope(config, cwd, exclude)
    trees = {"BASE": git.tree(revisions.base_sha)}
    if not revisions.worktree:
        trees["HEAD"] = git.tree(revisions.head_sha)
    # Each revision's config and .gitignore files decide which of its files count: read first,
    # all of both sides through one cat-file process (a second reads the spec files).
    candidates = sides.config_candidates(git.root, cwd, config_file)
    aux = {label: {e.path: e.oid for e in tree.entries if e.size <= MAX_BLOB_BYTES and (
        e.path in candidates or e.path.rsplit("/", 1)[-1] == sides.GITIGNORE)} for label, tree in trees.items()}
    aux_blobs = git.blobs([oid for found in aux.values() for oid in found.values()])
    notes: list[str] = []
    counted: dict[str, list[Entry]] = {}
    skipped: list[str] = []
    for label, tree in trees.items():
        texts = {path: _text(aux_blobs.get(oid), path.rsplit("/", 1)[-1] == sides.GITIGNORE)
                 for path, oid in aux[label].items()}
        scope = sides.revision_scope(label, texts, candidates, git.root, working, exclude)
        notes += scope.notes
        wanted = sides.revision_paths([e.path for e in tree.entries], texts, scope, named, git.root, cwd)
        counted[label] = [e for e in tree.entries if e.path in wanted]
        skipped += [chosen.display(p) for p in tree.skipped if p.endswith(SUFFIXES)]
    base_entries = counted["BASE"]
    data: dict[str, bytes] = {}
    if revisions.worktree:
        wanted_here = sides.worktree_paths(working, named, git.root, cwd)
        head_entries, oversize, data = _worktree(git.root, wanted_here, skipped, chosen)
    else:
        head_entries = [(e.path, e.oid) for e in counted["HEAD"] if e.size <= MAX_BLOB_BYTES]
        oversize = {e.path: e.size for e in counted["HEAD"] if e.size > MAX_BLOB_BYTES}
    base_oversize = {e.path: e.size for e in base_entries if e.size > MAX_BLOB_BYTES}
    base_pairs = [(e.path, e.oid) for e in base_entries if e.size <= MAX_BLOB_BYTES]
    # One cat-file process for every blob of both sides not in the working tree; a blob at both
    # sides (a working-tree file hashed as git does) is read and parsed once.
    blobs = git.blobs([oid for _, oid in base_pairs + head_entries if oid not in data])
    blobs.update(data)
    # Every blob parsed once, on every core for a large run, as lint loads its files.
    jobs = {oid: (chosen.display(path), blobs.get(oid, b"")) for path, oid in base_pairs + head_entries}
    parsed = _parse(jobs)

    def side(pairs: list[tuple[str, str]], too_big: dict[str, int]) -> snapshot.Snapshot:
        files = [(chosen.display(path), parsed[oid]) for path, oid in pairs]
        for path, size in too_big.items():
            files.append((chosen.display(path), snapshot.read_file(_too_big(chosen.display(path), size), path)))
        return snapshot.build(files)

    base_side = side(base_pairs, base_oversize)
    head_side = side(head_entries, oversize)
    if not base_side.files and not head_side.files:
        raise GitError(f"{PREFIX}no metricspec files at either side in {chosen.looked()}; "
                       "name the spec files or folders after --")
    return DiffResult(revisions, base_side.files, head_side.files, compare(base_side, head_side),
                      sorted(set(skipped)), git.commands, notes)


def _parse(jobs: dict[str, tuple[str, bytes]]) -> dict[str, Any]:
    """snapshot.read_file of each blob by id, through parallel.load (forked workers from 100
    files, as lint's), its results carried as lint's LoadResults."""
    from metricspec import parallel

    oids = list(jobs)
    results = parallel.load([jobs[oid] for oid in oids], False, _load_one)
    return dict(zip(oids, (_read_back(result) for result in results)))


def _load_one(job: tuple[str, bytes], skip_unrecognized: bool) -> Any:
    from metricspec.diff.snapshot import read_file
    from metricspec.engine import FileRecord
    from metricspec.workspace import DocItem

    found = read_file(job[1], job[0])
    if found is None:
        return None, None
    loaded, validation = found
    record = FileRecord(loaded, problems=list(loaded.problems))
    if validation is not None and validation.document is not None:
        record.doc = DocItem(loaded, validation.document, removed=validation.removed)
    return record, None


def _read_back(result: Any) -> Any:
    """A LoadResult as snapshot.read_file gave it: None, (loaded, None) for an unreadable file,
    or (loaded, validation)."""
    from metricspec.validate import Validation

    record = result[0]
    if record is None:
        return None
    if record.doc is not None:
        return record.loaded, Validation(record.doc.model, [], record.doc.removed)
    if any(p.code in ("E001", "E007") for p in record.loaded.problems):
        return record.loaded, None
    return record.loaded, Validation(None, [])  # validated, nothing saved: no items


def _text(data: Optional[bytes], lenient: bool) -> Optional[str]:
    """A blob as text; a .gitignore (`lenient`) as GitIgnores reads one, a config only as UTF-8."""
    if data is None:
        return None
    if lenient:
        return data.decode("utf-8", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _worktree(root: str, paths: list[str], skipped: list[str], chosen: "_Selection") -> tuple[
        list[tuple[str, str]], dict[str, int], dict[str, bytes]]:
    """The working tree's files as (path, blob id), hashed as git does, the ones too big, and
    the contents by blob id."""
    found: list[tuple[str, str]] = []
    too_big: dict[str, int] = {}
    data: dict[str, bytes] = {}
    for path in paths:
        full = os.path.join(root, path)
        try:
            info = os.lstat(full)
        except OSError:  # tracked but deleted: not at HEAD
            continue
        if not stat.S_ISREG(info.st_mode):
            skipped.append(chosen.display(path))
            continue
        if info.st_size > MAX_BLOB_BYTES:
            too_big[path] = info.st_size
            continue
        try:
            with open(full, "rb") as handle:
                raw = handle.read(MAX_BLOB_BYTES + 1)
        except OSError:
            continue
        oid = blob_id(raw)
        data[oid] = raw
        found.append((path, oid))
    return found, too_big, data


def _too_big(display: str, size: int) -> LoadedFile:
    from metricspec.diagnostics import Problem
    from metricspec.loader import LoadedFile

    loaded = LoadedFile(display, unreadable=True)
    loaded.text = "metricspec:"  # taken for a spec file: refused unread, never skipped unseen
    loaded.problems.append(Problem("E007", f"the file is {size:,} bytes, over the limit of {MAX_BLOB_BYTES:,}; "
                                   "not read", (1, 1, 1, 1)))
    return loaded


class _Selection:
    """How a side's paths are shown (relative to the working directory) and where a run looked."""

    def __init__(self, root: str, cwd: str, paths: Sequence[str], config: Any) -> None:
        self.root, self.cwd = root, cwd
        self.where = list(paths) or list(getattr(config, "include", None) or []) or ["."]

    def display(self, path: str) -> str:
        relative = os.path.relpath(os.path.join(self.root, path), self.cwd)
        return relative.replace(os.sep, "/")

    def looked(self) -> str:
        return ", ".join(self.where)
