"""Never a traceback: a fault on one file, in a reporter or anywhere else is one line naming
where it happened, asking for a bug report, and exit 2; the other files are still linted."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from metricspec import api, cli, documents, entry, yaml_events
from metricspec.cli import app

from .conftest import VALID_SPEC

BAD_SPEC = VALID_SPEC + "ownr: ana\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "good.metrics.yaml").write_text(BAD_SPEC)
    (tmp_path / "cursed.metrics.yaml").write_text(BAD_SPEC.replace("revenue", "growth").replace("arr", "mrr"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(app, ["lint", *args, "--select", "E", "--format", "json"])


def test_a_parser_that_breaks_on_one_file(project, monkeypatch):
    real = yaml_events.EventParser

    def parser(text):
        if "growth" in text:
            raise ValueError("the parser broke")
        return real(text)

    monkeypatch.setattr(yaml_events, "EventParser", parser)
    result = invoke("good.metrics.yaml", "cursed.metrics.yaml")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("metricspec: internal error on cursed.metrics.yaml: ValueError: the parser broke [")
    assert line.endswith("]; please report this as a bug")
    diagnostics = json.loads(result.stdout)["diagnostics"]
    assert [(d["path"], d["code"], d["line"]) for d in diagnostics] == [
        ("cursed.metrics.yaml", "E001", 1),
        ("good.metrics.yaml", "E002", 16),
    ]
    assert "please report this as a bug" in diagnostics[0]["message"]


def test_a_fault_in_the_library_as_a_report(project, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(documents, "validate_document", explode)
    report = api.lint(api.LintOptions(paths=["good.metrics.yaml", "cursed.metrics.yaml"]))
    assert [message.split(" [")[0] for message in report.internal_errors] == [
        "internal error on good.metrics.yaml: RuntimeError: boom",
        "internal error on cursed.metrics.yaml: RuntimeError: boom",
    ]
    assert report.files == 2


def test_a_reporter_that_breaks(project, monkeypatch):
    from metricspec.reporters import json as json_reporter

    def explode(report, options):
        raise KeyError("missing")

    monkeypatch.setattr(json_reporter, "render", explode)
    result = invoke("good.metrics.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("metricspec: error: internal error in the json report: KeyError: 'missing' [")
    assert line.endswith("; please report this as a bug")


def test_a_fault_outside_any_file(project, monkeypatch):
    from metricspec import workspace

    def explode(self):
        raise AttributeError("no such thing")

    monkeypatch.setattr(workspace.Workspace, "resolve", explode)
    result = invoke("good.metrics.yaml")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("metricspec: error: internal error while linting: AttributeError: no such thing [")


def test_the_console_script_catches_anything(monkeypatch, capsys):
    def explode(**kwargs):
        raise MemoryError("out of it")

    monkeypatch.setattr(cli, "app", explode)
    with pytest.raises(SystemExit) as exit:
        entry.main(["tree"])  # not a fast-path command: typer's app answers it
    assert exit.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("metricspec: internal error: MemoryError: out of it [")
    assert line.endswith("; please report this as a bug")
