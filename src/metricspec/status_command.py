"""`metricspec status`: each active metric's target judged against its actuals (ACTUALS.md).

Reads the workspace as lint does (actuals_command), each metric's actuals from its source
(its `per-metric` entry, else `--source`, else METRICSPEC_ACTUALS_URL, else the config's), and
builds the JSON report of actuals/report.py; status_views.py draws the other formats from it.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from metricspec.actuals_command import (
    CommandError, configured_source, known_ids, load_settings, load_workspace, metric_infos, related_ids, resolve,
)

from metricspec.actuals.codes import A_RULES  # the A codes' names and default severities


@dataclass
class StatusRequest:
    paths: Sequence[str] = ()
    today: Optional[dt.date] = None
    source: Optional[str] = None
    config: Optional[Path] = None
    segment: Optional[str] = None
    fail_on: Optional[str] = None
    select: Optional[list] = None
    extend_select: list = field(default_factory=list)
    ignore: list = field(default_factory=list)
    extend_ignore: list = field(default_factory=list)
    exclude: list = field(default_factory=list)


@dataclass
class StatusResult:
    report: dict  # the JSON report
    fail_on: Optional[str]
    headers: list = field(default_factory=list)  # per document: its DocItem's header fields
    labels: list = field(default_factory=list)  # the sources read, masked
    # With `detail`: beside each of report["metrics"] (same order), what the HTML page draws and
    # the JSON report does not carry (render.py's optional keys); and lint's run of the same load.
    details: list = field(default_factory=list)
    lint: object = None  # api.Report, its rules run (the config's selection)
    # What `--verbose` says: the config read, and per source the metrics it serves and its work.
    config: Optional[Path] = None
    specs: list = field(default_factory=list)  # every spec file read, context files included
    sources: list = field(default_factory=list)  # [{"label", "files", "metrics", "queries", "rows_read"}]

    def inputs(self) -> list:
        """(role, path) of every file the run read, for the `--output` guard (fileio)."""
        found = [("a spec", path) for path in self.specs]
        found += [("the config", self.config)] if self.config is not None else []
        return found + [("the actuals source", path) for used in self.sources for path in used["files"]]

    @property
    def exit_code(self) -> int:
        from metricspec.actuals.status import fails

        return 1 if any(fails(m["status"], self.fail_on) for m in self.report["metrics"]) else 0


def _named(selector: str) -> set:
    """The A codes a selector names: `ALL`, a code or its prefix, a rule's name."""
    text = selector.strip()
    if text.upper() == "ALL":
        return set(A_RULES)
    return {code for code, (name, _) in A_RULES.items() if code.startswith(text.upper()) or name == text.lower()}


def _over(selectors) -> set:
    return set().union(*(_named(s) for s in selectors)) if selectors else set()


def selected_codes(settings, request: StatusRequest) -> set:
    """The A codes whose findings are listed: the config's selection resolved over A codes (a
    selector naming none is dropped, an emptied `select` means all), then the command line's,
    where a selector naming no A code is a usage error (DIFF.md resolves D codes so). Options
    are read as lint reads them: repeated, comma-separated or both (`--select A008,A009`)."""
    from metricspec.lint_command import codes

    request = replace(request, select=codes(request.select), extend_select=codes(request.extend_select),
                      ignore=codes(request.ignore), extend_ignore=codes(request.extend_ignore))
    config_select = _over(settings.select) if settings.select is not None else set(A_RULES)
    chosen = (config_select or set(A_RULES)) | _over(settings.extend_select)
    chosen -= _over([*settings.ignore, *settings.extend_ignore])
    typed = [*(request.select or []), *request.extend_select, *request.ignore, *request.extend_ignore]
    for selector in typed:
        if not _named(selector):
            raise CommandError(f"'{selector}' names no A rule (status lists A001-A009 findings)")
    if request.select is not None:
        chosen = _over(request.select)
    return (chosen | _over(request.extend_select)) - _over([*request.ignore, *request.extend_ignore])


def _thresholds(settings):
    from metricspec import vocabulary as v
    from metricspec.actuals.model import Thresholds

    values = {s.key: getattr(settings.thresholds, s.attribute) for s in v.THRESHOLDS}
    return Thresholds.from_config(values)


def _sources(settings, cli_source: Optional[str], ids: Sequence[str]) -> dict:
    """{(entries, origin, table, columns): [metric ids]} in the order first met."""
    from metricspec.actuals import urls

    per_metric = [(pattern, table) for pattern, table in settings.actuals.per_metric.items()]
    pairs = [(pattern, table) for pattern, table in per_metric if table.source is not None]
    groups: dict = {}
    for mid in ids:
        chosen, origin = urls.choose(mid, [(p, tuple(t.source)) for p, t in pairs], cli_source, os.environ,
                                     configured_source(settings))
        chosen = (chosen,) if isinstance(chosen, str) else chosen
        table, columns = settings.actuals.table, dict(settings.actuals.columns)
        for pattern, held in per_metric:  # the same entry's table and columns, when it names them
            if pattern == mid or fnmatch.fnmatchcase(mid, pattern):
                table = held.table or table
                columns = {**columns, **held.columns}
                break
        key = (tuple(chosen), origin, table, tuple(sorted(columns.items())))
        groups.setdefault(key, []).append(mid)
    return groups


