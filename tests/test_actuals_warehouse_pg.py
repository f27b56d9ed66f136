"""The warehouse source against a real PostgreSQL server (ACTUALS.md, "Sources"): `status`
through the CLI equals the embedded store's for the same rows; a metric's `query`; the pushdown
counted; nothing written, proved with a read-only role and a trigger that records any write;
the timeout and the one-line errors.

The server is .ci/run's (METRICSPEC_TEST_PG_URL), else one the `pg_url` fixture starts; without
either these are skipped, saying why, except in CI, where they fail.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import pytest

from metricspec.actuals import store
from metricspec.actuals.model import Row
from metricspec.actuals.store import Located
from tests.conftest import in_ci
from tests.test_actuals_cli import SPEC, TODAY
from tests.test_actuals_sources import SINCE, fill, metric
from tests.test_actuals_warehouse import QUERY_SPEC, project, same_but_source, store_rows  # noqa: F401

sqlalchemy = pytest.importorskip("sqlalchemy", reason="the warehouse extra (SQLAlchemy) is a test dependency")


def test_ci_runs_the_postgresql_tests():
    """In CI the server is .ci/run's: these tests must not quietly skip there."""
    import os

    if not in_ci():
        pytest.skip("not in CI: the PostgreSQL tests use METRICSPEC_TEST_PG_URL or start a cluster")
    assert os.environ.get("METRICSPEC_TEST_PG_URL"), ".ci/run must start PostgreSQL and export METRICSPEC_TEST_PG_URL"


def _engine(url: str):
    from metricspec.actuals.warehouse import _driver_url

    return sqlalchemy.create_engine(_driver_url(url), poolclass=sqlalchemy.pool.NullPool)


class Database:
    """A fresh database of the test server, with the actuals table and a write audit."""

    def __init__(self, admin_url: str):
        self.name = "t_" + uuid.uuid4().hex[:12]
        self.roles: list = []
        admin = _engine(admin_url)
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {self.name}")
        admin.dispose()
        self.url = sqlalchemy.engine.make_url(admin_url).set(database=self.name).render_as_string(hide_password=False)
        self.engine = _engine(self.url)
        with self.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE actuals (metric text, at date, value double precision, segment text)")
            # Any write to actuals, by anyone, leaves a row here (the trigger runs as the writer's statement).
            conn.exec_driver_sql("CREATE TABLE audit (op text, at timestamptz DEFAULT now())")
            conn.exec_driver_sql("""CREATE FUNCTION record_write() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO audit (op) VALUES (TG_OP); RETURN NULL; END $$""")
            conn.exec_driver_sql("CREATE TRIGGER actuals_writes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON actuals "
                                 "FOR EACH STATEMENT EXECUTE FUNCTION record_write()")

    def load(self, rows) -> None:
        with self.engine.begin() as conn:
            conn.execute(sqlalchemy.text("INSERT INTO actuals VALUES (:m, :a, :v, :s)"),
                         [{"m": m, "a": a, "v": v, "s": s} for m, a, v, s in rows])
            conn.exec_driver_sql("DELETE FROM audit")  # the load itself was recorded

    def scalar(self, sql: str):
        with self.engine.connect() as conn:
            return conn.exec_driver_sql(sql).scalar()

    def reader(self, role: str, password: str) -> str:
        """A role that may only read actuals: its URL with the password as `${PG_READER_PASSWORD}`."""
        self.roles.append(role)
        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
            conn.exec_driver_sql(f"GRANT SELECT ON actuals TO {role}")
        url = sqlalchemy.engine.make_url(self.url).set(username=role, password="PLACEHOLDER")
        return url.render_as_string(hide_password=False).replace("PLACEHOLDER", "${PG_READER_PASSWORD}")

    def drop(self, admin_url: str) -> None:
        self.engine.dispose()
        admin = _engine(admin_url)
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            for role in self.roles:  # roles are the cluster's: dropped once their database is gone
                conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        admin.dispose()


@pytest.fixture
def db(pg_url):
    database = Database(pg_url)
    try:
        yield database
    finally:
        database.drop(pg_url)


def masked(url: str) -> str:
    from metricspec.actuals import urls

    return urls.mask(url)


