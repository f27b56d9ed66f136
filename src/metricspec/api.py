"""The library entry point: `lint(options) -> Report`. It never prints."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from metricspec import documents, parallel
from metricspec.config import Config
from metricspec.diagnostics import Diagnostic, Severity
from metricspec.discovery import Target, Walker, display_path, include_targets, repository_root
from metricspec.engine import FileRecord, Policy, SuppressedFinding, decide
from metricspec.loader import LoadedFile
from metricspec.rules import Context
from metricspec.selection import layered_codes, resolve_codes
from metricspec.workspace import Workspace


@dataclass
class LintOptions:
    paths: list[str] = field(default_factory=list)
    config: Config = field(default_factory=Config)
    select: Optional[list[str]] = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    extend_ignore: list[str] = field(default_factory=list)
    today: Optional[dt.date] = None
    skip_unrecognized: bool = False
    baseline: Optional[Path] = None
    cwd: Optional[str] = None
    fold: bool = True  # False: follow-on findings reported on their own (--no-fold)
    # Keep what a hook run needs from the specs it does not lint between runs (cache.py).
    cache: bool = True
    # Report every file the run passed over and why (Report.passed_over; --verbose).
    explain: bool = False
    # Called as progress(files_done, files_total) while files load; the CLI draws a bar with it.
    # The one file's bytes when they come from stdin (`lint -`): paths[0] names it, and its
    # repository lends the workspace, as for a file named on the command line.
    stdin: Optional[bytes] = None
    progress: Optional[Callable[[int, int], None]] = None
    # lint --actuals: the A codes are among the run's, so a config `select = ["A"]` narrows lint's
    # rules too; their findings come from actuals/lint.py after the run, not from the engine.
    actuals: bool = False
    # With `actuals`, read the actuals and add the A findings to the report, before the
    # baseline (lint --actuals); `source`, what a metric without a per-metric source reads.
    read_actuals: bool = False
    source: Optional[str] = None
    # lint --changed-since REV: lint only the files changed since REV (diff/changed.py); the
    # others are read as context, as for the files a hook names.
    changed_since: Optional[str] = None


@dataclass
class Report:
    files: int
    diagnostics: list[Diagnostic]
    suppressed: list[SuppressedFinding] = field(default_factory=list)
    sources: dict[str, LoadedFile] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    fixed: list[dict] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    # Every document of the run, resolved: what `metricspec tree` draws.
    workspace: Optional[Workspace] = None
    # With LintOptions.explain: (shown path, why) of each file or folder the run passed over.
    passed_over: list[tuple[str, str]] = field(default_factory=list)
    # How many findings the baseline hid.
    hidden: int = 0
    # With LintOptions.changed_since: diff.changed.ChangedFiles, what the run kept and left out.
    changed: Optional[object] = None
    # With LintOptions.actuals: the files its actuals sources read (the store, each CSV of a glob).
    actuals_files: list = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for diagnostic in self.diagnostics:
            counts[diagnostic.severity.value] += 1
        return counts

    def failed(self, fail_on: Severity) -> bool:
        return any(d.severity.rank >= fail_on.rank for d in self.diagnostics)


def policy_for(options: LintOptions) -> Policy:
    config = options.config
    # The command line is a layer on top of the config's (selection.layered_codes): its
    # --select starts afresh, as in ruff, so it can run a rule that the config ignores.
    selected = layered_codes(
        config.select if config.select is not None else ["ALL"],
        [*config.ignore, *config.extend_ignore],
        options.select,
        options.extend_select,
        [*options.ignore, *options.extend_ignore],
        config_extend_select=config.extend_select,
        actuals=options.actuals,
    )
    if options.actuals:  # the engine runs lint's rules; actuals/lint.py judges the A codes
        from metricspec.actuals.codes import A_RULES

        selected -= set(A_RULES)
    severities = {}
    for selector, name in config.severity.items():
        for code in resolve_codes([selector]):
            severities[code] = Severity(name)
    per_file = [(glob, resolve_codes(codes)) for glob, codes in config.per_file_ignores.items()]
    cwd = options.cwd or os.getcwd()
    # The globs are written relative to the config's folder, whatever the working directory.
    folder = str(config.source.parent) if config.source is not None else cwd
    return Policy(selected, severities, per_file, folder, cwd, fold=options.fold)


def lint(options: LintOptions) -> Report:
    cwd = options.cwd or os.getcwd()
    config = options.config
    walker = Walker(cwd, config.exclude, str(config.root))
    walker.explain = options.explain
    if options.stdin is not None:
        walker.seen_files.add(os.path.realpath(options.paths[0]))  # its copy on disk is not context
        targets = [Target(options.paths[0], display_path(options.paths[0], cwd), True, options.stdin)]
    elif options.paths:
        targets = list(walker.named(options.paths))
    elif config.include:
        targets = list(include_targets(config.root, config.include, walker))
    else:
        targets = list(walker.walk(cwd))
    changed = None
    if options.changed_since is not None and options.stdin is None:
        targets, changed = _changed_targets(targets, walker, options.changed_since, cwd)

    records: list[FileRecord] = []
    skipped: list[str] = []
    workspace = Workspace()
    internal_errors: list[str] = []
    # Many files load on every core (parallel.py); the results come back in the targets' order.
    loads = parallel.load(targets, options.skip_unrecognized, documents.load_target, options.progress)
    if options.progress is not None and targets:
        options.progress(len(targets) - 1, len(targets))  # every file read: the rules run next
    for target, (record, error) in zip(targets, loads):
        if error is not None:
            internal_errors.append(error)
        if record is None:
            skipped.append(target.display)
            continue
        records.append(record)
        if record.doc is not None:
            workspace.add(record.doc)
    for path_problem in walker.problems:
        records.append(FileRecord(LoadedFile(path_problem.display), problems=[path_problem.problem]))

    # Named files (a pre-commit hook's list) are part of a larger workspace: read the rest for
    # its definitions and pairs, so references and "pairs count for both ends" still hold.
    if any(target.named for target in targets) or workspace.unresolved_ids() or (changed is not None and targets):
        _add_context(workspace, options, config, cwd, walker)
    workspace.resolve()

    today = options.today or dt.date.today()
    terms = tuple(config.vanity.extend_terms)
    ctx = Context(workspace, today, config.thresholds, terms)
    policy = policy_for(options)
    rule_problems, faults = parallel.run_rules(workspace, ctx, policy.selected)
    result = decide(records, rule_problems, workspace, policy)
    file_ignores = result.file_ignores
    diagnostics, suppressed, fixed = result.diagnostics, result.suppressed, []
    checked_codes, actuals_files = policy.selected, []
    if options.actuals and options.read_actuals:  # before the baseline, which then matches and lists A findings as any
        found, a_codes = _actual_findings(workspace, options, today, cwd)
        diagnostics = sorted([*diagnostics, *found.diagnostics], key=_order)
        suppressed = sorted([*suppressed, *found.suppressed], key=lambda s: _order(s.diagnostic))
        checked_codes, actuals_files = policy.selected | a_codes, found.files
    found_count = len(diagnostics)
    hidden = 0
    if options.baseline is not None:
        from metricspec import baseline as baseline_file

        recorded = baseline_file.load(options.baseline)
        linted = [record.loaded.path for record in records]
        diagnostics, fixed = baseline_file.apply(
            diagnostics, recorded, options.baseline, linted, cwd,
            # Suppressed and folded findings still occur: they keep their recorded entries.
            suppressed=[entry.diagnostic for entry in suppressed]
            + [related for diagnostic in diagnostics for related in diagnostic.related],
            checked=lambda path, code: code in checked_codes and code not in file_ignores.get(path, ()),
        )
        hidden = found_count - len(diagnostics)
    return Report(
        files=len(records),
        diagnostics=diagnostics,
        suppressed=suppressed,
        sources={record.loaded.path: record.loaded for record in records},
        skipped=skipped,
        fixed=fixed,
        internal_errors=internal_errors + [message for _, message in faults],
        workspace=workspace,
        passed_over=_passed_over(options, walker, skipped, cwd) if options.explain else [],
        hidden=hidden,
        changed=changed,
        actuals_files=actuals_files,
    )


def _order(diagnostic: Diagnostic) -> tuple:
    """Lint's order (path, line, column, code) over lint's findings and A findings, some of
    which sit at a database source with no line."""
    return (diagnostic.path, diagnostic.line or 0, diagnostic.column or 0, diagnostic.code)


def _actual_findings(workspace: Workspace, options: LintOptions, today: dt.date, cwd: str):
    """lint --actuals: the A findings of the workspace (actuals/lint.py), and the A codes the
    run selected, which a baseline's entries may then be listed as fixed for. A source error
    raises actuals_command.CommandError."""
    from metricspec.actuals.codes import A_RULES
    from metricspec.actuals.lint import actual_findings, selected_codes

    chosen = dict(select=options.select, extend_select=options.extend_select, ignore=options.ignore,
                  extend_ignore=options.extend_ignore)
    found = actual_findings(workspace, options.config, today, source=options.source, cwd=cwd, **chosen)
    return found, selected_codes(options.config, **chosen) & set(A_RULES)


def _changed_targets(targets: list[Target], walker: Walker, rev: str, cwd: str) -> tuple[list[Target], object]:
    """lint --changed-since: the targets changed since `rev`, and diff.changed's ChangedFiles.
    The others leave the walk's seen files, so that the context read (_add_context) takes them
    in as definitions, as it takes the rest of the workspace in a hook run. Git errors raise
    diff.gitcli.GitError, its message the one line to print."""
    from metricspec.diff.changed import changed_since

    changed = changed_since(cwd, rev, [target.fs_path for target in targets], prefix="")
    kept = set(changed.paths)
    for target in targets:
        if target.fs_path not in kept:
            walker.seen_files.discard(os.path.realpath(target.fs_path))
    return [target for target in targets if target.fs_path in kept], changed


def _passed_over(options: LintOptions, walker: Walker, skipped: list[str], cwd: str) -> list[tuple[str, str]]:
    """Why each file a run did not lint was passed over: excluded, ignored by git, not a spec,
    or (with the config's include and no paths named) a spec outside the include."""
    passed = list(walker.passed_over)
    passed += [(path, "no top-level `metricspec` key") for path in skipped]
    config = options.config
    if config.include and not options.paths:
        outside = Walker(cwd, config.exclude, str(config.root))
        outside.seen_files = set(walker.seen_files)
        for target in outside.walk(str(config.root)):
            record, _ = documents.load_target(target, True)
            if record is not None:
                passed.append((target.display, "a spec outside the config's include"))
    return sorted(passed)



def _add_context(workspace: Workspace, options: LintOptions, config: Config, cwd: str, walker: Walker) -> None:
    """Read the rest of the workspace (the config's include, else the repository's metricspec
    files) for definitions only: nothing in those files is reported. With the index (cache.py),
    only the files connected to the linted ones are read, the others' ids come from it."""
    if config.include:
        root = str(config.root)
    else:
        first = options.paths[0] if options.paths else cwd
        found = repository_root(first if os.path.isdir(first) else os.path.dirname(os.path.abspath(first)))
        if found is None:
            return  # outside a repository there is no workspace beyond what was named
        root = found
    index = None
    if options.cache:
        from metricspec import cache

        key = (cwd, root, config.include, config.exclude, str(config.root))
        index = cache.Index(cache.location(config.source, root), key).read()
    listed = index.targets() if index is not None else None
    if listed is None:
        # Walked without the linted files' paths, so that the list is the same for any hook run.
        folders = index.folders(root) if index is not None else None
        context_walker = Walker(cwd, config.exclude, str(config.root))
        if index is None:
            context_walker.seen_files = set(walker.seen_files)
        if config.include:
            targets = list(include_targets(config.root, config.include, context_walker))
        else:
            targets = list(context_walker.walk(root))
        if index is None:
            workspace.context_paths = [target.fs_path for target in targets]
            for record, _ in parallel.load(targets, False, documents.load_context):
                if record is not None:
                    workspace.add(record.doc)
            return
        listed = [(target, os.path.realpath(target.fs_path)) for target in targets]
        index.record_walk(root, folders, listed)
    workspace.context_paths = [target.fs_path for target, _ in listed]
    index.keep_only(target.fs_path for target, _ in listed)
    linted = walker.seen_files
    _add_indexed_context(workspace, index, [target for target, real in listed if real not in linted])
    index.write()


def _add_indexed_context(workspace: Workspace, index, targets: list) -> None:
    """The context files connected to the linted documents, read in the walk's order (the
    order a run without the index adds them in); the others known by their ids only."""
    from metricspec import cache

    entries: list = []
    misses: list[tuple[int, Optional[tuple]]] = []
    for position, target in enumerate(targets):
        entry, key = index.lookup(target.fs_path)
        entries.append(entry)
        if entry is None:
            misses.append((position, key))
    docs: dict[int, object] = {}
    loads = parallel.load([targets[position] for position, _ in misses], False, documents.load_context)
    for (position, key), (record, _) in zip(misses, loads):
        doc = record.doc if record is not None else None
        entries[position] = index.store(targets[position].fs_path, key, cache.summary(doc.model) if doc else None)
        docs[position] = doc
    search = index.search(entries)
    start: set[str] = workspace.unresolved_ids()
    for doc in workspace.docs:
        start.update(item.id for item in doc.nodes)
        start.update(item.id for item in doc.metrics)
        if doc.model.product is not None:  # a product's other files: B001 judges them together
            start.add(cache.product_name(doc.model.product))
    chosen = search.connected(start)
    unread = [position for position in chosen if position not in docs]
    for position, (record, _) in zip(unread, parallel.load([targets[p] for p in unread], False, documents.load_context)):
        docs[position] = record.doc if record is not None else None
    for position in chosen:
        doc = docs[position]
        if doc is not None:
            workspace.add(doc)
    workspace.unloaded_ids = lambda: search.unloaded_ids(chosen)
