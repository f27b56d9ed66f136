"""Every robustness test runs twice: with libyaml's C parser and with the pure-Python parser.

The two must give the same findings at the same lines and columns (issue 6, item 9), so the
whole battery is parametrised over them. Subprocesses inherit the choice through
METRICSPEC_PURE_YAML.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from metricspec import yaml_events
from tests.conftest import lint_paths

# A spec that lints with no E finding: the base the tests mutate.
VALID_SPEC = """\
metricspec: 1
product: Acme
owner: ana
objectives:
  - id: revenue
    title: Grow revenue
    metrics:
      - id: arr
        name: Annual recurring revenue
        kind: lagging
        unit: USD
        target:
          value: 1200000
          baseline: 1000000
          by: 2027-06-30
"""


@pytest.fixture(params=["libyaml", "pure"], autouse=True)
def yaml_parser(request, monkeypatch) -> str:
    if request.param == "libyaml":
        if not getattr(yaml, "__with_libyaml__", False):
            pytest.skip("PyYAML is built without libyaml here")
        from yaml.cyaml import CParser

        monkeypatch.setattr(yaml_events, "EventParser", CParser)
    else:
        monkeypatch.setattr(yaml_events, "EventParser", yaml_events.PureParser)
    monkeypatch.setattr(yaml_events, "LOADER_NAME", request.param)
    monkeypatch.setenv("METRICSPEC_PURE_YAML", "1" if request.param == "pure" else "0")
    return request.param


def found(report, codes: str | tuple[str, ...] = ()) -> list[tuple[str, str, int, int]]:
    """(path, code, line, column) of each reported finding, optionally only of some codes."""
    codes = (codes,) if isinstance(codes, str) else codes
    return [(d.path, d.code, d.line, d.column) for d in report.diagnostics if not codes or d.code in codes]


def messages(report, code: str) -> list[str]:
    return [d.message for d in report.diagnostics if d.code == code]


def lint_here(tmp_path: Path, monkeypatch, *names: str, **options):
    """Lint files of tmp_path by their relative names, as a user in that folder would."""
    monkeypatch.chdir(tmp_path)
    return lint_paths(*names, select=options.pop("select", ["E"]), **options)


def run_cli(*args: str, cwd: Path, timeout: float = 60, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """The real command line in a subprocess: a hang fails the test instead of the suite."""
    return subprocess.run(
        [sys.executable, "-m", "metricspec", *args],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        input=stdin,
        env={**os.environ, "NO_COLOR": "1", "GITHUB_ACTIONS": ""},
    )