@pytest.mark.parametrize("args", [(), ("--segment", "plan_tier"), ("--segment", "plan_tier=enterprise")])
def test_status_equals_the_stores_for_the_same_rows(run, project, db, args):
    db.load(store_rows(project))
    reference = run("status", "--format", "json", "--today", TODAY, *args)
    result = run("status", "--format", "json", "--today", TODAY, "--source", db.url, *args)
    assert (reference.exit_code, result.exit_code, result.stderr) == (0, 0, "")
    label = masked(db.url)
    assert ":***@" in label and "metricspec-test" not in result.stdout
    same_but_source(reference.stdout, result.stdout, label)
    assert db.scalar("SELECT count(*) FROM audit") == 0


def test_a_metric_query_runs_against_postgresql(run, write, project, db):
    db.load(store_rows(project))
    write("metrics/acme.metrics.yaml", QUERY_SPEC)
    result = run("status", "--format", "json", "--today", TODAY, "--source", db.url)
    assert (result.exit_code, result.stderr) == (0, "")
    metric = json.loads(result.stdout)["metrics"][0]
    assert (metric["latest"], metric["status"]) == ({"at": "2026-11-30", "value": 2780}, "met")


def test_the_pushdown_is_a_fixed_number_of_queries_and_rows_grow_with_metrics_not_rows(tmp_path, db):
    from metricspec.actuals.sources import request_for
    from metricspec.actuals.warehouse import WarehouseSource

    counts = {}
    for name, segments, extra in (("few", 2, 0), ("many", 20, 0), ("history", 20, 300)):
        sqlite_db = tmp_path / f"{name}.db"
        fill(sqlite_db, ["a", "b", "c"], 30, segments, extra_before=extra)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("TRUNCATE actuals")
        db.load(store_rows_of(sqlite_db))
        source = WarehouseSource(db.url, masked(db.url))
        try:
            readings = source.read([request_for(metric(i), []) for i in "abc"], dt.date(2026, 12, 1), known="abc")
        finally:
            source.close()
        counts[name] = (source.queries, source.rows_read)
        assert len(readings.series["a"]) == 30 + (2 if extra else 0)
        assert len(readings.spans["a"]) == segments
    # 3 queries whatever the metrics and rows: a series row a day (and the latest before the read
    # start), a row per segment, a row per id; never a row per segment row stored
    assert counts == {"few": (3, 3 * (30 + 2) + 3), "many": (3, 3 * (30 + 20) + 3),
                      "history": (3, 3 * (32 + 20) + 3)}
    assert db.scalar("SELECT count(*) FROM audit") == 0


def store_rows_of(path) -> list:
    return store_rows(path.parent) if path.name == "metricspec.db" else _rows(path)


def _rows(path) -> list:
    import sqlite3

    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT metric, at, value, segment FROM actuals").fetchall()
    return [(m, dt.date.fromisoformat(a), v, s or None) for m, a, v, s in rows]


def test_a_read_only_role_reads_and_nothing_is_written(run, write, project, db, monkeypatch):
    db.load(store_rows(project))
    # The trigger does record a write (in a transaction rolled back here).
    with db.engine.connect() as conn:
        conn.exec_driver_sql("DELETE FROM actuals WHERE metric = 'retired-metric'")
        assert conn.exec_driver_sql("SELECT count(*) FROM audit").scalar() == 1
        conn.rollback()
    role = "reader_" + uuid.uuid4().hex[:8]
    monkeypatch.setenv("PG_READER_PASSWORD", "r3ad-only")
    source = db.reader(role, "r3ad-only")
    write("metricspec.toml", f'[tool.metricspec.actuals]\nsource = "{source}"\n')
    reference = run("status", "--format", "json", "--today", TODAY, "--source", "metricspec.db")
    result = run("status", "--format", "json", "--today", TODAY)
    assert (result.exit_code, result.stderr) == (0, "")
    label = source.replace("${PG_READER_PASSWORD}", "***")
    same_but_source(reference.stdout, result.stdout, label)
    text = run("status", "--today", TODAY)
    assert f"source {label}" in text.stdout and "r3ad-only" not in text.stdout
    assert db.scalar("SELECT count(*) FROM audit") == 0
    assert db.scalar("SELECT count(*) FROM actuals") == len(store_rows(project))


