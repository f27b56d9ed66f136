"""The progress bar of large runs on a terminal (CLI.md): when it shows, what it draws, and that
it never stops a run from using every core."""

from __future__ import annotations

import io
import os
import sys
import threading

import pytest
from rich.console import Console

from metricspec import api, parallel, progress
from metricspec.progress import FileProgress

from .test_parallel import _lint, _workspace


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=80, color_system=None), out


def test_the_bar_is_wanted_only_on_a_terminal_outside_ci_and_not_quiet(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(sys, "stderr", _Terminal())
    assert progress.wanted(quiet=False)
    assert not progress.wanted(quiet=True)
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted(quiet=False)
    monkeypatch.delenv("CI")
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert not progress.wanted(quiet=False)


def test_a_large_run_draws_a_bar_without_a_thread():
    console, out = _console()
    bar = FileProgress(console)
    total = progress.THRESHOLD + 100
    for done in range(total):
        bar(done, total)
        assert threading.active_count() == 1  # rich's refresh thread would make forking unsafe
    drawn = out.getvalue()
    assert "reading files" in drawn
    assert f"1/{total}" in drawn
    # After the last file, the rules run: the bar names that phase until the run closes it.
    assert drawn.rstrip().endswith("checking the rules ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 300/300")
    bar.close()


def test_a_small_run_draws_nothing():
    console, out = _console()
    bar = FileProgress(console)
    for done in range(progress.THRESHOLD - 1):
        bar(done, progress.THRESHOLD - 1)
    bar.close()
    assert out.getvalue() == ""


@pytest.mark.skipif(not parallel._can_fork(), reason="workers are forked on Linux only")
def test_a_run_with_a_bar_still_checks_on_every_core(tmp_path, monkeypatch):
    _workspace(tmp_path)
    one, one_text = _lint(tmp_path, monkeypatch, 1)
    console, out = _console()
    monkeypatch.setattr(progress, "THRESHOLD", 10)
    forks = []
    real_fork = os.fork

    def fork():
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    real = api.lint

    def lint_with_bar(options):
        options.progress = bar = FileProgress(console)
        try:
            return real(options)
        finally:
            bar.close()

    monkeypatch.setattr(api, "lint", lint_with_bar)
    many, many_text = _lint(tmp_path, monkeypatch, 2)
    assert "reading files" in out.getvalue() and "checking the rules" in out.getvalue()
    assert len(forks) == 2  # one child loading, one checking
    assert many_text == one_text
