"""The GitHub Action's `report-file` input: its report step run as GitHub runs composite bash steps,
and the upload step that follows it (ACTUALS.md "report"; issue 20)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT

SPEC = """metricspec: 1
product: Acme Analytics
stage: growth
north_star: weekly-report-builders
objectives:
  - id: enterprise-revenue
    title: Grow enterprise revenue
    metrics:
      - id: weekly-report-builders
        name: Weekly active report builders
        kind: leading
        unit: count
        window: 7d
        target: {baseline: 1200, value: 1800, since: 2026-07-01, by: 2027-06-30}
"""
CSV = "metric,at,value\n" + "".join(f"weekly-report-builders,2026-{m:02d}-01,{1200 + 40 * (m - 7)}\n" for m in range(7, 12))


def _steps() -> list:
    return yaml.safe_load((PROJECT / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]


def test_the_report_steps_come_last_and_only_when_asked():
    report, upload = _steps()[-2:]
    assert report["name"] == "metricspec report" and report["shell"] == "bash"
    assert report["if"] == upload["if"] == "always() && inputs.report-file != ''"
    assert report["env"]["METRICSPEC_REPORT"] == "${{ inputs.report-file }}"
    assert upload["uses"] == "actions/upload-artifact@v4"
    assert upload["with"] == {"name": "metricspec-report", "path": "${{ inputs.report-file }}"}


def _run_report_step(repo: Path, **inputs: str) -> subprocess.CompletedProcess:
    step = _steps()[-2]
    env = {key: value for key, value in os.environ.items() if not key.startswith("METRICSPEC_")}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.update({"METRICSPEC_PATHS": "", "METRICSPEC_REPORT": "", **inputs})
    env["METRICSPEC_CACHE_DIR"] = str(repo.parent / "cache")
    script = repo.parent / "step.sh"
    script.write_text(step["run"])
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_report_step_writes_the_page_of_the_paths(tmp_path):
    repo = tmp_path / "repo"
    (repo / "metrics").mkdir(parents=True)
    (repo / "metrics" / "acme.metrics.yaml").write_text(SPEC)
    (repo / "actuals.csv").write_text(CSV)
    (repo / "pyproject.toml").write_text('[tool.metricspec.actuals]\nsource = "actuals.csv"\n')
    result = _run_report_step(repo, METRICSPEC_PATHS="metrics/", METRICSPEC_REPORT="out/metricspec-report.html")
    assert result.returncode == 0, result.stderr
    page = (repo / "out" / "metricspec-report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="metric--weekly-report-builders"' in page
    # A source error fails the step, one line, and leaves no page.
    (repo / "actuals.csv").unlink()
    result = _run_report_step(repo, METRICSPEC_PATHS="metrics/", METRICSPEC_REPORT="again.html")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and not (repo / "again.html").exists()
