"""Runs the selected rules, then decides for every problem whether and how it is reported.

The one place that knows severities, selection, per-file ignores, `lint_ignore`, suppression
comments (and which of them went unused: M001) and the order of findings.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Optional

from metricspec.diagnostics import Diagnostic, Problem, Severity
from metricspec.loader import LoadedFile
from metricspec.rules import Context, Finding, Rule, all_rules
from metricspec.selection import resolve_codes
from metricspec.suppressions import Suppression, find_suppressions
from metricspec.workspace import DocItem, MetricItem, NodeItem, Workspace


@dataclass
class FileRecord:
    """One reported file: what was loaded, its document if it validated, its own problems."""

    loaded: LoadedFile
    doc: Optional[DocItem] = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Policy:
    """What the configuration and the command line decided."""

    selected: set[str]
    severities: dict[str, Severity] = field(default_factory=dict)
    per_file_ignores: list[tuple[str, set[str]]] = field(default_factory=list)  # (glob, codes)
    folder: Optional[str] = None  # where the per-file-ignores globs are written: the config's folder
    cwd: Optional[str] = None  # what the files' paths are relative to (default: the working directory)


@dataclass
class SuppressedFinding:
    diagnostic: Diagnostic
    reason: str


@dataclass
class EngineResult:
    diagnostics: list[Diagnostic]
    suppressed: list[SuppressedFinding]
    internal_errors: list[str]
    file_ignores: dict[str, set[str]] = field(default_factory=dict)  # per-file-ignores' codes, by path as shown


def run_rules(
    workspace: Workspace,
    ctx: Context,
    selected: set[str],
    docs: Optional[list[DocItem]] = None,
    per_document: bool = True,
    whole_run: bool = True,
) -> tuple[dict[int, list[Problem]], list[tuple[str, str]]]:
    """Run every selected rule with a check; problems keyed by id() of their DocItem, and the
    faults of rules that raised, as (rule code, message).

    `docs` (default: every reported document), `per_document` and `whole_run` let a worker run
    its share of a large run (parallel.py). ctx.counters counts the checks each rule made.
    """
    found: dict[int, list[Problem]] = {}
    faults: list[tuple[str, str]] = []
    counters = ctx.counters
    reported = workspace.reported_docs if docs is None else docs
    for rule in all_rules().values():
        check = rule.check
        if check is None or rule.code not in selected:
            continue
        key = f"checks:{rule.code}"
        scope = rule.scope
        if scope == "workspace":
            if whole_run:
                counters[key] = counters.get(key, 0) + 1
                try:
                    findings = list(check(ctx))
                except Exception as exc:  # a fault in one rule must not end the run
                    _fault(rule, exc, found, faults, None)
                else:
                    _collect(rule, findings, found)
            continue
        if not per_document:
            continue
        # The hot loop (rules x documents x items): plain loops, no generator or closure per
        # document, and the counter summed once per rule instead of once per document.
        checked = 0
        for doc in reported:
            if scope == "document":
                items: Collection[Any] = (doc,)
            elif scope == "node":
                items = doc.nodes
            else:
                items = doc.metrics
            checked += len(items)
            findings = []
            try:
                for item in items:
                    findings.extend(check(item, ctx))
            except Exception as exc:  # a fault in one rule must not end the run
                _fault(rule, exc, found, faults, doc)
                continue
            if findings:
                _collect(rule, findings, found)
        if reported:
            counters[key] = counters.get(key, 0) + checked
    return found, faults


def _fault(rule: Rule, exc: Exception, found: dict[int, list[Problem]], faults: list[tuple[str, str]],
           doc: Optional[DocItem]) -> None:
    import traceback  # only on a fault: a run without one starts without it

    where = doc.display_path if doc else "the workspace"
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    message = (
        f"internal error in rule {rule.code} ({rule.name}) on {where}: "
        f"{type(exc).__name__}: {exc} [{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}]; "
        "please report this as a bug"
    )
    faults.append((rule.code, message))
    if doc is not None:
        found.setdefault(id(doc), []).append(Problem(rule.code, message, (1, 1, 1, 1)))


def _collect(rule: Rule, findings: list[Finding], found: dict[int, list[Problem]]) -> None:
    for finding in findings:
        item = finding.item
        target = item if isinstance(item, DocItem) else item.doc
        if not target.reported:
            continue
        subject = finding.subject or item.id
        subject_line = target.span(item.path + ("id",))[0] if item.id else None
        found.setdefault(id(target), []).append(
            Problem(
                rule.code,
                finding.message,
                target.span(item.path + tuple(finding.field)),
                help=finding.help,
                subject=subject,
                subject_line=subject_line,
            )
        )


def decide(records: list[FileRecord], rule_problems: dict[int, list[Problem]], workspace: Workspace,
           policy: Policy) -> EngineResult:
    """Apply selection, ignores and suppressions to every problem; stamp names and severities."""
    rules = all_rules()
    file_ignores = _file_ignores(records, policy)
    diagnostics: list[Diagnostic] = []
    suppressed: list[SuppressedFinding] = []
    for record in records:
        problems = _with_subjects(record.problems, record.doc)
        if record.doc is not None:
            problems.extend(record.doc.problems)
            problems.extend(rule_problems.get(id(record.doc), ()))
        path = record.loaded.path
        file_ignored = file_ignores.get(path, set())
        comments = find_suppressions(record.loaded.text, record.loaded.quoted)
        resolved = {id(s): resolve_codes(s.selectors) for s in comments}
        by_line = _by_line(comments)
        ignores = _lint_ignores(record.doc, workspace)
        for problem in problems:
            if problem.code not in policy.selected or problem.code in file_ignored:
                continue
            reason = _suppressed_by(problem, by_line, resolved, ignores)
            diagnostic = _diagnostic(path, problem, rules[problem.code], policy)
            if reason is None:
                diagnostics.append(diagnostic)
            else:
                suppressed.append(SuppressedFinding(diagnostic, reason))
        if "M001" in policy.selected and "M001" not in file_ignored:
            for problem in _unused(comments, resolved, ignores, policy.selected, record.doc):
                diagnostics.append(_diagnostic(path, problem, rules["M001"], policy))
    diagnostics.sort()
    suppressed.sort(key=lambda s: s.diagnostic)
    return EngineResult(diagnostics, suppressed, [], file_ignores)


def _file_ignores(records: list[FileRecord], policy: Policy) -> dict[str, set[str]]:
    """The codes each file's per-file-ignores turn off, by its path as shown (globs.py reads the
    globs, relative to the config's folder)."""
    if not policy.per_file_ignores:
        return {}
    from metricspec.globs import Glob, any_match, forms

    cwd = policy.cwd or os.getcwd()
    folder = policy.folder or cwd
    globs = [([Glob(pattern)], codes) for pattern, codes in policy.per_file_ignores]
    ignores: dict[str, set[str]] = {}
    for record in records:
        path = record.loaded.path
        named = forms(path, folder, cwd)
        ignores[path] = {code for glob, codes in globs if any_match(glob, named) for code in codes}
    return ignores


