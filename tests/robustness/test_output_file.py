"""Battery item 14 for `--output`: the report replaces its file atomically, through a symlink,
keeping the mode; any failure leaves the old bytes and no temporary file, and exits 2.
What is not a regular file (/dev/stdout, /dev/fd/N, /dev/null, a FIFO) is written as it is:
never replaced, never truncated.

(`init` refusing existing files is tested with the scaffold, in tests/test_init.py.)
"""

from __future__ import annotations

import errno
import json
import os
import shlex
import stat
import subprocess
import sys
import tempfile
import threading

import pytest
from typer.testing import CliRunner

from metricspec.cli import app

from .conftest import VALID_SPEC, run_cli

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
OLD = b"the previous report\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "a.metrics.yaml").write_text(VALID_SPEC + "ownr: ana\n")
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint_to(target: str):
    return CliRunner().invoke(app, ["lint", "a.metrics.yaml", "--select", "E", "--format", "json", "--output", target])


def written(path) -> list[str]:
    return [d["code"] for d in json.loads(path.read_text())["diagnostics"]]


def test_an_existing_report_is_replaced_and_keeps_its_mode(project):
    report = project / "out" / "report.json"
    report.write_bytes(OLD)
    report.chmod(0o640)
    result = lint_to("out/report.json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert written(report) == ["E002"]
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    assert os.listdir(project / "out") == ["report.json"]


def test_a_report_reached_through_a_symlink_keeps_the_link(project):
    real = project / "out" / "real.json"
    real.write_bytes(OLD)
    (project / "out" / "link.json").symlink_to("real.json")
    result = lint_to("out/link.json")
    assert result.exit_code == 1
    assert (project / "out" / "link.json").is_symlink()
    assert os.readlink(project / "out" / "link.json") == "real.json"
    assert written(real) == ["E002"]
    assert sorted(os.listdir(project / "out")) == ["link.json", "real.json"]


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failure_in_the_middle_leaves_the_original_and_no_temporary_file(project, monkeypatch, failing):
    report = project / "out" / "report.json"
    report.write_bytes(OLD)

    def fail(*args, **kwargs):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, failing, fail)
    result = lint_to("out/report.json")
    assert result.exit_code == 2
    assert result.stderr == f"metricspec: error: cannot write out/report.json: {os.strerror(errno.EIO)}\n"
    assert report.read_bytes() == OLD
    assert os.listdir(project / "out") == ["report.json"]


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only directories; the simulated case covers it")
def test_a_read_only_directory(project):
    (project / "out").chmod(0o555)
    try:
        result = lint_to("out/report.json")
    finally:
        (project / "out").chmod(0o755)
    assert result.exit_code == 2
    assert result.stderr == "metricspec: error: cannot write out/report.json: Permission denied\n"
    assert os.listdir(project / "out") == []


def test_a_read_only_directory_simulated(project, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = lint_to("out/report.json")
    assert result.exit_code == 2
    assert result.stderr == "metricspec: error: cannot write out/report.json: Permission denied\n"
    assert os.listdir(project / "out") == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("out", "out exists and is not a regular file"),
        ("missing/report.json", f"cannot write missing/report.json: {os.strerror(errno.ENOENT)}"),
    ],
    ids=["a-directory", "no-such-folder"],
)
def test_an_output_that_cannot_be_a_file(project, target, message):
    result = lint_to(target)
    assert result.exit_code == 2
    assert result.stderr == f"metricspec: error: {message}\n"
    assert os.listdir(project / "out") == []


# -- targets that are not regular files: written as they are, never replaced -----------------

needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="/dev/stdout and /dev/fd are Linux's")


def concise_report(project) -> bytes:
    proc = run_cli("lint", "a.metrics.yaml", "--select", "E", "--format", "concise", cwd=project)
    assert proc.returncode == 1 and b"E002" in proc.stdout
    return proc.stdout


