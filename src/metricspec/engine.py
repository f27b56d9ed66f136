"""Runs the selected rules, then decides for every problem whether and how it is reported.

The one place that knows severities, selection, per-file ignores, `lint_ignore`, suppression
comments (which of them went unused: M001; which only look like one: M002), the folding of
follow-on findings into their root cause, and the order of findings.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Optional

from metricspec.diagnostics import Diagnostic, Problem, Severity
from metricspec.loader import LoadedFile
from metricspec.rules import Context, Finding, Rule, all_rules
from metricspec.selection import resolve_codes
from metricspec.suppressions import Malformed, Suppression, find_suppressions
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
    fold: bool = True  # False (--no-fold): follow-on findings are reported on their own


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
    """Apply selection, ignores and suppressions to every problem; stamp names and severities;
    fold follow-on findings into their root cause (unless policy.fold is off)."""
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
        comments, malformed = find_suppressions(record.loaded.text, record.loaded.quoted)
        resolved = {id(s): resolve_codes(s.selectors) for s in comments}
        by_line = _by_line(comments)
        ignores = _lint_ignores(record.doc, workspace)
        if malformed or comments or ignores:
            problems.extend(_malformed(malformed, comments, ignores))
        reported: list[tuple[Problem, Diagnostic]] = []
        for problem in problems:
            if problem.code not in policy.selected or problem.code in file_ignored:
                continue
            reason = _suppressed_by(problem, by_line, resolved, ignores)
            diagnostic = _diagnostic(path, problem, rules[problem.code], policy)
            if reason is None:
                reported.append((problem, diagnostic))
            else:
                suppressed.append(SuppressedFinding(diagnostic, reason))
        if policy.fold and len(reported) > 1:
            diagnostics.extend(fold(reported, record.doc, rules))
        else:
            diagnostics.extend(diagnostic for _, diagnostic in reported)
        if "M001" in policy.selected and "M001" not in file_ignored:
            for problem in _unused(comments, resolved, ignores, policy.selected, record.doc):
                diagnostics.append(_diagnostic(path, problem, rules["M001"], policy))
    diagnostics.sort()
    suppressed.sort(key=lambda s: s.diagnostic)
    return EngineResult(diagnostics, suppressed, [], file_ignores)


# One root cause, one finding (RULES.md): a metric to be replaced by a rate or a windowed
# measure (V001, V002) needs no pairing, segmenting, decision, review or better target first.
VANITY_FOLLOW_ONS = frozenset({"P001", "P002", "B003", "V003", "G004", "T001", "T002", "T003", "T009"})
FOLDING_ROOTS = {"V001": VANITY_FOLLOW_ONS, "V002": VANITY_FOLLOW_ONS}
# The findings a known key's absence causes. An unknown key (E002) whose "did you mean" names
# one of these keys folds them: `tagret` the T001 on its metric, a top-level `north-star` the
# H003 of its document, `Goals` the H002 of its objectives. A key written in the wrong mapping
# folds them on the item it was meant for (`fold`). The node findings of a metric's key stand
# on the node judging that metric (_judging_node): T007 (no target on the node's metrics) on
# its node, H005 (no lagging metric) on the objective above it.
UNREAD_KEY_CAUSES: dict[str, tuple[str, ...]] = {
    "target": ("T001", "T007"),
    "by": ("T002",),
    "baseline": ("T003",),
    "north_star": ("H003",),
    "goals": ("H002", "H005"),
    "outcomes": ("H002",),
    "behaviors": ("H002",),
    "metrics": ("H001",),
    "owner": ("G001",),
    "kind": ("P004", "H005"),
    "pairs_with": ("P001", "P002"),
    "guardrails": ("B002",),
    "decision": ("V003",),
    "review": ("G004",),
}
# H002 says a node lacks its next level: an unread `goals` explains it on objectives only.
_CHILD_LEVEL = {"goals": 0, "outcomes": 1, "behaviors": 2}


def fold(reported: list[tuple[Problem, Diagnostic]], doc: Optional[DocItem], rules: dict[str, Rule]) -> list[Diagnostic]:
    """One file's reported findings with each follow-on folded into the `related` of its root.

    A root claims its follow-ons' (code, subject): a V001's on its metric; an E002's on the item
    the unknown key was meant for (`_meant_for`), or on any item of the document for a key meant
    for the top level. Only reported findings take part: a root that is suppressed or not
    selected folds nothing (the metric stays, so the advice on it stands), and a suppressed
    follow-on stays suppressed. Roots are taken in the order of the file; a follow-on joins the
    first that claims it.
    """
    reported = sorted(reported, key=lambda entry: entry[1])
    claims: dict[tuple[str, Optional[str]], tuple[int, Optional[int]]] = {}  # -> (root, node level)
    items: Optional[dict[str, Any]] = None
    for index, (problem, _) in enumerate(reported):
        if problem.code == "E002" and problem.meant and problem.home is None and problem.subject:
            # Renamed in place, it is the item's missing required key: `title:` on a metric is its `name:`.
            claims.setdefault((_missing(problem.meant), problem.subject), (index, None))
        if problem.code in FOLDING_ROOTS and problem.subject:
            for code in FOLDING_ROOTS[problem.code]:
                claims.setdefault((code, problem.subject), (index, None))
        elif problem.code == "E002" and problem.meant in UNREAD_KEY_CAUSES:
            level = _CHILD_LEVEL.get(problem.meant)
            meant_for: Any = problem.subject  # renamed in place: the item it stands in
            if problem.home == "document":
                meant_for = None  # meant for the top level: any item of the file
            elif problem.subject is not None:
                # Only a file with such a key looks its items up: most files have none.
                if items is None:
                    items = {item.id: item for item in (*doc.nodes, *doc.metrics)} if doc is not None else {}
                item = items.get(problem.subject)
                if problem.home is not None:
                    meant_for = _meant_for(problem, item)
                    if meant_for is None:
                        continue
                elif item is not None:
                    meant_for = item
            elif problem.home is not None:
                continue  # in an item without a usable id: which one it was meant for is not known
            for code in UNREAD_KEY_CAUSES[problem.meant]:
                on = meant_for
                if isinstance(on, MetricItem) and rules[code].scope == "node":
                    on = _judging_node(on, code)
                    if on is None:
                        continue
                claims.setdefault((code, getattr(on, "id", on)), (index, level))
    if not claims:
        return [diagnostic for _, diagnostic in reported]
    levels = {node.id: node.level for node in doc.nodes} if doc is not None else {}
    folded: dict[int, list[Diagnostic]] = {}
    kept: list[int] = []
    for index, (problem, diagnostic) in enumerate(reported):
        code = _missing(problem.missing) if problem.missing else problem.code
        claim = claims.get((code, problem.subject)) or claims.get((code, None))
        if claim is not None and (claim[1] is None or levels.get(problem.subject or "") == claim[1]):
            folded.setdefault(claim[0], []).append(diagnostic)
        else:
            kept.append(index)
    if not folded:
        return [diagnostic for _, diagnostic in reported]
    order = {code: rank for rank, code in enumerate(rules)}
    result = []
    for index in kept:
        diagnostic = reported[index][1]
        if index in folded:
            related = sorted(folded[index], key=lambda entry: (order.get(entry.code, len(order)), entry))
            diagnostic = replace(diagnostic, related=tuple(related))
        result.append(diagnostic)
    return result


def _missing(key: str) -> str:
    """How the fold's claims name an E002 "missing the required key `key`" (not every E002)."""
    return f"E002 missing {key}"


