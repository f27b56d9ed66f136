"""A codes in lint's configuration and selectors, suppressions of A codes (M001/M002), and the
library half of `lint --actuals` (actuals/lint.py: actual_findings), run on real files: a spec,
a CSV of actuals, a metricspec.toml, linted as lint_command lints them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from metricspec import config as config_module
from metricspec.actuals.codes import actual_codes
from metricspec.actuals.lint import actual_findings
from metricspec.actuals_command import CommandError
from metricspec.api import LintOptions, lint
from metricspec.diagnostics import Severity

TODAY = dt.date(2026, 12, 1)
A001 = actual_codes()["A001"].doc
SPEC = A001.example  # weekly-report-builders, off-track on TODAY with A001.actuals; its `id` on line 8
BAD_ROW = "weekly-report-builders,2026-10-01,n/a\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "metrics").mkdir()

    def make(spec: str = SPEC, csv: str = A001.actuals, toml: str = "") -> dict:
        (tmp_path / "metrics" / "acme.metrics.yaml").write_text(spec, encoding="utf-8")
        (tmp_path / "actuals.csv").write_text(csv, encoding="utf-8")
        (tmp_path / "metricspec.toml").write_text(
            '[tool.metricspec]\ninclude = ["metrics/*.yaml"]\n' + toml, encoding="utf-8")
        return config_module.load(tmp_path / "metricspec.toml")

    return make


def _lint_actuals(config, **selection):
    """lint, then the A findings appended as lint_command does with --actuals."""
    report = lint(LintOptions(config=config, today=TODAY, **selection))
    found = actual_findings(report.workspace, config, TODAY, source="actuals.csv", **selection)
    return report, found


def _seen(diagnostics) -> list:
    return [(d.code, d.subject, d.path, d.line) for d in diagnostics]


def test_an_a001_finding_as_lints_diagnostic_at_the_metric_id(project):
    report, found = _lint_actuals(project())
    assert _seen(found.diagnostics) == [("A001", "weekly-report-builders", "metrics/acme.metrics.yaml", 8)]
    a001 = found.diagnostics[0]
    assert (a001.column, a001.name, a001.severity) == (13, "off-track-target", Severity.WARNING)
    assert a001.message.startswith("'weekly-report-builders' is off-track: 1,190 on 2026-11-30")
    assert a001.as_json()["url"].endswith("/docs/rules.md#a001-off-track-target")
    assert [Path(path).name for path in found.files] == ["actuals.csv"]  # for --output's guard


def test_the_config_re_severities_and_per_file_ignores_a_codes(project):
    config = project(toml='[tool.metricspec.severity]\nA001 = "error"\n')
    assert [d.severity for d in _lint_actuals(config)[1].diagnostics] == [Severity.ERROR]
    config = project(toml='[tool.metricspec.per-file-ignores]\n"metrics/*.yaml" = ["off-track-target"]\n')
    assert _lint_actuals(config)[1].diagnostics == []


def test_a009_is_at_the_csv_line_and_per_file_ignores_on_the_csv_path_drop_it(project):
    config = project(csv=A001.actuals + BAD_ROW)
    found = _lint_actuals(config, select=["A009"])[1]
    assert _seen(found.diagnostics) == [("A009", None, "actuals.csv", 5)]
    config = project(csv=A001.actuals + BAD_ROW, toml='[tool.metricspec.per-file-ignores]\n"*.csv" = ["A009"]\n')
    assert _lint_actuals(config, select=["A009"])[1].diagnostics == []


@pytest.mark.parametrize("how", [
    "  # metricspec: ignore[A001] -- rescue plan agreed at the Q4 review",
    "\n        lint_ignore: [A001]\n        lint_ignore_reason: rescue plan agreed at the Q4 review",
])
def test_a_suppression_of_an_a_code_silences_it_and_is_kept_with_its_reason(project, how):
    spec = SPEC.replace("      - id: weekly-report-builders", "      - id: weekly-report-builders" + how, 1)
    report, found = _lint_actuals(project(spec=spec))
    assert found.diagnostics == []
    assert [(s.diagnostic.code, s.reason) for s in found.suppressed] == [("A001", "rescue plan agreed at the Q4 review")]
    assert [d.code for d in report.diagnostics if d.code.startswith("M")] == []  # lint's own run: no M001, no M002


@pytest.mark.parametrize("how, line", [
    ("  # metricspec: ignore[stale-actuals]", 8),
    ("\n        lint_ignore: [A002]", 9),
])
def test_an_unused_suppression_of_an_a_code_is_m001_only_with_actuals(project, how, line):
    spec = SPEC.replace("      - id: weekly-report-builders", "      - id: weekly-report-builders" + how, 1)
    report, found = _lint_actuals(project(spec=spec))
    assert [d.code for d in report.diagnostics if d.code.startswith("M")] == []  # plain lint: neither M001 nor M002
    assert [(d.code, d.line) for d in found.diagnostics if d.code == "M001"] == [("M001", line)]
    # Not selected, not judged: --ignore M001, or a selection without the A code it names.
    assert [d.code for d in _lint_actuals(project(spec=spec), ignore=["M001"])[1].diagnostics] == ["A001"]
    assert [d.code for d in _lint_actuals(project(spec=spec), select=["A001", "M001"])[1].diagnostics] == ["A001"]


def test_a_suppression_naming_lint_codes_too_is_left_to_lints_own_m001(project):
    spec = SPEC.replace("      - id: weekly-report-builders", "      - id: weekly-report-builders  # metricspec: ignore[A001, T004]", 1)
    report, found = _lint_actuals(project(spec=spec))
    assert [d.code for d in found.diagnostics] == []  # A001 used; T004 is lint's
    assert [(d.code, d.message) for d in report.diagnostics if d.code == "M001"] == [
        ("M001", "unused suppression of T004: nothing was reported here")]


@pytest.mark.parametrize("toml, codes", [
    ('select = ["T"]\n', []),  # names lint codes: lint --actuals runs only T
    ('ignore = ["A"]\n', []),
    ('extend-ignore = ["off-track-target"]\n', []),
    ('select = ["A001"]\n', ["A001"]),
    ('select = ["D001"]\n', ["A001"]),  # names no code of lint --actuals: dropped, select means all
])
def test_the_configs_selection_over_a_codes(project, toml, codes):
    found = _lint_actuals(project(toml=toml))[1]
    assert [d.code for d in found.diagnostics] == codes


def test_the_command_line_selects_on_top_of_the_config(project):
    config = project(toml='ignore = ["A001"]\n')
    assert [d.code for d in _lint_actuals(config, extend_select=["A001"])[1].diagnostics] == ["A001"]
    assert _lint_actuals(project(), ignore=["A"])[1].diagnostics == []


def test_no_a_code_selected_opens_no_source(project, tmp_path):
    config = project(toml='select = ["T"]\n')
    report = lint(LintOptions(config=config, today=TODAY))
    assert actual_findings(report.workspace, config, TODAY, source="missing.db").diagnostics == []


def test_a_source_error_is_one_line_for_exit_2(project):
    config = project()
    report = lint(LintOptions(config=config, today=TODAY))
    with pytest.raises(CommandError) as caught:
        actual_findings(report.workspace, config, TODAY, source="missing.db")
    assert caught.value.code == 2 and "\n" not in str(caught.value)
    assert str(caught.value).startswith("no actuals store at missing.db")


@pytest.mark.parametrize("toml, lint_codes", [
    ('select = ["A001"]\n', "all"),  # only A codes: dropped without --actuals, select means all
    ('select = ["D001", "A"]\n', "all"),
    ('select = ["A001"]\nextend-select = ["T001"]\n', "all"),  # an emptied select is all, extend-select on top
    ('select = ["T001", "A001"]\n', {"E", "T001"}),
])
def test_plain_lint_drops_config_selectors_naming_only_d_or_a_codes(project, toml, lint_codes):
    from metricspec.api import policy_for
    from metricspec.rules import all_rules

    selected = policy_for(LintOptions(config=project(toml=toml))).selected
    if lint_codes == "all":
        assert selected == set(all_rules())
    else:
        assert selected == {c for c in all_rules() if c.startswith("E")} | (lint_codes - {"E"})


@pytest.mark.parametrize("toml, lint_codes", [
    ('select = ["A"]\n', {"E"}),  # names codes of lint --actuals: its lint rules narrow to E
    ('select = ["D001"]\n', "all"),
    ('select = ["T001", "A001"]\n', {"E", "T001"}),
])
def test_lint_with_actuals_selects_lint_rules_over_lint_and_a_codes(project, toml, lint_codes):
    from metricspec.api import policy_for
    from metricspec.rules import all_rules

    selected = policy_for(LintOptions(config=project(toml=toml), actuals=True)).selected
    if lint_codes == "all":
        assert selected == set(all_rules())
    else:
        assert selected == {c for c in all_rules() if c.startswith("E")} | (lint_codes - {"E"})


def test_with_actuals_lints_own_run_leaves_a_suppressions_to_actual_findings(project):
    spec = SPEC.replace("      - id: weekly-report-builders", "      - id: weekly-report-builders  # metricspec: ignore[A002]", 1)
    config = project(spec=spec)
    report = lint(LintOptions(config=config, today=TODAY, actuals=True))
    assert [d.code for d in report.diagnostics if d.code.startswith("M")] == []
    found = actual_findings(report.workspace, config, TODAY, source="actuals.csv")
    assert [(d.code, d.line) for d in found.diagnostics] == [("A001", 8), ("M001", 8)]


def test_the_config_accepts_a_codes_everywhere_and_refuses_a_misspelt_one(project, tmp_path):
    project(toml='ignore = ["A005"]\nextend-select = ["stale-actuals"]\n'
                 '[tool.metricspec.severity]\nA002 = "error"\n'
                 '[tool.metricspec.per-file-ignores]\n"legacy/*.yaml" = ["A"]\n')
    with pytest.raises(config_module.ConfigError) as caught:
        project(toml='ignore = ["A0005"]\n')
    assert "tool.metricspec.ignore: unknown rule code or name 'A0005'; did you mean 'A005'?" in str(caught.value)


def test_lint_without_actuals_refuses_an_a_code_on_the_command_line(project, tmp_path):
    from typer.testing import CliRunner

    from metricspec.cli import app

    project()
    result = CliRunner().invoke(app, ["lint", "--select", "A001"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "metricspec: error: 'A001' names an A code, which lint reports only with --actuals"]
    # and the config's A codes are status's: `status` honours them
    project(toml='ignore = ["A001"]\n')
    result = CliRunner().invoke(app, ["status", "--source", "actuals.csv", "--today", "2026-12-01", "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["diagnostics"] == []


def test_the_diagnostics_are_status_json_objects_as_status_writes_them(project, tmp_path):
    """status can take its diagnostics from actuals/lint.py too (and so honour severities,
    per-file-ignores and suppressions): for the same input they are the objects it writes, but
    that a CSV's path is relative to the working directory, as ACTUALS.md's report has paths, and
    a finding ends where its id does."""
    from typer.testing import CliRunner

    from metricspec.cli import app

    config = project(csv=A001.actuals + BAD_ROW)
    result = CliRunner().invoke(app, ["status", "--source", "actuals.csv", "--today", "2026-12-01", "--format", "json"])
    written = json.loads(result.stdout)["diagnostics"]
    mine = [d.as_json() for d in _lint_actuals(config)[1].diagnostics]
    assert [d["code"] for d in mine] == ["A009", "A001"]
    assert mine[0]["path"] == "actuals.csv"
    # lint's span ends where the id does (as every lint finding's): `weekly-report-builders`
    assert (mine[1]["column"], mine[1]["end_column"]) == (13, 13 + len("weekly-report-builders"))
    for entry in [*written, *mine]:
        del entry["end_column"]  # status (this branch) ends a finding where it starts
    for entry in written:  # and writes the CSV's path as it resolved it
        if entry["path"] == str(tmp_path / "actuals.csv"):
            entry["path"] = "actuals.csv"
    assert mine == sorted(written, key=lambda d: (d["path"], d["line"] or 0, d["column"] or 0, d["code"]))
