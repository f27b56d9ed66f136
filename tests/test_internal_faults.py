"""A fault inside one rule becomes one finding naming the rule and the file; the run goes on."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from metricspec import rules as registry
from metricspec.cli import app
from metricspec.diagnostics import Severity
from metricspec.rules import Rule, RuleDoc

SPEC = "metricspec: 1\nproduct: Acme\nobjectives:\n  - id: revenue\n    title: Grow revenue\n    ownr: ana\n"


@pytest.fixture
def broken_rule(monkeypatch):
    def explode(node, ctx):
        raise ZeroDivisionError("boom")
        yield  # pragma: no cover

    rules = dict(registry.all_rules())
    rules["H999"] = Rule("H999", "exploding-rule", Severity.WARNING, "node", "test only", RuleDoc("x", "y"), explode)
    monkeypatch.setattr(registry, "_REGISTRY", rules)


def test_a_crashing_rule_is_reported_and_the_run_goes_on(broken_rule, tmp_path, monkeypatch):
    (tmp_path / "a.metrics.yaml").write_text(SPEC)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["lint", "a.metrics.yaml", "--select", "E,H999", "--format", "json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    codes = [(d["code"], d["line"]) for d in report["diagnostics"]]
    assert ("E002", 6) in codes  # the other findings of the file are still there
    (fault,) = [d for d in report["diagnostics"] if d["code"] == "H999"]
    assert fault["message"].startswith("internal error in rule H999 (exploding-rule) on a.metrics.yaml: ZeroDivisionError: boom")
    assert "please report this as a bug" in fault["message"]
    assert "Traceback" not in result.stderr
    assert "internal error in rule H999" in result.stderr
