"""Battery item 12: odd paths each get one finding, the walk goes on, nothing hangs."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from metricspec.cli import app

from .conftest import VALID_SPEC, found, lint_here, run_cli


def spec(tag: str) -> str:
    """A spec with ids of its own and one E002 at 16:1, so that each file shows it was linted."""
    return VALID_SPEC.replace("id: revenue", f"id: revenue-{tag}").replace("id: arr", f"id: arr-{tag}") + "ownr: ana\n"


IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")


def odd_tree(root: Path) -> None:
    (root / "good.metrics.yaml").write_text(spec('0'))
    (root / "dangling.yaml").symlink_to("nowhere.yaml")
    (root / "loop.yaml").symlink_to("loop.yaml")
    (root / "x.yaml").mkdir()
    (root / "x.yaml" / "inner.metrics.yaml").write_text(spec('1'))
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to("..", target_is_directory=True)
    (root / "sub" / "b.metrics.yaml").write_text(spec('2'))
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.yaml")


LINTED = [
    ("good.metrics.yaml", "E002", 16, 1),
    ("sub/b.metrics.yaml", "E002", 16, 1),
    ("x.yaml/inner.metrics.yaml", "E002", 16, 1),
]
PATH_FINDINGS = {
    ("dangling.yaml", "E001", 1, 1): "a broken symlink (its target does not exist); not read",
    ("loop.yaml", "E001", 1, 1): "a symlink loop; not read",
    ("pipe.yaml", "E001", 1, 1): "not a regular file but a FIFO (named pipe); not read",
    ("sub/up", "E001", 1, 1): "a directory link back to a folder that holds it (a loop); not followed",
}


def expected_path_findings():
    return {k: v for k, v in PATH_FINDINGS.items() if k[0] != "pipe.yaml" or hasattr(os, "mkfifo")}


def test_a_walk_reports_each_odd_path_once_and_lints_the_rest(tmp_path, monkeypatch):
    odd_tree(tmp_path)
    report = lint_here(tmp_path, monkeypatch, ".")
    expected = expected_path_findings()
    assert found(report) == sorted([*LINTED, *expected])
    assert {(d.path, d.code, d.line, d.column): d.message for d in report.diagnostics if d.code == "E001"} == expected


def test_named_odd_paths_each_get_a_finding(tmp_path, monkeypatch):
    odd_tree(tmp_path)
    names = ["good.metrics.yaml", "dangling.yaml", "loop.yaml", "x.yaml", "sub"]
    if hasattr(os, "mkfifo"):
        names.append("pipe.yaml")
    report = lint_here(tmp_path, monkeypatch, *names, ".")  # and once more through the walk
    assert found(report) == sorted([*LINTED, *expected_path_findings()])


def test_a_link_to_the_parent_does_not_lead_out_of_the_walk(tmp_path, monkeypatch):
    odd_tree(tmp_path)
    report = lint_here(tmp_path, monkeypatch, "sub")
    assert found(report) == [("sub/b.metrics.yaml", "E002", 16, 1), ("sub/up", "E001", 1, 1)]


def test_a_link_to_a_sibling_directory_is_not_entered_and_not_reported(tmp_path, monkeypatch):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.metrics.yaml").write_text(spec('5'))
    (tmp_path / "alias").symlink_to("real", target_is_directory=True)
    report = lint_here(tmp_path, monkeypatch, ".")
    assert found(report) == [("real/a.metrics.yaml", "E002", 16, 1)]


def test_a_symlinked_directory_named_on_the_command_line_is_followed(tmp_path, monkeypatch):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.metrics.yaml").write_text(spec('3'))
    (tmp_path / "link").symlink_to("real", target_is_directory=True)
    report = lint_here(tmp_path, monkeypatch, "link")
    assert found(report) == [("link/a.metrics.yaml", "E002", 16, 1)]


@needs_fifo
def test_the_command_line_never_waits_on_a_fifo(tmp_path):
    odd_tree(tmp_path)
    for args in (["pipe.yaml", "good.metrics.yaml"], ["."]):
        result = run_cli("lint", *args, "--format", "concise", "--select", "E", cwd=tmp_path, timeout=20)
        assert result.returncode == 1
        lines = result.stdout.decode().splitlines()
        assert "pipe.yaml:1:1: E001 [error] not a regular file but a FIFO (named pipe); not read" in lines
        assert "good.metrics.yaml:16:1: E002 [error] unknown key 'ownr'; did you mean 'owner'?" in lines
        assert result.stderr == b""


def test_a_missing_path_is_a_usage_error(tmp_path, monkeypatch):
    (tmp_path / "good.metrics.yaml").write_text(spec('4'))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["lint", "good.metrics.yaml", "missing.yaml"])
    assert result.exit_code == 2
    assert result.stderr == "metricspec: error: no such file or directory: missing.yaml\n"
    assert result.stdout == ""


@pytest.mark.skipif(IS_ROOT, reason="root reads any file; the simulated case below covers it")
def test_an_unreadable_file(tmp_path, monkeypatch):
    (tmp_path / "good.metrics.yaml").write_text(spec('5'))
    locked = tmp_path / "locked.metrics.yaml"
    locked.write_text(spec('6'))
    locked.chmod(0)
    try:
        report = lint_here(tmp_path, monkeypatch, ".")
    finally:
        locked.chmod(0o644)
    assert found(report) == [("good.metrics.yaml", "E002", 16, 1), ("locked.metrics.yaml", "E001", 1, 1)]
    assert report.diagnostics[1].message == "cannot read the file: Permission denied"


def test_an_unreadable_file_simulated(tmp_path, monkeypatch):
    """As root chmod stops nothing, so the refusal is simulated where the loader opens files."""
    (tmp_path / "good.metrics.yaml").write_text(spec('7'))
    (tmp_path / "locked.metrics.yaml").write_text(spec('8'))
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("locked.metrics.yaml"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    report = lint_here(tmp_path, monkeypatch, ".")
    assert found(report) == [("good.metrics.yaml", "E002", 16, 1), ("locked.metrics.yaml", "E001", 1, 1)]
    assert report.diagnostics[1].message == "cannot read the file: Permission denied"


@pytest.mark.skipif(IS_ROOT, reason="root enters any directory; the simulated case below covers it")
def test_a_directory_that_cannot_be_listed(tmp_path, monkeypatch):
    (tmp_path / "good.metrics.yaml").write_text(spec('9'))
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "a.metrics.yaml").write_text(spec('10'))
    closed.chmod(0)
    try:
        report = lint_here(tmp_path, monkeypatch, ".")
    finally:
        closed.chmod(0o755)
    assert found(report) == [("closed", "E001", 1, 1), ("good.metrics.yaml", "E002", 16, 1)]
    assert report.diagnostics[0].message == "cannot list the directory: Permission denied"


def test_a_directory_that_cannot_be_listed_simulated(tmp_path, monkeypatch):
    (tmp_path / "good.metrics.yaml").write_text(spec('11'))
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "a.metrics.yaml").write_text(spec('12'))
    real_scandir = os.scandir

    def refuse(path="."):
        if str(path).endswith("closed"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    report = lint_here(tmp_path, monkeypatch, ".")
    assert found(report) == [("closed", "E001", 1, 1), ("good.metrics.yaml", "E002", 16, 1)]
    assert report.diagnostics[0].message == "cannot list the directory: Permission denied"


def test_a_gitignore_with_patterns_git_would_ignore(tmp_path, monkeypatch):
    (tmp_path / ".gitignore").write_text("!\n[z-a]\n\\\nignored.yaml\n")
    (tmp_path / "ignored.yaml").write_text(spec("i"))
    (tmp_path / "kept.metrics.yaml").write_text(spec("k"))
    report = lint_here(tmp_path, monkeypatch, ".")
    assert found(report) == [("kept.metrics.yaml", "E002", 16, 1)]


@needs_fifo
@pytest.mark.parametrize("option", ["--config", "--baseline"])
def test_a_config_or_baseline_that_is_a_fifo_or_a_device_is_refused_not_waited_on(tmp_path, option):
    (tmp_path / "good.metrics.yaml").write_text(spec("g"))
    os.mkfifo(tmp_path / "named-pipe")
    for source in ("named-pipe", "/dev/zero"):
        result = run_cli("lint", "good.metrics.yaml", option, source, cwd=tmp_path, timeout=20)
        assert result.returncode == 2
        (line,) = result.stderr.decode().splitlines()
        assert line.startswith(f"metricspec: error: {source}: ") and "not a regular file" in line


@pytest.mark.parametrize("format", ["text", "concise", "json", "sarif", "github", "junit"])
def test_odd_file_names_in_every_format(tmp_path, monkeypatch, format):
    try:
        with open(os.fsencode(tmp_path) + b"/caf\xe9.metrics.yaml", "w") as handle:
            handle.write(spec("a"))
    except OSError:
        pytest.skip("this filesystem refuses names that are not UTF-8")
    (tmp_path / "new\nline.metrics.yaml").write_text(spec("b"))
    (tmp_path / "[bold]x.metrics.yaml").write_text(spec("c"))
    report = lint_here(tmp_path, monkeypatch, ".")
    assert found(report) == [
        ("[bold]x.metrics.yaml", "E002", 16, 1),
        ("caf\\xe9.metrics.yaml", "E002", 16, 1),
        ("new\nline.metrics.yaml", "E002", 16, 1),
    ]
    result = CliRunner().invoke(app, ["lint", ".", "--select", "E", "--format", format])
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
