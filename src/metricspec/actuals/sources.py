"""Sources of actuals: one small interface, rows in, pushed-down aggregates out.

`Source.read(requests, today, known)` returns `Readings`: each metric's overall series (and
with `--segment` the chosen segment's), each segment's values at the span's ends, and the
counts A008/A009 report. Nothing above this module knows which database answered:

- `SQLiteSource`: the embedded store (or another SQLite file), opened read-only;
- `CsvSource`: CSV files loaded row by row into an in-memory SQLite database, then read as one;
- `warehouse.WarehouseSource`: any other SQLAlchemy URL, over `Builder(layout, <its dialect>)`
  (read-only transaction, rolled back; statement timeout), imported only when one is opened.

Each source counts the `queries` it runs and the `rows_read` it fetches, so a test can assert
the pushdown: a fixed number of queries per source (plus one per metric with a `query`), rows
read growing with metrics x (segments + days since S), never with the segment rows stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import math
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from metricspec.actuals import store as store_module
from metricspec.actuals.findings import SegmentSpan
from metricspec.actuals.model import MetricInfo, Point
from metricspec.actuals.pushdown import EARLIEST, SQLITE_STORE, SQLITE_TABLE, Builder, Dialect, Layout, StoreBuilder
from metricspec.actuals.rows import check_header, parse_day, parse_value
from metricspec.actuals.status import read_start


class SourceError(Exception):
    """A source that failed while reading: the one line the command prints (exit 2)."""


@dataclass(frozen=True)
class Request:
    """A metric to read, from `start` (None: from its first row) to today."""

    metric: MetricInfo
    start: Optional[dt.date] = None


def request_for(metric: MetricInfo, partners: Iterable[MetricInfo]) -> Request:
    """The read of a metric: from `:start` (ACTUALS.md) when it has a `since` or a `query`; else
    from its first row, since its S is then its first actual."""
    partners = tuple(partners)
    has_since = metric.target is not None and metric.target.since is not None
    return Request(metric, read_start(metric, partners) if has_since or metric.query else None)


@dataclass
class Issues:
    """What A008/A009 report about one source (or one CSV file): counts, and the first line."""

    label: str
    line: Optional[int] = None
    unknown_ids: dict = field(default_factory=dict)  # id -> rows
    unknown_dimensions: dict = field(default_factory=dict)  # (id, dimension) -> rows
    invalid: dict = field(default_factory=dict)  # reason -> rows

    def add(self, table: dict, key, count: int) -> None:
        if count:
            table[key] = table.get(key, 0) + count

    def __bool__(self) -> bool:
        return bool(self.unknown_ids or self.unknown_dimensions or self.invalid)


@dataclass
class Readings:
    series: dict = field(default_factory=dict)  # metric id -> overall series (tuple of Point)
    segment_series: dict = field(default_factory=dict)  # (metric id, segment) -> series
    spans: dict = field(default_factory=dict)  # metric id -> [SegmentSpan]
    issues: list = field(default_factory=list)  # [Issues], one per source or CSV file


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _bind_day(day: Optional[dt.date]) -> str:
    return day.isoformat() if day else EARLIEST


class Source:
    """The reading interface, and the pushdown logic every SQL source shares."""

    label = ""
    timeout: float = 30

    def __init__(self) -> None:
        self.queries = 0
        self.rows_read = 0

    # Implementations provide `_fetch(sql, binds, what)` -> list of tuples, and `builder`.
    builder: Builder

    def _fetch(self, sql: str, binds: Mapping, what: str) -> list:
        raise NotImplementedError

    def _query_rows(self, request: Request, today: dt.date) -> list:
        """A metric's `query`, run as a subquery: its `(at, value, segment)` rows."""
        raise SourceError(f"{request.metric.id}: a query cannot be run against {self.label}")

    def run(self, sql: str, binds: Mapping, what: str) -> list:
        """Run one query, counting it and the rows it returns."""
        self.queries += 1
        rows = self._fetch(sql, binds, what)
        self.rows_read += len(rows)
        return rows

    def close(self) -> None:
        pass

    def read(self, requests: Sequence[Request], today: dt.date, known: Iterable[str] = (),
             segment: Optional[str] = None) -> Readings:
        """Everything status needs from this source for `requests`.

        `known` is every metric id of the workspace (A008's test); `segment` is `--segment`'s
        `DIM=VALUE` or `DIM`, or None for the overall rows only.
        """
        readings = Readings()
        tables = [r for r in requests if not r.metric.query]
        issues = Issues(self.label)
        if tables:
            self._read_tables(tables, today, set(known), segment, readings, issues)
        for request in requests:
            if request.metric.query:
                self._read_query(request, today, segment, readings, issues)
        if issues:
            readings.issues.append(issues)
        return readings

    def _read_tables(self, requests: Sequence[Request], today: dt.date, known: set,
                     segment: Optional[str], readings: Readings, issues: Issues) -> None:
        metrics = {r.metric.id: r for r in requests}
        day = today.isoformat()
        pairs = [(r.metric.id, _bind_day(r.start)) for r in requests]
        rows = self.run(*self.builder.series(pairs, day), what=self.label)
        grouped: dict = defaultdict(list)
        fromiso = dt.date.fromisoformat
        for mid, _, at, value, n in rows:
            if n == 1 and type(at) is str and len(at) == 10 and type(value) is float and value - value == 0:
                try:  # the usual row, read without the general checks
                    grouped[mid].append(Point(fromiso(at), value))
                    continue
                except ValueError:
                    pass
            point = self._point(at, value, issues)
            if point is not None:
                grouped[mid].append(point)
                issues.add(issues.invalid, "repeat", int(n) - 1)
        for mid in metrics:
            readings.series[mid] = tuple(sorted(grouped.get(mid, ()), key=lambda p: p.at))

        spans = []
        for mid, request in metrics.items():
            points = readings.series[mid]
            since = request.metric.target.since if request.metric.target else None
            S = since or (points[0].at if points else today)
            tL = points[-1].at if points else today
            spans.append((mid, _bind_day(request.start), S.isoformat(), tL.isoformat()))
        declared = {mid: r.metric.segments for mid, r in metrics.items()}
        sql, binds = self.builder.span_points(spans, day, declared)
        for mid, seg, n, days, _, start_value, end_at, end_value in self.run(sql, binds, what=self.label):
            seg, n, days = str(seg), int(n or 0), int(days or 0)
            issues.add(issues.invalid, "repeat", n - days)
            dimension, equals, value = seg.partition("=")
            if not equals or not dimension or not value:
                issues.add(issues.invalid, "segment", n)
            elif dimension not in metrics[mid].metric.segments:
                issues.add(issues.unknown_dimensions, (mid, dimension), n)
            else:
                readings.spans.setdefault(mid, []).append(SegmentSpan(
                    seg, self._number(start_value, issues), self._number(end_value, issues), n,
                    None if end_at is None else str(end_at)[:10]))

        uncounted = []
        for mid, count, bad_values, bad_dates in self.run(*self.builder.census(day), what=self.label):
            if mid is None:
                issues.add(issues.invalid, "metric", int(count or 0))
            elif str(mid) not in known:
                if count is None:
                    uncounted.append(str(mid))
                else:
                    issues.add(issues.unknown_ids, str(mid), int(count))
            elif str(mid) in metrics:
                issues.add(issues.invalid, "value", int(bad_values or 0))
                issues.add(issues.invalid, "at", int(bad_dates or 0))
        if uncounted:  # the store lists its ids without counting: count the unknown ones only
            for mid, count in self.run(*self.builder.unknown_counts(uncounted, day), what=self.label):
                issues.add(issues.unknown_ids, str(mid), int(count))

        if segment is not None:
            dim, equals, _ = segment.partition("=")
            wanted = [(r.metric.id, _bind_day(r.start)) for r in requests if dim in r.metric.segments]
            if wanted:
                sql, binds = (self.builder.series(wanted, day, segment=segment) if equals
                              else self.builder.series(wanted, day, dimension=dim))
                found: dict = defaultdict(list)
                for mid, seg, at, value, _ in self.run(sql, binds, what=self.label):
                    point = self._point(at, value, issues)
                    if point is not None and (equals or str(seg).startswith(dim + "=")):  # LIKE ignores case
                        found[(mid, str(seg))].append(point)
                for key, points in found.items():
                    readings.segment_series[key] = tuple(sorted(points, key=lambda p: p.at))

    @staticmethod
    def _number(value, issues: Issues) -> Optional[float]:
        """A value read as a finite float, else None (counted as unusable)."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, decimal.Decimal)) or not math.isfinite(value):
            issues.add(issues.invalid, "value", 1)
            return None
        return float(value)

    def _point(self, at, value, issues: Issues) -> Optional[Point]:
        """A row as a point, or None (counted) when its date or value cannot be used."""
        try:
            day = _day(at)
        except (TypeError, ValueError):
            issues.add(issues.invalid, "at", 1)
            return None
        number = self._number(value, issues)
        if number is None:
            if value is None:
                issues.add(issues.invalid, "value", 1)
            return None
        return Point(day, number)

    def _read_query(self, request: Request, today: dt.date, segment: Optional[str],
                    readings: Readings, issues: Issues) -> None:
        """One query for the metric; its rows are then read as a table of their own."""
        rows = self._query_rows(request, today)
        memory = MemorySource(f"{request.metric.id} query", rows_of=[(request.metric.id, r) for r in rows])
        try:
            part = memory.read([Request(replace(request.metric, query=None), request.start)], today,
                               known={request.metric.id}, segment=segment)
        finally:
            memory.close()
        readings.series.update(part.series)
        readings.segment_series.update(part.segment_series)
        readings.spans.update(part.spans)
        for found in part.issues:
            for key, count in found.invalid.items():
                issues.add(issues.invalid, key, count)
            for key, count in found.unknown_dimensions.items():
                issues.add(issues.unknown_dimensions, key, count)


class SQLiteSource(Source):
    """A SQLite database read through `sqlite3`, read-only: the embedded store, by default."""

    def __init__(self, conn: sqlite3.Connection, label: str, layout: Layout = Layout(),
                 dialect: Dialect = SQLITE_STORE, timeout: float = 30):
        super().__init__()
        self.conn = conn
        self.label = label
        store_layout = dialect == SQLITE_STORE and layout == Layout()
        self.builder = StoreBuilder() if store_layout else Builder(layout, dialect)
        self.timeout = timeout

    @classmethod
    def open(cls, path: Path, label: Optional[str] = None, layout: Layout = Layout(),
             timeout: float = 30) -> "SQLiteSource":
        """The SQLite file at `path`, read-only: the store's schema is checked for its table."""
        label = label or str(path)
        if layout == Layout():
            return cls(store_module.open_read_only(path, label), label, layout, SQLITE_STORE, timeout)
        if not Path(path).is_file():
            raise store_module.StoreError(store_module.missing_message(label))
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
        return cls(conn, label, layout, SQLITE_TABLE, timeout)

    def _fetch(self, sql: str, binds: Mapping, what: str) -> list:
        return self._execute(sql, binds, what)[0]

    def _execute(self, sql: str, binds: Mapping, what: str) -> tuple:
        """`(rows, column names)` of one statement, within the timeout."""
        deadline = time.monotonic() + self.timeout
        # SQLite has no statement timeout: the progress handler interrupts a query past it.
        self.conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            cursor = self.conn.execute(sql, dict(binds))
            return cursor.fetchall(), [d[0].lower() for d in cursor.description or ()]
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise SourceError(f"{what}: the query ran past {self.timeout:g} s "
                                  "(timeout, in [tool.metricspec.actuals])") from None
            raise SourceError(f'{what}: the query failed: "{exc}"') from None
        except sqlite3.Error as exc:
            raise SourceError(f'{what}: the query failed: "{exc}"') from None
        finally:
            self.conn.set_progress_handler(None, 0)

    def _query_rows(self, request: Request, today: dt.date) -> list:
        self.queries += 1
        rows, names = self._execute(*query_sql(request, today), what=request.metric.id)
        self.rows_read += len(rows)
        return rows_from_query(rows, names, request.metric.id)

    def close(self) -> None:
        self.conn.close()


