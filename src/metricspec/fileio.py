"""Reading small files without waiting on a FIFO or a device; writing files without ever
leaving a half-written or clobbered one behind."""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from pathlib import Path
from typing import Iterable, Optional

MAX_READ_BYTES = 16 * 1024 * 1024


class WriteError(Exception):
    pass


class NotRegularFile(OSError):
    """A FIFO, a device or a socket: never opened for reading in earnest (it may never end)."""


class FileTooLarge(OSError):
    """Over the limit; `exact` is False when the file grew (or lied about its size) while read."""

    def __init__(self, path: Path | str, limit: int, size: int, exact: bool) -> None:
        super().__init__(errno.EFBIG, f"larger than {limit:,} bytes", str(path))
        self.size = size
        self.exact = exact


def read_bytes(path: Path | str, limit: int = MAX_READ_BYTES) -> bytes:
    """A regular file's bytes, refusing FIFOs and devices (without waiting on them) and files
    over `limit` (from their size before reading, and at most one byte past it while reading:
    a file may grow, or claim size 0 like /proc files). Raises OSError or one of its subclasses
    above."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > limit:
            raise FileTooLarge(path, limit, info.st_size, exact=True)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise FileTooLarge(path, limit, size, exact=False)
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_text(path: Path | str, limit: int = MAX_READ_BYTES) -> str:
    """A regular file's text (UTF-8, a BOM allowed), refusing FIFOs, devices and files over `limit`.

    Raises OSError (FileNotFoundError when it is missing) or UnicodeDecodeError, as
    `Path.read_text` does, so that callers keep their error handling.
    """
    return read_bytes(path, limit).decode("utf-8-sig")


# Names of a file descriptor this process already has open. Opening one anew would start at
# offset 0 (or fail on a pipe or socket), and resolving it, as realpath does, gives the file
# behind it: the caller's log, which a rename would then replace.
_STREAM_NAME = re.compile(r"/dev/std(?P<std>in|out|err)|/dev/fd/(?P<fd>\d+)|/proc/(?P<pid>self|thread-self|\d+)/fd/(?P<pfd>\d+)")
_STANDARD = {"in": 0, "out": 1, "err": 2}


def stream_descriptor(path: Path | str) -> Optional[int]:
    """The open file descriptor that `path` names (/dev/stdout, /dev/fd/3, /proc/self/fd/1, or a
    symlink to one of them), else None."""
    name = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on a chain of symlinks
        match = _STREAM_NAME.fullmatch(name)
        if match:
            if match["std"]:
                return _STANDARD[match["std"]]
            if match["pid"] and match["pid"] not in ("self", "thread-self", str(os.getpid())):
                return None  # another process's descriptor: a file like any other
            return int(match["fd"] or match["pfd"])
        if not os.path.islink(name):
            return None
        name = os.path.normpath(os.path.join(os.path.dirname(name), os.readlink(name)))
    return None


def refuse_an_input(option: str, output: Path | str, inputs: Iterable[tuple[str, Path | str]]) -> None:
    """WriteError when `output` (the value of `option`) is one of the files this run read, given
    as (role, path): a report or baseline written there would replace the spec, config or
    baseline it came from. One file is one file by its identity, not its name: `./a.yaml`, a
    symlink or a hard link to it are caught. A stream (/dev/stdout), a device (/dev/null) or a
    FIFO is written into, never replaced, and a file not there yet was read by no one."""
    if stream_descriptor(output) is not None:
        return
    try:
        written = os.stat(output)
    except (OSError, ValueError):
        return
    if not stat.S_ISREG(written.st_mode):
        return
    for role, path in inputs:
        try:
            read = os.stat(path)
        except (OSError, ValueError):
            continue
        if (read.st_dev, read.st_ino) == (written.st_dev, written.st_ino):
            alias = "" if os.path.abspath(path) == os.path.abspath(output) else f" ({path})"
            raise WriteError(f"{option} {output} is {role} this run reads{alias}; the file is left untouched")


def _write_descriptor(fd: int, path: Path, data: str) -> None:
    """Write to an already open descriptor, where it stands (after what the shell wrote before)."""
    for stream in (sys.stdout, sys.stderr):  # what Python buffered for the same descriptor goes first
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    view = memoryview(data.encode("utf-8"))
    try:
        while view:
            view = view[os.write(fd, view):]
    except BrokenPipeError:
        raise  # the reader went away (`| head`): a quiet exit 1, as for the report on stdout
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_atomic(path: Path, data: str, *, overwrite: bool = True) -> None:
    """Write `data` to `path` through a temporary file in the same folder and `os.replace`.

    A symlink is written through (the link stays a link); an existing file keeps its mode;
    on any failure the original is untouched and the temporary file removed. With
    `overwrite=False` nothing may exist at `path`, not even a symlink to nothing: following it
    would create a file wherever it points, outside the project perhaps.

    What is not a regular file is written as it is, never replaced: a standard stream or other
    open descriptor (/dev/stdout, /dev/fd/N) through that descriptor, and an existing device or
    FIFO (/dev/null) by opening it.
    """
    path = Path(path)
    descriptor = stream_descriptor(path)
    if descriptor is not None:
        if not overwrite:
            raise WriteError(f"{path} already exists")
        _write_descriptor(descriptor, path, data)
        return
    if not overwrite and os.path.lexists(path):
        raise WriteError(f"{path} already exists")
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if target.exists():
        if not overwrite:
            raise WriteError(f"{path} already exists")
        if target.is_dir():
            raise WriteError(f"{path} exists and is not a regular file")
        if not target.is_file():
            _write_device(target, path, data)
            return
    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else None
    except OSError:
        mode = None
    import tempfile  # only when writing: start-up of a lint that prints to stdout stays lean

    _remove_stale_temporaries(folder, target.name)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        if not overwrite and target.exists():
            raise WriteError(f"{path} already exists")
        os.replace(temporary, target)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, WriteError):
            raise
        if isinstance(exc, OSError):
            raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


# A temporary file is `.NAME.PID.XXXXXXXX.tmp` (mkstemp's eight random characters). A writer
# killed outright (SIGKILL, a power cut) cannot remove its own; the next write of the same NAME
# removes those whose process is gone, on this machine, and which nothing has written to for
# STALE_SECONDS (a writer on another machine sharing the folder has a PID that means nothing here,
# but its file is fresh). Without process ids to check (Windows) they are left alone.
STALE_SECONDS = 60


def _remove_stale_temporaries(folder: Path, name: str) -> None:
    if os.name != "posix":
        return
    import time

    pattern = re.compile(re.escape(f".{name}.") + r"(?P<pid>[0-9]{1,10})\.[a-z0-9_]{8}\.tmp")
    try:
        entries = os.scandir(folder)
    except OSError:
        return
    now = time.time()
    with entries:
        for entry in entries:
            match = pattern.fullmatch(entry.name)
            if match is None or _process_exists(int(match["pid"])):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_SECONDS:
                    os.unlink(entry.path)
            except OSError:
                pass  # gone already, or not ours to remove


def _process_exists(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, only whether the process exists is checked
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # it exists but is another user's (EPERM), or it cannot be told: kept
    return True


def _write_device(target: Path, path: Path, data: str) -> None:
    """A device or FIFO: opened and written as a shell's `>` would, but never created or truncated
    (neither means anything there) and never renamed over."""
    try:
        fd = os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):  # it became a file since we looked: not written in place
            raise WriteError(f"cannot write {path}: it was replaced while writing")
        _write_descriptor(fd, path, data)
    finally:
        os.close(fd)
