"""`metricspec status` at the benchmark's shape (ACTUALS.md, "Performance"): a fixed number of
queries, rows read growing with metrics x (segments + days since S) and never with the segment
rows stored, as `status --verbose` reports them; and a forecast too slow to ever reach its target."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

from metricspec.actuals.model import Point
from metricspec.actuals.status import fit_forecast
from metricspec.actuals.store import CREATE_ACTUALS, CREATE_META, SCHEMA_VERSION

TODAY = dt.date(2026, 12, 1)
SINCE = dt.date(2026, 7, 1)


def _spec(metrics: int) -> str:
    lines = ["metricspec: 1", "product: Scale", "objectives:", "  - id: grow", "    title: Grow", "    metrics:"]
    for i in range(metrics):
        lines += [f"      - id: m{i:03d}", f"        name: Metric {i}", "        kind: lagging", "        unit: count",
                  "        window: 1d", "        segments: [region]",
                  f"        target: {{baseline: 100, value: 200, since: {SINCE}, by: 2027-06-30}}"]
    return "\n".join(lines) + "\n"


def _store(path, metrics: int, days: int, segments: int) -> None:
    """`days` daily overall values up to today and `segments` region rows a day per metric."""
    conn = sqlite3.connect(path)
    conn.execute(CREATE_ACTUALS)
    conn.execute(CREATE_META)
    conn.execute("INSERT INTO metricspec_meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
    dates = [(TODAY - dt.timedelta(days=d)).isoformat() for d in range(days)]
    conn.executemany("INSERT INTO actuals (metric, at, value, segment) VALUES (?, ?, ?, ?)",
                     ((f"m{i:03d}", at, 100.0 + k * 0.1, "" if s < 0 else f"region=r{s:02d}")
                      for i in range(metrics) for s in range(-1, segments) for k, at in enumerate(dates)))
    conn.commit()
    conn.close()


def _verbose(run, write, tmp_path, name: str, metrics: int, days: int, segments: int) -> tuple:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "scale.metrics.yaml").write_text(_spec(metrics), encoding="utf-8")
    _store(folder / "metricspec.db", metrics, days, segments)
    result = run("status", f"{name}/scale.metrics.yaml", "--source", f"{name}/metricspec.db", "--today",
                 TODAY.isoformat(), "--verbose", "--format", "json")
    assert result.exit_code == 0, result.stderr
    found = re.search(r": (\d+) metrics \(.*\); (\d+) queries, (\d+) rows read$", result.stderr.splitlines()[1])
    return tuple(int(n) for n in found.groups())


def test_queries_are_fixed_and_rows_read_never_grow_with_the_rows_stored(run, write, tmp_path):
    since = (TODAY - SINCE).days + 1  # days from S to today, both counted
    year = _verbose(run, write, tmp_path, "year", 20, 365, 10)
    two_years = _verbose(run, write, tmp_path, "two-years", 20, 730, 10)  # twice the rows stored
    more_metrics = _verbose(run, write, tmp_path, "more", 40, 365, 10)
    more_segments = _verbose(run, write, tmp_path, "segments", 20, 365, 20)
    # Three queries whatever is stored; per metric: the days since S less one period, the row
    # before them, one row per segment (its span's ends), and one per id (the census).
    per_metric = lambda segments: (since + 1) + 1 + segments + 1  # noqa: E731 -- read from S - 1 period
    assert year == (20, 3, 20 * per_metric(10))
    assert two_years == year
    assert more_metrics == (40, 3, 40 * per_metric(10))
    assert more_segments == (20, 3, 20 * per_metric(20))


def test_a_forecast_line_too_slow_to_reach_the_target_never_reaches_it():
    points = [Point(dt.date(2026, 11, d), 100.0 + d * 1e-9) for d in range(1, 9)]
    forecast = fit_forecast(points, V=200.0, D=dt.date(2027, 6, 30), direction="increase", met=False)
    assert forecast is not None and forecast.slope_per_day > 0 and forecast.reaches_on is None
