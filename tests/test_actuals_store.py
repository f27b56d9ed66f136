"""The embedded store and the row checks of `actuals import` / `add` (real SQLite files)."""

import datetime as dt
import io
import sqlite3

import pytest

from metricspec.actuals import store
from metricspec.actuals.model import Row
from metricspec.actuals.rows import RowChecker, read_csv
from metricspec.actuals.store import Located, RowsRefused, StoreError

TODAY = dt.date(2026, 12, 1)
METRICS = {"weekly-report-builders": ("plan_tier",), "dau": ()}


def checker(**kw):
    return RowChecker(METRICS, TODAY, **kw)


def csv_errors(text, name="q3.csv", **kw):
    rows, errors = read_csv(io.StringIO(text), name, checker(**kw))
    return rows, errors


def row(metric="dau", at="2026-11-30", value=5.0, segment=""):
    return Located(Row(metric, dt.date.fromisoformat(at), value, segment), "")


# -- schema --


def test_first_write_creates_exactly_the_documented_schema(tmp_path):
    db = tmp_path / "metricspec.db"
    assert store.write(db, [row()]) == 1
    conn = sqlite3.connect(db)
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'actuals'").fetchone()[0]
    assert sql == store.CREATE_ACTUALS == (
        "CREATE TABLE actuals (metric TEXT NOT NULL, at TEXT NOT NULL, value REAL NOT NULL, "
        "segment TEXT NOT NULL DEFAULT '', PRIMARY KEY (metric, segment, at)) WITHOUT ROWID")
    assert conn.execute("SELECT key, value FROM metricspec_meta").fetchall() == [("schema_version", "1")]
    assert conn.execute("SELECT * FROM actuals").fetchall() == [("dau", "2026-11-30", 5.0, "")]


def test_another_schema_is_refused_naming_what_differs(tmp_path):
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE actuals (metric TEXT, at TEXT, value TEXT)")
    conn.execute("CREATE TABLE metricspec_meta (key TEXT, value TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match=r"^other.db is not a metricspec actuals store: table actuals has "
                       r"\(metric TEXT, at TEXT, value TEXT\), expected \(metric TEXT NOT NULL \(key 1\)"):
        store.open_read_only(db, "other.db")
    with pytest.raises(StoreError, match="is not a metricspec actuals store"):
        store.write(db, [row()], display="other.db")


def test_another_schema_version_is_refused(tmp_path):
    db = tmp_path / "metricspec.db"
    store.write(db, [row()])
    conn = sqlite3.connect(db)
    conn.execute("UPDATE metricspec_meta SET value = '2'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match=r"^x.db has schema_version '2'; this metricspec reads schema_version 1$"):
        store.open_read_only(db, "x.db")


def test_missing_store_message(tmp_path):
    with pytest.raises(StoreError) as err:
        store.open_read_only(tmp_path / "metricspec.db", "metricspec.db")
    assert str(err.value) == ('no actuals store at metricspec.db: run "metricspec actuals import FILE.csv", '
                              "or set [tool.metricspec.actuals] source")


def test_read_only_opening_cannot_write(tmp_path):
    db = tmp_path / "metricspec.db"
    store.write(db, [row()])
    conn = store.open_read_only(db)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("INSERT INTO actuals VALUES ('dau', '2026-11-01', 1, '')")
    conn.close()
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM actuals").fetchone() == (1,)


# -- writing --


def test_lock_timeout_while_another_process_writes(tmp_path):
    db = tmp_path / "metricspec.db"
    store.write(db, [row()])
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError) as err:
            store.write(db, [row(at="2026-11-29")], lock_timeout=0.2, display="metricspec.db")
        assert str(err.value) == "metricspec.db is locked by another process (waited 0.2 s)"
    finally:
        holder.execute("ROLLBACK")
    assert store.write(db, [row(at="2026-11-29")], lock_timeout=0.2) == 1


def test_already_stored_refuses_all_rows_unless_replace(tmp_path):
    db = tmp_path / "metricspec.db"
    store.write(db, [Located(Row("weekly-report-builders", dt.date(2026, 11, 30), 1388.0), "q2.csv:3")])
    new = [Located(Row("dau", dt.date(2026, 11, 30), 7.0), "q3.csv:2"),
           Located(Row("weekly-report-builders", dt.date(2026, 11, 30), 1390.0), "q3.csv:3")]
    with pytest.raises(RowsRefused) as err:
        store.write(db, new)
    assert err.value.errors == ["q3.csv:3: weekly-report-builders 2026-11-30 (overall) is already stored (1388); "
                                "--replace overwrites it"]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT metric, value FROM actuals").fetchall() == [("weekly-report-builders", 1388.0)]
    assert store.write(db, new, replace=True) == 2
    assert sorted(conn.execute("SELECT metric, value FROM actuals").fetchall()) == [
        ("dau", 7.0), ("weekly-report-builders", 1390.0)]


def test_list_summaries_and_rows(tmp_path):
    db = tmp_path / "metricspec.db"
    store.write(db, [row(at="2026-11-01", value=1), row(at="2026-11-30", value=2),
                     row(at="2026-11-30", value=9, segment="tier=a"), row(at="2026-12-05", value=3)])
    conn = store.open_read_only(db)
    assert store.summaries(conn, "2026-12-01") == [store.MetricSummary("dau", 3, 1, "2026-11-01", "2026-11-30", 2.0)]
    assert [(r.segment, r.at.isoformat(), r.value) for r in store.metric_rows(conn, "dau", "2026-12-01")] == [
        ("", "2026-11-01", 1.0), ("", "2026-11-30", 2.0), ("tier=a", "2026-11-30", 9.0)]


# -- CSV rows --


