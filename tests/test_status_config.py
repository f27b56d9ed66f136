"""`status` and `report` decide A findings as `lint --actuals` does (ACTUALS.md, "A — actuals"):
the config's `[severity]`, per-file-ignores on the spec and on the CSV, `# metricspec: ignore[...]`
comments and `lint_ignore`, run as a user runs them: a spec, a CSV, a metricspec.toml, and
`metricspec status --format json` / `metricspec report` on them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from metricspec.actuals.codes import actual_codes

TODAY = "2026-12-01"
A001 = actual_codes()["A001"].doc  # weekly-report-builders: off-track on TODAY, A001 at its `id` (line 8)
A005 = actual_codes()["A005"].doc  # dashboard-shares: flat for two monthly reviews, A005 (info)
BAD_ROW = "weekly-report-builders,2026-10-01,n/a\n"  # A009 at the CSV's line 5
ID_LINE = "      - id: weekly-report-builders"
FINDING = re.compile(r'<span class="sev">(\w+)</span> <code>(A\d{3})</code>')  # an A finding on the page


@pytest.fixture
def project(run, tmp_path):
    """project(spec, csv, toml) -> (status's JSON, the A findings on the report page as (severity, code))."""

    def make(spec: str = A001.example, csv: str = A001.actuals, toml: str = "") -> tuple:
        (tmp_path / "metrics").mkdir(exist_ok=True)
        (tmp_path / "metrics" / "acme.metrics.yaml").write_text(spec, encoding="utf-8")
        (tmp_path / "actuals.csv").write_text(csv, encoding="utf-8")
        (tmp_path / "metricspec.toml").write_text(
            '[tool.metricspec]\ninclude = ["metrics/*.yaml"]\n' + toml, encoding="utf-8")
        status = run("status", "--source", "actuals.csv", "--today", TODAY, "--format", "json")
        assert status.exit_code == 0, status.output  # A findings never fail status: --fail-on is about statuses
        report = run("report", "--source", "actuals.csv", "--today", TODAY, "--output", "report.html")
        assert report.exit_code == 0, report.output
        page = (Path(tmp_path) / "report.html").read_text(encoding="utf-8")
        return json.loads(status.stdout), FINDING.findall(page)

    return make


def _seen(status: dict) -> list:
    return [(d["code"], d["severity"], d["subject"], d["path"], d["line"]) for d in status["diagnostics"]]


def test_by_default_a001_is_a_warning_at_the_metric_id(project):
    status, page = project()
    assert _seen(status) == [("A001", "warning", "weekly-report-builders", "metrics/acme.metrics.yaml", 8)]
    assert status["summary"] == {"error": 0, "warning": 1, "info": 0}
    assert page == [("warning", "A001")]


@pytest.mark.parametrize("selector", ["A001", "off-track-target", "A"])
def test_a_severity_override_changes_the_finding_and_the_summary(project, selector):
    status, page = project(toml=f'[tool.metricspec.severity]\n"{selector}" = "error"\n')
    assert _seen(status) == [("A001", "error", "weekly-report-builders", "metrics/acme.metrics.yaml", 8)]
    assert status["summary"] == {"error": 1, "warning": 0, "info": 0}
    assert page == [("error", "A001")]


def test_a_per_file_ignore_on_the_spec_hides_it(project):
    status, page = project(toml='[tool.metricspec.per-file-ignores]\n"metrics/*.yaml" = ["A001"]\n')
    assert status["diagnostics"] == [] and status["summary"] == {"error": 0, "warning": 0, "info": 0}
    assert page == []


def test_a_per_file_ignore_on_the_csv_hides_a009_and_keeps_the_specs_findings(project):
    status, page = project(csv=A001.actuals + BAD_ROW)
    assert [(code, path, line) for code, _, _, path, line in _seen(status)] == [
        ("A009", "actuals.csv", 5), ("A001", "metrics/acme.metrics.yaml", 8)]
    assert sorted(page) == [("warning", "A001"), ("warning", "A009")]
    status, page = project(csv=A001.actuals + BAD_ROW, toml='[tool.metricspec.per-file-ignores]\n"*.csv" = ["A009"]\n')
    assert [d["code"] for d in status["diagnostics"]] == ["A001"]
    assert page == [("warning", "A001")]


def test_a_suppression_comment_hides_it(project):
    spec = A001.example.replace(ID_LINE, ID_LINE + "  # metricspec: ignore[A001] rescue plan agreed at the Q4 review", 1)
    status, page = project(spec=spec)
    assert status["diagnostics"] == [] and status["summary"]["warning"] == 0
    assert page == []
    # and the metric's status is still judged and shown: only the finding is silenced
    assert [(m["id"], m["status"]) for m in status["metrics"]] == [("weekly-report-builders", "off-track")]


def test_a_comment_naming_another_code_hides_nothing(project):
    spec = A001.example.replace(ID_LINE, ID_LINE + "  # metricspec: ignore[A002] not this one", 1)
    status, page = project(spec=spec)
    assert [d["code"] for d in status["diagnostics"]] == ["A001"]  # status lists A findings: no M001 here
    assert page == [("warning", "A001")]


def test_lint_ignore_hides_a005(project):
    status, page = project(spec=A005.example, csv=A005.actuals)
    assert _seen(status) == [("A005", "info", "dashboard-shares", "metrics/acme.metrics.yaml", 8)]
    assert page == [("info", "A005")]
    spec = A005.example.replace("      - id: dashboard-shares",
                                "      - id: dashboard-shares\n        lint_ignore: [A005]", 1)
    status, page = project(spec=spec, csv=A005.actuals)
    assert status["diagnostics"] == [] and status["summary"] == {"error": 0, "warning": 0, "info": 0}
    assert page == []
