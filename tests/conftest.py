"""Shared helpers: lint a file or a string the way a user would, and read findings as tuples."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from metricspec.api import LintOptions, lint

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
TODAY = dt.date(2026, 6, 1)


def lint_paths(*paths, today=TODAY, **options):
    return lint(LintOptions(paths=[str(p) for p in paths], today=today, **options))


def findings(report, code=None):
    """(code, subject, line) of each reported finding, optionally of one code."""
    return [(d.code, d.subject, d.line) for d in report.diagnostics if code is None or d.code == code]


@pytest.fixture(autouse=True)
def _cache_elsewhere(monkeypatch, tmp_path_factory):
    """Hook-like runs keep an index beside the config or at the repository's root (cache.py):
    in tests, in a folder of the session, never in this repository's tree."""
    monkeypatch.setenv("METRICSPEC_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "metricspec-cache"))


@pytest.fixture
def run(monkeypatch, tmp_path):
    """run("lint", ...) -> the CliRunner result of the typer app, in a fresh working folder."""
    from typer.testing import CliRunner

    from metricspec.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    runner = CliRunner()

    def _run(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return _run


@pytest.fixture
def write(tmp_path):
    """write("a.metrics.yaml", text) -> the path, under a fresh folder."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared is only beside the project's own checkout)")
    return path
