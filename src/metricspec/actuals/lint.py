"""The library half of `lint --actuals`: the A findings of a linted workspace as lint's Diagnostics.

lint_command calls it after its run, with the workspace the run resolved, and appends what it
returns (ACTUALS.md, "Commands"; CLI.md for every lint option):

    report = api.lint(LintOptions(..., actuals=True))   # lint's rules, selected over lint's and A codes
    from metricspec.actuals.lint import actual_findings
    found = actual_findings(report.workspace, settings, today=today, source=request.source,
                            select=request.select, extend_select=request.extend_select,
                            ignore=request.ignore, extend_ignore=request.extend_ignore)
    report.diagnostics = sorted([*report.diagnostics, *found.diagnostics])
    report.suppressed += found.suppressed   # for --show-suppressed

and checks `--select`/`--ignore` with `selection.check_selector(s, actuals=True)`. Lint's own
run leaves the A codes out of its Policy (api.policy_for): its M001 then never judges
suppressions naming only A codes (their findings are not in that run); this function reports
those M001s itself, so a
stale `# metricspec: ignore[A001]` is M001 exactly when lint runs with `--actuals`. A source
error raises actuals_command.CommandError: one line, exit 2, and no report is written.

The A findings are placed as `status` places them: at the metric's `id`, or for A008/A009 at
the source (a CSV file and line; a database's masked label with line and column None). Then
lint's configuration decides as for any rule: the A codes lint --actuals selects (the config's
selectors over lint's and the A codes, the command line's on top), per-file-ignores (on the
spec's path, or on the CSV's for A008/A009), `# metricspec: ignore[...]` comments and
`lint_ignore` on the metric, and `[tool.metricspec.severity]`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Optional

from metricspec.diagnostics import Diagnostic, Problem, Severity


@dataclass
class ActualFindings:
    diagnostics: list[Diagnostic] = field(default_factory=list)  # reported: A findings and their M001s
    suppressed: list = field(default_factory=list)  # engine.SuppressedFinding, for --show-suppressed
    files: list = field(default_factory=list)  # the files they read (a store, CSV files), for `--output`'s guard


def thresholds_of(config):
    """The A rules' thresholds from `[tool.metricspec.thresholds]`."""
    from metricspec import vocabulary as v
    from metricspec.actuals.model import Thresholds

    return Thresholds.from_config({s.key: getattr(config.thresholds, s.attribute) for s in v.THRESHOLDS})


def read_findings(workspace, config, today: dt.date, source: Optional[str] = None) -> tuple[list, list]:
    """Every A finding of the workspace's reported active metrics and of the sources read, as
    (AFinding, MetricItem or None for a source finding), and the files the sources read (a
    warehouse's URL reads none)."""
    from metricspec.actuals import findings as a_findings
    from metricspec.actuals import status as a_status
    from metricspec.actuals.sources import Readings, SourceError, request_for
    from metricspec.actuals_command import CommandError, known_ids, metric_infos, related_ids
    from metricspec.status_command import _open, _sources  # which source each metric reads, opened

    infos = metric_infos(workspace)
    related = related_ids(workspace)
    reported = [item for item in workspace.metrics if item.doc.reported and infos.get(item.id) is not None
                and infos[item.id].active]
    # A metric's partners are read too, named or not: A003 judges their series.
    wanted = list(dict.fromkeys(
        [item.id for item in reported]
        + [pid for item in reported for pid in a_status.demotion_partners(infos[item.id], infos) if pid in infos]))
    readings, files = Readings(), []
    known = known_ids(workspace)
    for key, ids in _sources(config, source, wanted).items():
        opened, read = _open(key, config)
        files += read
        try:
            part = opened.read(
                [request_for(infos[mid], [infos[r] for r in related.get(mid, ()) if r in infos]) for mid in ids],
                today, known=known)
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        finally:
            opened.close()
        readings.series.update(part.series)
        readings.spans.update(part.spans)
        readings.issues += part.issues

    thresholds = thresholds_of(config)
    found: list = []
    for item in reported:
        info = infos[item.id]
        series = tuple(readings.series.get(item.id, ()))
        partners = {pid: (infos[pid], tuple(readings.series.get(pid, ())))
                    for pid in a_status.demotion_partners(info, infos) if pid in infos}
        judgement = a_status.judge(info, series, today, thresholds, partners) if info.target is not None else None
        found += [(f, item) for f in a_findings.metric_findings(
            info, series, judgement, today, thresholds, partners, readings.spans.get(item.id, ()))]
    for issues in readings.issues:
        found += [(f, None) for f in a_findings.source_findings(
            issues.label, issues.unknown_ids, issues.unknown_dimensions, issues.invalid, issues.line)]
    return found, files


