"""Writing files without ever leaving a half-written or clobbered one behind."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class WriteError(Exception):
    pass


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
