"""The page's size (ACTUALS.md, "Performance": `report` over 1,000 metrics, each with a year of
daily actuals in 10 segments, the file under 5 MB). The benchmark's own workspace and store
(benchmarks/run.py --actuals), at 100 metrics, run as the benchmark and a CI job run it: from
the workspace, `metricspec report .`. Sizes are deterministic, so a size test can stand where a
time test could not. The page grows by the card, so N metrics get N thousandths of the budget;
the page's fixed part (its style sheet) counts ten times over at this scale, to the test's
cost."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import run as benchmark  # noqa: E402

FILES = 10  # of ten metrics each
METRICS = 10 * FILES
BUDGET = 5_000_000 / 1000  # bytes per metric: ACTUALS.md's 5 MB at 1,000 metrics


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> bytes:
    from typer.testing import CliRunner

    from metricspec.cli import app

    folder = tmp_path_factory.mktemp("size")
    benchmark.write_workspace(str(folder), FILES)
    assert benchmark.write_actuals_store(folder) == METRICS * 11 * 365
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        result = CliRunner().invoke(app, ["report", ".", "--today", benchmark.ACTUALS_TODAY, "--output", "report.html"],
                                    catch_exceptions=False)
    assert result.exit_code in (0, 1), result.stderr  # 1: some metric is off-track, as the generator intends
    return (folder / "report.html").read_bytes()


def test_the_page_has_every_card_chart_and_point(page):
    assert page.count(b'<article class="card"') >= 0.95 * METRICS and page.count(b'<svg class="chart"') >= 0.9 * METRICS
    # a year of daily values: 40 points a chart, each in its table (two a row)
    assert len(re.findall(rb"<td>[A-Z][a-z]{2} \d+(?:, \d{4})?<td>", page)) >= 40 * 0.9 * METRICS
    segmented = page.count(b'<table class="segments">')
    assert segmented >= 0.8 * METRICS and page.count(b"<tr><td>s09<td>") == segmented  # and all ten segments


def test_the_page_stays_within_five_megabytes_a_thousand_metrics(page):
    assert len(page) < METRICS * BUDGET, len(page) / METRICS