def _meant_for(problem: Problem, item: Any) -> Optional[Any]:
    """The node or metric a key written in the wrong mapping was meant for (key_hints names the
    mapping, `problem.home`): the metric holding the key for a key of its target or one
    written in its target; the node holding the metric for a node's key; for a metric's key
    on a node, the metric just above it (indented one level too shallow). None when no item
    is found: a key above a node's first metric, or below a child node, was meant for none
    that can be told. `item` is the one the key stands in."""
    if isinstance(item, MetricItem):
        if problem.home in ("metric", "target", "history"):
            return item
        return item.node if problem.home == "node" else None
    if isinstance(item, NodeItem) and problem.home in ("metric", "target", "history"):
        line = problem.span[0]
        above = None
        loaded = item.doc.loaded
        # The items written inside this node (a child may be in another file, by its `parent:`).
        for child in (*item.metrics, *item.children):
            if child.doc is not item.doc or len(child.path) != len(item.path) + 2:
                continue
            span = loaded.value_span(child.path)
            if span and span[0] < line and (above is None or span[0] > above[0]):
                above = (span[0], child)
        return above[1] if above is not None and isinstance(above[1], MetricItem) else None
    return None


def _judging_node(metric: MetricItem, code: str) -> Optional[NodeItem]:
    """The node whose finding `code` a metric's missing key causes: H005 judges an objective by
    the metrics on it and its goals, the other node rules (T007) a node by its own metrics."""
    node = metric.node
    if code == "H005":
        if node.level == 1 and node.parent is not None:
            node = node.parent
        return node if node.level == 0 else None
    return node


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


