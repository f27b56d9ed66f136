"""Battery item 14 for `--output`: the report replaces its file atomically, through a symlink,
keeping the mode; any failure leaves the old bytes and no temporary file, and exits 2.

(`init` refusing existing files is tested with the scaffold, in tests/test_init.py.)
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile

import pytest
from typer.testing import CliRunner

from metricspec.cli import app

from .conftest import VALID_SPEC

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
