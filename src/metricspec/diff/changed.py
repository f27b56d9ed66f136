"""The library half of `metricspec lint --changed-since REV` (DIFF.md): which of lint's files
are new since a revision or differ from it.

Git is read as diff reads it (gitcli.py): `rev-parse` and one `ls-tree` of REV, whatever the
number of files; each candidate is hashed as git hashes a blob (gitcli.blob_id), and only when
its size equals that of REV's blob at the same path (a different size is a change, unread).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Optional, Sequence

from metricspec.diff.gitcli import MAX_BLOB_BYTES, PREFIX, Git, GitError, blob_id


@dataclass
class ChangedFiles:
    """`paths`: the candidates changed since `rev` (as given, in their order); `unchanged`: how
    many were left out; `sha`: the commit `rev` names."""

    rev: str
    sha: str
    paths: list[str] = field(default_factory=list)
    unchanged: int = 0


def changed_since(cwd: str, rev: str, candidates: Sequence[str], prefix: str = PREFIX) -> ChangedFiles:
    """Which of `candidates` are new since `rev` or differ from `rev`'s blob at the same path.

    - `cwd`: where lint runs (any folder inside the repository's work tree);
    - `rev`: the revision as typed (`origin/main`, a SHA, `HEAD~3`); one starting with `-` is
      refused, never handed to git;
    - `candidates`: the files lint would read (its walk's or the named files' paths, absolute or
      relative to `cwd`), after include, exclude and .gitignore: this function only narrows them.

    A candidate counts as changed when REV's tree has no regular file at its path (new, untracked
    included, or a symlink there), when its bytes hash to another blob, or when it lies outside
    the repository (git cannot vouch for it). A candidate that cannot be read counts as changed:
    lint reads it and reports why.

    Returns a ChangedFiles; `paths` empty means no spec file changed (lint then exits 0, saying
    so). Raises gitcli.GitError (a UsageError for a revision starting with `-`) whose message is
    the one line to print before exit 2: diff's messages (not a repository, git not on PATH,
    unknown revision with the shallow-clone hint), each starting with `prefix` in place of
    `metricspec diff: `; lint passes its own (`metricspec: error: `).
    """
    try:
        git = Git(os.path.abspath(cwd))
        sha = git.commit(rev)
        blobs = {entry.path: entry for entry in git.tree(sha).entries}
    except GitError as exc:
        raise type(exc)(prefix + str(exc)[len(PREFIX):] if str(exc).startswith(PREFIX) else str(exc)) from None
    result = ChangedFiles(rev, sha)
    for candidate in candidates:
        if _differs(os.path.join(cwd, candidate), git.root, blobs):
            result.paths.append(candidate)
        else:
            result.unchanged += 1
    return result


def _differs(path: str, root: str, blobs: dict) -> bool:
    # git names the root by its real path; the file itself may be a symlink, named as it is.
    folder, name = os.path.split(os.path.abspath(path))
    relative = os.path.relpath(os.path.join(os.path.realpath(folder), name), root).replace(os.sep, "/")
    entry = blobs.get(relative)
    if entry is None or relative.startswith("../"):
        return True
    try:
        size = os.path.getsize(path)
        if size != entry.size or size > MAX_BLOB_BYTES:
            return True
        with open(path, "rb") as handle:
            data: Optional[bytes] = handle.read(MAX_BLOB_BYTES + 1)
    except OSError:
        return True
    return blob_id(data or b"") != entry.oid