@needs_proc
def test_output_to_stdout_redirected_by_the_caller_keeps_the_callers_log(project):
    """The QA case: `( echo BEFORE; metricspec ... --output /dev/stdout ...; echo AFTER ) > log.txt`
    held only the report, because a temporary file was renamed over log.txt."""
    command = f"{shlex.quote(sys.executable)} -m metricspec lint a.metrics.yaml --select E --format concise"
    script = f"( echo BEFORE; {command} --output /dev/stdout; echo \"exit $?\"; echo AFTER ) > log.txt"
    subprocess.run(["sh", "-c", script], cwd=project, check=True, timeout=60)
    assert (project / "log.txt").read_bytes() == b"BEFORE\n" + concise_report(project) + b"exit 1\nAFTER\n"
    assert sorted(os.listdir(project)) == ["a.metrics.yaml", "log.txt", "out"]


@needs_proc
@pytest.mark.parametrize("target", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "link-to-stdout"])
def test_output_to_stdout_that_is_a_pipe(project, target):
    (project / "link-to-stdout").symlink_to("/dev/stdout")
    proc = run_cli("lint", "a.metrics.yaml", "--select", "E", "--format", "concise", "--output", target, cwd=project)
    assert (proc.returncode, proc.stderr) == (1, b"")
    assert proc.stdout == concise_report(project)
    assert (project / "link-to-stdout").is_symlink()


@needs_proc
def test_output_to_an_inherited_descriptor_appends_where_the_shell_opened_it(project):
    log = project / "log.txt"
    log.write_bytes(OLD)
    with open(log, "ab") as handle:
        proc = subprocess.run(
            [sys.executable, "-m", "metricspec", "lint", "a.metrics.yaml", "--select", "E", "--format", "concise",
             "--output", f"/dev/fd/{handle.fileno()}"],
            cwd=project, capture_output=True, timeout=60, pass_fds=[handle.fileno()],
        )
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, b"", b"")
    assert log.read_bytes() == OLD + concise_report(project)


@needs_proc
def test_output_to_a_descriptor_that_is_not_open(project):
    proc = run_cli("lint", "a.metrics.yaml", "--output", "/dev/fd/9", cwd=project)
    assert proc.returncode == 2
    assert proc.stderr.decode() == f"metricspec: error: cannot write /dev/fd/9: {os.strerror(errno.EBADF)}\n"


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
@pytest.mark.parametrize("option", ["--output", "--write-baseline"])
def test_output_to_dev_null(project, option):
    result = CliRunner().invoke(app, ["lint", "a.metrics.yaml", "--select", "E", "--quiet", option, "/dev/null"])
    assert (result.exit_code, result.stdout, result.stderr) == (1 if option == "--output" else 0, "", "")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@needs_proc
def test_write_baseline_to_stdout(project):
    proc = run_cli("lint", "a.metrics.yaml", "--select", "E", "--quiet", "--write-baseline", "/dev/stdout", cwd=project)
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert "E002" in proc.stdout.decode()
    json.loads(proc.stdout)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_output_to_a_fifo_is_written_into_it(project):
    fifo = project / "out" / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = lint_to("out/pipe")
    reader.join(timeout=10)
    if reader.is_alive():  # nothing opened the FIFO: let the reader go before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert (result.exit_code, result.stderr) == (1, "")
    assert [d["code"] for d in json.loads(received[0])["diagnostics"]] == ["E002"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(project / "out") == ["pipe"]


def test_output_to_a_pipe_whose_reader_leaves_is_a_quiet_exit(tmp_path):
    """`metricspec lint --output /dev/stdout | head -1`: as for the report on stdout, exit 1, no error."""
    spec = tmp_path / "many.metrics.yaml"
    spec.write_text("metricspec: 1\nproduct: A\nobjectives:\n"
                    + "".join(f"  - {{id: o{i}, title: Grow, ownr: x}}\n" for i in range(3000)))
    process = subprocess.Popen(
        [sys.executable, "-m", "metricspec", "lint", str(spec), "--format", "concise", "--output", "/dev/stdout"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout.readline()
    process.stdout.close()  # the report is several pipe buffers long: the next write finds no reader
    assert process.wait(timeout=60) == 1
    assert process.stderr.read() == b""
