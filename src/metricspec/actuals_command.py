"""`metricspec actuals import|add|list`, and what `status` shares with them: the settings, the
workspace as actuals see it (a `MetricInfo` per metric) and where each metric's actuals are.

The actuals package knows no workspace and no configuration (docs/actuals.md); this module is
the adapter. Every failure is a `CommandError` whose text is the one line the command prints.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from metricspec.actuals.model import MetricInfo, Target

_STORE_DEFAULT = "metricspec.db"


class CommandError(Exception):
    """What stops an actuals command: the message (one line, or one line per refused row) and
    the exit code (2: usage, configuration, store or source; 1: rows refused)."""

    def __init__(self, message: str, code: int = 2, lines: Sequence[str] = ()):
        super().__init__(message)
        self.code = code
        self.lines = list(lines)  # `FILE:LINE: why`, printed before the message


# -- settings and workspace ----------------------------------------------------------------


def load_settings(config: Optional[Path]):
    from metricspec import config as config_module

    try:
        return config_module.load(config if config is not None else config_module.discover(Path.cwd()))
    except config_module.ConfigError as exc:
        raise CommandError(str(exc)) from None


def load_workspace(paths: Sequence[str], settings, today: dt.date):
    """The lint report of `paths` (the config's include, else the working directory, when
    none), its rules left out: its workspace holds the metrics, its context the rest of the ids."""
    from metricspec import api
    from metricspec.discovery import PathNotFound

    try:
        return api.lint(api.LintOptions(paths=list(paths), config=settings, today=today, select=[],
                                        skip_unrecognized=True))
    except PathNotFound as exc:
        raise CommandError(f"no such file or directory: {exc}") from None


def _number(value) -> Optional[float]:
    return None if value is None else float(value)


def metric_info(item) -> MetricInfo:
    """One workspace metric as status judges it: the review cadence is the metric's, else its
    document's (as G003 counts it); the direction stays as written (status infers it)."""
    model = item.model
    target = None
    if model.target is not None:
        t = model.target
        target = Target(value=_number(t.value), baseline=_number(t.baseline), by=t.by, since=t.since,
                        tolerance=_number(t.tolerance), direction=t.direction)
    return MetricInfo(
        id=model.id, name=model.name or "", unit=model.unit, window=model.window, review=item.review,
        kind=model.kind, status=model.status, target=target, segments=tuple(model.segments),
        guardrails=tuple(model.guardrails), pairs_with=tuple(model.pairs_with), query=model.query,
    )


def metric_infos(workspace) -> dict:
    """Every metric of the workspace (context files included) by id; the first of a repeated
    id, as references resolve to it."""
    infos: dict = {}
    for item in workspace.metrics:
        if item.id not in infos and isinstance(item.id, str):
            infos[item.id] = metric_info(item)
    return infos


def related_ids(workspace) -> dict:
    """Each metric id -> the ids it is paired or guarded with, at either end (`:start` reads
    the earliest `since` among them)."""
    related: dict = {}
    for item in workspace.metrics:
        mine = related.setdefault(item.id, [])
        for other in (*item.partners, *item.guardrails):
            mine.append(other.id)
            related.setdefault(other.id, []).append(item.id)
    return {mid: list(dict.fromkeys(ids)) for mid, ids in related.items()}


def known_ids(workspace) -> set:
    """Every metric id of the workspace, also those of context files the index did not read."""
    return {item.id for item in workspace.metrics} | {
        name for name, is_metric in workspace.unloaded_ids().items() if is_metric}


# -- where actuals are ---------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A resolved source: the embedded store or a SQLite file (`path`), or CSV files (`csv`)."""

    label: str  # as messages and reports show it (a password masked)
    path: Optional[Path] = None
    csv: tuple = ()
    url: Optional[str] = None  # a warehouse's SQLAlchemy URL, credentials expanded (never shown)


