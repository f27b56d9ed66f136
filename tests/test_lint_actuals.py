"""`metricspec lint --actuals` / `--source` (ACTUALS.md, "Commands"; CLI.md for every lint option),
run through the console script against a real CSV file and a real SQLite store written by
`metricspec actuals import`: the A findings as lint's, in every format and under every option."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

TODAY = "2026-12-01"
# Line 8: an off-track target (A001); line 13: a metric last measured 65 days ago (A002).
SPEC = """metricspec: 1
product: Acme Analytics
owner: head-of-product
objectives:
  - id: enterprise-revenue
    title: Grow enterprise ARR by 20% in 2027
    metrics:
      - id: weekly-report-builders
        name: Weekly active report builders
        unit: count
        window: 7d
        target: {baseline: 1200, value: 1800, since: 2026-07-01, by: 2027-06-30}
      - id: dashboards-shared{comment}
        name: Dashboards shared per week
        unit: count
        window: 7d
        target: {baseline: 1200, value: 1800, since: 2026-07-01, by: 2027-06-30}
"""
CSV = """metric,at,value
weekly-report-builders,2026-07-01,1200
weekly-report-builders,2026-09-01,1215
weekly-report-builders,2026-11-30,1190
dashboards-shared,2026-07-05,1204
dashboards-shared,2026-08-02,1251
dashboards-shared,2026-09-27,1322
"""
BOTH = [("A001", "weekly-report-builders", 8), ("A002", "dashboards-shared", 13)]


def _metricspec(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metricspec", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "CI": "1"})


def _lint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return _metricspec(cwd, "lint", "--today", TODAY, *args)


def _found(stdout: str, family: str = "") -> list[tuple[str, str, int]]:
    return [(d["code"], d["subject"], d["line"]) for d in json.loads(stdout)["diagnostics"]
            if d["code"].startswith(family)]


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    (tmp_path / "acme.metrics.yaml").write_text(SPEC.replace("{comment}", ""))
    (tmp_path / "actuals.csv").write_text(CSV)
    return tmp_path


def test_a_findings_from_a_csv_source_join_lints_in_text_and_json(specs):
    text = _lint(specs, "--actuals", "--source", "actuals.csv", "--format", "concise")
    assert text.returncode == 1, text.stderr
    lines = text.stdout.splitlines()
    assert [line for line in lines if " A0" in line] == [
        "acme.metrics.yaml:8:13: A001 [warning] 'weekly-report-builders' is off-track: 1,190 on 2026-11-30, "
        "expected 1450.55 on the way to 1,800 by 2027-06-30 (pacing -0.0399)",
        "acme.metrics.yaml:13:13: A002 [warning] 'dashboards-shared' was last measured on 2026-09-27, 65 days ago: "
        "more than 2 periods of 7 days",
    ]
    assert lines == sorted(lines, key=lambda line: (int(line.split(":")[1]), int(line.split(":")[2])))  # lint's order
    report = _lint(specs, "--actuals", "--source", "actuals.csv", "--format", "json")
    assert _found(report.stdout, "A") == BOTH
    assert any(code.startswith("P") for code, _, _ in _found(report.stdout))  # lint's own rules still ran
    summary = json.loads(report.stdout)["summary"]
    assert summary["warning"] == sum(d["severity"] == "warning" for d in json.loads(report.stdout)["diagnostics"])


def test_the_embedded_store_written_by_actuals_import_is_the_default_source(specs):
    stored = _metricspec(specs, "actuals", "import", "actuals.csv", "--today", TODAY)
    assert stored.returncode == 0, stored.stderr
    assert (specs / "metricspec.db").is_file()
    for source in ([], ["--source", "metricspec.db"], ["--source", "sqlite:///metricspec.db"]):
        report = _lint(specs, "--actuals", "--select", "A", "--format", "json", *source)
        assert (report.returncode, _found(report.stdout)) == (1, BOTH), (source, report.stderr)


def test_fail_on_and_exit_zero_judge_a_findings_as_lints(specs):
    run = ["--actuals", "--source", "actuals.csv", "--select", "A"]
    assert _lint(specs, *run).returncode == 1
    assert _lint(specs, *run, "--fail-on", "error").returncode == 0
    assert _lint(specs, *run, "--exit-zero").returncode == 0
    assert _lint(specs, *run, "--ignore", "A001,stale-actuals").returncode == 0


def test_without_actuals_lint_opens_no_source_and_reports_no_a_code(specs):
    (specs / "pyproject.toml").write_text('[tool.metricspec.actuals]\nsource = "missing.db"\n')
    report = _lint(specs, "--format", "json")
    assert (report.returncode, report.stderr) == (1, "")
    assert _found(report.stdout, "A") == []
    with_actuals = _lint(specs, "--actuals", "--format", "json")
    assert with_actuals.returncode == 2 and with_actuals.stdout == ""
    assert with_actuals.stderr.startswith("metricspec: error: no actuals store at ") and with_actuals.stderr.count("\n") == 1


def test_a_source_error_is_one_line_exit_2_and_no_report_written(specs):
    result = _lint(specs, "--actuals", "--source", "nope.db", "--output", "report.json", "--format", "json")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        'metricspec: error: no actuals store at nope.db: run "metricspec actuals import FILE.csv", '
        'or set [tool.metricspec.actuals] source']
    assert not (specs / "report.json").exists()


def test_usage_errors(specs):
    alone = _lint(specs, "--source", "actuals.csv")
    assert (alone.returncode, alone.stderr) == (
        2, "metricspec: error: --source names where --actuals reads the actuals: add --actuals, or drop --source\n")
    selected = _lint(specs, "--select", "A001")
    assert (selected.returncode, selected.stderr) == (
        2, "metricspec: error: 'A001' names an A code, which lint reports only with --actuals\n")
    assert _lint(specs, "--actuals", "--source", "actuals.csv", "--select", "A001").returncode == 1


def test_a_suppression_of_an_a_code_is_honoured_with_actuals_and_not_m001_without(specs):
    spec = specs / "acme.metrics.yaml"
    spec.write_text(SPEC.replace("{comment}", "  # metricspec: ignore[A002] refreshed monthly by finance"))
    with_actuals = _lint(specs, "--actuals", "--source", "actuals.csv", "--format", "json", "--show-suppressed")
    assert _found(with_actuals.stdout, "A") == [BOTH[0]]
    assert _found(with_actuals.stdout, "M") == []
    assert [(s["code"], s["subject"], s["line"]) for s in json.loads(with_actuals.stdout)["suppressed"]] == [BOTH[1]]
    without = _lint(specs, "--format", "json")
    assert _found(without.stdout, "M") == [] and _found(without.stdout, "A") == []
    # A suppression that silences nothing is M001 exactly when the A rules ran.
    spec.write_text(SPEC.replace("{comment}", "  # metricspec: ignore[A001]"))
    stale = _lint(specs, "--actuals", "--source", "actuals.csv", "--format", "json")
    assert [(d["code"], d["line"], d["message"]) for d in json.loads(stale.stdout)["diagnostics"]
            if d["code"] == "M001"] == [("M001", 13, "unused suppression of A001: nothing was reported here")]
    assert _found(stale.stdout, "A") == BOTH
    assert _found(_lint(specs, "--format", "json").stdout, "M") == []


def test_statistics_count_a_findings(specs):
    result = _lint(specs, "--actuals", "--source", "actuals.csv", "--select", "A", "--statistics")
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == ["    1  A001  off-track-target  [warning]",
                                              "    1  A002  stale-actuals  [warning]"]
    assert "Found 2 problems (0 errors, 2 warnings, 0 info) in 1 file." in result.stdout


def test_a_baseline_records_hides_and_lists_as_fixed_a_findings(specs):
    run = ["--actuals", "--source", "actuals.csv", "--select", "A"]
    written = _lint(specs, *run, "--write-baseline", "baseline.json")
    assert written.returncode == 0, written.stderr
    recorded = json.loads((specs / "baseline.json").read_text())["findings"]
    assert [(e["code"], e["subject"]) for e in recorded] == [("A002", "dashboards-shared"),
                                                             ("A001", "weekly-report-builders")]  # by subject
    hidden = _lint(specs, *run, "--baseline", "baseline.json", "--format", "json")
    assert (hidden.returncode, _found(hidden.stdout)) == (0, [])
    # dashboards-shared measured again: its A002 no longer occurs and is listed as fixed.
    (specs / "actuals.csv").write_text(CSV + "dashboards-shared,2026-11-29,1400\n")
    fixed = _lint(specs, *run, "--baseline", "baseline.json", "--format", "json")
    assert fixed.returncode == 0
    assert [(f["code"], f["subject"]) for f in json.loads(fixed.stdout)["fixed"]] == [("A002", "dashboards-shared")]


def test_sarif_names_the_a_rules_with_their_pages(specs):
    result = _lint(specs, "--actuals", "--source", "actuals.csv", "--select", "A", "--format", "sarif")
    run = json.loads(result.stdout)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [(r["id"], r["name"]) for r in rules] == [("A001", "off-track-target"), ("A002", "stale-actuals")]
    assert rules[0]["helpUri"].endswith("/docs/rules.md#a001-off-track-target")
    assert [(r["ruleId"], r["ruleIndex"]) for r in run["results"]] == [("A001", 0), ("A002", 1)]


def test_the_report_never_lands_on_the_actuals_it_reads(specs):
    assert _metricspec(specs, "actuals", "import", "actuals.csv", "--today", TODAY).returncode == 0
    store = (specs / "metricspec.db").read_bytes()
    result = _lint(specs, "--actuals", "--output", "metricspec.db")
    assert (result.returncode, result.stderr) == (
        2, "metricspec: error: --output metricspec.db is an actuals file this run reads; the file is left untouched\n")
    assert (specs / "metricspec.db").read_bytes() == store


def test_the_report_never_lands_on_a_csv_a_glob_reads(specs):
    (specs / "data").mkdir()
    (specs / "actuals.csv").rename(specs / "data" / "q3.csv")
    (specs / "data" / "q4.csv").write_text("metric,at,value,segment\n")
    before = (specs / "data" / "q4.csv").read_bytes()
    result = _lint(specs, "--actuals", "--source", "data/*.csv", "--format", "json", "--output", "data/q4.csv")
    assert (result.returncode, result.stderr) == (
        2, "metricspec: error: --output data/q4.csv is an actuals file this run reads; the file is left untouched\n")
    assert (specs / "data" / "q4.csv").read_bytes() == before
    assert _lint(specs, "--actuals", "--source", "data/*.csv", "--format", "json", "--output", "out.json").returncode == 1


def test_show_settings_lists_the_a_codes_the_run_checks(specs):
    listed = _lint(specs, "--show-settings", "--actuals", "--ignore", "A005").stdout.splitlines()[-1]
    assert listed.endswith(", A001, A002, A003, A004, A006, A007, A008, A009")
    assert "A00" not in _lint(specs, "--show-settings").stdout.splitlines()[-1]