def query_sql(request: Request, today: dt.date, date_cast: bool = False) -> tuple:
    """A metric's `query` wrapped as a subquery, filtered to `:start`..`:end`, and its binds
    (`date_cast`: the binds compared as dates, for warehouses whose `at` is a DATE column)."""
    text = request.metric.query.strip().rstrip(";")
    binds = {"start": _bind_day(request.start), "end": today.isoformat()}
    start, end = ("CAST(:start AS DATE)", "CAST(:end AS DATE)") if date_cast else (":start", ":end")
    # The query on lines of its own: a trailing `-- comment` must not swallow the wrapper.
    return f"SELECT * FROM (\n{text}\n) AS q WHERE q.at >= {start} AND q.at <= {end}", binds


def rows_from_query(rows: Sequence[tuple], names: Sequence[str], metric: str) -> list:
    """`(at, value, segment)` rows from a query's result (its `segment` column is optional)."""
    if "at" not in names or "value" not in names:
        raise SourceError(f"{metric}: the query must return columns at and value (it returns "
                          f"{', '.join(names) or 'none'})")
    at, value = names.index("at"), names.index("value")
    seg = names.index("segment") if "segment" in names else None
    return [(row[at], row[value], "" if seg is None or row[seg] is None else row[seg]) for row in rows]