def resolve(entries: Sequence[str], origin: str, root: Path) -> Place:
    """Where `entries` (a source as configured: one path or URL, or CSV paths and globs) are.
    Paths from the configuration are relative to its folder; from `--source` or
    METRICSPEC_ACTUALS_URL, to the working directory."""
    from metricspec.actuals import urls

    base = root if origin in ("config", "per-metric") else Path.cwd()
    entries = [str(e) for e in entries]
    if origin in ("config", "per-metric"):
        try:
            for entry in entries:
                urls.check_config_url(entry)
            entries = [urls.expand(entry, os.environ) for entry in entries]
        except urls.ConfigError as exc:
            raise CommandError(str(exc)) from None
    if len(entries) == 1 and not _is_csv(entries[0]):
        entry = entries[0]
        if entry.startswith("sqlite:///"):
            entry = entry[len("sqlite:///"):]
        elif urls.is_url(entry):
            url = entry
            if origin not in ("config", "per-metric"):  # `${VAR}` also from --source (a config's is done above)
                try:
                    url = urls.expand(entry, os.environ)
                except urls.ConfigError as exc:
                    raise CommandError(str(exc)) from None
            return Place(urls.mask(url), url=urls.file_url(url, base))
        path = Path(entry)
        return Place(entry, path if path.is_absolute() else base / path)
    files: list = []
    for entry in entries:
        if not _is_csv(entry):
            raise CommandError(f"{entry}: a source of several entries takes CSV files only")
        pattern = entry if Path(entry).is_absolute() else str(base / entry)
        found = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(entry) else [pattern]
        found = [f for f in found if os.path.isfile(f)]
        if not found:
            raise CommandError(f"no CSV file at {entry}")
        files.extend(Path(f) for f in found)
    return Place(", ".join(entries), csv=tuple(files))


def _is_csv(entry: str) -> bool:
    return entry.lower().endswith(".csv")


def configured_source(settings) -> tuple:
    return tuple(settings.actuals.source or [_STORE_DEFAULT])


def store_place(settings, cli_source: Optional[str]) -> Place:
    """The embedded store `import` and `add` write: only a SQLite source is ever written."""
    if cli_source:
        entries, origin = (cli_source,), "--source"
    elif os.environ.get("METRICSPEC_ACTUALS_URL"):
        entries, origin = (os.environ["METRICSPEC_ACTUALS_URL"],), "METRICSPEC_ACTUALS_URL"
    else:
        entries, origin = configured_source(settings), "config"
    if len(entries) != 1 or _is_csv(entries[0]):
        raise CommandError(f"only a SQLite store is written, and the source is CSV files ({', '.join(entries)})")
    place = resolve(entries, origin, settings.root)
    if place.url:
        raise CommandError(f"{place.label}: actuals import, add and list use the embedded SQLite store; "
                           "a warehouse is only read (status, report, lint --actuals)")
    return place


# -- import, add, list ---------------------------------------------------------------------


@dataclass
class Common:
    config: Optional[Path] = None
    source: Optional[str] = None
    today: Optional[dt.date] = None


def _checker(common: Common, allow_unknown: bool):
    from metricspec.actuals.rows import RowChecker

    settings = load_settings(common.config)
    today = common.today or dt.date.today()
    workspace = load_workspace([], settings, today).workspace
    metrics = {item.id: tuple(item.model.segments) for item in workspace.metrics}
    for name in known_ids(workspace) - set(metrics):
        metrics[name] = ()
    return settings, RowChecker(metrics, today, allow_unknown)


def _store(settings, common: Common, rows: list, replace: bool) -> str:
    from metricspec.actuals import store

    place = store_place(settings, common.source)
    try:
        stored = store.write(place.path, rows, replace=replace, lock_timeout=settings.actuals.lock_timeout,
                             display=place.label)
    except store.RowsRefused as exc:
        raise CommandError(f"{len(exc.errors)} {_rows(len(exc.errors))} refused; nothing stored", 1, exc.errors) from None
    except store.StoreError as exc:
        raise CommandError(str(exc)) from None
    return f"stored {stored} {_rows(stored)} in {place.label}\n"


def _rows(n: int) -> str:
    return "row" if n == 1 else "rows"


