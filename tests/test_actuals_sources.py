"""Sources: what the pushdown reads, the CSV source, metric queries, URLs (ACTUALS.md, "Sources")."""

import datetime as dt
import sqlite3

import pytest

from metricspec.actuals import store, urls
from metricspec.actuals.model import MetricInfo, Point, Row, Target
from metricspec.actuals.sources import CsvSource, SourceError, SQLiteSource, request_for
from metricspec.actuals.store import Located

TODAY = dt.date(2026, 12, 1)
SINCE = dt.date(2026, 11, 1)


def metric(mid, segments=("tier",), query=None):
    return MetricInfo(mid, window="1d", segments=segments, query=query,
                      target=Target(baseline=100, value=200, since=SINCE, by=dt.date(2027, 6, 1)))


def fill(db, metrics, days, segments, extra_before=0):
    """Daily overall rows from SINCE - extra_before, and `segments` rows a day per metric."""
    rows = []
    first = SINCE - dt.timedelta(days=extra_before)
    for mid in metrics:
        for d in range(days + extra_before):
            at = first + dt.timedelta(days=d)
            rows.append(Located(Row(mid, at, 100.0 + d)))
            for s in range(segments):
                rows.append(Located(Row(mid, at, 10.0 + d + s, f"tier=t{s}")))
    store.write(db, rows)


def read(db, metrics, **kw):
    source = SQLiteSource.open(db, "metricspec.db")
    requests = [request_for(m, []) for m in metrics]
    readings = source.read(requests, TODAY, known=[m.id for m in metrics], **kw)
    source.close()
    return source, readings


def test_pushdown_queries_are_fixed_and_rows_read_do_not_grow_with_segment_rows(tmp_path):
    counts = {}
    for name, segments, extra in (("few", 2, 0), ("many", 20, 0), ("history", 20, 300)):
        db = tmp_path / f"{name}.db"
        ids = ["a", "b", "c"]
        fill(db, ids, 30, segments, extra_before=extra)
        source, readings = read(db, [metric(i) for i in ids])
        counts[name] = (source.queries, source.rows_read)
        # from one period (1 day) before S, plus the latest row before that
        assert len(readings.series["a"]) == 30 + (2 if extra else 0)
        assert len(readings.spans["a"]) == segments
    # 3 queries whatever the metrics and rows; rows read: metrics x (days + 1 + segments) + ids
    assert counts["few"] == (3, 3 * (30 + 2) + 3)
    assert counts["many"] == (3, 3 * (30 + 20) + 3)
    assert counts["history"] == (3, 3 * (32 + 20) + 3)  # 300 earlier days of 20 segments: not read


def test_pushdown_grows_with_metrics_not_with_queries(tmp_path):
    db = tmp_path / "m.db"
    fill(db, [f"m{i}" for i in range(40)], 5, 3)
    source, readings = read(db, [metric(f"m{i}") for i in range(40)])
    assert source.queries == 3 and source.rows_read == 40 * (5 + 3) + 40


def test_series_points_spans_and_today(tmp_path):
    db = tmp_path / "s.db"
    store.write(db, [
        Located(Row("a", dt.date(2026, 10, 1), 90.0)),  # before the read start (SINCE - 1 day): only the latest kept
        Located(Row("a", dt.date(2026, 10, 20), 95.0)),
        Located(Row("a", dt.date(2026, 11, 5), 120.0)),
        Located(Row("a", dt.date(2026, 11, 30), 130.0)),
        Located(Row("a", dt.date(2026, 12, 5), 999.0)),  # after today: ignored
        Located(Row("a", dt.date(2026, 10, 25), 50.0, "tier=pro")),
        Located(Row("a", dt.date(2026, 11, 3), 40.0, "tier=pro")),
        Located(Row("a", dt.date(2026, 11, 29), 30.0, "tier=pro")),
        Located(Row("a", dt.date(2026, 12, 2), 1.0, "tier=pro")),
        Located(Row("a", dt.date(2026, 11, 29), 3.0, "region=eu")),
    ])
    source, readings = read(db, [metric("a")])
    assert readings.series["a"] == (Point(dt.date(2026, 10, 20), 95.0), Point(dt.date(2026, 11, 5), 120.0),
                                    Point(dt.date(2026, 11, 30), 130.0))
    (span,) = readings.spans["a"]
    # from the read start (2026-10-31): the first after S (no row on or before it), the last on or before tL
    # (the store counts rows only for undeclared dimensions: a declared segment's rows are not visited)
    assert (span.segment, span.start, span.end, span.rows) == ("tier=pro", 40.0, 30.0, 0)
    (issues,) = readings.issues
    assert issues.unknown_dimensions == {("a", "region"): 1} and issues.label == "metricspec.db"