class MemorySource(SQLiteSource):
    """Rows held in an in-memory SQLite database (loaded from CSV files or a query's result).

    Values are loaded as read (text or number) so the pushdown recognises unusable ones as it
    does in any table; repeats stay, to be averaged and counted.
    """

    def __init__(self, label: str, rows_of: Iterable[tuple] = (), timeout: float = 30):
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE actuals (metric TEXT, at TEXT, value REAL, segment TEXT)")
        super().__init__(conn, label, Layout(), SQLITE_TABLE, timeout)
        conn.executemany(
            "INSERT INTO actuals (metric, at, value, segment) VALUES (?, ?, ?, ?)",
            ((m, _date_text(at), v, s if s is not None else "") for m, (at, v, s) in rows_of),
        )
        conn.execute("CREATE INDEX actuals_key ON actuals (metric, segment, at)")


def _date_text(value) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return _day(value).isoformat()
    return value


class CsvSource(MemorySource):
    """CSV files (header `metric,at,value[,segment]`, any order) read as one source.

    A row that cannot be used is left out here and counted against its file (A009 points at
    its first such line); unknown ids and dimensions point at the first line naming them. The
    rest is loaded and read as the store is.
    """

    def __init__(self, paths: Sequence[Path], label: Optional[str] = None, timeout: float = 30):
        self.file_issues: list = []
        self.first_seen: dict = {}  # id or (id, dimension) -> (file, line)
        rows: list = []
        for path in paths:
            rows.extend(self._read_file(Path(path)))
        super().__init__(label or ", ".join(str(p) for p in paths), rows, timeout)

    def _read_file(self, path: Path) -> Iterable[tuple]:
        issues = Issues(str(path))
        rows = []
        try:
            handle = open(path, encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
        with handle:
            reader = csv.reader(handle)
            try:
                header = next(reader, None)
                why = check_header(header or [])
                if header is None or why:
                    raise SourceError(f"{path}:1: {why or 'the file is empty'}")
                index = {name.strip(): i for i, name in enumerate(header)}
                line = reader.line_num + 1
                for record in reader:
                    reason = _unusable(record, index, len(header))
                    if reason:
                        issues.add(issues.invalid, reason, 1)
                        issues.line = issues.line or line
                    elif record:
                        mid = record[index["metric"]].strip()
                        seg = record[index["segment"]].strip() if "segment" in index else ""
                        self.first_seen.setdefault(mid, (str(path), line))
                        if seg:
                            self.first_seen.setdefault((mid, seg.partition("=")[0]), (str(path), line))
                        rows.append((mid, (record[index["at"]].strip(),
                                           parse_value(record[index["value"]].strip()), seg)))
                    line = reader.line_num + 1
            except csv.Error as exc:
                raise SourceError(f"{path}:{reader.line_num}: {exc}") from None
        if issues:
            self.file_issues.append(issues)
        return rows

    def read(self, requests: Sequence[Request], today: dt.date, known: Iterable[str] = (),
             segment: Optional[str] = None) -> Readings:
        for request in requests:
            if request.metric.query:
                raise SourceError(f"{request.metric.id}: a query cannot be run against CSV files "
                                  f"({self.label})")
        readings = super().read(requests, today, known, segment)
        issues = list(self.file_issues)
        for found in readings.issues:
            for key, count in found.unknown_ids.items():
                file, line = self.first_seen[key]
                issues.append(Issues(file, line, unknown_ids={key: count}))
            for key, count in found.unknown_dimensions.items():
                file, line = self.first_seen[key]
                issues.append(Issues(file, line, unknown_dimensions={key: count}))
            rest = {k: v for k, v in found.invalid.items()}
            if rest:
                issues.append(Issues(found.label, invalid=rest))
        readings.issues = issues
        return readings


def _unusable(record: list, index: Mapping[str, int], width: int) -> Optional[str]:
    """Why a CSV row cannot be read (`row`, `at`, `value`), or None (a blank line is skipped)."""
    if not record:
        return None
    if len(record) != width:
        return "row"
    try:
        parse_day(record[index["at"]].strip())
    except ValueError:
        return "at"
    try:
        parse_value(record[index["value"]].strip())
    except ValueError:
        return "value"
    return None
