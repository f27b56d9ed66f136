"""The SQL each source runs: the filters and per-series points, pushed down to the database.

Per source, whatever the number of metrics or rows, status runs:

1. `series`: each requested metric's overall rows from its read start (`:start`) to today,
   repeats averaged, plus the latest row before the start (`ROW_NUMBER()`): what the forecast,
   A005, A006, the chart and every S/B/L point are computed from, in Python;
2. `span_points`: for each (metric, segment) of segment rows, the values at the span's ends
   (the last on or before S, else the first after; the last on or before tL) and its row count,
   aggregated in the database: a row per segment, however many rows each segment holds;
3. `census`: per metric id in the table, its row count and unusable rows (A008, A009);

plus, with `--segment`, `series` once more over the chosen segment's rows. The SQL is plain
(CTEs, `VALUES`, `GROUP BY`, `ROW_NUMBER()`), which SQLite, DuckDB, PostgreSQL and the other
warehouses all run; a `Dialect` says only how dates are bound and how an unusable value is
recognised. Every bind is named (`:name`): sqlite3 and SQLAlchemy's `text()` both take them.
"""

from __future__ import annotations

import difflib

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Optional

_IDENTIFIER = re.compile(r'^(?:[A-Za-z_][A-Za-z0-9_$]*|"[^"]+")(?:\.(?:[A-Za-z_][A-Za-z0-9_$]*|"[^"]+"))*$')
EARLIEST = "0001-01-01"


class LayoutError(ValueError):
    """A table or column name that is not an identifier (the message names it)."""


@dataclass(frozen=True)
class Dialect:
    """How one database family differs, as far as these queries go."""

    name: str
    date_cast: bool  # bind dates as CAST(:x AS DATE) (typed warehouses) or as text (SQLite)
    valid_value: str  # SQL true for a usable value, `{v}` the column
    valid_at: str  # SQL true for a usable date, `{a}` the column
    segment_not_null: bool = False  # the store: overall rows are '' (and the index stays usable)
    # `req(...) AS (VALUES ...)`; BigQuery and Snowflake take VALUES only in a FROM clause, so
    # they get `SELECT ... UNION ALL SELECT ...` (SQLite keeps VALUES: it caps UNIONs at 500).
    values_list: bool = True
    # BigQuery's LIKE has no ESCAPE clause (a backslash escapes there already).
    like_escape: bool = True


SQLITE_STORE = Dialect(
    "sqlite",
    date_cast=False,
    # A REAL column of SQLite keeps text it cannot convert; inf - inf is NaN, which SQLite reads as NULL.
    valid_value="(typeof({v}) IN ('integer', 'real') AND {v} - {v} = 0)",
    valid_at="(date({a}) = {a})",
    segment_not_null=True,
)
SQLITE_TABLE = Dialect("sqlite", False, SQLITE_STORE.valid_value, SQLITE_STORE.valid_at)
GENERIC = Dialect("generic", True, "({v} IS NOT NULL AND {v} - {v} = 0)", "({a} IS NOT NULL)")
# The warehouses: the generic SQL, but for the two constructs not every one of them has.
WAREHOUSE_DIALECTS = {
    "bigquery": Dialect("bigquery", True, GENERIC.valid_value, GENERIC.valid_at, values_list=False, like_escape=False),
    "snowflake": Dialect("snowflake", True, GENERIC.valid_value, GENERIC.valid_at, values_list=False),
}


def warehouse_dialect(name: str) -> Dialect:
    """The dialect a SQLAlchemy backend (`postgresql`, `duckdb`, `bigquery`...) is sent SQL in."""
    return WAREHOUSE_DIALECTS.get(name, Dialect(name, True, GENERIC.valid_value, GENERIC.valid_at))


