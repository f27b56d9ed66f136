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


# -- a real PostgreSQL server for the warehouse tests (ACTUALS.md, "Sources") --------------


def _pg_bindir():
    """Where Debian's (or any) PostgreSQL server binaries are, or None."""
    import glob
    import shutil

    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


def start_postgres():
    """A throwaway cluster on a free local port: `(url, stop)`, or None without the binaries.

    .ci/run starts one the same way and exports METRICSPEC_TEST_PG_URL; this lets a developer
    run the tests without it. initdb refuses root, so as root the cluster is the `postgres`
    user's. Password authentication over TCP, as a warehouse has it.
    """
    import os
    import socket
    import subprocess
    import tempfile

    bindir = _pg_bindir()
    if bindir is None:
        return None
    base = Path(tempfile.mkdtemp(prefix="metricspec-pg-"))
    as_user: list = []
    if os.geteuid() == 0:
        import pwd

        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            return None
        os.chown(base, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    password = "metricspec-test"
    pwfile = base / "pw"
    pwfile.write_text(password + "\n")
    if as_user:
        os.chown(pwfile, owner.pw_uid, owner.pw_gid)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = base / "data"
    quiet = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "metricspec", f"--pwfile={pwfile}",
                    "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"], **quiet)
    subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-o",
                    f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off", "start"], **quiet)

    def stop():
        import shutil

        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(base, ignore_errors=True)

    return f"postgresql://metricspec:{password}@127.0.0.1:{port}/postgres", stop


def in_ci() -> bool:
    import os

    return bool(os.environ.get("CI") or os.environ.get("METRICSPEC_CI"))


@pytest.fixture(scope="session")
def pg_url():
    """A superuser URL of a real PostgreSQL server: METRICSPEC_TEST_PG_URL's (.ci/run), else a
    cluster started for this session; skipped, saying why, without either (never in CI)."""
    import os

    url = os.environ.get("METRICSPEC_TEST_PG_URL")
    if url:
        yield url
        return
    started = start_postgres() if not in_ci() else None
    if started is None:
        reason = "no PostgreSQL: set METRICSPEC_TEST_PG_URL or install the server (Debian: postgresql)"
        if in_ci():
            pytest.fail(f"CI must run the PostgreSQL tests: {reason} (.ci/run starts one)")
        pytest.skip(reason)
    url, stop = started
    try:
        yield url
    finally:
        stop()