def _with_subjects(problems: list[Problem], doc: Optional[DocItem]) -> list[Problem]:
    """The file's own problems, those inside a node or metric (a duplicate key, an anchor)
    naming it as their subject: a suppression on its id line, or its `lint_ignore`, covers them
    like any finding about it."""
    if doc is None or all(problem.subject for problem in problems):
        return list(problems)
    # Items nest (a metric inside its node): one sweep in the order of the text, with the items
    # open at each problem on a stack, finds the innermost in linear time.
    extents = sorted(
        (span[:2], span[2:], index, item)
        for index, item in enumerate((*doc.nodes, *doc.metrics))
        if (span := doc.loaded.value_span(item.path))
    )
    found: dict[int, Any] = {}
    open_items: list[tuple] = []
    next_item = 0
    for index, problem in sorted(enumerate(problems), key=lambda entry: entry[1].span[:2]):
        if problem.subject is not None:
            continue
        start = problem.span[:2]
        while next_item < len(extents) and extents[next_item][0] <= start:
            while open_items and open_items[-1][1] <= extents[next_item][0]:
                open_items.pop()
            open_items.append(extents[next_item])
            next_item += 1
        while open_items and open_items[-1][1] <= start:
            open_items.pop()
        if open_items:
            found[index] = open_items[-1][3]
    named = list(problems)
    for index, item in found.items():
        id_span = doc.loaded.value_span(item.path + ("id",))
        named[index] = replace(named[index], subject=item.id, subject_line=id_span[0] if id_span else None)
    return named


