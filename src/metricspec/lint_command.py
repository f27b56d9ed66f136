"""`metricspec lint`, the command itself: settings, the library call, the reporter, the exit code.

Both doors lead here with the same LintRequest: cli.py (typer parses the arguments) and
entry.py (the console script's fast path, which parses the common arguments itself so that a
run on one file never pays for importing typer). The request arrives parsed and checked
(formats and dates valid); exit_code() is the one place a report becomes an exit code.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from metricspec.reporters import FORMATS

if TYPE_CHECKING:
    from metricspec.api import LintOptions, Report
    from metricspec.config import Config
    from metricspec.diagnostics import Severity

FAIL_ON = ("error", "warning", "info")


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def _fail(message: str) -> _Exit:
    from metricspec.terminal import escape_controls

    sys.stderr.write(f"metricspec: error: {escape_controls(message)}\n")
    return _Exit(2)


def codes(values: Optional[list[str]]) -> Optional[list[str]]:
    """Rule selectors from repeated and comma-separated option values."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_date(value: str) -> Optional[dt.date]:
    """A `--today` date written YYYY-MM-DD, or None. Both doors use this (entry.py hands
    None to typer, whose cli.py names the error): date.fromisoformat alone would also take
    `20270101` and `2027-W01-1`, which the documented form is not."""
    digits = value[:4] + value[5:7] + value[8:]
    if len(value) != 10 or value[4] != "-" or value[7] != "-" or not (digits.isascii() and digits.isdigit()):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:  # 2026-13-01, 2026-02-30
        return None


def color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def internal_error(where: str, exc: BaseException) -> str:
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    at = f" [{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}]" if frames else ""
    where = f" {where}" if where else ""
    return f"internal error{where}: {type(exc).__name__}: {exc}{at}; please report this as a bug"


def _option(kind: str, default: Any = None, *, choices: tuple[str, ...] = (), short: str = "") -> Any:
    """A field of LintRequest that is one of lint's options, `--` and its name with dashes. The
    kind says how entry.py's fast parser reads it: flag (no value), many (repeatable), path,
    date (YYYY-MM-DD, parse_date), choice (one of choices) or text (any string)."""
    return field(default=default, metadata={"kind": kind, "choices": choices, "short": short})


@dataclass(frozen=True)
class LintRequest:
    """One `metricspec lint` command line, parsed and checked (choices and dates valid).

    cli.py builds it from typer's parameters and entry.py from its own parse of the common
    command lines, which reads the option table from these fields; tests/test_entry.py holds
    the fields to typer's lint command (names, short flags, values, choices, defaults). A
    default is what an option left out means, as typer hands it over (None: not given).
    """

    paths: Optional[list[str]] = None  # the arguments: files and directories
    format: Optional[str] = _option("choice", choices=FORMATS)
    output: Optional[Path] = _option("path")
    select: Optional[list[str]] = _option("many")
    ignore: Optional[list[str]] = _option("many")
    extend_select: Optional[list[str]] = _option("many")
    extend_ignore: Optional[list[str]] = _option("many")
    fail_on: Optional[str] = _option("choice", choices=FAIL_ON)
    exit_zero: bool = _option("flag", False)
    today: Optional[dt.date] = _option("date")
    config: Optional[Path] = _option("path")
    exclude: Optional[list[str]] = _option("many")
    statistics: bool = _option("flag", False)
    baseline: Optional[Path] = _option("path")
    write_baseline: Optional[Path] = _option("path")
    skip_unrecognized: bool = _option("flag", False)
    show_suppressed: bool = _option("flag", False)
    no_fold: bool = _option("flag", False)
    quiet: bool = _option("flag", False, short="q")
    verbose: bool = _option("flag", False, short="v")
    no_cache: bool = _option("flag", False)
    show_settings: bool = _option("flag", False)
    fix: bool = _option("flag", False)
    diff: bool = _option("flag", False)
    stdin_filename: Optional[Path] = _option("path")
    actuals: bool = _option("flag", False)
    source: Optional[str] = _option("text")
    changed_since: Optional[str] = _option("text")

    def selectors(self) -> list[str]:
        """Every rule selector of the command line, to check before anything runs."""
        return [*(codes(self.select) or []), *(codes(self.ignore) or []), *(codes(self.extend_select) or []),
                *(codes(self.extend_ignore) or [])]

    def reads_stdin(self) -> bool:
        """`-` as the path, or --stdin-filename with no path (as ruff takes it)."""
        return self.paths == ["-"] or (not self.paths and self.stdin_filename is not None)

    def lint_options(self, settings: Config, stdin: Optional[bytes] = None) -> LintOptions:
        """The library's part of the request, on top of the config's settings; `stdin`, the
        bytes read from standard input for `-`."""
        from metricspec import api

        named = [str(self.stdin_filename or "-")] if stdin is not None else list(self.paths or [])
        return api.LintOptions(
            paths=named,
            stdin=stdin,
            config=settings,
            select=codes(self.select),
            extend_select=codes(self.extend_select) or [],
            ignore=codes(self.ignore) or [],
            extend_ignore=codes(self.extend_ignore) or [],
            today=self.today,
            skip_unrecognized=self.skip_unrecognized,
            fold=not self.no_fold,
            # A run that writes a baseline records every current finding, whatever an older
            # baseline would hide: `--baseline F --write-baseline F` regenerates F, never empties it.
            baseline=self.baseline if self.write_baseline is None else None,
            cache=not self.no_cache,
            explain=self.verbose,
            actuals=self.actuals,
            read_actuals=self.actuals,
            source=self.source,
            changed_since=self.changed_since,
        )

    def fail_on_severity(self, settings: Config) -> Optional[Severity]:
        """The lowest severity that fails the run: --fail-on, else the config's; None under
        --exit-zero, where no finding does."""
        from metricspec.diagnostics import Severity

        return None if self.exit_zero else Severity(self.fail_on or settings.fail_on)