def test_segment_mode_reads_the_chosen_segment_series(tmp_path):
    db = tmp_path / "s.db"
    fill(db, ["a"], 3, 2)
    _, one = read(db, [metric("a")], segment="tier=t1")
    assert list(one.segment_series) == [("a", "tier=t1")] and len(one.segment_series[("a", "tier=t1")]) == 3
    source, every = read(db, [metric("a")], segment="tier")
    assert sorted(every.segment_series) == [("a", "tier=t0"), ("a", "tier=t1")] and source.queries == 4


def test_unknown_ids_and_unusable_rows_are_counted(tmp_path):
    db = tmp_path / "u.db"
    fill(db, ["a", "weekly-report-builder"], 2, 0)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO actuals VALUES ('a', '2026-11-20', 'n/a', '')")  # a REAL column keeps text
    conn.execute("INSERT INTO actuals VALUES ('a', '2026-11-21', 1e999, '')")  # inf
    conn.execute("INSERT INTO actuals VALUES ('a', '2026-11-31', 1, '')")  # no such day
    conn.execute("INSERT INTO actuals VALUES ('a', '2026-11-22', 1, 'tier')")
    conn.commit()
    conn.close()
    _, readings = read(db, [metric("a")])
    (issues,) = readings.issues
    assert issues.unknown_ids == {"weekly-report-builder": 2}
    assert issues.invalid == {"value": 2, "at": 1, "segment": 1}
    assert [p.at.day for p in readings.series["a"]] == [1, 2]


def test_read_only_and_missing_store(tmp_path):
    with pytest.raises(store.StoreError, match="^no actuals store at metricspec.db"):
        SQLiteSource.open(tmp_path / "metricspec.db", "metricspec.db")


def test_a_metric_query_runs_once_as_a_subquery_with_start_and_end(tmp_path):
    db = tmp_path / "q.db"
    fill(db, ["a"], 2, 0)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE retention (week TEXT, pct REAL, tier TEXT)")
    conn.executemany("INSERT INTO retention VALUES (?, ?, ?)", [
        ("2026-10-01", 1, "pro"), ("2026-11-02", 40, "pro"), ("2026-11-02", 42, ""), ("2026-11-09", 43, ""),
        ("2026-12-07", 99, "")])
    conn.commit()
    conn.close()
    q = metric("week1-retention", query=(
        "-- weekly\nselect week as at, pct as value, case when tier = '' then '' else 'tier=' || tier end as segment "
        "from retention where week between :start and :end"))
    source = SQLiteSource.open(db, "metricspec.db")
    readings = source.read([request_for(q, []), request_for(metric("a"), [])], TODAY, known=["a", "week1-retention"])
    assert source.queries == 3 + 1
    assert [p.value for p in readings.series["week1-retention"]] == [42.0, 43.0]
    assert [(s.segment, s.start) for s in readings.spans["week1-retention"]] == [("tier=pro", 40.0)]
    bad = metric("broken", query="select x from nowhere")
    with pytest.raises(SourceError, match=r'^broken: the query failed: "no such table: nowhere"$'):
        source = SQLiteSource.open(db, "metricspec.db")
        source.read([request_for(bad, [])], TODAY)


