"""Reading small files without waiting on a FIFO or a device; writing files without ever
leaving a half-written or clobbered one behind."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

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


def write_atomic(path: Path, data: str, *, overwrite: bool = True) -> None:
    """Write `data` to `path` through a temporary file in the same folder and `os.replace`.

    A symlink is written through (the link stays a link); an existing file keeps its mode;
    on any failure the original is untouched and the temporary file removed.
    """
    path = Path(path)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if target.exists():
        if not overwrite:
            raise WriteError(f"{path} already exists")
        if not target.is_file():
            raise WriteError(f"{path} exists and is not a regular file")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else None
    except OSError:
        mode = None
    import tempfile  # only when writing: start-up of a lint that prints to stdout stays lean

    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
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