def selected_codes(config, select: Optional[Sequence[str]] = None, extend_select: Sequence[str] = (),
                   ignore: Sequence[str] = (), extend_ignore: Sequence[str] = ()) -> set[str]:
    """The codes `lint --actuals` runs (lint's rules and A codes): the config's layer, the
    command line's on top, as selection.layered_codes resolves lint's."""
    from metricspec.selection import layered_codes

    return layered_codes(
        config.select if config.select is not None else ["ALL"],
        [*config.ignore, *config.extend_ignore],
        list(select) if select is not None else None, list(extend_select), [*ignore, *extend_ignore],
        config_extend_select=config.extend_select, actuals=True)


def actual_findings(workspace, config, today: dt.date, source: Optional[str] = None,
                    select: Optional[Sequence[str]] = None, extend_select: Sequence[str] = (),
                    ignore: Sequence[str] = (), extend_ignore: Sequence[str] = (),
                    cwd: Optional[str] = None) -> ActualFindings:
    """The A findings `lint --actuals` adds to a lint run over `workspace` (module docstring)."""
    from metricspec.actuals.codes import A_RULES

    codes = selected_codes(config, select, extend_select, ignore, extend_ignore)
    if not codes & set(A_RULES):
        return ActualFindings()  # nothing to report: no source is opened
    found, files = read_findings(workspace, config, today, source)
    result = decide(found, workspace, config, codes, cwd)
    result.files = files
    return result


def _severities(config) -> dict[str, Severity]:
    from metricspec.selection import resolve_codes

    levels = {}
    for selector, name in config.severity.items():
        for code in resolve_codes([selector]):
            levels[code] = Severity(name)
    return levels


def _per_file(config, cwd: str):
    """A function path -> the codes per-file-ignores turn off there (globs relative to the
    config's folder, as lint reads them)."""
    if not config.per_file_ignores:
        return lambda path: set()
    from metricspec.globs import Glob, any_match, forms
    from metricspec.selection import resolve_codes

    folder = str(config.source.parent) if config.source is not None else cwd
    globs = [([Glob(pattern)], resolve_codes(selectors)) for pattern, selectors in config.per_file_ignores.items()]
    return lambda path: {code for glob, named in globs if any_match(glob, forms(path, folder, cwd)) for code in named}


