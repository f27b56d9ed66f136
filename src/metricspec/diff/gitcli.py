"""Reading two revisions through the git command line, never a git library (DIFF.md).

Every call runs the `git` executable with an argument list (never a shell), no pager, no
prompt, `core.quotepath=off` and NUL-separated paths; blobs come out of one
`git cat-file --batch` process, without `--textconv` or `--filters`, so that a repository's
config cannot make metricspec run a program. The number of git processes does not grow with
the number of files. Each failure becomes a GitError holding the one line DIFF.md promises.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Optional

MAX_BLOB_BYTES = 8 * 1024 * 1024
PREFIX = "metricspec diff: "
NOT_A_REPOSITORY = PREFIX + "not a git repository; run it inside a clone (metricspec lint needs none)"
NO_GIT = PREFIX + "git not found on PATH; install git"
NO_DEFAULT_BRANCH = (PREFIX + "no origin/HEAD, origin/main, origin/master, main or master; "
                     "name BASE (metricspec diff origin/develop)")
SHALLOW_HINT = "; this clone is shallow: fetch its history (actions/checkout: fetch-depth: 0)"
FETCH_HINT = "; check the name, or git fetch it"
# The default branch, first that exists (a CI checkout often has only the remote-tracking ones).
DEFAULT_BRANCHES = ("origin/HEAD", "origin/main", "origin/master", "main", "master")
_DEFAULT_REFS = ("refs/remotes/origin/HEAD", "refs/remotes/origin/main", "refs/remotes/origin/master",
                 "refs/heads/main", "refs/heads/master")
# Modes of ls-tree entries that are not regular files: a symlink, a submodule (gitlink).
_SYMLINK, _GITLINK = "120000", "160000"


class GitError(Exception):
    """A git failure, its message the one line to print (exit 2)."""


class UsageError(GitError):
    """A revision metricspec refuses before git sees it (exit 2)."""


@dataclass(frozen=True)
class Entry:
    """A regular file of a revision: its path from the repository's root, blob id and size."""

    path: str
    oid: str
    size: int