def import_files(files: Sequence[str], common: Common, allow_unknown: bool = False, replace: bool = False) -> str:
    """Store every row of `files` (`-` is stdin), or none: the line to print."""
    from metricspec.actuals.rows import read_csv

    settings, checker = _checker(common, allow_unknown)
    read: list = []  # (name, rows, errors) per file
    for name in files:
        if name == "-":
            read.append((name, *read_csv(sys.stdin, "-", checker)))
            continue
        try:
            with open(name, encoding="utf-8-sig", newline="") as stream:
                read.append((name, *read_csv(stream, name, checker)))
        except FileNotFoundError:
            raise CommandError(f"no such file: {name}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {name}: {getattr(exc, 'strerror', None) or exc}") from None
    rows = [row for _, found, _ in read for row in found]
    if any(bad for _, _, bad in read):
        stored = {} if replace else _stored_already(settings, common, rows)
        errors = []
        for name, found, bad in read:  # each file's bad rows in line order, those stored among them
            mine = bad + [stored[r.where] for r in found if r.where in stored]
            errors += sorted(mine, key=lambda text: _line_of(text, name))
        raise CommandError(f"{len(errors)} bad {_rows(len(errors))}; nothing stored", 1, errors)
    return _store(settings, common, rows, replace)


def _stored_already(settings, common: Common, rows: list) -> dict:
    """`where` -> the "already stored" error of each row the store holds, when there is a store:
    reported with the other bad rows, so that one run names them all."""
    from metricspec.actuals import store

    place = store_place(settings, common.source)
    if not store.exists(place.path):
        return {}
    try:
        conn = store.open_read_only(place.path, place.label)
    except store.StoreError:
        return {}  # writing would say what is wrong with it; these rows are refused anyway
    try:
        return {error.split(": ", 1)[0]: error for error in store.already_stored(conn, rows)}
    finally:
        conn.close()


def _line_of(error: str, name: str) -> int:
    head = error[len(name) + 1:].split(":", 1)[0]
    return int(head) if head.isdigit() else 0


def add_row(metric: str, value: str, common: Common, at: Optional[str] = None, segment: Optional[str] = None,
            allow_unknown: bool = False, replace: bool = False) -> str:
    from metricspec.actuals.store import Located

    settings, checker = _checker(common, allow_unknown)
    row, why = checker.check(metric, at or checker.today.isoformat(), value, segment or "")
    if why:
        raise CommandError(why, 1)
    return _store(settings, common, [Located(row)], replace)


def list_rows(metric: Optional[str], common: Common, fmt: str = "text", segment: Optional[str] = None,
              since: Optional[str] = None, until: Optional[str] = None) -> str:
    """`actuals list`: a line per metric, or with `metric` its rows by segment and date."""
    from metricspec.actuals import store

    settings = load_settings(common.config)
    place = store_place(settings, common.source)
    today = (common.today or dt.date.today()).isoformat()
    try:
        conn = store.open_read_only(place.path, place.label)
    except store.StoreError as exc:
        raise CommandError(str(exc)) from None
    try:
        if metric is None:
            found = store.summaries(conn, today)
            header = ("metric", "rows", "segments", "first_at", "latest_at", "latest_value")
            table = [(s.metric, s.rows, s.segments, s.first_at, s.latest_at, s.latest_value) for s in found]
        else:
            found = store.metric_rows(conn, metric, today, segment, since, until)
            header = ("metric", "segment", "at", "value")
            table = [(r.metric, r.segment, r.at.isoformat(), r.value) for r in found]
    finally:
        conn.close()
    return _render_table(header, table, fmt)


def _shown(value) -> object:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _render_table(header: tuple, table: list, fmt: str) -> str:
    rows = [tuple(_shown(cell) for cell in row) for row in table]
    if fmt == "json":
        return json.dumps([dict(zip(header, row)) for row in rows], indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
        return out.getvalue()
    from metricspec.terminal import escape_controls

    cells = [list(header)] + [["—" if cell is None else escape_controls(str(cell)) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() + "\n" for row in cells)
