"""A warehouse source: any SQLAlchemy URL other than SQLite (`postgresql://`, `duckdb:///`,
`bigquery://`, `snowflake://`, `trino://`...), read with the same pushed-down queries.

SQLAlchemy (the `warehouse` extra) and the dialect's package are imported only here, when a
warehouse URL is opened: lint, and status over the embedded store, never pay for them.

Read-only, whatever the credentials allow: only SELECTs are sent (the pushdown's, and a
metric's `query` wrapped as a subquery), on one connection, inside one transaction that is
always rolled back; where the database has a read-only transaction it is asked for, so even a
`query` that tries to write fails there:

- PostgreSQL: `SET TRANSACTION READ ONLY`, and `SET LOCAL statement_timeout` for the timeout;
- DuckDB: the file is opened with `read_only=True`; a timer interrupts a query past the timeout;
- Trino: `SET SESSION query_max_execution_time`; its transactions are the connector's, so
  read-only is the credentials' (a user with SELECT only);
- Snowflake: `ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS` (the session only); no read-only
  transaction exists: a role with SELECT grants only;
- BigQuery: no transaction and no per-statement timeout through the DBAPI: a service account with
  BigQuery Data Viewer and Job User; the timer reports a query past the timeout once it returns.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import Optional

from metricspec.actuals import urls
from metricspec.actuals.pushdown import Builder, Layout, warehouse_dialect
from metricspec.actuals.sources import Request, Source, SourceError, query_sql, rows_from_query

# scheme (before any `+driver`) -> the package that provides its SQLAlchemy dialect and driver.
DIALECT_PACKAGES = {
    "postgresql": "psycopg[binary]",
    "postgres": "psycopg[binary]",
    "duckdb": "duckdb-engine",
    "bigquery": "sqlalchemy-bigquery",
    "snowflake": "snowflake-sqlalchemy",
    "trino": "trino[sqlalchemy]",
    "redshift": "sqlalchemy-redshift",
    "mysql": "pymysql",
    "mariadb": "pymysql",
    "mssql": "pyodbc",
    "oracle": "oracledb",
    "databricks": "databricks-sqlalchemy",
    "clickhouse": "clickhouse-sqlalchemy",
}


def scheme_of(url: str) -> str:
    """`postgresql+psycopg://...` -> `postgresql`."""
    return url.split("://", 1)[0].split("+", 1)[0].lower()


def needs_message(url: str) -> str:
    """The one line for a missing extra or driver (ACTUALS.md, Errors)."""
    scheme = scheme_of(url)
    package = DIALECT_PACKAGES.get(scheme, f"the SQLAlchemy dialect for {scheme}://")
    install = f"pip install 'metricspec[warehouse]' '{package}'" if scheme in DIALECT_PACKAGES else \
        "pip install 'metricspec[warehouse]' and that dialect's package"
    return f"{scheme}:// needs metricspec[warehouse] and {package}: {install}"


def _driver_url(url: str) -> str:
    """A bare `postgresql://` names psycopg2 in SQLAlchemy; psycopg 3 (what the docs install)
    is used when psycopg2 is absent, so the plain URL works with either."""
    if re.match(r"^postgres(ql)?://", url, re.IGNORECASE):
        import importlib.util

        if importlib.util.find_spec("psycopg2") is None and importlib.util.find_spec("psycopg") is not None:
            return "postgresql+psycopg://" + url.split("://", 1)[1]
    if re.match(r"^postgres://", url, re.IGNORECASE):  # SQLAlchemy 2 knows only `postgresql`
        return "postgresql://" + url.split("://", 1)[1]
    return url


def session_statements(backend: str, timeout: float) -> list:
    """What makes the transaction read-only and bounds each query, per SQLAlchemy backend name."""
    seconds = max(1, int(round(timeout)))
    if backend == "postgresql":
        # LOCAL: both end with the transaction, which is rolled back.
        return ["SET TRANSACTION READ ONLY", f"SET LOCAL statement_timeout = {int(timeout * 1000)}"]
    if backend == "snowflake":
        return [f"ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = {seconds}"]
    if backend == "trino":
        return [f"SET SESSION query_max_execution_time = '{seconds}s'"]
    return []  # DuckDB: the file is opened read-only; BigQuery and the rest: the credentials'


def _first_line(exc: BaseException) -> str:
    """The database's own message, on one line (drivers add context lines and hints)."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip() or type(orig).__name__
    return text.splitlines()[0].strip()


def connect_reason(exc: BaseException) -> str:
    text = _first_line(exc)
    if "connection refused" in str(getattr(exc, "orig", None) or exc).lower():
        return "connection refused"
    # psycopg: 'connection failed: connection to server at "127.0.0.1", port 1 failed: <why>'
    return text.rsplit(" failed: ", 1)[-1] if " failed: " in text else text