def test_good_rows_in_any_column_order_with_optional_segment():
    rows, errors = csv_errors("value,at,metric\n12,2026-11-30,dau\n-3.5,2026-11-29,dau\n1e6,2026-11-28,dau\n")
    assert errors == []
    assert [(r.row.value, r.where) for r in rows] == [(12.0, "q3.csv:2"), (-3.5, "q3.csv:3"), (1e6, "q3.csv:4")]


@pytest.mark.parametrize("line, why", [
    ("dau,2026-11-30", "2 fields, expected 3"),
    ("dau,2026-11-30,n/a", 'value "n/a" is not a number'),
    ("dau,2026-11-30,NaN", 'value "NaN" is not a finite number'),
    ("dau,2026-11-30,inf", 'value "inf" is not a finite number'),
    ("dau,2026-11-30,1e999", 'value "1e999" is not a finite number'),
    ('dau,2026-11-30,"1,000"', 'value "1,000" is not a number'),
    ("dau,2026-11-30,12%", 'value "12%" is not a number'),
    ("dau,2027-01-04,1", "at 2027-01-04 is after today (2026-12-01)"),
    ("dau,2026-02-30,1", 'at "2026-02-30" is not a date (YYYY-MM-DD)'),
    ("dau,30/11/2026,1", 'at "30/11/2026" is not a date (YYYY-MM-DD)'),
    ("weekly-report-builder,2026-11-30,1", 'no metric "weekly-report-builder"; did you mean "weekly-report-builders"?'),
    ("zzz,2026-11-30,1", 'no metric "zzz" in the workspace (--allow-unknown stores it anyway)'),
    (",2026-11-30,1", "metric is empty"),
])
def test_each_bad_row_message(line, why):
    rows, errors = csv_errors(f"metric,at,value\n{line}\n")
    assert (rows, errors) == ([], [f"q3.csv:2: {why}"])


@pytest.mark.parametrize("segment, why", [
    ("plan_tier", 'segment "plan_tier" is not dimension=value'),
    ("=x", 'segment "=x" is not dimension=value'),
    ("plan_teir=pro", 'segment "plan_teir=pro": "weekly-report-builders" declares no dimension "plan_teir"; '
                      'did you mean "plan_tier"?'),
    ("region=eu", 'segment "region=eu": "weekly-report-builders" declares no dimension "region" (it declares plan_tier)'),
])
def test_bad_segments(segment, why):
    rows, errors = csv_errors(f"metric,at,value,segment\nweekly-report-builders,2026-11-30,1,{segment}\n")
    assert errors == [f"q3.csv:2: {why}"]


def test_repeats_in_the_input_name_the_first_line():
    text = ("metric,at,value,segment\nweekly-report-builders,2026-11-30,1388,\n"
            "weekly-report-builders,2026-11-30,5,plan_tier=pro\nweekly-report-builders,2026-11-30,1390,\n")
    rows, errors = csv_errors(text)
    assert errors == ["q3.csv:4: weekly-report-builders 2026-11-30 (overall) repeats line 2"]
    shared = checker()
    read_csv(io.StringIO("metric,at,value\ndau,2026-11-30,1\n"), "a.csv", shared)
    _, errors = read_csv(io.StringIO("metric,at,value\ndau,2026-11-30,2\n"), "b.csv", shared)
    assert errors == ["b.csv:2: dau 2026-11-30 (overall) repeats a.csv:2"]


def test_allow_unknown_stores_other_ids_with_any_dimension():
    rows, errors = csv_errors("metric,at,value,segment\nnew-one,2026-11-30,1,region=eu\n", allow_unknown=True)
    assert errors == [] and rows[0].row == Row("new-one", dt.date(2026, 11, 30), 1.0, "region=eu")


@pytest.mark.parametrize("header, why", [
    ("metric,at,valeu", 'unknown column "valeu"; did you mean "value"?'),
    ("metric,at,value,colour", 'unknown column "colour" (the columns are metric, at, value, segment)'),
    ("metric,at", 'no column "value": the header needs metric, at and value (segment is optional)'),
    ("metric,at,value,at", 'column "at" appears twice'),
])
def test_header_checks(header, why):
    assert csv_errors(f"{header}\ndau,2026-11-30,1\n") == ([], [f"q3.csv:1: {why}"])


def test_every_bad_row_is_reported_with_its_line_and_quoted_newlines_count():
    text = 'metric,at,value\ndau,2026-11-30,x\n"da\nu",2026-11-29,1\ndau,2026-11-28,y\n'
    rows, errors = csv_errors(text)
    assert errors == ['q3.csv:2: value "x" is not a number', 'q3.csv:3: no metric "da\nu"; did you mean "dau"?',
                      'q3.csv:5: value "y" is not a number']


def test_the_cap_is_per_row_not_per_file():
    many = "metric,at,value\n" + "".join(f"dau,2026-{m:02d}-{d:02d},{d}\n" for m in range(1, 12) for d in range(1, 28))
    rows, errors = read_csv(io.StringIO(many), "big.csv", checker(), max_row_chars=40)
    assert errors == [] and len(rows) == 11 * 27
    long_row = "metric,at,value\ndau,2026-11-30,1\ndau,2026-11-29," + "9" * 100 + "\n"
    rows, errors = read_csv(io.StringIO(long_row), "big.csv", checker(), max_row_chars=40)
    assert errors == ["big.csv:3: the row is longer than 40 characters"]


def test_add_checks_one_row_with_the_same_rules():
    c = checker()
    assert c.check("dau", "2026-11-30", "12", "") == (Row("dau", dt.date(2026, 11, 30), 12.0), None)
    assert c.check("dau", "2026-12-02", "12", "") == (None, "at 2026-12-02 is after today (2026-12-01)")
