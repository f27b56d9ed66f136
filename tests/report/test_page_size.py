"""The page's size (ACTUALS.md, "Performance": `report` over 1,000 metrics, each with a year of
daily actuals in 10 segments, the file under 5 MB). The benchmark's own workspace and store
(benchmarks/run.py --actuals), at 50 metrics: sizes are deterministic, so a size test can
stand where a time test could not. The page grows by the card, so N metrics get N thousandths
of the budget."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import run as benchmark  # noqa: E402

FILES = 10  # of ten metrics each
METRICS = 10 * FILES
BUDGET = 5_000_000 / 1000  # bytes per metric: ACTUALS.md's 5 MB at 1,000 metrics
REACHED = 6_200  # bytes per metric the page takes today, with a little room (6,104 here, from 6,534)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> bytes:
    from typer.testing import CliRunner

    from metricspec.cli import app

    folder = tmp_path_factory.mktemp("size")
    benchmark.write_workspace(str(folder), FILES)
    assert benchmark.write_actuals_store(folder) == METRICS * 11 * 365
    output = folder / "report.html"
    result = CliRunner().invoke(app, ["report", str(folder), "--today", benchmark.ACTUALS_TODAY, "--output", str(output),
                                      "--source", str(folder / "metricspec.db")], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.stderr  # 1: some metric is off-track, as the generator intends
    return output.read_bytes()


def test_the_page_has_a_chart_for_each_metric_with_a_target(page):
    assert page.count(b'<article class="card"') >= 0.95 * METRICS and page.count(b'<svg class="chart"') >= 0.9 * METRICS
    assert page.count(b"<tr><td>2026-") >= 40 * 0.9 * METRICS  # a year of daily values: 40 points a chart


def test_the_page_stays_within_what_it_takes_today(page):
    assert len(page) < METRICS * REACHED, len(page) / METRICS


@pytest.mark.xfail(strict=True, reason="6.1 kB a metric, ACTUALS.md's budget 5: the content it lists takes ~3.8 kB of "
                                       "text and attributes before any markup (benchmarks/README.md, the report's size)")
def test_the_page_stays_within_five_megabytes_a_thousand_metrics(page):
    assert len(page) < METRICS * BUDGET, len(page) / METRICS
