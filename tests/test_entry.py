"""The console script's fast path answers exactly as the typer app does, or hands over to it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import subprocess
import sys
import typing
from pathlib import Path

import pytest
import typer.main

from metricspec import entry
from metricspec.lint_command import LintRequest

GOOD = """metricspec: 1
product: Acme
stage: growth
north_star: weekly-builders
goals:
  - id: adoption
    title: Make reports a weekly habit for 60% of accounts by 2027
    owner: pm-analytics
    metrics:
      - id: weekly-builders
        name: Weekly active report builders
        kind: leading
        category: user
        segments: [plan]
        pairs_with: arr
        target: {baseline: 10, value: 12, by: 2027-06-30}
      - id: arr
        name: Annual recurring revenue
        kind: lagging
        category: business
        unit: USD
        target: {baseline: 10, value: 12, by: 2027-06-30}
"""
BAD = "metricspec: 1\nproduct: Acme\ngoals:\n  - id: Adoption\n    title: Grow\n    colour: red\n"


def _run(args: list[str], cwd: Path, fast: bool) -> tuple[int, str, str, dict[str, str]]:
    """Run a command line through the console script (fast path) or straight into cli.py."""
    code = ("from metricspec.entry import main; main()" if fast else "from metricspec.cli import app; app()")
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "CI": "1"})
    written = {p.name: p.read_text() for p in sorted(cwd.glob("out*"))}
    for p in cwd.glob("out*"):
        p.unlink()
    return proc.returncode, proc.stdout, proc.stderr, written


COMMAND_LINES = [
    ["--version"],
    ["lint"],
    ["lint", "good.metrics.yaml"],
    ["lint", "bad.metrics.yaml", "good.metrics.yaml", "--format", "concise"],
    ["lint", "--format=json", "--output", "out.json", "--today", "2026-06-01"],
    ["lint", ".", "--select", "T,P", "--ignore", "T001", "--extend-select=E", "--statistics", "-qv"],
    ["lint", "--fail-on", "error", "--exit-zero", "--show-suppressed", "--skip-unrecognized", "other.yaml"],
    ["lint", "--exclude", "bad*", "--write-baseline", "out.baseline.json"],
    ["lint", "--", "good.metrics.yaml"],
    ["lint", "--select", "NOPE"],
    ["lint", "missing.yaml"],
    ["lint", "--config", "missing.toml"],
    ["lint", "--format", "xml"],
    ["lint", "--today", "2026-13-01"],
    ["lint", "--bogus"],
    ["lint", "--help"],
    ["lint", "-h"],
    ["lint", "--fix", "--diff", "bad.metrics.yaml"],
    ["lint", "--source", "x.db"],
    ["lint", "--select", "A001"],
    ["lint", "--changed-since", "-x"],
    ["lint", "--changed-since=--output=x"],
    ["lint", "--changed-since", "HEAD"],
    ["lint", "--diff", "good.metrics.yaml", "bad.metrics.yaml", "-q"],
    ["lint", "-", "good.metrics.yaml"],
    ["lint", "--output"],
    ["lint", "-x"],
    ["lint", "--format", "--quiet"],
    ["rules"],
    ["rules", "--format", "json"],
    ["rules", "--format", "yaml"],
    [],
    ["--help"],
    ["-h"],
]


@pytest.mark.parametrize("args", COMMAND_LINES, ids=[" ".join(a) or "(none)" for a in COMMAND_LINES])
def test_the_fast_path_answers_as_typer_does(tmp_path, args):
    (tmp_path / "good.metrics.yaml").write_text(GOOD)
    (tmp_path / "bad.metrics.yaml").write_text(BAD)
    (tmp_path / "other.yaml").write_text("name: not a spec\n")
    assert _run(args, tmp_path, fast=True) == _run(args, tmp_path, fast=False)


@pytest.mark.parametrize("args", [
    ["lint", "--help"], ["lint", "--bogus"], ["lint", "--format", "xml"], ["lint", "--today", "2026-13-01"],
    ["lint", "--output"], ["lint", "-x"], ["lint", "--format", "--quiet"], ["lint", "--exit-zero=yes"],
    ["lint", "--select", ""], ["rules", "--format", "yaml"],
])
def test_anything_not_plainly_valid_goes_to_typer(args):
    if args[0] == "lint":
        assert entry.parse_lint(args[1:]) is None
    else:
        assert entry._rules(args[1:]) is None


def test_lint_options_are_parsed_as_click_parses_them():
    request = entry.parse_lint(["a.yaml", "--select", "T", "--select=P,V", "-qv", "b.yaml", "--format", "json",
                                "--format", "concise", "--output=o.json", "--today", "2026-06-01", "--", "--c.yaml"])
    assert request is not None
    assert request.paths == ["a.yaml", "b.yaml", "--c.yaml"]
    assert request.select == ["T", "P,V"]
    assert request.quiet and request.verbose
    assert request.format == "concise"  # the last one wins
    assert request.output == Path("o.json")
    assert request.today == dt.date(2026, 6, 1)


def _typer_lint_options() -> dict[str, tuple]:
    """typer's lint command, option by option: long name -> (parameter, short flag, kind,
    choices, default), the kind said as entry.py's table says it."""
    from metricspec import cli

    command = typer.main.get_command(cli.app).commands["lint"]  # type: ignore[attr-defined]
    hints = typing.get_type_hints(cli.lint, include_extras=True)
    options = {}
    for param in command.params:
        if param.name == "paths":
            assert (param.opts, param.nargs, param.default) == (["paths"], -1, None)
            continue
        assert param.help and param.secondary_opts == []  # every option explains itself; no --no-x
        (long,) = [opt for opt in param.opts if opt.startswith("--")]
        short = "".join(opt[1:] for opt in param.opts if not opt.startswith("--"))
        value_type = [t for t in typing.get_args(typing.get_args(hints[param.name])[0]) if t is not type(None)]
        value_type = value_type[0] if value_type else hints[param.name]
        choices: tuple[str, ...] = ()
        if param.is_flag:
            kind = "flag"
        elif param.multiple:
            kind = "many"
        elif value_type is Path:
            kind = "path"
        elif isinstance(value_type, type) and issubclass(value_type, enum.Enum):
            kind, choices = "choice", tuple(member.value for member in value_type)
        elif value_type is str and param.name == "today":
            kind = "date"  # typer takes a string that cli._today reads with parse_date, as entry.py does
        elif value_type is str:
            kind = "text"
        else:
            kind = f"unknown to entry.py: {value_type}"
        options[long] = (param.name, short, kind, choices, param.default)
    return options