@dataclass(frozen=True)
class Layout:
    """Where actuals sit: a table (or `(<query>) AS q`) and its four columns (`segment` may be None)."""

    table: str = "actuals"
    metric: str = "metric"
    at: str = "at"
    value: str = "value"
    segment: Optional[str] = "segment"
    subquery: bool = False  # `table` is SQL text, run as given

    @classmethod
    def from_config(cls, table: str = "actuals", columns: Optional[Mapping[str, Optional[str]]] = None) -> "Layout":
        columns = dict(columns or {})
        for key in columns:
            if key not in ("metric", "at", "value", "segment"):
                close = difflib.get_close_matches(key, ("metric", "at", "value", "segment"), n=1, cutoff=0.6)
                hint = f'; did you mean "{close[0]}"?' if close else " (they are metric, at, value and segment)"
                raise LayoutError(f'columns: no column "{key}"{hint}')
        names = {key: columns.get(key, key) for key in ("metric", "at", "value", "segment")}
        for what, name in [("table", table), *names.items()]:
            if name is not None and not _IDENTIFIER.match(name):
                raise LayoutError(f'{what} "{name}" is not a table or column name')
        return cls(table, names["metric"], names["at"], names["value"], names["segment"])


class Builder:
    """Builds the three queries for one layout and dialect, with their binds."""

    def __init__(self, layout: Layout, dialect: Dialect):
        self.layout = layout
        self.dialect = dialect

    # -- pieces --

    def _date(self, name: str) -> str:
        return f"CAST(:{name} AS DATE)" if self.dialect.date_cast else f":{name}"

    def _source(self) -> str:
        """The rows as `metric, at, value, segment`, whatever the table calls them."""
        lay = self.layout
        segment = lay.segment or "NULL"
        if lay.subquery:
            return lay.table
        if (lay.metric, lay.at, lay.value, lay.segment) == ("metric", "at", "value", "segment"):
            return lay.table
        return (f"(SELECT {lay.metric} AS metric, {lay.at} AS at, {lay.value} AS value, "
                f"{segment} AS segment FROM {lay.table})")

    def _overall(self, col: str) -> str:
        if self.dialect.segment_not_null:
            return f"{col} = ''"
        return f"({col} IS NULL OR {col} = '')"

    def _valid(self, alias: str) -> str:
        return (self.dialect.valid_value.format(v=f"{alias}.value") + " AND "
                + self.dialect.valid_at.format(a=f"{alias}.at"))

    def _values(self, rows: Sequence[tuple], columns: Sequence[str], dates: Sequence[bool], binds: dict) -> str:
        """`req(columns) AS (VALUES (...), ...)` with a bind per cell."""
        tuples = []
        for i, row in enumerate(rows):
            cells = []
            for j, (cell, is_date) in enumerate(zip(row, dates)):
                name = f"r{i}_{j}"
                binds[name] = cell
                cells.append(self._date(name) if is_date else f":{name}")
            tuples.append(cells)
        if not self.dialect.values_list:
            selects = " UNION ALL ".join(
                "SELECT " + ", ".join(f"{cell} AS {col}" for cell, col in zip(cells, columns)) for cells in tuples)
            return f"req AS ({selects})"
        return f"req({', '.join(columns)}) AS (VALUES {', '.join('(' + ', '.join(c) + ')' for c in tuples)})"

    # -- the queries --

    def series(self, requests: Sequence[tuple], today: str, segment: Optional[str] = None,
               dimension: Optional[str] = None) -> tuple:
        """`(sql, binds)`: rows `(metric, segment, at, value, rows)` per requested `(metric, start)`.

        Overall rows by default; `segment` (`plan_tier=enterprise`) or `dimension` (`plan_tier`)
        reads that segment's, or that dimension's, rows instead. Each series keeps its rows on
        or after the start and its latest row before it.
        """
        binds: dict = {"today": today}
        req = self._values([(m, s or EARLIEST) for m, s in requests], ("metric", "from_day"), (False, True), binds)
        if segment is not None:
            binds["segment"] = segment
            which = "t.segment = :segment"
        elif dimension is not None:
            binds["prefix"] = dimension.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "=%"
            which = "t.segment LIKE :prefix" + (" ESCAPE '\\'" if self.dialect.like_escape else "")
        else:
            which = self._overall("t.segment")
        seg = "t.segment" if (segment or dimension) else "''"
        group = "t.segment, " if (segment or dimension) else ""  # PostgreSQL refuses a constant in GROUP BY
        sql = f"""WITH {req},
g AS (
  SELECT t.metric AS metric, {seg} AS segment, t.at AS at, AVG(t.value) AS value, COUNT(*) AS n
  FROM {self._source()} t JOIN req r ON t.metric = r.metric
  WHERE {which} AND t.at <= {self._date('today')} AND {self._valid('t')}
  GROUP BY t.metric, {group}t.at
),
w AS (
  SELECT g.metric, g.segment, g.at, g.value, g.n, r.from_day,
         ROW_NUMBER() OVER (PARTITION BY g.metric, g.segment, CASE WHEN g.at < r.from_day THEN 0 ELSE 1 END
                            ORDER BY g.at DESC) AS recency
  FROM g JOIN req r ON g.metric = r.metric
)
SELECT w.metric, w.segment, w.at, w.value, w.n FROM w
WHERE w.at >= w.from_day OR w.recency = 1
ORDER BY w.metric, w.segment, w.at"""
        # `at` always qualified: DuckDB reserves it (time travel) but for `t.at`.
        return sql, binds

    def span_points(self, requests: Sequence[tuple], today: str, declared: Optional[Mapping] = None) -> tuple:
        """`(sql, binds)`: per requested `(metric, start, S, tL)`, one row per segment:
        `(metric, segment, rows, dates, start_at, start_value, end_at, end_value)`."""
        binds: dict = {"today": today}
        req = self._values(requests, ("metric", "from_day", "s", "tl"), (False, True, True, True), binds)
        src = self._source()
        not_overall = f"NOT {self._overall('t.segment')}"
        point = (f"(SELECT AVG(x.value) FROM {src} x WHERE x.metric = b.metric AND x.segment = b.segment "
                 f"AND x.at = {{col}} AND {self._valid('x')})")
        sql = f"""WITH {req},
b AS (
  SELECT t.metric AS metric, t.segment AS segment, COUNT(*) AS n, COUNT(DISTINCT t.at) AS days,
         MAX(CASE WHEN t.at <= r.s THEN t.at END) AS before_s,
         MIN(CASE WHEN t.at > r.s THEN t.at END) AS after_s,
         MAX(CASE WHEN t.at <= r.tl THEN t.at END) AS end_at
  FROM {src} t JOIN req r ON t.metric = r.metric
  WHERE {not_overall} AND t.at >= r.from_day AND t.at <= {self._date('today')} AND {self._valid('t')}
  GROUP BY t.metric, t.segment
)
SELECT b.metric, b.segment, b.n, b.days,
       COALESCE(b.before_s, b.after_s) AS start_at,
       {point.format(col='COALESCE(b.before_s, b.after_s)')} AS start_value,
       b.end_at, {point.format(col='b.end_at')} AS end_value
FROM b ORDER BY b.metric, b.segment"""
        return sql, binds

    def census(self, today: str) -> tuple:
        """`(sql, binds)`: per metric id of the table, `(metric, rows, bad values, bad dates)`
        among its rows dated on or before today (a date that cannot be read counts as bad)."""
        value_ok = self.dialect.valid_value.format(v="t.value")
        at_ok = self.dialect.valid_at.format(a="t.at")
        sql = f"""SELECT t.metric, COUNT(*),
       SUM(CASE WHEN {value_ok} THEN 0 ELSE 1 END),
       SUM(CASE WHEN {at_ok} THEN 0 ELSE 1 END)
FROM {self._source()} t
WHERE t.at <= {self._date('today')} OR (CASE WHEN {at_ok} THEN 0 ELSE 1 END) = 1
GROUP BY t.metric ORDER BY t.metric"""
        return sql, {"today": today}