@pytest.mark.parametrize("query, why", [
    # a data-modifying WITH: PostgreSQL refuses it inside the subquery status wraps a query in
    ("with gone as (delete from actuals returning at, value) select at, value from gone",
     "WITH clause containing a data-modifying statement must be at the top level"),
    # a function that writes: the read-only transaction refuses it
    ("select at, value from sneaky_delete()", "cannot execute DELETE in a read-only transaction"),
])
def test_a_query_that_writes_fails_in_one_line_and_changes_nothing(run, write, project, db, query, why):
    db.load(store_rows(project))
    with db.engine.begin() as conn:
        conn.exec_driver_sql("""CREATE FUNCTION sneaky_delete() RETURNS TABLE (at date, value double precision)
            LANGUAGE sql AS $$ DELETE FROM actuals RETURNING at, value $$""")
    write("metrics/acme.metrics.yaml", SPEC.replace(
        "            segments: [plan_tier]\n",
        f"            segments: [plan_tier]\n            query: {query}\n"))
    result = run("status", "--today", TODAY, "--source", db.url)  # a superuser: only the transaction stops it
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", f'metricspec: error: weekly-report-builders: the query failed: "{why}"\n')
    assert db.scalar("SELECT count(*) FROM audit") == 0
    assert db.scalar("SELECT count(*) FROM actuals") == len(store_rows(project))


def test_a_failing_query_is_the_databases_message(run, write, project, db):
    write("metrics/acme.metrics.yaml", SPEC.replace(
        "            segments: [plan_tier]\n", "            segments: [plan_tier]\n"
        "            query: select at, value from no_such_table\n"))
    result = run("status", "--today", TODAY, "--source", db.url)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", 'metricspec: error: weekly-report-builders: the query failed: "relation "no_such_table" does not exist"\n')


def test_a_query_past_the_timeout_is_stopped(run, write, project, db):
    write("metricspec.toml", "[tool.metricspec.actuals]\ntimeout = 1\n")
    write("metrics/acme.metrics.yaml", SPEC.replace(
        "            segments: [plan_tier]\n", "            segments: [plan_tier]\n"
        "            query: select date '2026-11-30' as at, 1.0 as value from pg_sleep(5)\n"))
    started = time.monotonic()
    result = run("status", "--today", TODAY, "--source", db.url)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "metricspec: error: weekly-report-builders: the query ran past 1 s (timeout, in [tool.metricspec.actuals])\n")
    assert time.monotonic() - started < 4.5  # the server cancelled it at 1 s, it did not sleep 5


def test_a_wrong_password_is_one_line_with_it_masked(run, project, db):
    url = sqlalchemy.engine.make_url(db.url).set(password="wrong-password").render_as_string(hide_password=False)
    result = run("status", "--today", TODAY, "--source", url)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"metricspec: error: cannot connect to {masked(url)}: ")
    assert "password authentication failed" in result.stderr and "wrong-password" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_rows_with_unusable_values_are_counted_not_refused(run, project, db):
    rows = store_rows(project)
    db.load(rows + [("report-errors", dt.date(2026, 11, 15), float("nan"), None),
                    ("report-errors", dt.date(2026, 11, 16), float("inf"), None),
                    ("report-errors", dt.date(2026, 11, 17), None, None)])
    result = run("status", "--format", "json", "--today", TODAY, "--source", db.url)
    assert result.exit_code == 0
    found = {d["code"]: d["message"] for d in json.loads(result.stdout)["diagnostics"]}
    # NaN, Infinity and NULL are recognised in the database (value - value = 0) and counted
    assert found["A009"] == "3 unusable rows left out or merged: 3 with a value that is not a finite number"
    assert sorted(found) == ["A008", "A009"]


def test_a_since_row_before_the_read_start_is_kept_as_the_latest_before(tmp_path, db):
    """The series keeps the latest row before the read start, as the store's query does."""
    from metricspec.actuals.sources import SQLiteSource, request_for
    from metricspec.actuals.warehouse import WarehouseSource

    sqlite_db = tmp_path / "s.db"
    store.write(sqlite_db, [Located(Row("a", SINCE - dt.timedelta(days=40), 90.0)),
                            Located(Row("a", SINCE - dt.timedelta(days=20), 95.0)),
                            Located(Row("a", SINCE + dt.timedelta(days=3), 120.0)),
                            Located(Row("a", dt.date(2026, 12, 5), 999.0))])
    db.load(_rows(sqlite_db))
    requests = [request_for(metric("a"), [])]
    warehouse = WarehouseSource(db.url, "pg")
    reference = SQLiteSource.open(sqlite_db, "s.db")
    try:
        ours, theirs = (s.read(requests, dt.date(2026, 12, 1), known=["a"]) for s in (warehouse, reference))
    finally:
        warehouse.close()
        reference.close()
    assert ours.series == theirs.series and [p.value for p in ours.series["a"]] == [95.0, 120.0]