@dataclass
class _LintIgnore:
    item: Any
    codes: dict[str, int]  # code -> index in lint_ignore
    reason: str
    unknown: list[int]
    used: set[str] = field(default_factory=set)


def _lint_ignores(doc: Optional[DocItem], workspace: Workspace) -> dict[str, _LintIgnore]:
    if doc is None:
        return {}
    found = {}
    for item in (*doc.nodes, *doc.metrics):
        entries = item.model.lint_ignore
        if not entries:
            continue
        codes: dict[str, int] = {}
        unknown = []
        for index, selector in enumerate(entries):
            named = resolve_codes([selector])
            if not named:
                unknown.append(index)
            for code in named:
                codes.setdefault(code, index)
        found[item.id] = _LintIgnore(item, codes, item.model.lint_ignore_reason or "", unknown)
    return found


def _by_line(comments: list[Suppression]) -> dict[Optional[int], list[Suppression]]:
    """The comments by the line they cover, file-wide ones under None: each finding then looks
    at its own few, not at every comment of the file."""
    index: dict[Optional[int], list[Suppression]] = {}
    for comment in comments:
        index.setdefault(None if comment.file_wide else comment.covers, []).append(comment)
    return index


def _suppressed_by(
    problem: Problem, by_line: dict[Optional[int], list[Suppression]], resolved: dict[int, set[str]],
    ignores: dict[str, _LintIgnore],
) -> Optional[str]:
    if problem.code == "M001":
        return None
    if problem.code == "E001":
        # A file that does not parse: which of its '#' are comments cannot be told past the
        # error. A syntax error is fixed, not suppressed (--ignore E001 remains).
        return None
    if problem.subject and problem.subject in ignores:
        entry = ignores[problem.subject]
        if problem.code in entry.codes:
            entry.used.add(problem.code)
            return entry.reason or "lint_ignore"
    if not by_line:
        return None
    lines = {None, problem.span[0], problem.subject_line}
    candidates = [comment for line in lines if line in by_line for comment in by_line[line]]
    for comment in sorted(candidates, key=lambda c: (c.line, c.column)):  # the first in the file, as written
        if problem.code in resolved[id(comment)]:
            comment.used.add(problem.code)
            return comment.reason or "suppression comment"
    return None


def _unused(
    comments: list[Suppression],
    resolved: dict[int, set[str]],
    ignores: dict[str, _LintIgnore],
    selected: set[str],
    doc: Optional[DocItem],
) -> Iterable[Problem]:
    for comment in comments:
        span = (comment.line, comment.column, comment.line, comment.end_column)
        for selector in comment.selectors:
            codes = resolve_codes([selector])
            if not codes:
                yield Problem("M001", f"suppression names no rule: '{selector}'", span,
                              help="Use a rule code (V001) or name (vanity-metric); see `metricspec rules`.")
            elif codes & selected and not codes & comment.used:
                yield Problem("M001", f"unused suppression of {selector}: nothing was reported here",
                              span, help="Remove it: the problem it silenced is gone.")
        if not comment.selectors:
            yield Problem("M001", "suppression names no rule", span, help="Name the codes: ignore[V001].")
    for subject, entry in ignores.items():
        item = entry.item
        path = item.path + ("lint_ignore",)
        for index in entry.unknown:
            yield Problem("M001", f"lint_ignore names no rule: '{item.model.lint_ignore[index]}'",
                          item.doc.span(path + (index,)), subject=subject)
        for index, selector in enumerate(item.model.lint_ignore):
            codes = resolve_codes([selector])
            if codes & selected and not codes & entry.used:
                yield Problem("M001", f"unused lint_ignore of {selector} on '{subject}': nothing was reported",
                              item.doc.span(path + (index,)), help="Remove it: the problem it silenced is gone.",
                              subject=subject)


def _diagnostic(path: str, problem: Problem, rule: Rule, policy: Policy) -> Diagnostic:
    line, column, end_line, end_column = problem.span
    return Diagnostic(
        path=path,
        line=line,
        column=column,
        code=problem.code,
        end_line=end_line,
        end_column=end_column,
        name=rule.name,
        severity=policy.severities.get(problem.code, rule.severity),
        message=problem.message,
        help=problem.help,
        subject=problem.subject,
    )


__all__ = ["FileRecord", "Policy", "run_rules", "decide", "EngineResult", "MetricItem", "NodeItem"]