def _open(key: tuple, settings):
    from metricspec.actuals import store
    from metricspec.actuals.pushdown import Layout, LayoutError
    from metricspec.actuals.sources import CsvSource, SQLiteSource, SourceError

    entries, origin, table, columns = key
    place = resolve(entries, origin, settings.root)
    timeout = settings.actuals.timeout
    try:
        layout = Layout.from_config(table, dict(columns))
    except LayoutError as exc:
        raise CommandError(f"{settings.source or 'the configuration'}: [tool.metricspec.actuals] {exc}") from None
    try:
        if place.csv:
            return CsvSource(list(place.csv), place.label, timeout), list(place.csv)
        if place.url:  # SQLAlchemy is imported only here, for a warehouse
            from metricspec.actuals.warehouse import WarehouseSource

            return WarehouseSource(place.url, place.label, layout, timeout), []
        return SQLiteSource.open(place.path, place.label, layout, timeout), [place.path]
    except (store.StoreError, SourceError) as exc:
        raise CommandError(str(exc)) from None


def _load(paths, settings, today: dt.date, rules: bool):
    """The workspace as status reads it; with `rules`, lint's own run (the config's rule
    selection) in the same load, so the report reads the specs once."""
    if not rules:
        return load_workspace(paths, settings, today)
    from metricspec import api
    from metricspec.discovery import PathNotFound

    try:
        return api.lint(api.LintOptions(paths=list(paths), config=settings, today=today, skip_unrecognized=True))
    except PathNotFound as exc:
        raise CommandError(f"no such file or directory: {exc}") from None


def compute(request: StatusRequest, version: str, detail: bool = False) -> StatusResult:
    """Status's JSON report; with `detail` (the HTML report), also each metric's page data
    and lint's findings (StatusResult.details, .lint), the JSON left exactly as documented."""
    from metricspec.actuals import findings as a_findings
    from metricspec.actuals import report as a_report
    from metricspec.actuals import status as a_status
    from metricspec.actuals.sources import Readings, SourceError, request_for

    settings = load_settings(request.config)
    if request.exclude:  # adds to the config's exclude, as lint's --exclude does
        settings.exclude = [*settings.exclude, *request.exclude]
    codes = selected_codes(settings, request)
    today = request.today or dt.date.today()
    thresholds = _thresholds(settings)
    fail_on = request.fail_on or settings.status.fail_on
    lint_report = _load(request.paths, settings, today, detail)
    workspace = lint_report.workspace
    infos = metric_infos(workspace)
    related = related_ids(workspace)
    reported = [item for item in workspace.metrics if item.doc.reported and infos.get(item.id) is not None
                and infos[item.id].active]
    # A metric's partners are read too, named or not: demotion and A003 judge their series.
    # (Found once per metric: each search scans every metric of the workspace.)
    partner_ids = {item.id: [pid for pid in a_status.demotion_partners(infos[item.id], infos) if pid in infos]
                   for item in reported}
    wanted = list(dict.fromkeys([item.id for item in reported] + [pid for ids in partner_ids.values() for pid in ids]))
    readings = Readings()
    labels: dict = {}
    used: list = []
    for key, ids in _sources(settings, request.source, wanted).items():
        source, files = _open(key, settings)
        try:
            part = source.read(
                [request_for(infos[mid], [infos[r] for r in related.get(mid, ()) if r in infos]) for mid in ids],
                today, known=known_ids(workspace), segment=request.segment)
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        finally:
            source.close()
        used.append({"label": source.label, "files": files, "metrics": list(ids), "queries": source.queries,
                     "rows_read": source.rows_read})
        for mid in ids:
            labels[mid] = source.label
        readings.series.update(part.series)
        readings.segment_series.update(part.segment_series)
        readings.spans.update(part.spans)
        readings.issues += part.issues

    def series(mid: str) -> tuple:
        return tuple(readings.series.get(mid, ()))

    found: list = []  # (AFinding, item or None)
    metrics: list = []
    details: list = []
    statuses: list = []  # (node id, status)
    for item in reported:
        info = infos[item.id]
        partners = {pid: (infos[pid], series(pid)) for pid in partner_ids[item.id]}
        judgement = None
        if info.target is not None:
            judgement = a_status.judge(info, series(item.id), today, thresholds, partners)
        found += [(f, item) for f in a_findings.metric_findings(
            info, series(item.id), judgement, today, thresholds, partners, readings.spans.get(item.id, ()))]
        if judgement is None:
            continue
        for segment, judged in _judged(info, judgement, request.segment, readings, series(item.id), today, thresholds):
            entry = _metric_entry(info, judged, item, labels.get(item.id), segment)
            metrics.append(entry)
            if detail:
                own = series(item.id) if segment is None else readings.segment_series.get((item.id, segment), ())
                details.append(_detail(item, info, tuple(own), readings.spans.get(item.id, ())))
            statuses.append((item.node.id, judged.status))
    for issues in readings.issues:
        found += [(f, None) for f in a_findings.source_findings(
            issues.label, issues.unknown_ids, issues.unknown_dimensions, issues.invalid, issues.line)]

    parents = {node.id: (node.parent.id if node.parent is not None else None) for node in workspace.nodes}
    rolled = a_status.rollup(parents, statuses)
    docs = [doc for doc in workspace.docs if doc.reported]
    nodes = [
        a_report.node_entry(node.id, level=node.level_name, title=node.model.title,
                            parent=node.parent.id if node.parent is not None else None, status=rolled.get(node.id),
                            path=node.doc.display_path, **_at(node))
        for doc in docs for node in doc.nodes
    ]
    documents = [a_report.document_entry(doc.display_path, doc.model.product, doc.model.stage, doc.model.north_star)
                 for doc in docs]
    # Decided as `lint --actuals` decides them (one description of the A codes, not two): the
    # selected codes, per-file-ignores on the spec or the CSV, suppression comments and
    # `lint_ignore`, the config's severities. Only A codes are selected here, so no M001.
    from metricspec.actuals.lint import decide

    diagnostics = [d.as_json() for d in decide(found, workspace, settings, codes).diagnostics]
    report = a_report.build(version=version, today=today, segment=request.segment, documents=documents,
                            nodes=nodes, metrics=metrics, diagnostics=diagnostics)
    return StatusResult(report, fail_on, labels=list(dict.fromkeys(labels.values())), details=details,
                        lint=lint_report if detail else None, config=settings.source, sources=used,
                        specs=[doc.display_path for doc in workspace.docs])