def test_the_fast_option_table_is_typers_lint_command():
    """entry.py's option table (LintRequest's fields) names every option of typer's lint, with
    its short flag, whether and how it takes a value, its choices and its default; --help is
    typer's alone."""
    by_name, by_letter = entry.lint_options()
    fast = {name: (f.name, f.metadata["short"], f.metadata["kind"], tuple(f.metadata["choices"]), f.default)
            for name, f in by_name.items()}
    assert fast == _typer_lint_options()
    assert by_letter == {"q": "quiet", "v": "verbose"}
    assert "--help" not in by_name
    # The request holds the arguments and the options, nothing else: cli.py fills every field.
    assert [f.name for f in dataclasses.fields(LintRequest)] == ["paths", *(f.name for f in by_name.values())]
    assert LintRequest().paths is None


REQUESTS = [
    [],
    ["a.yaml", "--select", "T", "--select=P,V", "-qv", "b.yaml", "--format", "json", "--output=o.json"],
    ["--ignore", "T001", "--extend-select", "E", "--extend-ignore=V", "--fail-on", "error", "--exit-zero"],
    ["--today", "2026-06-01", "--config", "ci/lint.toml", "--exclude", "x*", "--exclude", "y*", "--statistics"],
    ["--baseline", "b.json", "--write-baseline", "b.json", "--skip-unrecognized", "--show-suppressed", "-q", "-v"],
    ["--format=sarif", "--format", "concise", "--", "-c.yaml", "--quiet"],
    ["--fix", "--diff", "--stdin-filename", "metrics/a.metrics.yaml", "-"],
    ["--actuals", "--source", "actuals.db", "--changed-since=origin/main", "--select", "A001"],
    ["--source=postgresql://u:${PW}@db/x", "--changed-since", "HEAD~3"],
]


@pytest.mark.parametrize("args", REQUESTS, ids=[" ".join(a) or "(none)" for a in REQUESTS])
def test_both_doors_build_the_same_request(monkeypatch, args):
    from typer.testing import CliRunner

    from metricspec import cli, lint_command

    received: list[LintRequest] = []
    monkeypatch.setattr(lint_command, "run", lambda request: received.append(request) or 0)
    result = CliRunner().invoke(cli.app, ["lint", *args], catch_exceptions=False)
    assert (result.exit_code, len(received)) == (0, 1), result.output
    assert entry.parse_lint(args) == received[0]


def _imported(args: list[str], cwd: Path) -> set[str]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "metricspec", *args], cwd=cwd,
                          capture_output=True, text=True)
    return {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}


def test_version_lint_and_rules_import_no_more_than_they_need(tmp_path):
    (tmp_path / "good.metrics.yaml").write_text(GOOD)
    heavy = {"typer", "pydantic", "rich", "rich.console", "yaml"}
    assert _imported(["--version"], tmp_path) & heavy == set()
    assert _imported(["lint", "good.metrics.yaml"], tmp_path) & heavy == {"yaml"}
    assert _imported(["rules"], tmp_path) & heavy == {"rich", "rich.console"}  # rich draws the table
    assert _imported(["rules", "--format", "json"], tmp_path) & heavy == set()


def test_a_closed_stdout_is_no_traceback(tmp_path):
    """`metricspec lint ... >&-`: the report has nowhere to go, the exit code still says it."""
    (tmp_path / "a.metrics.yaml").write_text("metricspec: 1\nproduct: A\nobjectives:\n  - {id: o, title: Grow, ownr: x}\n")
    for extra in ("", "--output out.json"):
        result = subprocess.run(f"{sys.executable} -m metricspec lint a.metrics.yaml {extra} >&-", shell=True,
                                cwd=tmp_path, capture_output=True, text=True)
        assert (result.returncode, result.stderr) == (1, ""), extra
    assert "E002" in (tmp_path / "out.json").read_text()
