"""The warehouse source without a network: DuckDB through its SQLAlchemy dialect (a real file,
opened read-only), the SQL each dialect is sent (snapshots), URL forms, read-only handling and
the one-line errors (ACTUALS.md, "Sources" and "Errors and exit codes").

The PostgreSQL tests, against a real server, are in test_actuals_warehouse_pg.py.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from metricspec.actuals import urls
from metricspec.actuals.model import MetricInfo, Target
from metricspec.actuals.pushdown import Builder, Layout, StoreBuilder, warehouse_dialect
from metricspec.actuals.sources import request_for
from tests.test_actuals_cli import EXAMPLE_CSV, SPEC, TODAY

sqlalchemy = pytest.importorskip("sqlalchemy", reason="the warehouse extra (SQLAlchemy) is a test dependency")

SNAPSHOTS = Path(__file__).parent / "snapshots" / "warehouse-sql"  # not golden/: that holds the reporters' files
# Segment rows, and rows of an id no spec declares (A008), beside the example's overall series.
MORE_CSV = ("metric,at,value,segment\n"
            "weekly-report-builders,2026-07-01,100,plan_tier=enterprise\n"
            "weekly-report-builders,2026-09-01,130,plan_tier=enterprise\n"
            "weekly-report-builders,2026-11-30,160,plan_tier=enterprise\n"
            "weekly-report-builders,2026-07-01,800,plan_tier=free\n"
            "weekly-report-builders,2026-11-30,700,plan_tier=free\n"
            "report-errors,2026-11-01,12,\n"
            "report-errors,2026-11-30,9,\n"
            "retired-metric,2026-11-01,5,\n"
            "retired-metric,2026-11-02,6,\n")
QUERY_SPEC = SPEC.replace("            segments: [plan_tier]\n", "            segments: [plan_tier]\n"
                          "            query: |\n"
                          "              -- builders, from the warehouse's own table\n"
                          "              select a.at, a.value * 2 as value from actuals a\n"
                          "              where a.metric = 'weekly-report-builders' and a.segment is null\n"
                          "                and a.at between :start and :end\n")


@pytest.fixture
def project(run, write, tmp_path):
    """The CLI tests' project with its rows in the embedded store (the reference figures)."""
    write("metrics/acme.metrics.yaml", SPEC)
    write("actuals.csv", EXAMPLE_CSV)
    write("more.csv", MORE_CSV)
    result = run("actuals", "import", "actuals.csv", "more.csv", "--allow-unknown", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    return tmp_path


def store_rows(folder: Path) -> list:
    """The store's rows as a warehouse holds them: real dates, NULL for the overall segment."""
    with sqlite3.connect(folder / "metricspec.db") as conn:
        rows = conn.execute("SELECT metric, at, value, segment FROM actuals ORDER BY metric, segment, at").fetchall()
    return [(m, dt.date.fromisoformat(at), v, s or None) for m, at, v, s in rows]


def same_but_source(store_json: str, other_json: str, label: str) -> None:
    """The same report, byte for byte, but for the source's name (each metric's `source`, and
    the `path` of A008/A009 findings about the source)."""
    assert '"metricspec.db"' in store_json and '"metricspec.db"' not in other_json
    assert other_json == store_json.replace('"metricspec.db"', json.dumps(label))


def make_duckdb(path: Path, rows: list, extra_sql: tuple = ()) -> None:
    import duckdb

    conn = duckdb.connect(str(path))
    # `at` is reserved in DuckDB: quoted here, as a warehouse's DDL would have it.
    conn.execute('CREATE TABLE actuals (metric VARCHAR, "at" DATE, value DOUBLE, segment VARCHAR)')
    conn.executemany("INSERT INTO actuals VALUES (?, ?, ?, ?)", rows)
    for sql in extra_sql:
        conn.execute(sql)
    conn.close()


# -- DuckDB, through the CLI ---------------------------------------------------------------


@pytest.mark.parametrize("args", [(), ("--segment", "plan_tier"), ("--segment", "plan_tier=enterprise")])
def test_duckdb_status_equals_the_stores_for_the_same_rows(run, project, args):
    make_duckdb(project / "warehouse.duckdb", store_rows(project))
    store = run("status", "--format", "json", "--today", TODAY, *args)
    duck = run("status", "--format", "json", "--today", TODAY, "--source", "duckdb:///warehouse.duckdb", *args)
    assert (store.exit_code, duck.exit_code, duck.stderr) == (0, 0, "")
    same_but_source(store.stdout, duck.stdout, "duckdb:///warehouse.duckdb")
    # A008 for the unknown id, read from the warehouse as from the store
    assert [d["code"] for d in json.loads(duck.stdout)["diagnostics"]] == ["A008"]


def test_duckdb_metric_query_runs_with_start_and_end_dates(run, write, project):
    make_duckdb(project / "warehouse.duckdb", store_rows(project))
    write("metrics/acme.metrics.yaml", QUERY_SPEC)
    result = run("status", "--format", "json", "--today", TODAY, "--source", "duckdb:///warehouse.duckdb")
    assert (result.exit_code, result.stderr) == (0, "")
    metric = json.loads(result.stdout)["metrics"][0]
    assert (metric["latest"], metric["status"]) == ({"at": "2026-11-30", "value": 2780}, "met")


def test_duckdb_is_opened_read_only_and_a_write_fails_changing_nothing(run, write, project):
    path = project / "warehouse.duckdb"
    make_duckdb(path, store_rows(project))
    write("metrics/acme.metrics.yaml", SPEC.replace("            segments: [plan_tier]\n",
                                                    "            segments: [plan_tier]\n"
                                                    "            query: |\n"
                                                    "              with gone as (delete from actuals returning at, value)\n"
                                                    "              select at, value from gone\n"))
    result = run("status", "--today", TODAY, "--source", "duckdb:///warehouse.duckdb")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith('metricspec: error: weekly-report-builders: the query failed: "')
    assert result.stderr.count("\n") == 1
    import duckdb

    conn = duckdb.connect(str(path), read_only=True)
    assert conn.execute("SELECT count(*) FROM actuals").fetchone() == (len(store_rows(project)),)
    conn.close()


def test_duckdb_query_timeout_interrupts_the_query(run, write, project):
    make_duckdb(project / "warehouse.duckdb", store_rows(project))
    write("metricspec.toml", "[tool.metricspec.actuals]\ntimeout = 1\n")
    write("metrics/acme.metrics.yaml", SPEC.replace(
        "            segments: [plan_tier]\n", "            segments: [plan_tier]\n"
        "            query: |\n"
        "              select date '2026-11-30' as at, count(*) as value\n"
        "              from range(100000000000) a\n"))
    started = dt.datetime.now()
    result = run("status", "--today", TODAY, "--source", "duckdb:///warehouse.duckdb")
    assert (result.exit_code, result.stderr) == (
        2, "metricspec: error: weekly-report-builders: the query ran past 1 s (timeout, in [tool.metricspec.actuals])\n")
    assert (dt.datetime.now() - started).total_seconds() < 15  # interrupted, not run to its end


def test_a_missing_duckdb_file_is_one_line(run, project):
    result = run("status", "--today", TODAY, "--source", "duckdb:///nowhere.duckdb")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("metricspec: error: cannot connect to duckdb:///nowhere.duckdb: ")
    assert result.stderr.count("\n") == 1 and not (project / "nowhere.duckdb").exists()


def test_a_duckdb_file_in_the_config_is_relative_to_its_folder(run, write, project, monkeypatch):
    make_duckdb(project / "warehouse.duckdb", store_rows(project))
    write("metricspec.toml", '[tool.metricspec.actuals]\nsource = "duckdb:///warehouse.duckdb"\n')
    (project / "sub").mkdir()
    monkeypatch.chdir(project / "sub")
    result = run("status", "--format", "json", "--today", TODAY)
    assert (result.exit_code, result.stderr) == (0, "")


def test_import_add_and_list_refuse_a_warehouse(run, project):
    result = run("actuals", "add", "weekly-report-builders", "3", "--today", TODAY,
                 "--source", "duckdb:///warehouse.duckdb")
    assert (result.exit_code, result.stderr) == (2, (
        "metricspec: error: duckdb:///warehouse.duckdb: actuals import, add and list use the embedded SQLite "
        "store; a warehouse is only read (status, report, lint --actuals)\n"))
    assert not (project / "warehouse.duckdb").exists()


# -- errors that need no server ---------------------------------------------------------------


def test_connection_refused_is_one_line_with_the_password_masked(run, project, monkeypatch):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("PG_PASSWORD", "s3cret")
    for source in (f"postgresql://analyst:${{PG_PASSWORD}}@127.0.0.1:{port}/prod",
                   f"postgresql://analyst:s3cret@127.0.0.1:{port}/prod"):
        result = run("status", "--today", TODAY, "--source", source)
        assert (result.exit_code, result.stdout, result.stderr) == (
            2, "", f"metricspec: error: cannot connect to postgresql://analyst:***@127.0.0.1:{port}/prod: "
                   "connection refused\n")


def test_a_config_password_not_wholly_a_variable_is_refused(run, write, project, monkeypatch):
    monkeypatch.setenv("PG_PASSWORD", "s3cret")
    write("metricspec.toml", '[tool.metricspec.actuals]\nsource = "postgresql://analyst:x${PG_PASSWORD}@db/prod"\n')
    result = run("status", "--today", TODAY)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", (
        "metricspec: error: the source postgresql://analyst:***@db/prod writes its password in the configuration: "
        "write it as ${VARIABLE} and set that environment variable\n"))