_NAME_A_RULE = "Use a rule code (V001) or name (vanity-metric); `metricspec rules` lists them."


def _malformed(malformed: list[Malformed], comments: list[Suppression], ignores: dict[str, _LintIgnore]) -> Iterable[Problem]:
    """M002: what was written to silence a finding and silences nothing. Judged like any other
    finding afterwards (selection, per-file ignores, an `ignore-file[M002]`)."""
    for entry in malformed:
        span = (entry.line, entry.column, entry.line, entry.end_column)
        yield Problem("M002", f"'{entry.text}' is not a suppression: it silences nothing", span,
                      help=_rewritten(entry.text))
    for comment in comments:
        span = (comment.line, comment.column, comment.line, comment.end_column)
        for selector in comment.selectors:
            if not resolve_codes([selector]):
                yield Problem("M002", f"suppression names no rule: '{selector}'", span, help=_NAME_A_RULE)
        if not comment.selectors:
            yield Problem("M002", "suppression names no rule", span, help="Name the codes: ignore[V001].")
    for subject, entry in ignores.items():
        item = entry.item
        for index in entry.unknown:
            yield Problem("M002", f"lint_ignore names no rule: '{item.model.lint_ignore[index]}'",
                          item.doc.span(item.path + ("lint_ignore", index)), help=_NAME_A_RULE, subject=subject)


def _rewritten(text: str) -> str:
    """The help of an M002 on a look-alike comment: the suppression it meant, when its words
    name rules."""
    kind = "ignore-file" if "ignore-file" in text.lower() else "ignore"
    words = text.lower().split(kind, 1)[-1].split(" -- ", 1)[0]
    named = [word for word in re.findall(r"[a-z0-9][a-z0-9-]*", words) if resolve_codes([word])]
    shown = ", ".join(word.upper() if re.fullmatch(r"[a-z]\d{3}", word) else word for word in named)
    if not named:
        return f"Write it as `# metricspec: {kind}[V001]`: lowercase, a colon, the codes in brackets."
    return f"Write it as `# metricspec: {kind}[{shown}]`: lowercase, a colon, the codes in brackets."


def _unused(
    comments: list[Suppression],
    resolved: dict[int, set[str]],
    ignores: dict[str, _LintIgnore],
    selected: set[str],
    doc: Optional[DocItem],
) -> Iterable[Problem]:
    """M001: suppressions of selected rules that silenced nothing (one naming no rule is M002)."""
    for comment in comments:
        span = (comment.line, comment.column, comment.line, comment.end_column)
        for selector in comment.selectors:
            codes = resolve_codes([selector])
            if codes & selected and not codes & comment.used:
                yield Problem("M001", f"unused suppression of {selector}: nothing was reported here",
                              span, help="Remove it: the problem it silenced is gone.")
    for subject, entry in ignores.items():
        item = entry.item
        path = item.path + ("lint_ignore",)
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


__all__ = ["FileRecord", "Policy", "run_rules", "decide", "fold", "EngineResult", "MetricItem", "NodeItem"]
