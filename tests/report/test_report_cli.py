"""`metricspec report` as a user runs it (ACTUALS.md, "report", "Errors and exit codes"): the bundled
examples with actuals from a CSV, the page's bytes, `--output` guarded and untouched on errors,
status's exit codes, `--base REV` against a real git repository; and `status --verbose`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from .conftest import EXAMPLES, SOURCE, TODAY, copy_examples
from .test_render import Page, points

DAY = TODAY
NAMES = [p.name for p in EXAMPLES]


@pytest.fixture
def examples(tmp_path):
    copy_examples(tmp_path)
    return tmp_path


def _report(run, *args, output="report.html"):
    return run("report", *NAMES, "--source", SOURCE, "--today", DAY, "--output", output, *args)


def _status(run, *args) -> dict:
    result = run("status", *NAMES, "--source", SOURCE, "--today", DAY, "--format", "json", *args)
    return json.loads(result.stdout)


def test_the_bundled_examples_page_has_a_card_and_chart_per_metric(run, examples):
    result = _report(run)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    html = (examples / "report.html").read_text(encoding="utf-8")
    status = _status(run)
    page = Page(html)
    cards = [a.get("id") for a in page.find("article")]
    assert cards == [f"metric--{m['id']}" for m in status["metrics"]]
    assert len(page.find("svg", **{"class": "chart"})) == len([m for m in status["metrics"] if m["target"]])
    assert re.findall(r"<h1>([^<]+)</h1>", html) == [d["product"] for d in status["documents"]] == [
        "Acme Analytics", "Fixly", "Pulse"]
    # The page data status's JSON does not carry: the series since S, segments, definition, partners.
    card = html[html.index('id="metric--weekly-habit-members"'):]
    card = card[:card.index("</article>")]
    # The latest of each segment (examples/actuals/pulse-fitness.csv's last rows), the owner,
    # the event, the partners linked, a year of weekly actuals in 40 points (status's JSON
    # carries the 12 recent ones).
    # (every segment's latest is of 2026-11-29: the date once, in the header)
    assert "<th>fitness_level<th>Latest (2026-11-29)</thead>" in card and "<tr><td>advanced<td>634<" in card
    assert "<dt>owner<dd>pulse-pm-retention<" in card and "<dt>event<dd>workout_completed<" in card
    assert 'pairs with: <a href="#metric--week-8-retention">week-8-retention</a>' in card
    assert 'guardrail: <a href="#metric--workout-injury-reports">workout-injury-reports</a>' in card
    assert len(points(card)) == 40 and points(card)[-1] == ("Nov 29", "7,506")
    # Lint's findings are there beside the A findings.
    assert "A001" in html


def test_status_json_keeps_its_documented_keys(run, examples):
    metric = _status(run)["metrics"][0]
    assert list(metric) == ["id", "name", "node", "path", "line", "column", "segment", "source", "unit", "direction",
                            "target", "latest", "expected", "expected_today", "expected_progress", "progress",
                            "pacing", "status", "demoted_by", "forecast", "recent"]


def test_two_runs_give_the_same_bytes(run, examples):
    assert _report(run, output="one.html").exit_code == 0
    assert _report(run, output="two.html").exit_code == 0
    assert (examples / "one.html").read_bytes() == (examples / "two.html").read_bytes()


@pytest.mark.parametrize("fail_on, code", [("at-risk", 1), ("off-track", 1), ("missed", 1), (None, 0)])
def test_exit_codes_at_fail_on(run, examples, fail_on, code):
    statuses = _status(run)["statuses"]
    assert statuses["missed"] == 1 and statuses["off-track"] == 1  # refund-rate, trial-to-paid-rate: the expectations' ground
    result = _report(run, *(("--fail-on", fail_on) if fail_on else ()))  # without it, no status fails a run
    assert result.exit_code == code
    assert (examples / "report.html").is_file()  # the page is written whatever the statuses


def test_a_source_error_writes_nothing(run, examples):
    (examples / "report.html").write_text("the previous report", encoding="utf-8")
    result = run("report", *NAMES, "--source", "missing.db", "--today", DAY, "--output", "report.html")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no actuals store at missing.db" in result.stderr
    assert (examples / "report.html").read_text(encoding="utf-8") == "the previous report"
    bad = examples / "bad.csv"
    bad.write_text("metric,when,value\n", encoding="utf-8")
    result = run("report", *NAMES, "--source", "bad.csv", "--today", DAY, "--output", "report.html")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and 'bad.csv:1: unknown column "when"' in result.stderr
    assert (examples / "report.html").read_text(encoding="utf-8") == "the previous report"


@pytest.mark.parametrize("target", ["acme-analytics.metrics.yaml", "actuals/pulse-fitness.csv"])
def test_the_output_never_replaces_an_input(run, examples, target):
    before = (examples / target).read_bytes()
    result = _report(run, output=target)
    assert result.exit_code == 2
    assert f"--output {target} is " in result.stderr and "the file is left untouched" in result.stderr
    assert (examples / target).read_bytes() == before


def test_output_is_required(run, examples):
    result = run("report", *NAMES, "--source", SOURCE)
    assert result.exit_code == 2 and "--output" in result.stderr


def test_the_page_has_no_traceback_for_a_bad_base(run, examples):
    result = _report(run, "--base", "HEAD")  # not a git repository
    assert result.exit_code == 2 and result.stderr.startswith("metricspec: error: --base HEAD: not a git repository")
    assert result.stderr.count("\n") == 1
    assert not (examples / "report.html").exists()


def _git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_base_shows_what_moved_since_a_revision(run, examples):
    _git(examples, "init", "-q")
    _git(examples, "add", *NAMES)
    _git(examples, "commit", "-qm", "specs")
    spec = examples / "acme-analytics.metrics.yaml"
    text = spec.read_text(encoding="utf-8")
    assert "value: 11_000" in text
    spec.write_text(text.replace("value: 11_000", "value: 10_000", 1), encoding="utf-8")  # the north star's target lowered

    result = _report(run, "--base", "HEAD")
    assert result.exit_code == 0, result.stderr
    html = (examples / "report.html").read_text(encoding="utf-8")
    changes = html[html.index('id="changes"'):]
    assert "Changes since HEAD" in changes and "working tree" in changes
    assert "D001" in changes and "weekly-report-builders" in changes and "11000" in changes and "10000" in changes
    # Without --base, no such section.
    assert _report(run).exit_code == 0
    assert 'id="changes"' not in (examples / "report.html").read_text(encoding="utf-8")


def test_status_verbose_names_the_config_and_each_source(run, examples):
    (examples / "pyproject.toml").write_text("[tool.metricspec]\n", encoding="utf-8")
    result = run("status", *NAMES, "--source", SOURCE, "--today", DAY, "--verbose", "--quiet")
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0] == f"using the config {examples / 'pyproject.toml'}"
    assert len(lines) == 2 and lines[1].startswith("source actuals/*.csv: ")
    count = len({m["id"] for m in _status(run)["metrics"]})
    assert re.search(rf": {count + 0}\d* metrics \(enterprise-arr, cac-payback, .* and \d+ more\); 3 queries, \d+ rows read$",
                     lines[1]), lines[1]
    rows = int(re.search(r"(\d+) rows read", lines[1]).group(1))
    assert rows >= 27 * count  # each metric's series since S, most of them a year of weekly values
    assert "source" not in run("status", *NAMES, "--source", SOURCE, "--today", DAY, "-q").stderr