class WarehouseSource(Source):
    """One warehouse connection, in one read-only transaction rolled back at `close`."""

    def __init__(self, url: str, label: str, layout: Layout = Layout(), timeout: float = 30):
        super().__init__()
        self.label = label
        self.timeout = timeout
        self.scheme = scheme_of(url)
        self._secret = urls.password_of(url)
        try:
            import sqlalchemy
            from sqlalchemy import exc as sa_exc
        except ImportError:
            raise SourceError(needs_message(url)) from None
        self._sa = sqlalchemy
        try:
            sa_url = sqlalchemy.engine.make_url(_driver_url(url))
        except sa_exc.ArgumentError:
            raise SourceError(f"{label}: not a database URL SQLAlchemy can read") from None
        connect_args: dict = {}
        if sa_url.get_backend_name() == "duckdb":
            connect_args["read_only"] = True  # the file, not only the transaction
        try:
            self.engine = sqlalchemy.create_engine(sa_url, poolclass=sqlalchemy.pool.NullPool,
                                                   connect_args=connect_args)
        except (ImportError, sa_exc.NoSuchModuleError):
            raise SourceError(needs_message(url)) from None
        except (sa_exc.ArgumentError, TypeError, ValueError) as exc:  # options the dialect refuses
            raise SourceError(f"cannot connect to {label}: {self._scrub(_first_line(exc))}") from None
        self.backend = self.engine.dialect.name
        self.builder = Builder(layout, warehouse_dialect(self.backend))
        try:
            self.conn = self.engine.connect()
        except sa_exc.DBAPIError as exc:
            self.engine.dispose()
            raise SourceError(f"cannot connect to {label}: {self._scrub(connect_reason(exc))}") from None
        except Exception as exc:  # a driver's own error type (DuckDB's IOException for a missing file)
            self.engine.dispose()
            raise SourceError(f"cannot connect to {label}: {self._scrub(_first_line(exc))}") from None
        self.transaction = self.conn.begin()
        try:
            for statement in session_statements(self.backend, self.timeout):
                self.conn.exec_driver_sql(statement)
        except sa_exc.DBAPIError as exc:
            self.close()
            raise SourceError(f"{label}: cannot start a read-only transaction: {_first_line(exc)}") from None

    def _scrub(self, text: str) -> str:
        """A driver's message with the password masked, should it quote the connection string."""
        return text.replace(self._secret, "***") if self._secret else text

    def _execute(self, sql: str, binds: Mapping, what: str) -> tuple:
        """`(rows, column names)` of one SELECT, within the timeout."""
        from sqlalchemy import exc as sa_exc

        timer = self._watchdog()
        try:
            result = self.conn.execute(self._sa.text(sql), dict(binds))
            rows = [tuple(r) for r in result.fetchall()]
            names = [str(k).lower() for k in result.keys()]
        except sa_exc.DBAPIError as exc:
            if self._timed_out(exc, timer):
                raise SourceError(self._timeout_message(what)) from None
            raise SourceError(f'{what}: the query failed: "{_first_line(exc)}"') from None
        except sa_exc.SQLAlchemyError as exc:
            raise SourceError(f'{what}: the query failed: "{_first_line(exc)}"') from None
        finally:
            if timer is not None:
                timer.cancel()
        if timer is not None and timer.fired:
            raise SourceError(self._timeout_message(what))
        return rows, names

    def _timeout_message(self, what: str) -> str:
        return f"{what}: the query ran past {self.timeout:g} s (timeout, in [tool.metricspec.actuals])"

    def _watchdog(self) -> Optional["_Timer"]:
        """A timer for the backends without a server-side statement timeout: DuckDB's query is
        interrupted at the deadline; the others' is reported as past it once it returns."""
        if self.backend in ("postgresql", "snowflake", "trino"):
            return None
        raw = self.conn.connection.dbapi_connection
        # duckdb-engine wraps DuckDB's connection; `interrupt()` stops the running query.
        target = getattr(raw, "_ConnectionWrapper__c", None) or raw
        timer = _Timer(self.timeout, getattr(target, "interrupt", None))
        timer.start()
        return timer

    def _timed_out(self, exc: BaseException, timer: Optional["_Timer"]) -> bool:
        if timer is not None and timer.fired:
            return True
        orig = getattr(exc, "orig", None)
        # PostgreSQL's query_canceled (57014) is what statement_timeout raises.
        return getattr(orig, "sqlstate", None) == "57014" or "statement timeout" in str(orig).lower()

    def _fetch(self, sql: str, binds: Mapping, what: str) -> list:
        return self._execute(sql, binds, what)[0]

    def _query_rows(self, request: Request, today) -> list:
        self.queries += 1
        sql, binds = query_sql(request, today, date_cast=self.builder.dialect.date_cast)
        rows, names = self._execute(sql, binds, what=request.metric.id)
        self.rows_read += len(rows)
        return rows_from_query(rows, names, request.metric.id)

    def close(self) -> None:
        """Roll back (nothing was written; this ends the read-only transaction) and disconnect."""
        for step in (getattr(self, "transaction", None) and self.transaction.rollback,
                     getattr(self, "conn", None) and self.conn.close, self.engine.dispose):
            if step:
                try:
                    step()
                except Exception:  # a broken connection is being dropped anyway
                    pass


class _Timer(threading.Timer):
    def __init__(self, seconds: float, interrupt):
        super().__init__(seconds, self._fire)
        self.daemon = True
        self.fired = False
        self._interrupt = interrupt

    def _fire(self) -> None:
        self.fired = True
        if self._interrupt is not None:
            self._interrupt()


def open_url(url: str, layout: Layout = Layout(), timeout: float = 30) -> WarehouseSource:
    """The warehouse at `url` (credentials expanded), labelled with its password masked."""
    return WarehouseSource(url, urls.mask(url), layout, timeout)