DEFINITION_FIELDS = ("description", "kind", "category", "window", "aggregation", "formula", "numerator",
                     "denominator", "event", "decision", "source")


def _detail(item, info, points: tuple, spans) -> dict:
    """A row's page data beside its JSON entry (render.py's docstring): its series since S (the
    overall one, or the segment's for a `--segment` row), the metric's definition, each declared
    segment's value at the latest actual, its partners."""
    since = info.target.since if info.target is not None else None
    start = since or (points[0].at if points else None)
    definition = {key: getattr(item.model, key, None) for key in DEFINITION_FIELDS}
    definition["owner"] = item.owner
    return {
        "series": [{"at": p.at.isoformat(), "value": p.value} for p in points if start is None or p.at >= start],
        "definition": {k: (str(v) if isinstance(v, dt.date) else v) for k, v in definition.items()},
        "segments": [{"segment": s.segment, "latest": {"at": s.end_at, "value": s.end}}
                     for s in sorted(spans, key=lambda s: s.segment) if s.end is not None],
        "pairs_with": list(info.pairs_with), "guardrails": list(info.guardrails),
    }


def verbose_lines(result: StatusResult) -> list:
    """What `--verbose` says on stderr: the config used, and per source (masked) the metrics it
    serves, the queries it ran and the rows it read."""
    lines = [f"using the config {result.config}" if result.config is not None
             else f"no config file found from {Path.cwd()} upwards: the defaults"]
    for used in result.sources:
        shown = ", ".join(used["metrics"][:10]) + (f" and {len(used['metrics']) - 10} more" if len(used["metrics"]) > 10 else "")
        lines.append(f"source {used['label']}: {len(used['metrics'])} metric{'s' if len(used['metrics']) != 1 else ''} "
                     f"({shown}); {used['queries']} quer{'ies' if used['queries'] != 1 else 'y'}, "
                     f"{used['rows_read']} row{'s' if used['rows_read'] != 1 else ''} read")
    return lines


def _judged(info, judgement, segment: Optional[str], readings, overall: tuple, today, thresholds):
    """(segment, Judgement) rows for a metric: its overall one, or with `--segment` one per
    segment of the chosen dimension it declares."""
    from metricspec.actuals.status import judge_segment

    if segment is None:
        return [(None, judgement)]
    dimension = segment.partition("=")[0]
    if dimension not in info.segments:
        return []
    keys = sorted(key[1] for key in readings.segment_series if key[0] == info.id
                  and (key[1] == segment if "=" in segment else key[1].startswith(dimension + "=")))
    if "=" in segment and not keys:
        keys = [segment]
    return [(key, judge_segment(info, tuple(readings.segment_series.get((info.id, key), ())), overall, today,
                                thresholds)) for key in keys]


def _at(item) -> dict:
    span = item.doc.loaded.value_span(item.path + ("id",))
    return {"line": span[0] if span else None, "column": span[1] if span else None}


def _metric_entry(info, judgement, item, label: Optional[str], segment: Optional[str]) -> dict:
    from metricspec.actuals import report as a_report

    return a_report.metric_entry(info, judgement, node=item.node.id, path=item.doc.display_path, source=label,
                                 segment=segment, **_at(item))