@dataclass
class Tree:
    entries: list[Entry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # symlinks and submodules, for --verbose


class Git:
    """The git command line in one repository; `commands` records each one run (--verbose)."""

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd
        executable = shutil.which("git")
        if executable is None:
            raise GitError(NO_GIT)
        self.executable = executable
        self.env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "PAGER": "cat",
                    "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
        for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_EXTERNAL_DIFF"):
            self.env.pop(name, None)
        self.commands: list[str] = []
        self.root = self._toplevel()

    # -- running ------------------------------------------------------------------------------

    def _argv(self, args: list[str]) -> list[str]:
        return [self.executable, "--no-pager", "-c", "core.quotepath=off", *args]

    def run(self, args: list[str], input: Optional[bytes] = None, check: bool = True) -> subprocess.CompletedProcess:
        self.commands.append("git " + " ".join(args))
        try:
            done = subprocess.run(self._argv(args), cwd=self.cwd, env=self.env, input=input,
                                  stdin=None if input is not None else subprocess.DEVNULL,
                                  capture_output=True, check=False)
        except FileNotFoundError:
            raise GitError(NO_GIT) from None
        except OSError as exc:
            raise GitError(f"{PREFIX}git {args[0]} could not run: {exc.strerror or exc}") from None
        if check and done.returncode != 0:
            raise GitError(self._failure(args, done.stderr))
        return done

    @staticmethod
    def _failure(args: list[str], stderr: bytes) -> str:
        lines = stderr.decode("utf-8", "replace").strip().splitlines()
        return f"{PREFIX}git {' '.join(args)} failed: {lines[0] if lines else 'no message'}"

    def _toplevel(self) -> str:
        done = self.run(["rev-parse", "--show-toplevel"], check=False)
        if done.returncode != 0 or not done.stdout.strip():
            raise GitError(NOT_A_REPOSITORY)
        return os.fsdecode(done.stdout.rstrip(b"\n"))

    # -- revisions ----------------------------------------------------------------------------

    def is_shallow(self) -> bool:
        done = self.run(["rev-parse", "--is-shallow-repository"], check=False)
        return done.stdout.strip() == b"true"

    def unknown(self, rev: str) -> GitError:
        return GitError(f"{PREFIX}unknown revision '{rev}'" + (SHALLOW_HINT if self.is_shallow() else FETCH_HINT))

    def commit(self, rev: str) -> str:
        """The full SHA of the commit `rev` names."""
        refuse_option(rev)
        done = self.run(["rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}"], check=False)
        if done.returncode != 0:
            raise self.unknown(rev)
        return done.stdout.decode("ascii").strip()

    def merge_base(self, a: str, b: str, shown: str) -> str:
        done = self.run(["merge-base", "--end-of-options", a, b], check=False)
        if done.returncode != 0 or not done.stdout.strip():
            raise self.unknown(shown)
        return done.stdout.decode("ascii").split()[0]

    def default_branch(self) -> str:
        """The first of DEFAULT_BRANCHES that exists, as its short name."""
        done = self.run(["for-each-ref", "--format=%(refname)", *_DEFAULT_REFS], check=False)
        present = set(done.stdout.decode("utf-8", "replace").split())
        for short, ref in zip(DEFAULT_BRANCHES, _DEFAULT_REFS):
            if ref in present:
                return short
        raise GitError(NO_DEFAULT_BRANCH)

    # -- trees and blobs ----------------------------------------------------------------------

    def tree(self, sha: str) -> Tree:
        """The regular files of a commit's tree; symlinks and submodules are skipped."""
        out = self.run(["ls-tree", "-r", "-z", "--long", "--full-tree", sha]).stdout
        tree = Tree()
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, oid, size = meta.split()
            path = os.fsdecode(raw_path)
            if kind != b"blob" or mode.decode() in (_SYMLINK, _GITLINK):
                tree.skipped.append(path)
                continue
            tree.entries.append(Entry(path, oid.decode("ascii"), int(size) if size != b"-" else 0))
        return tree

    def blobs(self, oids: list[str]) -> dict[str, bytes]:
        """The contents of blobs, from one `git cat-file --batch` process (no textconv, no filters)."""
        wanted = list(dict.fromkeys(oids))
        if not wanted:
            return {}
        out = self.run(["cat-file", "--batch"], input="".join(oid + "\n" for oid in wanted).encode()).stdout
        found: dict[str, bytes] = {}
        at = 0
        for oid in wanted:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            at = end + 1
            if len(header) < 3 or header[1] != b"blob":  # "<oid> missing"
                continue
            size = int(header[2])
            found[oid] = out[at:at + size]
            at += size + 1  # the content is followed by a line break
        return found

    def worktree_files(self) -> list[str]:
        """The working tree's files as lint would read them: tracked and untracked but not ignored,
        from the repository's root."""
        # `:/` is the whole tree, wherever the working directory is.
        out = self.run(["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name",
                        "--", ":/"]).stdout
        return sorted(set(os.fsdecode(p) for p in out.split(b"\0") if p))


def refuse_option(rev: str) -> None:
    """A revision starting with `-` would read as an option to git: a usage error."""
    if rev.startswith("-"):
        raise UsageError(f"{PREFIX}'{rev}' is not a revision (it starts with '-'); name a branch, tag or SHA")


def blob_id(data: bytes) -> str:
    """The id git gives a blob of these bytes (sha1 of `blob <len>\\0` and the bytes)."""
    digest = hashlib.sha1(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


@dataclass
class Revisions:
    """What BASE and HEAD name: the arguments as given and the commits they resolve to."""

    base_rev: Optional[str]
    base_sha: str
    head_rev: Optional[str]
    head_sha: str  # for the working tree: the commit HEAD names
    worktree: bool


def resolve(git: Git, base: Optional[str], head: Optional[str]) -> Revisions:
    """BASE and HEAD as DIFF.md reads them: the default BASE, `A...B`, `A..B`."""
    for rev in (base, head):
        if rev is not None:
            refuse_option(rev)
    if base is not None and head is None and "..." in base:
        left, right = base.split("...", 1)
        left, right = left or "HEAD", right or "HEAD"
        refuse_option(right)
        right_sha = git.commit(right)
        git.commit(left)
        return Revisions(base, git.merge_base(left, right_sha, left), right, right_sha, False)
    if base is not None and head is None and ".." in base:
        left, right = base.split("..", 1)
        left, right = left or "HEAD", right or "HEAD"
        refuse_option(right)
        return Revisions(left, git.commit(left), right, git.commit(right), False)
    head_sha = git.commit(head if head is not None else "HEAD")
    if base is None:
        branch = git.default_branch()
        git.commit(branch)
        return Revisions(None, git.merge_base("HEAD", branch, branch), head, head_sha, head is None)
    return Revisions(base, git.commit(base), head, head_sha, head is None)
