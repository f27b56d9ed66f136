"""The embedded store: a SQLite file holding actuals, made by the first `import` or `add`.

Reading opens it read-only (`mode=ro`): no reading command can write it. Writing (`import`,
`add`) waits up to `lock-timeout` seconds for SQLite's write lock, checks that no row is stored
already (unless `replace`), and stores every row in one transaction, or none. A file of another
schema is refused, naming what differs. Errors are `StoreError`s whose text is the message the
command prints (exit 2); refused rows are `RowsRefused` (exit 1).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import quote

from metricspec.actuals.model import OVERALL, Row

SCHEMA_VERSION = "1"
CREATE_ACTUALS = (
    "CREATE TABLE actuals (metric TEXT NOT NULL, at TEXT NOT NULL, value REAL NOT NULL, "
    "segment TEXT NOT NULL DEFAULT '', PRIMARY KEY (metric, segment, at)) WITHOUT ROWID"
)
CREATE_META = "CREATE TABLE metricspec_meta (key TEXT PRIMARY KEY, value TEXT)"
# (name, declared type, not null, default, position in the primary key) per column.
COLUMNS = (
    ("metric", "TEXT", 1, None, 1),
    ("at", "TEXT", 1, None, 3),
    ("value", "REAL", 1, None, 0),
    ("segment", "TEXT", 1, "''", 2),
)


class StoreError(Exception):
    """The store cannot be used: the message is the one line the command prints (exit 2)."""


class RowsRefused(Exception):
    """Rows the store refuses (already stored without `replace`): nothing was stored (exit 1)."""

    def __init__(self, errors: Sequence[str]):
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class Located:
    """A row to store and where it was read (`FILE:LINE` is `where`; empty for `add`)."""

    row: Row
    where: str = ""


def missing_message(display: str) -> str:
    return (f"no actuals store at {display}: run \"metricspec actuals import FILE.csv\", "
            "or set [tool.metricspec.actuals] source")


def open_read_only(path: Path, display: Optional[str] = None) -> sqlite3.Connection:
    """The store opened read-only; a missing file or another schema is a `StoreError`."""
    display = display or str(path)
    if not Path(path).is_file():
        raise StoreError(missing_message(display))
    uri = "file:" + quote(str(Path(path).resolve())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        check_schema(conn, display)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{display} cannot be read as an actuals store: {exc}") from None
    return conn


def check_schema(conn: sqlite3.Connection, display: str) -> None:
    """Refuse a database whose tables are not the store's, naming the first difference."""
    tables = {name: sql for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'")}
    for name in ("actuals", "metricspec_meta"):
        if name not in tables:
            raise StoreError(f"{display} is not a metricspec actuals store: it has no table {name}")
    found = tuple(
        (name, (kind or "").upper(), notnull, default, pk)
        for _, name, kind, notnull, default, pk in conn.execute("PRAGMA table_info(actuals)")
    )
    expected = tuple((n, t, nn, d, pk) for n, t, nn, d, pk in COLUMNS)
    if found != expected:
        raise StoreError(f"{display} is not a metricspec actuals store: table actuals has "
                         f"{_describe(found)}, expected {_describe(expected)}")
    if "WITHOUT ROWID" not in " ".join(tables["actuals"].upper().split()):
        raise StoreError(f"{display} is not a metricspec actuals store: table actuals is not WITHOUT ROWID")
    row = conn.execute("SELECT value FROM metricspec_meta WHERE key = 'schema_version'").fetchone()
    version = None if row is None else str(row[0])
    if version != SCHEMA_VERSION:
        shown = "missing" if version is None else f"{version!r}"
        raise StoreError(f"{display} has schema_version {shown}; this metricspec reads schema_version "
                         f"{SCHEMA_VERSION}")


def _describe(columns: Iterable[tuple]) -> str:
    parts = []
    for name, kind, notnull, default, pk in columns:
        text = f"{name} {kind}".strip() + (" NOT NULL" if notnull else "")
        text += f" DEFAULT {default}" if default is not None else ""
        parts.append(text + (f" (key {pk})" if pk else ""))
    return "(" + ", ".join(parts) + ")"


def _open_for_writing(path: Path, display: str, lock_timeout: float) -> sqlite3.Connection:
    """Connect and take the write lock (`BEGIN IMMEDIATE`), creating the store if it is missing."""
    try:
        conn = sqlite3.connect(str(path), timeout=lock_timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {display}: {exc}") from None
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(f"{display} is locked by another process (waited {lock_timeout:g} s)") from None
        raise StoreError(f"cannot write {display}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{display} cannot be read as an actuals store: {exc}") from None
    try:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            conn.execute(CREATE_ACTUALS)
            conn.execute(CREATE_META)
            conn.execute("INSERT INTO metricspec_meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        else:
            check_schema(conn, display)
    except BaseException:
        conn.execute("ROLLBACK")
        conn.close()
        raise
    return conn


def write(path: Path, rows: Sequence[Located], replace: bool = False, lock_timeout: float = 5,
          display: Optional[str] = None) -> int:
    """Store `rows` in one transaction, or none of them; the number stored.

    Rows already stored are refused (`RowsRefused`, one `WHERE: ... is already stored (VALUE);
    --replace overwrites it` each) unless `replace`, which overwrites them.
    """
    display = display or str(path)
    conn = _open_for_writing(Path(path), display, lock_timeout)
    try:
        if not replace:
            errors = already_stored(conn, rows)
            if errors:
                raise RowsRefused(errors)
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        conn.executemany(
            f"{verb} INTO actuals (metric, at, value, segment) VALUES (?, ?, ?, ?)",
            ((r.row.metric, r.row.at.isoformat(), r.row.value, r.row.segment) for r in rows),
        )
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        conn.execute("ROLLBACK")
        raise StoreError(f"cannot write {display}: {exc}") from None
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
    return len(rows)


def already_stored(conn: sqlite3.Connection, rows: Sequence[Located]) -> list:
    """`WHERE: METRIC AT (SEGMENT) is already stored (VALUE); ...` for each row stored before
    (a primary-key lookup per row, inside the write transaction)."""
    errors = []
    for r in rows:
        found = conn.execute(
            "SELECT value FROM actuals WHERE metric = ? AND segment = ? AND at = ?",
            (r.row.metric, r.row.segment, r.row.at.isoformat()),
        ).fetchone()
        if found is not None:
            prefix = f"{r.where}: " if r.where else ""
            errors.append(f"{prefix}{describe(r.row)} is already stored ({_shown(found[0])}); "
                          "--replace overwrites it")
    return errors


def describe(row: Row) -> str:
    """`weekly-report-builders 2026-11-30 (overall)`: a row's key as messages name it."""
    return f"{row.metric} {row.at.isoformat()} ({row.segment or 'overall'})"


def _shown(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# -- listing (`actuals list`) --------------------------------------------------------------


@dataclass(frozen=True)
class MetricSummary:
    metric: str
    rows: int
    segments: int
    first_at: str
    latest_at: str
    latest_value: Optional[float]


def summaries(conn: sqlite3.Connection, today: str) -> list:
    """One line per metric: rows, segments, first and latest date, latest overall value."""
    rows = conn.execute(
        """
        SELECT metric, COUNT(*), COUNT(DISTINCT NULLIF(segment, '')), MIN(at), MAX(at),
               (SELECT value FROM actuals o WHERE o.metric = a.metric AND o.segment = ''
                AND o.at <= ? ORDER BY o.at DESC LIMIT 1)
        FROM actuals a WHERE at <= ? GROUP BY metric ORDER BY metric
        """,
        (today, today),
    ).fetchall()
    return [MetricSummary(*row) for row in rows]


def metric_rows(conn: sqlite3.Connection, metric: str, today: str, segment: Optional[str] = None,
                since: Optional[str] = None, until: Optional[str] = None) -> list:
    """A metric's rows by segment and date (overall first), as `Row`s."""
    sql = "SELECT metric, at, value, segment FROM actuals WHERE metric = ? AND at <= ?"
    args: list = [metric, min(today, until) if until else today]
    if segment is not None:
        sql += " AND segment = ?"
        args.append(segment if segment != "overall" else OVERALL)
    if since:
        sql += " AND at >= ?"
        args.append(since)
    sql += " ORDER BY segment, at"
    return [Row(m, dt.date.fromisoformat(at), value, seg) for m, at, value, seg in conn.execute(sql, args)]


def exists(path: Path) -> bool:
    return os.path.isfile(path)
