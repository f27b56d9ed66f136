"""fileio.write_atomic leaves no temporary file behind: not on an error, not on Ctrl-C, and a
writer killed outright has its leftovers removed by the next write of the same file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from metricspec import fileio
from metricspec.fileio import WriteError, write_atomic


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, MemoryError, OSError(28, "No space left on device")])
def test_an_interrupted_write_removes_its_temporary_file(tmp_path, monkeypatch, interruption):
    target = tmp_path / "report.txt"
    target.write_text("old")

    def interrupted(fd):
        raise interruption

    monkeypatch.setattr(fileio.os, "fsync", interrupted)
    expected = WriteError if isinstance(interruption, OSError) else interruption
    with pytest.raises(expected):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_a_dangling_symlink_is_not_followed_when_nothing_may_be_overwritten(tmp_path):
    link = tmp_path / "project" / "metricspec.toml"
    link.parent.mkdir()
    link.symlink_to(tmp_path / "outside.toml")
    with pytest.raises(WriteError, match="already exists"):
        write_atomic(link, "x", overwrite=False)
    assert not (tmp_path / "outside.toml").exists()
    write_atomic(link, "x")  # overwriting: the link is written through, as a shell's `>` would
    assert (tmp_path / "outside.toml").read_text() == "x" and link.is_symlink()


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_stale_temporaries_of_dead_writers_are_removed_by_the_next_write(tmp_path):
    dead = _dead_pid()
    stale = tmp_path / f".report.txt.{dead}.abcd_123.tmp"
    fresh = tmp_path / f".report.txt.{dead}.fresh123.tmp"  # another machine's writer, perhaps: just written
    alive = tmp_path / f".report.txt.{os.getppid()}.alive123.tmp"  # a live writer's
    other = tmp_path / f".other.txt.{dead}.abcd_123.tmp"  # another file's
    unknown = tmp_path / ".report.txt.abcd_123.tmp"  # no process id: not recognised
    for path in (stale, fresh, alive, other, unknown):
        path.write_text("partial")
        if path is not fresh:
            _age(path, fileio.STALE_SECONDS + 60)
    write_atomic(tmp_path / "report.txt", "done")
    assert (tmp_path / "report.txt").read_text() == "done"
    assert leftovers(tmp_path) == sorted(p.name for p in (fresh, alive, other, unknown))


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and process ids as fileio checks them are POSIX's")
def test_a_writer_killed_mid_write_is_cleaned_up_after(tmp_path):
    target = tmp_path / "report.txt"
    script = textwrap.dedent(f"""
        import os, time
        from pathlib import Path
        from metricspec import fileio
        fileio.os.fsync = lambda fd: time.sleep(60)  # killed while the data is on its way to disk
        fileio.write_atomic(Path({str(target)!r}), "partial")
    """)
    writer = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while not leftovers(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    left = leftovers(tmp_path)
    assert left and left[0].startswith(f".report.txt.{writer.pid}.")
    assert not target.exists()
    _age(tmp_path / left[0], fileio.STALE_SECONDS + 1)
    write_atomic(target, "complete")
    assert target.read_text() == "complete"
    assert leftovers(tmp_path) == []
