"""The bundled examples' actuals (examples/actuals): on 2026-12-01 they show every status and
A001-A007 on the metrics their generator's stories intend, from the CSVs as the repository's
config reads them and, the same figures, from an embedded store they are imported into."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT

EXAMPLES = PROJECT / "examples"
ACTUALS = EXAMPLES / "actuals"
SPECS = ["examples/acme-analytics.metrics.yaml", "examples/fixly-marketplace.metrics.yaml",
         "examples/pulse-fitness.metrics.yaml"]
TODAY = "2026-12-01"

# What each story in examples/actuals/generate.py is meant to show (README.md says the same).
STATUSES = {
    # Acme Analytics
    "enterprise-arr": "on-track", "cac-payback": "on-track", "weekly-report-builders": "at-risk",
    "account-retention": "on-track", "report-failure-rate": "met", "time-to-first-report": "on-track",
    "week-one-report-savers": "on-track", "report-sharing-rate": "on-track",
    "trial-to-paid-rate": "off-track", "day-one-dashboard-rate": "at-risk",
    "warehouse-connection-rate": "stale",
    # Fixly
    "contribution-margin": "on-track", "net-revenue-retention": "no-data", "repeat-booking-rate": "on-track",
    "reviewed-jobs-per-week": "at-risk", "refund-rate": "missed", "on-site-within-48h-rate": "on-track",
    "pro-acceptance-rate": "at-risk", "pro-rebooking-rate": "unpaced",
    # Pulse
    "subscription-mrr": "on-track", "week-8-retention": "on-track", "weekly-habit-members": "on-track",
    "workout-injury-reports": "on-track", "day-one-activation-rate": "on-track",
    "trial-start-rate": "on-track", "starter-completion-rate": "on-track",
    "next-workout-scheduling-rate": "on-track",
}
FINDINGS = [  # (code, metric id) in lint's order: by file, then line
    ("A007", "report-failure-rate"),
    ("A001", "trial-to-paid-rate"),
    ("A006", "day-one-dashboard-rate"),
    ("A002", "warehouse-connection-rate"),
    ("A003", "reviewed-jobs-per-week"),
    ("A001", "refund-rate"),
    ("A004", "weekly-habit-members"),
    ("A005", "day-one-activation-rate"),
]


def metricspec(*args: str, cwd: Path = PROJECT) -> subprocess.CompletedProcess:
    """The installed command as a user runs it; no actuals URL from the caller's environment."""
    env = {k: v for k, v in os.environ.items() if k != "METRICSPEC_ACTUALS_URL"}
    env.update(NO_COLOR="1", PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "metricspec", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


def status_json(*args: str, cwd: Path = PROJECT) -> dict:
    result = metricspec("status", *args, "--today", TODAY, "--format", "json", cwd=cwd)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def report() -> dict:
    """`status` from the repository's root: pyproject.toml points `source` at the CSVs."""
    return status_json(*SPECS)


def test_the_generator_writes_the_committed_csvs(tmp_path):
    spec = importlib.util.spec_from_file_location("generate_actuals", ACTUALS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.csv"))
    assert written == ["acme-analytics.csv", "broken/warehouse-export.csv", "fixly-marketplace.csv",
                       "pulse-fitness.csv"]
    for name in written:
        assert (tmp_path / name).read_bytes() == (ACTUALS / name).read_bytes(), f"rerun generate.py: {name}"


def test_the_year_of_data_looks_like_a_year():
    """Every metric but the one without data has a year of overall rows (daily to monthly, as its
    window is reported), up to the demo's day but for the stale one; three have segments too."""
    overall: dict = {}
    segmented = set()
    for path in ACTUALS.glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0] == "metric,at,value,segment"
        for line in lines[1:]:
            metric, at, _, segment = line.split(",")
            if segment:
                segmented.add((metric, segment.partition("=")[0]))
            else:
                overall.setdefault(metric, []).append(at)
    assert set(overall) == set(STATUSES) - {"net-revenue-retention"}
    for metric, dates in overall.items():
        assert len(dates) >= 12 and dates[0] <= "2025-12-31", metric
        assert dates[-1] >= ("2026-10-04" if metric == "warehouse-connection-rate" else "2026-11-29"), metric
    assert segmented == {("enterprise-arr", "region"), ("reviewed-jobs-per-week", "region"),
                         ("weekly-habit-members", "fitness_level")}


def test_the_examples_show_every_status_on_the_intended_metrics(report):
    assert {m["id"]: m["status"] for m in report["metrics"]} == STATUSES
    assert report["statuses"] == {"met": 1, "on-track": 17, "at-risk": 4, "off-track": 1, "missed": 1,
                                  "stale": 1, "no-data": 1, "unpaced": 1}
    assert all(count > 0 for count in report["statuses"].values())
    demoted = {m["id"]: m["demoted_by"] for m in report["metrics"] if m["demoted_by"]}
    assert demoted == {"reviewed-jobs-per-week": ["refund-rate"]}, "on its own pace, held back by its guardrail"
    assert report["metrics"][0]["source"] == "examples/actuals/*.csv"


def test_the_examples_show_a001_to_a007_on_the_intended_metrics(report):
    assert [(d["code"], d["subject"]) for d in report["diagnostics"]] == FINDINGS
    assert sorted({d["code"] for d in report["diagnostics"]}) == [f"A00{n}" for n in range(1, 8)]
    assert report["summary"] == {"error": 0, "warning": 6, "info": 2}


def test_the_rollup_puts_each_product_at_its_worst_metric(report):
    roots = {n["id"]: n["status"] for n in report["nodes"] if n["parent"] is None}
    assert roots == {"enterprise-revenue": "off-track", "marketplace-margin": "missed",
                     "subscription-revenue": "on-track"}


def test_fail_on_levels_over_the_examples():
    """CI's gate: `--fail-on` exits 1 at that level or worse; stale, no-data, unpaced never fail."""
    exits = {level: metricspec("status", *SPECS, "--today", TODAY, "--fail-on", level, "-q").returncode
             for level in ("at-risk", "off-track", "missed")}
    assert exits == {"at-risk": 1, "off-track": 1, "missed": 1}
    pulse = metricspec("status", "examples/pulse-fitness.metrics.yaml", "--today", TODAY, "--fail-on", "at-risk", "-q")
    assert pulse.returncode == 0, pulse.stdout + pulse.stderr  # all on track, findings or not
    plain = metricspec("status", *SPECS, "--today", TODAY, "-q")
    assert plain.returncode == 0, "without --fail-on no status fails a run"


def test_importing_the_csvs_into_a_fresh_store_gives_the_same_status(tmp_path, report):
    """The same actuals through `actuals import` and the embedded store: the same JSON but for
    `source`. The specs are copied so that the paths in the report are the same relative ones."""
    for spec in SPECS:
        (tmp_path / spec).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / spec, tmp_path / spec)
    (tmp_path / "metricspec.toml").write_text('include = ["examples/*.metrics.yaml"]\n', encoding="utf-8")
    csvs = sorted(str(p) for p in ACTUALS.glob("*.csv"))
    imported = metricspec("actuals", "import", *csvs, "--today", TODAY, cwd=tmp_path)
    rows = sum(len(Path(p).read_text(encoding="utf-8").splitlines()) - 1 for p in csvs)
    assert (imported.returncode, imported.stdout, imported.stderr) == (0, f"stored {rows} rows in metricspec.db\n", "")
    with sqlite3.connect(tmp_path / "metricspec.db") as conn:
        assert conn.execute("SELECT count(*) FROM actuals").fetchone() == (rows,)

    from_store = status_json(*SPECS, cwd=tmp_path)
    assert {m["source"] for m in from_store["metrics"]} == {"metricspec.db"}

    def but_source(data: dict) -> dict:
        return {**data, "metrics": [{k: v for k, v in m.items() if k != "source"} for m in data["metrics"]]}

    assert but_source(from_store) == but_source(report)