@pytest.mark.skipif(importlib.util.find_spec("snowflake") is not None, reason="snowflake-sqlalchemy is installed")
def test_a_missing_dialect_package_names_what_to_install(run, project, monkeypatch):
    monkeypatch.setenv("SF_PASSWORD", "s3cret")
    result = run("status", "--today", TODAY, "--source", "snowflake://ana:${SF_PASSWORD}@acme/analytics/marts")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", (
        "metricspec: error: snowflake:// needs metricspec[warehouse] and snowflake-sqlalchemy: "
        "pip install 'metricspec[warehouse]' 'snowflake-sqlalchemy'\n"))


def test_without_sqlalchemy_the_extra_is_named(project):
    # A real interpreter in which `import sqlalchemy` fails, as on an install without the extra.
    code = ("import sys; sys.modules['sqlalchemy'] = None; sys.argv = ['metricspec'] + sys.argv[1:]\n"
            "from metricspec.entry import main; main()")
    result = subprocess.run([sys.executable, "-c", code, "status", "--today", TODAY, "--source",
                             "postgresql://ana@db/prod"], cwd=project, capture_output=True, text=True,
                            env={**os.environ, "NO_COLOR": "1"})
    assert (result.returncode, result.stdout, result.stderr) == (2, "", (
        "metricspec: error: postgresql:// needs metricspec[warehouse] and psycopg[binary]: "
        "pip install 'metricspec[warehouse]' 'psycopg[binary]'\n"))