def exit_code(report: Report, fail_on: Optional[Severity]) -> int:
    """The exit code of a run that produced `report` (CLI.md): 2 when a check faulted, 1 when a
    finding is at `fail_on` or above, else 0. fail_on None: findings never fail the run
    (--exit-zero, `metricspec tree`)."""
    if report.internal_errors:
        return 2
    return 1 if fail_on is not None and report.failed(fail_on) else 0


def run(request: LintRequest) -> int:
    """Lint, report, and return the exit code (0 clean, 1 findings, 2 usage or internal error)."""
    import gc

    # What a run builds lives until it ends and holds no garbage cycles: the collector would only
    # walk it again and again, longer the larger the run, and free nothing. Forked workers
    # inherit this.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(request)
    except _Exit as exit:
        return exit.code
    finally:
        if collecting:
            gc.enable()


def _run(request: LintRequest) -> int:
    from metricspec import config as config_module
    from metricspec.selection import SelectorError, check_selector

    _check_combinations(request)
    for selector in request.selectors():
        try:
            check_selector(selector, actuals=request.actuals)
        except SelectorError as exc:
            raise _fail(f"{exc}{config_module.rule_suggestion(selector)}") from None
    try:
        config_path = request.config if request.config is not None else config_module.discover(Path.cwd())
        settings = config_module.load(config_path)
    except config_module.ConfigError as exc:
        raise _fail(str(exc)) from None
    if request.exclude:  # adds to the config's exclude
        settings.exclude = [*settings.exclude, *request.exclude]
    if request.show_settings:
        from metricspec.terminal import write_stdout

        write_stdout(show_settings(settings, request))
        return 0
    stdin = _read_stdin(request)
    if request.verbose:
        _say(f"using the config {settings.source}" if settings.source is not None
             else f"no config file found from {Path.cwd()} upwards: the defaults")
    options = request.lint_options(settings, stdin)
    report = _lint(options, request.quiet)
    if request.verbose:
        for path, reason in report.passed_over:
            _say(f"skipped {path}: {reason}")
    if report.changed is not None and report.files == 0 and report.changed.unchanged and not report.internal_errors:
        # Spec files exist and none changed (CLI.md, "Exit codes"), or only YAML files that are no
        # specs did: a pull request that leaves the specs alone passes. The (empty) report is
        # still written, for a step that uploads it.
        if not request.quiet:
            _say(f"no spec file changed since {report.changed.rev} ({_files(report.changed.unchanged)} unchanged)")
    elif report.files == 0 and not report.internal_errors and not request.skip_unrecognized:
        raise _fail(_nothing_found(report, settings, request))
    elif report.changed is not None and request.verbose:
        _say(f"linting {_files(len(report.changed.paths))} changed since {report.changed.rev}"
             f" ({report.changed.sha[:12]}); {report.changed.unchanged} unchanged")
    fixed_stdin: Optional[bytes] = None
    if (request.fix or request.diff) and not report.internal_errors:  # a run that faulted is not fixed
        fixed = _fix(request, options, report)
        if isinstance(fixed, int):
            return fixed
        report, fixed_stdin = fixed
    if request.write_baseline is not None:
        _refuse_an_input("--write-baseline", request.write_baseline, report, settings, request)
        if report.internal_errors:
            # Its findings are incomplete and hold the faults: recorded, they would hide both.
            _say(f"{request.write_baseline} not written: the run faulted")
        else:
            _write_baseline(report, request.write_baseline, request.quiet)
        _report_faults(report)
        return exit_code(report, None)
    if request.output is not None:
        _refuse_an_input("--output", request.output, report, settings, request)
    if fixed_stdin is not None:
        # `--fix` on stdin: the fixed text is the output (as ruff), what remains goes to stderr.
        from metricspec.terminal import writing_stdout

        with writing_stdout():
            sys.stdout.flush()
            sys.stdout.buffer.write(fixed_stdin)
    _write_report(report, request, to_stderr=fixed_stdin is not None)
    _report_faults(report)
    return exit_code(report, request.fail_on_severity(settings))


