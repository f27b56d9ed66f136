"""`metricspec actuals import|add|list` and `metricspec status` as a user meets them: a real
SQLite store in a fresh folder, exit codes, the exact lines printed, the JSON report's shape."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.test_actuals_status import EXAMPLE_SERIES

TODAY = "2026-12-01"
SPEC = """metricspec: 1
product: Acme Analytics
stage: growth
north_star: weekly-report-builders
objectives:
  - id: enterprise-revenue
    title: Grow enterprise revenue
    goals:
      - id: analytics-adoption
        title: More teams build reports
        metrics:
          - id: weekly-report-builders
            name: Weekly active report builders
            kind: leading
            unit: count
            window: 7d
            segments: [plan_tier]
            target: {baseline: 1200, value: 1800, since: 2026-07-01, by: 2027-06-30}
          - id: report-errors
            name: Report errors
            unit: count
"""
EXAMPLE_CSV = "metric,at,value,segment\n" + "".join(
    f"weekly-report-builders,{p.at.isoformat()},{p.value:g},\n" for p in EXAMPLE_SERIES)


@pytest.fixture
def project(run, write, tmp_path):
    write("metrics/acme.metrics.yaml", SPEC)
    write("actuals.csv", EXAMPLE_CSV)
    return tmp_path


def _stored(tmp_path) -> list:
    with sqlite3.connect(tmp_path / "metricspec.db") as conn:
        return conn.execute("SELECT metric, at, value, segment FROM actuals ORDER BY metric, segment, at").fetchall()


def test_import_stores_every_row_in_the_embedded_store(run, project):
    result = run("actuals", "import", "actuals.csv", "--today", TODAY)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "stored 11 rows in metricspec.db\n", "")
    rows = _stored(project)
    assert len(rows) == 11 and rows[-1] == ("weekly-report-builders", "2026-11-30", 1390.0, "")
    with sqlite3.connect(project / "metricspec.db") as conn:
        assert conn.execute("SELECT value FROM metricspec_meta WHERE key = 'schema_version'").fetchone() == ("1",)


def test_one_bad_row_stores_nothing_and_every_bad_row_is_named(run, write, project):
    write("q3.csv", "metric,at,value,segment\n"
          "weekly-report-builders,2026-11-30,1388,\n"
          "weekly-report-builder,2026-11-30,1,\n"
          "weekly-report-builders,2026-11-29,n/a,\n"
          "weekly-report-builders,2026-11-28,NaN,\n"
          "weekly-report-builders,2027-01-04,3,\n"
          "weekly-report-builders,2026-11-30,1390,\n"
          "weekly-report-builders,2026-11-27,5,region=eu\n"
          "report-errors,2026-11-30\n")
    result = run("actuals", "import", "q3.csv", "--today", TODAY)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        'q3.csv:3: no metric "weekly-report-builder"; did you mean "weekly-report-builders"?\n'
        'q3.csv:4: value "n/a" is not a number\n'
        'q3.csv:5: value "NaN" is not a finite number\n'
        "q3.csv:6: at 2027-01-04 is after today (2026-12-01)\n"
        "q3.csv:7: weekly-report-builders 2026-11-30 (overall) repeats line 2\n"
        'q3.csv:8: segment "region=eu": "weekly-report-builders" declares no dimension "region" (it declares plan_tier)\n'
        "q3.csv:9: 2 fields, expected 4\n"
        "metricspec: error: 7 bad rows; nothing stored\n"
    )
    assert not (project / "metricspec.db").exists()


def test_a_row_already_stored_is_refused_unless_replace(run, write, project):
    assert run("actuals", "import", "actuals.csv", "--today", TODAY).exit_code == 0
    write("fix.csv", "metric,at,value\nweekly-report-builders,2026-11-30,1388\n")
    refused = run("actuals", "import", "fix.csv", "--today", TODAY)
    assert refused.exit_code == 1
    assert refused.stderr == ("fix.csv:2: weekly-report-builders 2026-11-30 (overall) is already stored (1390); "
                              "--replace overwrites it\nmetricspec: error: 1 row refused; nothing stored\n")
    assert ("weekly-report-builders", "2026-11-30", 1390.0, "") in _stored(project)
    assert run("actuals", "import", "fix.csv", "--replace", "--today", TODAY).exit_code == 0
    assert ("weekly-report-builders", "2026-11-30", 1388.0, "") in _stored(project)


def test_import_reads_stdin_and_unknown_ids_only_with_allow_unknown(run, project):
    from typer.testing import CliRunner

    from metricspec.cli import app

    rows = "metric,at,value\nold-name,2026-11-30,4\n"
    refused = CliRunner().invoke(app, ["actuals", "import", "-", "--today", TODAY], input=rows)
    assert (refused.exit_code, refused.stderr.splitlines()[0]) == (
        1, '-:2: no metric "old-name" in the workspace (--allow-unknown stores it anyway)')
    taken = CliRunner().invoke(app, ["actuals", "import", "-", "--allow-unknown", "--today", TODAY], input=rows)
    assert taken.exit_code == 0
    assert _stored(project) == [("old-name", "2026-11-30", 4.0, "")]


def test_add_stores_one_row_dated_today_by_default(run, project):
    result = run("actuals", "add", "weekly-report-builders", "310", "--segment", "plan_tier=enterprise", "--today", TODAY)
    assert (result.exit_code, result.stdout) == (0, "stored 1 row in metricspec.db\n")
    assert _stored(project) == [("weekly-report-builders", TODAY, 310.0, "plan_tier=enterprise")]
    bad = run("actuals", "add", "weekly-report-builders", "1,000", "--today", TODAY)
    assert (bad.exit_code, bad.stderr) == (1, 'metricspec: error: value "1,000" is not a number\n')


def test_list_shows_a_line_per_metric_or_one_metrics_rows(run, project):
    run("actuals", "import", "actuals.csv", "--today", TODAY)
    run("actuals", "add", "report-errors", "7", "--at", "2026-11-02", "--today", TODAY)
    listed = run("actuals", "list", "--today", TODAY)
    assert listed.exit_code == 0
    assert listed.stdout == (
        "metric                  rows  segments  first_at    latest_at   latest_value\n"
        "report-errors           1     0         2026-11-02  2026-11-02  7\n"
        "weekly-report-builders  11    0         2026-07-01  2026-11-30  1390\n"
    )
    rows = json.loads(run("actuals", "list", "weekly-report-builders", "--since", "2026-11-19", "--format", "json",
                          "--today", TODAY).stdout)
    assert rows == [{"metric": "weekly-report-builders", "segment": "", "at": "2026-11-19", "value": 1371},
                    {"metric": "weekly-report-builders", "segment": "", "at": "2026-11-30", "value": 1390}]
    # A past --today replays that day: later rows are not there yet.
    assert run("actuals", "list", "report-errors", "--format", "csv", "--today", "2026-11-01").stdout == "metric,segment,at,value\n"


def test_a_missing_store_is_one_line_and_exit_2(run, project):
    for args in (("status",), ("actuals", "list")):
        result = run(*args, "--today", TODAY)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == ('metricspec: error: no actuals store at metricspec.db: run "metricspec actuals '
                                 'import FILE.csv", or set [tool.metricspec.actuals] source\n')


def test_status_json_is_actuals_md_s_report(run, project):
    run("actuals", "import", "actuals.csv", "--today", TODAY)
    result = run("status", "--format", "json", "--today", TODAY)
    assert result.exit_code == 0  # no --fail-on: no status fails the run
    report = json.loads(result.stdout)
    assert list(report) == ["metricspec", "today", "segment", "statuses", "summary", "documents", "nodes", "metrics",
                            "diagnostics"]
    assert report["statuses"] == {"met": 0, "on-track": 0, "at-risk": 1, "off-track": 0, "missed": 0, "stale": 0,
                                  "no-data": 0, "unpaced": 0}
    assert report["documents"] == [{"path": "metrics/acme.metrics.yaml", "product": "Acme Analytics",
                                    "stage": "growth", "north_star": "weekly-report-builders"}]
    assert report["nodes"] == [
        {"id": "enterprise-revenue", "level": "objective", "title": "Grow enterprise revenue", "parent": None,
         "status": "at-risk", "path": "metrics/acme.metrics.yaml", "line": 6, "column": 9},
        {"id": "analytics-adoption", "level": "goal", "title": "More teams build reports",
         "parent": "enterprise-revenue", "status": "at-risk", "path": "metrics/acme.metrics.yaml", "line": 9,
         "column": 13},
    ]
    [metric] = report["metrics"]  # report-errors has no target: no row
    recent = metric.pop("recent")
    assert metric == {
        "id": "weekly-report-builders", "name": "Weekly active report builders", "node": "analytics-adoption",
        "path": "metrics/acme.metrics.yaml", "line": 12, "column": 17, "segment": None, "source": "metricspec.db",
        "unit": "count", "direction": "increase",
        "target": {"baseline": 1200, "value": 1800, "since": "2026-07-01", "by": "2027-06-30", "tolerance": None},
        "latest": {"at": "2026-11-30", "value": 1390},
        "expected": 1450.55, "expected_today": 1452.2, "expected_progress": 0.4176, "progress": 0.3167,
        "pacing": 0.7583, "status": "at-risk", "demoted_by": [],
        "forecast": {"points": 8, "slope_per_day": 1.82, "at_by": 1777.04, "reaches_on": "2027-07-13"},
    }
    assert recent[-2:] == [{"at": "2026-11-19", "value": 1371}, {"at": "2026-11-30", "value": 1390}]
    assert len(recent) == 11
    assert result.stdout == run("status", "--format", "json", "--today", TODAY).stdout  # the same bytes


def test_status_text_shows_the_hierarchy_statuses_and_counts(run, project):
    run("actuals", "import", "actuals.csv", "--today", TODAY)
    result = run("status", "--today", TODAY)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Acme Analytics · stage growth · north star weekly-report-builders",
        "today 2026-12-01 · source metricspec.db",
        "",
        "▲ enterprise-revenue  Grow enterprise revenue",
        "  ▲ analytics-adoption  More teams build reports",
        "    ▲ at-risk  weekly-report-builders  1390 on 2026-11-30  1800 by 2027-06-30  expected 1452.2  "
        "pacing 0.7583  forecast 1777.04  ▁▂▃▄▄▄▅▅▅▇█",
        "",
        "1 at-risk",
    ]


@pytest.mark.parametrize("fail_on, code", [("at-risk", 1), ("off-track", 0), ("missed", 0)])
def test_fail_on_fails_a_run_at_that_status_or_worse(run, project, fail_on, code):
    run("actuals", "import", "actuals.csv", "--today", TODAY)
    assert run("status", "--fail-on", fail_on, "--today", TODAY, "--quiet").exit_code == code


def test_fail_on_from_the_config_and_a_missed_target(run, write, project):
    write("metricspec.toml", '[tool.metricspec.status]\nfail-on = "missed"\n')
    run("actuals", "import", "actuals.csv", "--today", TODAY)
    assert run("status", "--today", TODAY).exit_code == 0
    result = run("status", "--today", "2027-07-01", "--format", "csv")  # past `by`, 1390 < 1800
    assert result.exit_code == 1
    header, row = result.stdout.splitlines()
    assert dict(zip(header.split(","), row.split(",")))["status"] == "missed"


def test_a_csv_source_in_the_config_is_read_relative_to_its_folder(run, write, project, monkeypatch):
    write("metricspec.toml", '[tool.metricspec.actuals]\nsource = "data/*.csv"\n')
    write("data/builders.csv", EXAMPLE_CSV)
    (project / "metrics").mkdir(exist_ok=True)
    monkeypatch.chdir(project / "metrics")
    report = json.loads(run("status", "--format", "json", "--today", TODAY).stdout)
    assert [(m["id"], m["status"], m["source"]) for m in report["metrics"]] == [
        ("weekly-report-builders", "at-risk", "data/*.csv")]
    assert report["documents"][0]["path"] == "acme.metrics.yaml"


def test_output_is_written_but_never_over_an_input(run, project):
    run("actuals", "import", "actuals.csv", "--today", TODAY)
    spec = (project / "metrics" / "acme.metrics.yaml").read_text()
    refused = run("status", "--today", TODAY, "--output", "metrics/acme.metrics.yaml")
    assert refused.exit_code == 2
    assert "is a spec this run reads; the file is left untouched" in refused.stderr
    assert (project / "metrics" / "acme.metrics.yaml").read_text() == spec
    assert run("status", "--today", TODAY, "--output", "metricspec.db").exit_code == 2
    written = run("status", "--today", TODAY, "--format", "markdown", "--output", "status.md")
    assert (written.exit_code, written.stdout) == (0, "")
    assert "| ▲ at-risk | &nbsp;&nbsp;&nbsp;&nbsp;`weekly-report-builders` | 1390 on 2026-11-30 |" in (
        project / "status.md").read_text(encoding="utf-8")


def test_rows_already_stored_are_named_with_the_other_bad_rows(run, write, project):
    assert run("actuals", "import", "actuals.csv", "--today", TODAY).exit_code == 0
    write("more.csv", "metric,at,value\nweekly-report-builders,2026-11-30,1388\nweekly-report-builders,2026-12-02,1\n"
          "weekly-report-builders,2026-11-19,1372\n")
    result = run("actuals", "import", "more.csv", "--today", TODAY)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "more.csv:2: weekly-report-builders 2026-11-30 (overall) is already stored (1390); --replace overwrites it",
        "more.csv:3: at 2026-12-02 is after today (2026-12-01)",
        "more.csv:4: weekly-report-builders 2026-11-19 (overall) is already stored (1371); --replace overwrites it",
        "metricspec: error: 3 bad rows; nothing stored",
    ]


@pytest.mark.parametrize("toml, args, message", [
    ('source = "postgresql://ana:secret@db/prod"', ("status",),
     "the source postgresql://ana:***@db/prod writes its password in the configuration: write it as ${VARIABLE} "
     "and set that environment variable"),
    ('source = "postgresql://ana:${NO_SUCH_VARIABLE}@db/prod"', ("status",),
     "the source postgresql://ana:***@db/prod uses ${NO_SUCH_VARIABLE}, but the environment variable "
     "NO_SUCH_VARIABLE is not set"),
    ('source = "exports/*.csv"', ("actuals", "add", "weekly-report-builders", "3"),
     "only a SQLite store is written, and the source is CSV files (exports/*.csv)"),
    ('source = "exports/*.csv"', ("status",), "no CSV file at exports/*.csv"),
])
def test_source_errors_are_one_line_and_exit_2(run, write, project, toml, args, message):
    write("metricspec.toml", f"[tool.metricspec.actuals]\n{toml}\n")
    result = run(*args, "--today", TODAY)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"metricspec: error: {message}\n")


def test_an_unknown_column_in_the_config_is_named(run, write, project):
    config = write("metricspec.toml", '[tool.metricspec.actuals]\ncolumns = {metrc = "kpi"}\n')
    run("actuals", "import", "actuals.csv", "--today", TODAY)
    result = run("status", "--today", TODAY)
    assert (result.exit_code, result.stderr) == (
        2, f'metricspec: error: {config}: [tool.metricspec.actuals] columns: no column "metrc"; did you mean "metric"?\n')


def test_segment_judges_each_declaring_metric_on_its_segment_rows(run, write, project):
    write("seg.csv", "metric,at,value,segment\n"
          "weekly-report-builders,2026-07-01,100,plan_tier=enterprise\n"
          "weekly-report-builders,2026-11-30,160,plan_tier=enterprise\n"
          "weekly-report-builders,2026-11-30,50,plan_tier=free\n")
    run("actuals", "import", "actuals.csv", "seg.csv", "--today", TODAY)
    one = json.loads(run("status", "--segment", "plan_tier=enterprise", "--format", "json", "--today", TODAY).stdout)
    assert one["segment"] == "plan_tier=enterprise"
    [metric] = one["metrics"]
    # B is the segment's first value on or after S, V = B x 1800 / 1200: progress 60 / 50 = 1.2, met.
    assert (metric["segment"], metric["target"]["baseline"], metric["target"]["value"], metric["status"]) == (
        "plan_tier=enterprise", 100, 150, "met")
    each = json.loads(run("status", "--segment", "plan_tier", "--format", "json", "--today", TODAY).stdout)
    assert [(m["segment"], m["status"]) for m in each["metrics"]] == [
        ("plan_tier=enterprise", "met"), ("plan_tier=free", "off-track")]  # free: B = L = 50, no progress
    assert run("status", "--segment", "=x", "--today", TODAY).exit_code == 2


def test_a_metrics_query_is_run_against_its_source(run, write, project):
    spec = SPEC.replace("            segments: [plan_tier]\n", "            segments: [plan_tier]\n"
                        "            query: |\n"
                        "              -- builders, from the store's own table\n"
                        "              select at, value * 2 as value from actuals\n"
                        "              where metric = 'weekly-report-builders' and segment = ''\n")
    write("metrics/acme.metrics.yaml", spec)
    assert run("lint", "metrics", "--select", "E").exit_code == 0
    run("actuals", "import", "actuals.csv", "--today", TODAY)
    [metric] = json.loads(run("status", "--format", "json", "--today", TODAY).stdout)["metrics"]
    assert (metric["latest"], metric["status"]) == ({"at": "2026-11-30", "value": 2780}, "met")


def test_status_lists_the_a_findings_as_selected(run, project):
    run("actuals", "import", "actuals.csv", "--today", TODAY)
    run("actuals", "add", "weekly-report-bulders", "3", "--allow-unknown", "--today", TODAY)
    result = run("status", "--today", "2027-07-01", "--quiet")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-4:] == [
        "",
        "metrics/acme.metrics.yaml:12:17: A001 'weekly-report-builders' missed its target 1,800 by 2027-06-30: "
        "latest 1,390 on 2026-11-30",
        "metrics/acme.metrics.yaml:12:17: A002 'weekly-report-builders' was last measured on 2026-11-30, 213 days "
        "ago: more than 2 periods of 7 days",
        "metricspec.db: A008 1 row for \"weekly-report-bulders\", which no metric of the workspace defines",
    ]
    report = json.loads(run("status", "--today", "2027-07-01", "--format", "json", "--ignore", "stale-actuals",
                            "--extend-ignore", "A008").stdout)
    assert [(d["code"], d["name"], d["severity"], d["path"], d["line"], d["subject"]) for d in report["diagnostics"]] == [
        ("A001", "off-track-target", "warning", "metrics/acme.metrics.yaml", 12, "weekly-report-builders")]
    assert report["summary"] == {"error": 0, "warning": 1, "info": 0}
    unknown = run("status", "--today", TODAY, "--select", "V001")
    assert (unknown.exit_code, unknown.stderr) == (
        2, "metricspec: error: 'V001' names no A rule (status lists A001-A009 findings)\n")


def test_status_reads_paths_as_lint_does(run, write, project):
    write("drafts/old.metrics.yaml", SPEC.replace("enterprise-revenue", "old-revenue").replace(
        "analytics-adoption", "old-adoption").replace("weekly-report-builders", "old-builders").replace(
        "report-errors", "old-errors"))
    run("actuals", "import", "actuals.csv", "--today", TODAY)
    everything = json.loads(run("status", "--format", "json", "--today", TODAY).stdout)
    assert [d["path"] for d in everything["documents"]] == ["drafts/old.metrics.yaml", "metrics/acme.metrics.yaml"]
    assert [(m["id"], m["status"]) for m in everything["metrics"]] == [
        ("old-builders", "no-data"), ("weekly-report-builders", "at-risk")]
    excluded = json.loads(run("status", "--format", "json", "--exclude", "drafts", "--today", TODAY).stdout)
    named = json.loads(run("status", "metrics", "--format", "json", "--today", TODAY).stdout)
    assert [m["id"] for m in excluded["metrics"]] == [m["id"] for m in named["metrics"]] == ["weekly-report-builders"]
    missing = run("status", "nowhere", "--today", TODAY)
    assert (missing.exit_code, missing.stderr) == (2, "metricspec: error: no such file or directory: nowhere\n")


def test_text_falls_back_to_ascii_icons_and_bars(run, project):
    from metricspec.status_views import render

    run("actuals", "import", "actuals.csv", "--today", TODAY)
    report = json.loads(run("status", "--format", "json", "--today", TODAY).stdout)
    lines = render(report, "text", unicode=False, labels=["metricspec.db"], quiet=True).splitlines()
    assert lines == [
        "! enterprise-revenue  Grow enterprise revenue",
        "  ! analytics-adoption  More teams build reports",
        "    ! at-risk  weekly-report-builders  1390 on 2026-11-30  1800 by 2027-06-30  expected 1452.2  "
        "pacing 0.7583  forecast 1777.04  .:-===+++#@",
    ]


def test_a_console_that_cannot_encode_a_title_gets_stand_ins_not_an_error(project):
    import subprocess
    import sys

    (project / "metrics" / "acme.metrics.yaml").write_text(SPEC.replace("More teams", "Café teams"), encoding="utf-8")
    env = {**__import__("os").environ, "PYTHONIOENCODING": "ascii"}
    subprocess.run([sys.executable, "-m", "metricspec", "actuals", "import", "actuals.csv", "--today", TODAY],
                   cwd=project, env=env, check=True, capture_output=True)
    text = subprocess.run([sys.executable, "-m", "metricspec", "status", "--today", TODAY], cwd=project, env=env,
                          capture_output=True)
    assert (text.returncode, text.stderr) == (0, b"")
    assert b"  ! analytics-adoption  Caf? teams build reports\n" in text.stdout
    data = subprocess.run([sys.executable, "-m", "metricspec", "status", "--today", TODAY, "--format", "json"],
                          cwd=project, env=env, capture_output=True)
    assert json.loads(data.stdout)["nodes"][1]["title"] == "Café teams build reports"
