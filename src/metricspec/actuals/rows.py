"""Reading and checking rows for `actuals import` and `actuals add`.

CSV files are read row by row (a file of any length, each row capped in size), the header
first. Every row is checked as ACTUALS.md's "Commands" says; each bad row becomes one
`FILE:LINE: why` error and, since one bad row stores nothing, the caller stores rows only when
there are no errors at all. A `RowChecker` is shared by every file of one import, so a row
repeated in another file is found too.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Optional

from metricspec.actuals.model import OVERALL, Row
from metricspec.actuals.store import Located, describe

COLUMNS = ("metric", "at", "value", "segment")
REQUIRED = ("metric", "at", "value")
# A row longer than this is refused without being read whole: a file with no line breaks (or a
# quote never closed) must not be loaded into memory as one row.
MAX_ROW_CHARS = 64 * 1024

_PLAIN_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_NON_FINITE = re.compile(r"^[+-]?(?:nan|inf|infinity)$", re.IGNORECASE)
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass
class RowChecker:
    """The checks of one `import` or `add`: which ids and dimensions exist, and today.

    `metrics` maps each metric id of the workspace to the segment dimensions it declares.
    """

    metrics: Mapping[str, tuple]
    today: dt.date
    allow_unknown: bool = False
    seen: dict = field(default_factory=dict)  # (metric, at, segment) -> where it was first read

    def check(self, metric: str, at: str, value: str, segment: str, where: str = "") -> tuple:
        """`(Row, None)` for a good row, `(None, why)` for a bad one."""
        metric, at, value, segment = metric.strip(), at.strip(), value.strip(), (segment or "").strip()
        why = self._metric(metric)
        if why:
            return None, why
        try:
            day = parse_day(at)
        except ValueError as exc:
            return None, str(exc)
        if day > self.today:
            return None, f"at {day.isoformat()} is after today ({self.today.isoformat()})"
        try:
            number = parse_value(value)
        except ValueError as exc:
            return None, str(exc)
        why = self._segment(metric, segment)
        if why:
            return None, why
        row = Row(metric, day, number, segment)
        key = (metric, day, segment)
        if key in self.seen:
            return None, f"{describe(row)} repeats {_relative_to(self.seen[key], where)}"
        self.seen[key] = where
        return row, None

    def _metric(self, metric: str) -> Optional[str]:
        if not metric:
            return "metric is empty"
        if metric in self.metrics or self.allow_unknown:
            return None
        close = difflib.get_close_matches(metric, list(self.metrics), n=1, cutoff=0.6)
        if close:
            return f'no metric "{metric}"; did you mean "{close[0]}"?'
        return f'no metric "{metric}" in the workspace (--allow-unknown stores it anyway)'

    def _segment(self, metric: str, segment: str) -> Optional[str]:
        if segment == OVERALL:
            return None
        dimension, equals, value = segment.partition("=")
        if not equals or not dimension.strip() or not value.strip():
            return f'segment "{segment}" is not dimension=value'
        if metric not in self.metrics:
            return None  # an unknown metric (allowed) declares nothing to check against
        declared = tuple(self.metrics[metric])
        if dimension in declared:
            return None
        if not declared:
            return f'segment "{segment}": "{metric}" declares no segments'
        close = difflib.get_close_matches(dimension, declared, n=1, cutoff=0.6)
        hint = f'; did you mean "{close[0]}"?' if close else f" (it declares {', '.join(declared)})"
        return f'segment "{segment}": "{metric}" declares no dimension "{dimension}"{hint}'


def _relative_to(first: str, where: str) -> str:
    """`line 12` when the first reading is in the same file, else `q2.csv:12`."""
    file, _, line = first.rpartition(":")
    here, _, _ = where.rpartition(":")
    return f"line {line}" if file == here and file else (first or "an earlier row")


def parse_day(text: str) -> dt.date:
    """A real day written `YYYY-MM-DD`, else ValueError with the row's message."""
    if _DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f'at "{text}" is not a date (YYYY-MM-DD)')


def parse_value(text: str) -> float:
    """A finite number written plainly (`12`, `-3.5`, `1e6`), else ValueError with the message."""
    if _PLAIN_NUMBER.match(text):
        number = float(text)
        if math.isfinite(number):
            return number
        raise ValueError(f'value "{text}" is not a finite number')
    if _NON_FINITE.match(text):
        raise ValueError(f'value "{text}" is not a finite number')
    raise ValueError(f'value "{text}" is not a number')


def check_header(header: list) -> Optional[str]:
    """Why a CSV header is not `metric,at,value[,segment]` in any order, or None."""
    names = [name.strip() for name in header]
    for name in names:
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1, cutoff=0.6)
            hint = f'; did you mean "{close[0]}"?' if close else f" (the columns are {', '.join(COLUMNS)})"
            return f'unknown column "{name}"{hint}'
    for name in names:
        if names.count(name) > 1:
            return f'column "{name}" appears twice'
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        return f'no column "{missing[0]}": the header needs metric, at and value (segment is optional)'
    return None


def _bounded_lines(stream: IO[str], limit: int, too_long: list) -> Iterator[str]:
    """The stream's lines, each read with a bound: a longer line ends the reading (`too_long`)."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit:
            too_long.append(True)
            return
        yield line


def read_csv(stream: IO[str], name: str, checker: RowChecker, max_row_chars: int = MAX_ROW_CHARS) -> tuple:
    """`(rows, errors)` of one CSV stream: `Located` rows and `NAME:LINE: why` strings.

    A bad header stops the file (its rows cannot be read); a bad row is reported and the
    reading goes on, so one run reports every bad row.
    """
    too_long: list = []
    counter = _Counter(_bounded_lines(stream, max_row_chars, too_long))
    reader = csv.reader(counter, strict=True)
    rows: list = []
    errors: list = []
    line = 1
    try:
        header = next(reader, None)
        if header is None:
            if too_long:
                return [], [f"{name}:1: the header is longer than {max_row_chars} characters"]
            return [], [f"{name}:1: the file is empty: the header needs metric, at and value"]
        why = check_header(header)
        if why:
            return [], [f"{name}:1: {why}"]
        index = {column.strip(): i for i, column in enumerate(header)}
        width = len(header)
        line = reader.line_num + 1
        counter.chars = 0
        for record in reader:
            where = f"{name}:{line}"
            length, counter.chars = counter.chars, 0
            if length > max_row_chars:
                errors.append(f"{where}: the row is longer than {max_row_chars} characters")
                break
            if record and not any(cell.strip() for cell in record) and len(record) <= 1:
                line = reader.line_num + 1
                continue  # a blank line
            if len(record) != width:
                errors.append(f"{where}: {len(record)} {'field' if len(record) == 1 else 'fields'}, "
                              f"expected {width}")
            else:
                row, why = checker.check(
                    record[index["metric"]], record[index["at"]], record[index["value"]],
                    record[index["segment"]] if "segment" in index else "", where,
                )
                if why:
                    errors.append(f"{where}: {why}")
                else:
                    rows.append(Located(row, where))
            line = reader.line_num + 1
    except csv.Error as exc:
        if not too_long:
            errors.append(f"{name}:{line}: {exc}")
    if too_long:
        errors.append(f"{name}:{line}: the row is longer than {max_row_chars} characters")
    return rows, errors


class _Counter:
    """Counts the characters the CSV reader takes, so one row's size is known."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.chars = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.chars += len(line)
        return line