def _check_combinations(request: LintRequest) -> None:
    """The options that only mean something together, or never do (exit 2)."""
    if request.source is not None and not request.actuals:
        # Without --actuals lint never opens a source (ACTUALS.md): --source alone would be a
        # typo'd or half-edited command line, not a request to start reading the warehouse.
        raise _fail("--source names where --actuals reads the actuals: add --actuals, or drop --source")
    if request.changed_since is None:
        return
    if request.changed_since.startswith("-") or not request.changed_since:
        raise _fail(f"--changed-since takes a revision (a branch, tag or SHA), not '{request.changed_since}'")
    if request.write_baseline is not None:
        raise _fail("--write-baseline records the findings of every spec: it cannot be combined with --changed-since")
    if request.reads_stdin():
        raise _fail("--changed-since picks files from the workspace; the spec on standard input is not one")


def _files(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''}"


def _report_faults(report: Report) -> None:
    from metricspec.terminal import escape_controls

    for fault in report.internal_errors:
        sys.stderr.write(f"metricspec: {escape_controls(fault)}\n")


def _read_stdin(request: LintRequest) -> Optional[bytes]:
    """The spec on stdin for `-`, or None when the run reads files. `-` stands alone: an editor
    hands over one buffer at a time."""
    paths = list(request.paths or [])
    if "-" in paths and len(paths) > 1:
        raise _fail("`-` (the spec on standard input) cannot be combined with other paths")
    if request.stdin_filename is not None and paths and paths != ["-"]:
        raise _fail("--stdin-filename names the spec read from standard input: give `-` as the only path")
    if not request.reads_stdin():
        return None
    from metricspec.loader import MAX_FILE_BYTES

    try:
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    except (OSError, AttributeError, ValueError) as exc:
        raise _fail(f"cannot read standard input: {exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise _fail(f"standard input holds more than {MAX_FILE_BYTES:,} bytes, the limit of a spec")
    return data


def _fix(request: LintRequest, options: LintOptions, report: Report) -> int | tuple[Report, Optional[bytes]]:
    """Apply the safe fixes (fixes.py) and lint again: the new report, and for stdin the fixed
    bytes. With --diff (which implies --fix, as ruff's does) print them instead and return the
    exit code: 1 when there is something to fix, else 0."""
    import dataclasses

    from metricspec import fixes
    from metricspec.fileio import WriteError, write_atomic

    try:
        planned = fixes.plan(report)
    except Exception as exc:
        raise _fail(internal_error("while fixing", exc)) from None
    count = sum(fix.applied for fix in planned)
    if request.diff:
        from metricspec.terminal import write_stdout

        write_stdout(fixes.unified_diff(planned))
        if not request.quiet:
            _say(f"would apply {_fixes_in(count, len(planned))}" if planned else "nothing to fix")
        return 1 if planned else 0
    if options.stdin is not None:
        raw = options.stdin
        if planned:
            bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
            raw = (bom + planned[0].fixed).encode("utf-8")
            report = _lint(dataclasses.replace(options, stdin=raw), request.quiet)
        if planned and not request.quiet:
            _say(f"applied {_fixes_in(count, 1)}")
        return report, raw
    applied = files = 0
    for fix in planned:
        try:
            write_atomic(Path(fix.path), fixes.encoded_as_read(fix.path, fix))
        except fixes.StaleFile as exc:
            _say(str(exc))
            continue
        except WriteError as exc:
            raise _fail(str(exc)) from None
        applied, files = applied + fix.applied, files + 1
    if files:
        report = _lint(options, request.quiet)
    if not request.quiet:
        _say(f"applied {_fixes_in(applied, files)}" if files else "nothing to fix")
    return report, None


def _fixes_in(count: int, files: int) -> str:
    return f"{count} fix{'es' if count != 1 else ''} in {files} file{'s' if files != 1 else ''}"


def _say(line: str) -> None:
    """One line of --verbose, on stderr: the report on stdout stays what its format says."""
    from metricspec.terminal import escape_controls

    sys.stderr.write(f"metricspec: {escape_controls(line)}\n")


def _nothing_found(report: Report, settings: Config, request: LintRequest) -> str:
    """Where a run that found no spec file looked (CLI.md, "Exit codes"): a wrong path or glob
    must not pass CI silently."""
    if request.paths:
        where = "in " + ", ".join(request.paths)
    elif settings.include:
        globs = ", ".join(f"`{glob}`" for glob in settings.include)
        where = f"matching the config's include ({globs}, from {settings.root})"
    else:
        where = f"in the current directory ({Path.cwd()})"
    message = f"no spec file found {where}"
    if report.skipped:
        count = len(report.skipped)
        message += f"; {count} YAML file{'s' if count != 1 else ''} without a top-level `metricspec` key skipped"
    if settings.exclude:
        message += f"; excluded: {', '.join(f'`{glob}`' for glob in settings.exclude)}"
    return message + " (--verbose says what was skipped and why; --skip-unrecognized makes this exit 0)"


def show_settings(settings: Config, request: LintRequest) -> str:
    """The resolved configuration as TOML: the file it came from, every key (defaults
    included), the command line's --exclude and --fail-on applied, and the rules the run checks."""
    import json

    from metricspec import vocabulary as v
    from metricspec.api import policy_for

    def key(name: str) -> str:
        return name if name.replace("-", "").replace("_", "").isalnum() and name.isascii() else json.dumps(name)

    def table(name: str, entries: object, fields: tuple) -> list[str]:
        lines = [f"[{name}]"]
        tables = []
        for setting in fields:
            value = getattr(entries, setting.attribute)
            if setting.form == v.TABLE:
                tables.append((f"{name}.{setting.key}", value, setting.holds))
            elif setting.form == v.TABLES_BY_GLOB:  # one table per glob: per-metric."arr-*"
                tables += [(f"{name}.{setting.key}.{key(glob)}", held, setting.holds) for glob, held in value.items()]
            elif isinstance(value, dict):
                tables.append((f"{name}.{setting.key}", value, None))
            elif value is None:
                unset = "every rule is selected" if setting.key == "select" else "the default"
                lines.append(f"# {setting.key} is not set: {unset}")
            else:
                lines.append(f"{setting.key} = {json.dumps(value, ensure_ascii=False)}")
        for sub, value, holds in tables:
            lines.append("")
            if holds is None:
                lines.append(f"[{sub}]")
                lines += [f"{key(k)} = {json.dumps(item, ensure_ascii=False)}" for k, item in value.items()]
            else:
                lines += table(sub, value, holds)
        return lines

    source = f"# config: {settings.source}" if settings.source is not None else (
        f"# config: none found from {Path.cwd()} upwards; the defaults")
    if request.fail_on:
        settings.fail_on = request.fail_on
    lines = [source, *table("tool.metricspec", settings, v.SETTINGS)]
    from metricspec.rules import all_rules

    chosen = policy_for(request.lint_options(settings)).selected
    selected = [code for code in all_rules() if code in chosen]  # in the rules' documented order
    if request.actuals:  # and the A codes, which actuals/lint.py judges after the engine's run
        from metricspec.actuals.codes import actual_codes
        from metricspec.actuals.lint import selected_codes

        a_codes = selected_codes(settings, codes(request.select), codes(request.extend_select) or [],
                                 codes(request.ignore) or [], codes(request.extend_ignore) or [])
        selected += [code for code in actual_codes() if code in a_codes]
    lines += ["", f"# the rules this run checks ({len(selected)}): {', '.join(selected)}"]
    from metricspec.terminal import escape_controls

    return "".join(escape_controls(line) + "\n" for line in lines)


def _lint(options: LintOptions, quiet: bool) -> Report:
    """api.lint, with a progress bar on a terminal; what goes wrong is one line and exit 2."""
    from metricspec import api, progress
    from metricspec.discovery import PathNotFound

    bar = progress.FileProgress() if progress.wanted(quiet) else None
    options.progress = bar
    try:
        return api.lint(options)
    except PathNotFound as exc:
        raise _fail(f"no such file or directory: {exc}") from None
    except Exception as exc:
        from metricspec.baseline import BaselineError

        from metricspec.actuals_command import CommandError
        from metricspec.diff.gitcli import GitError

        if isinstance(exc, (BaselineError, CommandError)):  # CommandError: an actuals source (--actuals)
            raise _fail(str(exc)) from None
        if isinstance(exc, GitError):  # --changed-since
            raise _fail(_git_message(str(exc))) from None
        raise _fail(internal_error("while linting", exc)) from None
    finally:
        if bar is not None:
            bar.close()


def _git_message(message: str) -> str:
    """diff's git messages as lint's: only diff's "not a repository" speaks of lint needing none."""
    from metricspec.diff.gitcli import NOT_A_REPOSITORY, PREFIX

    if message == NOT_A_REPOSITORY[len(PREFIX):]:
        return f"--changed-since reads git's history, and {Path.cwd()} is not in a git repository; " \
               "run it inside a clone, or lint without --changed-since"
    return message


def _refuse_an_input(option: str, output: Path, report: Report, settings: Config, request: LintRequest) -> None:
    """Exit 2 when `output` is a file this run read (CLI.md, "Exit codes"). Not the baseline
    that --write-baseline regenerates: a run that writes one reads none (lint_options)."""
    from metricspec.fileio import WriteError, refuse_an_input

    inputs: list[tuple[str, Any]] = [("a spec", path) for path in report.sources]
    if report.workspace is not None:  # the specs read or indexed for their definitions (a hook's run, --changed-since)
        inputs += [("a spec", doc.loaded.path) for doc in report.workspace.docs if doc.loaded.path not in report.sources]
        inputs += [("a spec", path) for path in report.workspace.context_paths]
    inputs += [("a file", path) for path in report.skipped]
    inputs += [("an actuals file", path) for path in report.actuals_files]  # the store, each CSV of a glob
    if settings.source is not None:
        inputs.append(("the config file", settings.source))
    if request.baseline is not None and request.write_baseline is None:
        inputs.append(("the baseline", request.baseline))
    try:
        refuse_an_input(option, output, inputs)
    except WriteError as exc:
        raise _fail(str(exc)) from None


def _write_baseline(report: Report, path: Path, quiet: bool) -> None:
    from metricspec.baseline import render as render_baseline
    from metricspec.fileio import WriteError, write_atomic

    try:
        write_atomic(path, render_baseline(report.diagnostics, path))
    except WriteError as exc:
        raise _fail(str(exc)) from None
    if not quiet:
        from metricspec.terminal import escape_controls

        sys.stderr.write(f"metricspec: recorded {len(report.diagnostics)} findings in {escape_controls(str(path))}\n")


def _write_report(report: Report, request: LintRequest, to_stderr: bool = False) -> None:
    """The report in the chosen format, to --output, or stdout (stderr: `to_stderr`)."""
    from metricspec.fileio import WriteError, write_atomic
    from metricspec.reporters import RenderOptions, render

    output = request.output
    chosen = request.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    stream = sys.stderr if to_stderr else sys.stdout
    use_color = output is None and color(stream)
    terminal = output is None and stream.isatty()
    width = max(60, (os.get_terminal_size(2) if to_stderr else os.get_terminal_size()).columns) if terminal else 100
    options = RenderOptions(color=use_color, width=width, statistics=request.statistics,
                            show_suppressed=request.show_suppressed, verbose=request.verbose, quiet=request.quiet,
                            wrap=terminal)
    try:
        rendered = render(chosen, report, options)
    except Exception as exc:
        raise _fail(internal_error(f"in the {chosen} report", exc)) from None
    if output is not None:
        try:
            write_atomic(output, rendered)
        except WriteError as exc:
            raise _fail(str(exc)) from None
    elif to_stderr:
        sys.stderr.write(rendered)
    else:
        from metricspec.terminal import write_stdout

        write_stdout(rendered)