def test_query_timeout_message(tmp_path):
    db = tmp_path / "t.db"
    fill(db, ["a"], 1, 0)
    slow = metric("slow", query=("with recursive n(i) as (select 1 union all select i + 1 from n) "
                                 "select '2026-11-01' as at, count(*) as value from n"))
    source = SQLiteSource.open(db, "metricspec.db", timeout=0.2)
    with pytest.raises(SourceError) as err:
        source.read([request_for(slow, [])], TODAY)
    assert str(err.value) == "slow: the query ran past 0.2 s (timeout, in [tool.metricspec.actuals])"


def test_csv_source_counts_bad_rows_at_their_file_and_line(tmp_path):
    first = tmp_path / "q3.csv"
    first.write_text("metric,at,value,segment\na,2026-11-02,101,\na,2026-11-02,103,\na,2026-11-03,n/a,\n"
                     "a,2026-11-03,104,tier=pro\nweekly-report-builder,2026-11-04,1,\n")
    second = tmp_path / "q4.csv"
    second.write_text("at,value,metric\n2026-11-05,105,a\n2026-11-06,NaN,a\n")
    source = CsvSource([first, second], label="q3.csv, q4.csv")
    readings = source.read([request_for(metric("a"), [])], TODAY, known=["a"])
    assert readings.series["a"] == (Point(dt.date(2026, 11, 2), 102.0), Point(dt.date(2026, 11, 5), 105.0))
    got = [(i.label.rpartition("/")[2], i.line, i.unknown_ids, i.invalid) for i in readings.issues]
    assert got == [("q3.csv", 4, {}, {"value": 1}), ("q4.csv", 3, {}, {"value": 1}),
                   ("q3.csv", 6, {"weekly-report-builder": 1}, {}), ("q3.csv, q4.csv", None, {}, {"repeat": 1})]
    with pytest.raises(SourceError, match="^week1: a query cannot be run against CSV files"):
        source.read([request_for(metric("week1", query="select 1"), [])], TODAY)


# -- URLs --


def test_mask_expand_and_refuse_written_passwords():
    url = "postgresql://analyst:s3cr@t@db:5432/prod"
    assert urls.mask(url) == "postgresql://analyst:***@db:5432/prod"
    assert urls.mask("metricspec.db") == "metricspec.db"
    assert urls.mask("snowflake://user@acme/db") == "snowflake://user@acme/db"
    env = {"SF_USER": "ana", "SF_PASSWORD": "p$w"}
    assert urls.expand("snowflake://${SF_USER}:${SF_PASSWORD}@acme/x?cost=$$5", env) == "snowflake://ana:p$w@acme/x?cost=$5"
    with pytest.raises(urls.ConfigError) as err:
        urls.expand("postgresql://${PGUSER}:${PGPASSWORD}@db/prod", {"PGUSER": "a"})
    assert str(err.value) == ("the source postgresql://${PGUSER}:***@db/prod uses ${PGPASSWORD}, but the "
                              "environment variable PGPASSWORD is not set")
    urls.check_config_url("postgresql://${U}:${PGPASSWORD}@db/prod")
    urls.check_config_url("postgresql://analyst@db/prod")
    with pytest.raises(urls.ConfigError, match=r"postgresql://analyst:\*\*\*@db/prod writes its password"):
        urls.check_config_url("postgresql://analyst:hunter2@db/prod")
    with pytest.raises(urls.ConfigError):
        urls.check_config_url("postgresql://analyst:x${PGPASSWORD}@db/prod")  # not wholly a variable


def test_which_source_a_metric_reads():
    per = [("arr-*", "snowflake://x"), ("arr-eu", "bigquery://y")]
    assert urls.choose("arr-eu", per, "cli.db", {}, "metricspec.db") == ("bigquery://y", "per-metric")
    assert urls.choose("arr-us", per, "cli.db", {}, "metricspec.db") == ("snowflake://x", "per-metric")
    assert urls.choose("dau", per, "cli.db", {"METRICSPEC_ACTUALS_URL": "env.db"}, "m.db") == ("cli.db", "--source")
    assert urls.choose("dau", per, None, {"METRICSPEC_ACTUALS_URL": "env.db"}, "m.db") == ("env.db", "METRICSPEC_ACTUALS_URL")
    assert urls.choose("dau", per, None, {}, "m.db") == ("m.db", "config")