def decide(found: Iterable, workspace, config, codes: set[str], cwd: Optional[str] = None) -> ActualFindings:
    """The (AFinding, item or None) pairs as lint's Diagnostics, judged as lint judges its own:
    selected (`codes`), per-file ignores, suppressions, severities; plus the M001 of each
    suppression naming only A codes that silenced none (when M001 is among `codes`)."""
    from metricspec import engine
    from metricspec.actuals.codes import A_RULES, actual_codes
    from metricspec.engine import SuppressedFinding
    from metricspec.rules import all_rules
    from metricspec.selection import resolve_codes
    from metricspec.suppressions import find_suppressions

    cwd = cwd or os.getcwd()
    pages = actual_codes()
    severities = _severities(config)
    ignored_at = _per_file(config, cwd)
    result = ActualFindings()
    by_doc: dict = {}  # id(doc) -> (doc, [(AFinding, item)])
    for finding, item in found:
        if finding.code not in codes:
            continue
        if item is None:  # at the source
            path = _shown(finding.subject, cwd)
            if finding.code in ignored_at(path):
                continue
            line = finding.line
            result.diagnostics.append(Diagnostic(
                path=path, line=line, column=1 if line else None, code=finding.code, end_line=line,
                end_column=1 if line else None, name=pages[finding.code].name,
                severity=severities.get(finding.code, pages[finding.code].severity), message=finding.message))
            continue
        by_doc.setdefault(id(item.doc), (item.doc, []))[1].append((finding, item))

    m001 = "M001" in codes
    # Every reported document: one with no A finding may still hold a suppression of one (M001).
    docs = [doc for doc in workspace.docs if doc.reported] if m001 else [entry[0] for entry in by_doc.values()]
    for doc in docs:
        path = doc.loaded.path
        file_ignored = ignored_at(path)
        comments, _ = find_suppressions(doc.loaded.text, doc.loaded.quoted)
        resolved = {id(s): resolve_codes(s.selectors) for s in comments}
        by_line = engine._by_line(comments)
        ignores = engine._lint_ignores(doc, workspace)
        for finding, item in by_doc.get(id(doc), (doc, []))[1]:
            if finding.code in file_ignored:
                continue
            span = doc.span(item.path + ("id",))
            problem = Problem(finding.code, finding.message, span, subject=item.id, subject_line=span[0])
            line, column, end_line, end_column = span
            diagnostic = Diagnostic(
                path=path, line=line, column=column, code=finding.code, end_line=end_line, end_column=end_column,
                name=pages[finding.code].name, severity=severities.get(finding.code, pages[finding.code].severity),
                message=finding.message, subject=item.id)
            reason = engine._suppressed_by(problem, by_line, resolved, ignores)
            if reason is None:
                result.diagnostics.append(diagnostic)
            else:
                result.suppressed.append(SuppressedFinding(diagnostic, reason))
        if m001 and "M001" not in file_ignored:
            rule = all_rules()["M001"]
            for problem in _unused(comments, ignores, codes & set(A_RULES)):
                line, column, end_line, end_column = problem.span
                result.diagnostics.append(Diagnostic(
                    path=path, line=line, column=column, code="M001", end_line=end_line, end_column=end_column,
                    name=rule.name, severity=severities.get("M001", rule.severity), message=problem.message,
                    help=problem.help, subject=problem.subject))
    result.diagnostics.sort(key=lambda d: (d.path, d.line or 0, d.column or 0, d.code))
    result.suppressed.sort(key=lambda s: (s.diagnostic.path, s.diagnostic.line, s.diagnostic.code))
    return result


def _unused(comments, ignores: dict, selected: set[str]) -> Iterable[Problem]:
    """M001 for the suppressions lint's own run leaves alone: those naming only A codes, some
    selected, that silenced none (engine._unused judges every other)."""
    from metricspec.actuals.codes import A_RULES

    def only_a(codes: set[str]) -> bool:
        return bool(codes) and codes <= set(A_RULES) and bool(codes & selected)

    for comment in comments:
        span = (comment.line, comment.column, comment.line, comment.end_column)
        for selector in comment.selectors:
            codes = _resolve(selector)
            if only_a(codes) and not codes & comment.used:
                yield Problem("M001", f"unused suppression of {selector}: nothing was reported here",
                              span, help="Remove it: the problem it silenced is gone.")
    for subject, entry in ignores.items():
        item = entry.item
        for index, selector in enumerate(item.model.lint_ignore):
            codes = _resolve(selector)
            if only_a(codes) and not codes & entry.used:
                yield Problem("M001", f"unused lint_ignore of {selector} on '{subject}': nothing was reported",
                              item.doc.span(item.path + ("lint_ignore", index)),
                              help="Remove it: the problem it silenced is gone.", subject=subject)


def _shown(label: str, cwd: str) -> str:
    """A source's path as lint shows paths, relative to the working directory when inside it
    (a CSV named by an absolute or config-relative path); a URL or an outside path as it is."""
    if os.path.isabs(label):
        relative = os.path.relpath(label, cwd)
        if not relative.startswith(".."):
            return relative
    return label


def _resolve(selector: str) -> set[str]:
    from metricspec.selection import resolve_codes

    return resolve_codes([selector])