def test_lint_and_status_over_the_store_never_import_sqlalchemy(project):
    code = ("import sys; sys.argv = ['metricspec', 'status', '--today', '2026-12-01']\n"
            "from metricspec.entry import main\n"
            "try:\n    main()\nfinally:\n    print('sqlalchemy' in sys.modules, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True)
    assert result.stderr.strip().splitlines()[-1] == "False"


# -- URL forms and read-only handling per dialect -------------------------------------------------


@pytest.mark.parametrize("url, masked", [
    ("postgresql://analyst:${PG_PASSWORD}@db:5432/prod", "postgresql://analyst:***@db:5432/prod"),
    ("postgresql+psycopg://analyst:pw@db/prod?sslmode=require", "postgresql+psycopg://analyst:***@db/prod?sslmode=require"),
    ("snowflake://${SF_USER}:${SF_PASSWORD}@acme/analytics/marts?warehouse=reporting",
     "snowflake://${SF_USER}:***@acme/analytics/marts?warehouse=reporting"),
    ("trino://analyst:${TRINO_PASSWORD}@trino.acme.io:443/hive/marts", "trino://analyst:***@trino.acme.io:443/hive/marts"),
    ("trino://analyst@trino.acme.io:8080/hive/marts", "trino://analyst@trino.acme.io:8080/hive/marts"),
    ("bigquery://acme-prod/marts?credentials_path=/secrets/sa.json", "bigquery://acme-prod/marts?credentials_path=/secrets/sa.json"),
    ("duckdb:///warehouse.duckdb", "duckdb:///warehouse.duckdb"),
])
def test_url_forms_are_masked_and_named_by_their_scheme(url, masked):
    from metricspec.actuals.warehouse import scheme_of

    assert urls.mask(url) == masked
    assert scheme_of(url) == url.split(":")[0].split("+")[0]


def test_a_plain_postgresql_url_uses_the_installed_driver():
    from metricspec.actuals.warehouse import _driver_url

    has_psycopg2 = importlib.util.find_spec("psycopg2") is not None
    expected = "postgresql://a@db/p" if has_psycopg2 else "postgresql+psycopg://a@db/p"
    assert _driver_url("postgresql://a@db/p") == expected
    assert _driver_url("postgresql+psycopg2://a@db/p") == "postgresql+psycopg2://a@db/p"
    assert _driver_url("postgres://a@db/p") == expected  # SQLAlchemy 2 dropped the short name


def test_duckdb_relative_files_follow_their_base_and_others_are_unchanged():
    assert urls.file_url("duckdb:///w.duckdb?threads=2", "/srv/x") == "duckdb:////srv/x/w.duckdb?threads=2"
    assert urls.file_url("duckdb:////abs/w.duckdb", "/srv/x") == "duckdb:////abs/w.duckdb"
    assert urls.file_url("duckdb:///:memory:", "/srv/x") == "duckdb:///:memory:"
    assert urls.file_url("postgresql://a@db/p", "/srv/x") == "postgresql://a@db/p"


def test_read_only_and_timeout_statements_per_dialect():
    from metricspec.actuals.warehouse import session_statements

    assert session_statements("postgresql", 30) == ["SET TRANSACTION READ ONLY", "SET LOCAL statement_timeout = 30000"]
    assert session_statements("postgresql", 0.5) == ["SET TRANSACTION READ ONLY", "SET LOCAL statement_timeout = 500"]
    assert session_statements("snowflake", 30) == ["ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 30"]
    assert session_statements("trino", 30) == ["SET SESSION query_max_execution_time = '30s'"]
    assert session_statements("bigquery", 30) == [] and session_statements("duckdb", 30) == []


# -- the SQL each dialect receives -------------------------------------------------------------


def _queries(builder) -> list:
    """The queries status sends for two metrics (one with segments), named."""
    since = dt.date(2026, 7, 1)
    a = MetricInfo("weekly-report-builders", window="7d", segments=("plan_tier",),
                   target=Target(baseline=1200, value=1800, since=since, by=dt.date(2027, 6, 30)))
    b = MetricInfo("report-errors", window="1d")
    pairs = [(r.metric.id, r.start.isoformat() if r.start else None) for r in (request_for(a, []), request_for(b, []))]
    spans = [(m, s or "0001-01-01", "2026-07-01", "2026-11-30") for m, s in pairs]
    today = TODAY
    named = [("series", builder.series(pairs, today)),
             ("span_points", builder.span_points(spans, today, {"weekly-report-builders": ("plan_tier",)})),
             ("census", builder.census(today)),
             ("series --segment plan_tier=enterprise", builder.series(pairs[:1], today, segment="plan_tier=enterprise")),
             ("series --segment plan_tier", builder.series(pairs[:1], today, dimension="plan_tier"))]
    return named


def _snapshot(dialect_name: str) -> str:
    """Each query as that dialect's driver receives it (its bind style), with its binds."""
    from sqlalchemy.engine import default

    if dialect_name == "sqlite-store":
        builder, compiler = StoreBuilder(), None
    else:
        builder = Builder(Layout(), warehouse_dialect(dialect_name))
        if dialect_name == "postgresql":
            from sqlalchemy.dialects.postgresql import psycopg

            compiler = psycopg.dialect()
        elif dialect_name == "duckdb":
            import duckdb_engine

            compiler = duckdb_engine.Dialect()
        else:  # BigQuery, Snowflake, Trino: their packages are not test dependencies
            compiler = default.DefaultDialect()
    parts = []
    for name, (sql, binds) in _queries(builder):
        text = sql if compiler is None else str(sqlalchemy.text(sql).compile(dialect=compiler))
        parts.append(f"-- {name}\n-- binds: {json.dumps(binds, sort_keys=True)}\n{text};\n")
    return "\n".join(parts)


@pytest.mark.parametrize("dialect_name", ["sqlite-store", "duckdb", "postgresql", "bigquery", "snowflake", "trino"])
def test_the_sql_each_dialect_receives_is_snapshotted(dialect_name):
    path = SNAPSHOTS / f"{dialect_name}.sql"
    text = _snapshot(dialect_name)
    if os.environ.get("METRICSPEC_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"regenerate with METRICSPEC_UPDATE_SNAPSHOTS=1: {path}"


def test_bigquery_and_snowflake_get_no_values_lists_and_bigquery_no_escape():
    for name in ("bigquery", "snowflake"):
        sql = _snapshot(name)
        assert "VALUES" not in sql and "UNION ALL SELECT :r1_0 AS metric" in sql
    assert "ESCAPE" not in _snapshot("bigquery") and "ESCAPE '\\'" in _snapshot("trino")


def test_an_option_the_driver_refuses_is_one_line_without_the_password(run, project):
    # psycopg refuses an unknown connection option before connecting: its message, one line
    result = run("status", "--today", TODAY, "--source", "postgresql://ana:s3cret-pw@127.0.0.1:1/prod?bogus_option=1")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("metricspec: error: cannot connect to postgresql://ana:***@127.0.0.1:1/prod?bogus_option=1: ")
    assert result.stderr.endswith(': invalid connection option "bogus_option"\n')
    assert "s3cret-pw" not in result.stderr and result.stderr.count("\n") == 1