class StoreBuilder(Builder):
    """The same three reads, shaped for the embedded store: its primary key (metric, segment,
    at) is an index, so every point is a seek and no segment row is visited twice or at all.

    A scan of every row (the generic `Builder`'s aggregates) suits a columnar warehouse; in a
    SQLite file of millions of segment rows it would cost seconds. Here the distinct segments
    (and ids) are found by a loose index scan (`WITH RECURSIVE`, a seek per value), each
    span end is a `MAX`/`MIN` seek, and rows are counted only for undeclared dimensions and
    unknown ids. The store cannot hold repeats (its key), and values are checked as they are
    read (`sources`), so unusable rows are counted among the rows read.
    """

    def __init__(self) -> None:
        super().__init__(Layout(), SQLITE_STORE)

    def series(self, requests, today, segment=None, dimension=None):
        binds: dict = {"today": today}
        req = self._values([(m, s or EARLIEST) for m, s in requests], ("metric", "start"), (False, False), binds)
        if segment is not None:
            binds["segment"] = segment
            which, seg = "a.segment = :segment", "a.segment"
        elif dimension is not None:
            binds["low"], binds["high"] = dimension + "=", dimension + ">"  # '>' follows '=' in BINARY order
            which, seg = "a.segment >= :low AND a.segment < :high", "a.segment"
        else:
            which, seg = "a.segment = ''", "''"
        sql = f"""WITH {req}
SELECT r.metric, {seg}, a.at, a.value, 1 FROM req r JOIN actuals a
  ON a.metric = r.metric AND {which} AND a.at >= r.start AND a.at <= :today"""
        if segment is None and dimension is None:
            sql += """
UNION ALL
SELECT r.metric, '', a.at, a.value, 1 FROM req r JOIN actuals a
  ON a.metric = r.metric AND a.segment = '' AND a.at = (
    SELECT MAX(b.at) FROM actuals b WHERE b.metric = r.metric AND b.segment = '' AND b.at < r.start)"""
        return sql, binds

    def span_points(self, requests, today, declared=None):
        """As `Builder.span_points`; `declared` maps each metric to its dimensions, so rows are
        counted only for the others (A008's count). Rows `n` and `days` are 0 for declared ones."""
        declared = declared or {}
        binds: dict = {"today": today}
        rows = [(m, start, s, tl, "," + ",".join(declared.get(m, ())) + ",") for m, start, s, tl in requests]
        req = self._values(rows, ("metric", "start", "s", "tl", "dims"), (False,) * 5, binds)
        seek = "SELECT {fn}(x.at) FROM actuals x WHERE x.metric = g.metric AND x.segment = g.segment AND {cond}"
        value = "(SELECT v.value FROM actuals v WHERE v.metric = p.metric AND v.segment = p.segment AND v.at = p.{col})"
        sql = f"""WITH RECURSIVE {req},
g(metric, segment) AS (
  SELECT r.metric, (SELECT MIN(a.segment) FROM actuals a WHERE a.metric = r.metric AND a.segment > '') FROM req r
  UNION ALL
  SELECT g.metric, (SELECT MIN(a.segment) FROM actuals a WHERE a.metric = g.metric AND a.segment > g.segment)
  FROM g WHERE g.segment IS NOT NULL
),
p AS (
  SELECT g.metric, g.segment,
    CASE WHEN instr(r.dims, ',' || substr(g.segment, 1, max(instr(g.segment, '=') - 1, 0)) || ',') = 0
              OR instr(g.segment, '=') < 2
         THEN (SELECT COUNT(*) FROM actuals x WHERE x.metric = g.metric AND x.segment = g.segment
               AND x.at >= r.start AND x.at <= :today) ELSE 0 END AS n,
    COALESCE(({seek.format(fn='MAX', cond='x.at <= r.s AND x.at >= r.start')}),
             ({seek.format(fn='MIN', cond='x.at > r.s AND x.at <= :today')})) AS start_at,
    ({seek.format(fn='MAX', cond='x.at <= r.tl AND x.at >= r.start')}) AS end_at
  FROM g JOIN req r ON r.metric = g.metric WHERE g.segment IS NOT NULL
)
SELECT p.metric, p.segment, p.n, p.n, p.start_at, {value.format(col='start_at')}, p.end_at, {value.format(col='end_at')}
FROM p"""
        return sql, binds

    def census(self, today):
        """Every distinct metric id of the store (a seek each); rows are counted by `unknown_counts`."""
        sql = """WITH RECURSIVE ids(metric) AS (
  SELECT MIN(metric) FROM actuals
  UNION ALL
  SELECT (SELECT MIN(a.metric) FROM actuals a WHERE a.metric > ids.metric) FROM ids WHERE ids.metric IS NOT NULL
)
SELECT metric, NULL, 0, 0 FROM ids WHERE metric IS NOT NULL"""
        return sql, {}

    def unknown_counts(self, ids, today):
        binds: dict = {"today": today}
        req = self._values([(i,) for i in ids], ("metric",), (False,), binds)
        return (f"WITH {req}\nSELECT r.metric, (SELECT COUNT(*) FROM actuals a WHERE a.metric = r.metric "
                "AND a.at <= :today) FROM req r"), binds
