"""The workspace index: what a hook run needs from the specs it does not lint, kept between runs.

A pre-commit hook names the changed files; the rest of the workspace is context (api._add_context).
Reading and validating all of it on every commit is most of a hook run's time, so this index
keeps, per context file, the ids it defines (and whether each is a metric) and the ids it
references, keyed by the file's path, size, mtime and inode (and its content hash when its mtime
is too recent to tell an edit apart), and the list of context files, valid while no folder's
mtime and no .gitignore changed. A run then loads fully only the context files connected to
the linted ones through shared ids (defined or referenced on either side): the only files
whose items a rule can reach from a linted item (links, E003's other definition, a shadowed
id). The other files' ids stay candidates for "did you mean". The workspace is then the one a
run without the index builds, minus documents nothing reported can see.

The index is never a source of wrong answers: one that cannot be read, was cut short, was
written by another version of metricspec or Python, or by a run with other settings, is
ignored and rebuilt; it is written whole through a temporary file and os.replace, so two hooks
running at once each read a complete index (the last one written wins).
"""

from __future__ import annotations

import bisect
import hashlib
import marshal
import os
import sys
import tempfile
import time
import zlib
from array import array
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from metricspec import __version__
from metricspec.discovery import SKIP_DIRS, Target

FOLDER = ".metricspec_cache"
# Folders a walk never enters, and this cache's own (written by every run).
_SKIP = SKIP_DIRS | {FOLDER}
_MAGIC = b"metricspec-index 2\n"  # the layout's own version, with metricspec's in the header
# An mtime this close to the moment it was read may be followed by an edit in the same tick
# (git's "racy" entries): such a file is checked against its content hash, such a folder walked.
# The tick is the kernel's clock tick on file systems with sub-second times, up to 2 s on those
# without (FAT), whose times are all whole seconds.
_RACY_NS = 100_000_000
_RACY_COARSE_NS = 2_000_000_000


def _racy(mtime_ns: int, now_ns: int) -> bool:
    return now_ns - mtime_ns < (_RACY_COARSE_NS if mtime_ns % 1_000_000_000 == 0 else _RACY_NS)
# Files changed since the postings were built are searched one by one; past this many, rebuilt.
_FRESH = 64
# Summary of a file: ((id, is_metric), ...), (referenced id, ...); None: the file adds no ids.
Summary = Optional[tuple[tuple[tuple[str, bool], ...], tuple[str, ...]]]