def test_the_broken_export_shows_a008_and_a009_and_is_refused_by_import(tmp_path):
    broken = "examples/actuals/broken/warehouse-export.csv"
    data = status_json(*SPECS, "--source", broken, "--select", "A008", "--select", "A009")
    assert [(d["code"], Path(d["path"]).resolve(), d["line"], d["message"]) for d in data["diagnostics"]] == [(code, (PROJECT / broken).resolve(), line, message) for code, _, line, message in [
        # One path for all now (relative): the finding about the whole file sorts first.
        ("A009", broken, None, "1 unusable row left out or merged: 1 repeats of one (metric, at, segment), "
                               "taken as their mean"),
        ("A009", broken, 4, "1 unusable row left out or merged: 1 with a value that is not a finite number"),
        ("A008", broken, 6, '1 row of "week-8-retention" for segment dimension "country", which it does not declare'),
        ("A008", broken, 7, '3 rows for "weekly-habit-member", which no metric of the workspace defines'),
    ]]
    refused = metricspec("actuals", "import", str(PROJECT / broken), "--today", TODAY, cwd=tmp_path)
    assert refused.returncode == 1 and refused.stdout == ""
    assert not (tmp_path / "metricspec.db").exists(), "one bad row stores nothing"


def test_source_findings_name_the_csv_relative_to_the_working_directory():
    broken = "examples/actuals/broken/warehouse-export.csv"
    data = status_json(*SPECS, "--source", broken, "--select", "A008", "--select", "A009")
    assert {d["path"] for d in data["diagnostics"]} == {broken}