def location(config_source: Optional[Path], context_root: str) -> Path:
    """Where the index lives: $METRICSPEC_CACHE_DIR, else `.metricspec_cache/` beside the
    config, else at the root of the workspace (the repository)."""
    chosen = os.environ.get("METRICSPEC_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = config_source.parent if config_source is not None else Path(context_root)
    return base / FOLDER


class Index:
    """The index of one workspace, as read (empty when there is none usable) and as updated."""

    def __init__(self, folder: Path, key: tuple) -> None:
        self.folder = folder
        # One file per workspace and settings: the same folder may serve several (a monorepo's
        # products, a cwd that changes the displayed paths).
        digest = hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()
        self.path = folder / f"context-{digest}.bin"
        self._header = _MAGIC + f"{__version__}\n{sys.version_info[:3]}\n{key!r}\n".encode("utf-8", "surrogatepass")
        # walk: ({folder: mtime_ns}, {.gitignore: (size, mtime_ns)}, [(fs_path, display, realpath)])
        self.walk: Optional[tuple] = None
        # files: {fs_path: (size, mtime_ns, inode, content hash or None, serial, defined ids,
        # "1"/"0" per defined id (a metric's or not), referenced ids)}, the ids joined by
        # newlines; defined ids None: the file adds no ids (not a document, or not valid).
        self.files: dict[str, tuple] = {}
        self.next_serial = 0
        # (lines "id<TAB>serial" sorted, their offsets as array('I') bytes, highest serial held)
        self.postings: Optional[tuple] = None
        self.changed = False

    def read(self) -> "Index":
        try:
            with open(self.path, "rb") as handle:
                blob = handle.read()
            header, _, rest = blob.partition(b"\0")
            if header != self._header or len(rest) < 4:
                return self
            checksum, payload = rest[:4], rest[4:]
            if zlib.crc32(payload).to_bytes(4, "big") != checksum:
                return self
            self.walk, self.files, self.next_serial, self.postings = marshal.loads(payload)
        except Exception:  # missing, unreadable, cut short, foreign: rebuilt by this run
            self.walk, self.files, self.next_serial, self.postings = None, {}, 0, None
        return self

    def write(self) -> None:
        """Write the index whole, atomically; a cache that cannot be written is no error."""
        if not self.changed:
            return
        try:
            payload = marshal.dumps((self.walk, self.files, self.next_serial, self.postings))
            blob = self._header + b"\0" + zlib.crc32(payload).to_bytes(4, "big") + payload
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                _replace(ignore, b"# Written by metricspec: its cache, never committed.\n*\n")
            _replace(self.path, blob)
        except Exception:
            pass

    # -- the list of context files ---------------------------------------------------------------

    def targets(self) -> Optional[list[tuple[Target, str]]]:
        """The context files of the last walk, each with its real path, when no folder or
        .gitignore changed since."""
        if self.walk is None:
            return None
        folders, ignores, listed = self.walk
        try:
            for folder, mtime in folders.items():
                if os.stat(folder).st_mtime_ns != mtime:
                    return None
            for path, key in ignores.items():
                info = os.stat(path)
                if (info.st_size, info.st_mtime_ns) != key:
                    return None
        except OSError:
            return None
        return [(Target(fs_path, display, False), real or fs_path) for fs_path, display, real in listed]

    def folders(self, root: str) -> Optional[tuple[dict, dict]]:
        """The mtimes of the folders below `root` and the .gitignore files in them, taken
        before a walk (a change during it then shows on the next run); None when one changed
        too recently to tell a later change apart."""
        folders: dict[str, int] = {}
        ignores: dict[str, tuple[int, int]] = {}
        now = time.time_ns()
        stack = [root]
        try:
            while stack:
                folder = stack.pop()
                mtime = os.stat(folder).st_mtime_ns
                if _racy(mtime, now):
                    return None
                folders[folder] = mtime
                with os.scandir(folder) as scan:
                    for entry in scan:
                        if entry.name == ".gitignore":
                            info = entry.stat()
                            ignores[entry.path] = (info.st_size, info.st_mtime_ns)
                        elif entry.name not in _SKIP and entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
        except OSError:
            return None
        return folders, ignores

    def record_walk(self, root: str, folders: Optional[tuple[dict, dict]], targets: list[tuple[Target, str]]) -> None:
        """Keep a walk's files, valid while the `folders` below `root` taken before it stay as
        they were; not when it found files elsewhere (an include pattern that leads out)."""
        self.changed = True
        inside = os.path.join(os.path.abspath(root), "")
        if folders is None or any(not os.path.abspath(t.fs_path).startswith(inside) for t, _ in targets):
            self.walk = None
        else:
            self.walk = (*folders, [(t.fs_path, t.display, None if real == t.fs_path else real) for t, real in targets])

    # -- the files ---------------------------------------------------------------------------

    def lookup(self, fs_path: str) -> tuple[Optional[tuple], Optional[tuple]]:
        """(entry, key): the index's entry when the file is as the index knows it, else None;
        and the key to `store` the file under once read (None: not to be stored)."""
        try:
            info = os.stat(fs_path)
        except OSError:
            return None, None
        # Taken before the file is read: an edit after it shows as a change on the next run.
        racy = _racy(info.st_mtime_ns, time.time_ns())
        key = (info.st_size, info.st_mtime_ns, info.st_ino, _content_hash(fs_path) if racy else None)
        if racy and key[3] is None:
            return None, None
        entry = self.files.get(fs_path)
        if entry is None or tuple(entry[:3]) != key[:3]:
            return None, key
        if entry[3] is not None and entry[3] != (key[3] or _content_hash(fs_path)):
            return None, key
        return entry, key

    def store(self, fs_path: str, key: Optional[tuple], summary: Summary) -> tuple:
        """The entry of a file this run read, recorded under the key `lookup` took before it
        was read (when there is one)."""
        if summary is None:
            defs, flags, refs = None, "", ""
        else:
            defs = _joined([name for name, _ in summary[0]])
            flags = "".join("1" if is_metric else "0" for _, is_metric in summary[0])
            # A file's references to its own ids connect it to nothing its ids do not.
            own = set(name for name, _ in summary[0])
            refs = _joined(sorted(set(summary[1]) - own))
        # A file's serial changes with its summary: the postings hold the serials they were built
        # from. Names holding a separator are never posted: such a file is searched on its own.
        serial = None
        if key is not None and not isinstance(defs, tuple) and not isinstance(refs, tuple):
            serial = self.next_serial
            self.next_serial += 1
        entry = (*(key or (None, None, None, None)), serial, defs, flags, refs)
        if key is not None:
            self.files[fs_path] = entry
            self.changed = True
        return entry

    def keep_only(self, fs_paths: Iterable[str]) -> None:
        """Forget the files that are no longer context files (removed, renamed, excluded)."""
        wanted = set(fs_paths)
        if any(path not in wanted for path in self.files):
            self.files = {path: entry for path, entry in self.files.items() if path in wanted}
            self.changed = True

    def search(self, entries: list[tuple]) -> "Search":
        """The context files (their `entries`, in the walk's order) searchable by id."""
        postings = self.postings
        fresh = sum(1 for entry in entries if entry[4] is not None and (postings is None or entry[4] > postings[2]))
        if postings is None or fresh > _FRESH:
            self._post()
        return Search(self.postings, entries)

    def _post(self) -> None:
        """Build the postings, lines "id<TAB>serial" sorted, from every file the index holds."""
        lines = sorted(
            f"{name}\t{entry[4]}"
            for entry in self.files.values() if entry[4] is not None
            for name in _names(entry)
        )
        offsets = array("I", [0])
        total = 0
        for line in lines:
            total += len(line) + 1
            offsets.append(total)
        self.postings = ("".join(f"{line}\n" for line in lines), offsets.tobytes(), self.next_serial - 1)
        self.changed = True


class Search:
    """Which context files hold an id (define or reference it), by position in the walk's order:
    from the postings for files unchanged since they were built, by scanning the few others."""

    def __init__(self, postings: tuple, entries: list[tuple]) -> None:
        self.entries = entries
        text, offsets, posted = postings
        self._lines = _Lines(text, offsets)
        self._position: dict[int, int] = {}
        self._fresh: list[tuple[int, set[str]]] = []
        for position, entry in enumerate(entries):
            serial = entry[4]
            if serial is not None and serial <= posted:
                self._position[serial] = position
            elif entry[5] is not None:
                self._fresh.append((position, set(_names(entry))))

    def holders(self, name: str) -> list[int]:
        found = [position for position, names in self._fresh if name in names]
        lines, prefix = self._lines, f"{name}\t"
        at = bisect.bisect_left(lines, prefix)
        while at < len(lines):
            line = lines[at]
            if not line.startswith(prefix):
                break
            position = self._position.get(int(line[len(prefix):]))
            if position is not None:
                found.append(position)
            at += 1
        return found

    def connected(self, start: Iterable[str]) -> list[int]:
        """The positions of the files connected to the ids `start` through shared ids (a file
        that defines or references an id that a connected file, or `start`, defines or
        references), in the walk's order."""
        chosen: set[int] = set()
        seen: set[str] = set()
        stack = list(start)
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            for position in self.holders(name):
                if position not in chosen:
                    chosen.add(position)
                    stack.extend(_names(self.entries[position]))
        return sorted(chosen)

    def unloaded_ids(self, chosen: Iterable[int]) -> dict[str, bool]:
        """The ids the other files define, each with whether its first definition is a metric's."""
        picked = set(chosen)
        ids: dict[str, bool] = {}
        for position, entry in enumerate(self.entries):
            if position not in picked:
                for name, flag in zip(_split(entry[5]), entry[6]):
                    ids.setdefault(name, flag == "1")
        return ids


class _Lines:
    """The postings' lines as a sequence for bisect, each sliced out only when looked at."""

    def __init__(self, text: str, offsets: bytes) -> None:
        self.text = text
        self.offsets = array("I")
        self.offsets.frombytes(offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: int) -> str:
        return self.text[self.offsets[index]:self.offsets[index + 1] - 1]


def _joined(names: list[str]) -> Union[str, tuple[str, ...]]:
    """Names as one string (a few strings load much faster than many), or as a tuple when a
    name holds a separator."""
    if any("\n" in name or "\t" in name for name in names):
        return tuple(names)
    return "\n".join(names)


def _split(names: Union[str, tuple, None]) -> list[str]:
    if not names:
        return []
    return names.split("\n") if isinstance(names, str) else list(names)


def _names(entry: tuple) -> list[str]:
    """The ids a file's entry defines, then those it references."""
    return [*_split(entry[5]), *_split(entry[7])]


def product_name(product: str) -> str:
    """The name that connects a product's files, as an id connects its definition and uses:
    B001 judges a product over all of them. Never an id (a slug has no `:`), never a separator."""
    return "product:" + hashlib.blake2b(product.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def summary(model: Any) -> Summary:
    """The ids a document defines and references, as Workspace.add and resolve see them
    (placeholder nodes, what they hold, and placeholder metrics define nothing), and its
    product's name (`product_name`) among the references."""
    from metricspec.plain import LEVELS
    from metricspec.validate import PLACEHOLDER_PREFIX

    defs: list[tuple[str, bool]] = []
    refs: list[str] = []
    if model.north_star:
        refs.append(model.north_star)
    if model.product is not None:
        refs.append(product_name(model.product))
    children = ("goals", "outcomes", "behaviors")

    def node(item: Any, level: int) -> None:
        if item.id.startswith(PLACEHOLDER_PREFIX):
            return
        defs.append((item.id, False))
        if item.parent:
            refs.append(item.parent)
        for metric in item.metrics:
            if not metric.id.startswith(PLACEHOLDER_PREFIX):
                defs.append((metric.id, True))
                refs.extend(metric.pairs_with)
                refs.extend(metric.guardrails)
        if level < 3:
            for child in getattr(item, children[level]):
                node(child, level + 1)

    for level, (key, _) in enumerate(LEVELS):
        for item in getattr(model, key):
            node(item, level)
    return tuple(defs), tuple(refs)


def _content_hash(path: str) -> Optional[bytes]:
    try:
        with open(path, "rb") as handle:
            return hashlib.blake2b(handle.read(), digest_size=16).digest()
    except OSError:
        return None


def _replace(path: Path, data: bytes) -> None:
    """Write through a temporary file of the same folder and os.replace: readers see the old
    file or the new one, whole."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
