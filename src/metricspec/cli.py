"""The command line: parse, call the library, pick a reporter, return the exit code. No logic.

What it says quotes what was typed (a rule code, a path, an option's value): every message goes
through terminal.escape_controls, click's own usage errors included (_Commands).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from metricspec import __version__
from metricspec.lint_command import color as _color
from metricspec.lint_command import exit_code
from metricspec.lint_command import parse_date  # the same check as entry.py's fast path
from metricspec.terminal import escape_controls, write_stdout, writing_stdout

# The base of every error click shows (typer re-exports only some of them, and vendors click in
# its newer versions).
_ClickException = next(base for base in typer.BadParameter.__mro__ if base.__name__ == "ClickException")


# click's words for a value that is not one of the choices (`'sass' is not one of 'saas', ...`).
_NOT_A_CHOICE = re.compile(r"'(?P<value>.*)' is not one of (?P<choices>'.*')\.$", re.DOTALL)


@contextmanager
def _escaped_errors():
    try:
        yield
    except _ClickException as exc:
        if type(exc).__name__ != "NoArgsIsHelpError":  # its message is our help, lines and all
            exc.message = escape_controls(_with_suggestion(exc.message))
        raise


def _with_suggestion(message: str) -> str:
    """A bad choice's message with a "did you mean" when one choice is close (`--template sass`)."""
    from metricspec.config import did_you_mean

    found = _NOT_A_CHOICE.search(message)
    if found is None:
        return message
    suggestion = did_you_mean(found["value"], re.findall(r"'([^']*)'", found["choices"]))
    return message[:-1] + suggestion if suggestion else message


class _Commands(TyperGroup):
    """typer's group of commands, with the text of click's errors escaped: they quote what was
    typed (`Invalid value for '--format': 'x\\x1b[2J' is not one of ...`)."""

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        for param in getattr(command, "params", ()):
            if param.param_type_name == "argument" and param.metavar:
                # Help names an argument by its metavar alone (`PATH...`), not by its Python
                # type (`<list[str]>`), which typer shows beside it.
                param.display_type_rich = lambda ctx: None
        return command

    def format_commands(self, ctx, formatter):
        # click cuts a description to fit one line (`...`); the first line whole wraps instead.
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.short_help and command.help:
                command.short_help = command.help.strip().split("\n")[0]
        super().format_commands(ctx, formatter)

    def make_context(self, *args, **kwargs):
        with _escaped_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _escaped_errors():
            return super().invoke(ctx)


app = typer.Typer(
    name="metricspec",
    cls=_Commands,
    help="Product success metrics as code, checked like code.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    # `-h` as well as `--help`, for every command: click hands it down to each subcommand.
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, Enum):
    text = "text"
    concise = "concise"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


def _fail(message: str, code: int = 2) -> typer.Exit:
    sys.stderr.write(f"metricspec: error: {escape_controls(message)}\n")
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        write_stdout(f"metricspec {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = None,
) -> None:
    """Product success metrics as code, checked like code."""


def _today(value: Optional[str]) -> Optional[dt.date]:
    if value is None:
        return None
    day = parse_date(value)
    if day is None:
        raise typer.BadParameter(f"'{value}' is not a date written YYYY-MM-DD")
    return day


@app.command()
def lint(
    paths: Annotated[Optional[list[str]], typer.Argument(help="Files and directories (default: the config's include, else the current directory).", show_default=False, metavar="PATH")] = None,
    format: Annotated[Optional[Format], typer.Option("--format", help="Output format [default: text; github under GitHub Actions].")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", metavar="FILE", help="Write the report to this file (atomically).")] = None,
    select: Annotated[Optional[list[str]], typer.Option(metavar="CODES", help="Rule codes, prefixes or names to run; ALL for every rule.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(metavar="CODES", help="Rule codes, prefixes or names not to run.")] = None,
    extend_select: Annotated[Optional[list[str]], typer.Option(metavar="CODES", help="Add to the selected rules.")] = None,
    extend_ignore: Annotated[Optional[list[str]], typer.Option(metavar="CODES", help="Add to the ignored rules.")] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option("--fail-on", help="Lowest severity that fails the run [default: warning].")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with findings.")] = False,
    today: Annotated[Optional[str], typer.Option(metavar="YYYY-MM-DD", help="The date the date rules use (default: today).")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", metavar="FILE", help="Use this config file instead of discovering one.")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", metavar="GLOB", help="Glob of paths not to walk (adds to the config's exclude).")] = None,
    statistics: Annotated[bool, typer.Option("--statistics", help="Print a count of findings per rule instead of the findings.")] = False,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", metavar="FILE", help="Do not report findings recorded in this file; the summary says how many it hid.")] = None,
    write_baseline: Annotated[Optional[Path], typer.Option("--write-baseline", metavar="FILE", help="Record every current finding in this file and exit 0.")] = None,
    skip_unrecognized: Annotated[bool, typer.Option("--skip-unrecognized", help="Skip named files without a `metricspec` key.")] = False,
    show_suppressed: Annotated[bool, typer.Option("--show-suppressed", help="List suppressed findings with their reasons.")] = False,
    no_fold: Annotated[bool, typer.Option("--no-fold", help="Report follow-on findings on their own, not under their root cause.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print findings only.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Name the config file used and every file skipped and why (on stderr).")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the index of the specs a run does not lint.")] = False,
    show_settings: Annotated[bool, typer.Option("--show-settings", help="Print the resolved configuration (which file, every key) and exit.")] = False,
    fix: Annotated[bool, typer.Option("--fix", help="Apply the safe fixes in place, then report what remains.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print the safe fixes as a unified diff and change nothing (implies --fix; exit 1 when there is something to fix).")] = False,
    stdin_filename: Annotated[Optional[Path], typer.Option("--stdin-filename", metavar="PATH", help="With - as the path: read the spec from stdin and report it as PATH.")] = None,
    actuals: Annotated[bool, typer.Option("--actuals", help="Also run the A rules against the actuals (a source is read).")] = False,
    source: Annotated[Optional[str], typer.Option("--source", metavar="URL", help="With --actuals: the actuals source (a store, CSV files or a database URL).")] = None,
    changed_since: Annotated[Optional[str], typer.Option("--changed-since", metavar="REV", help="Lint only the spec files changed since this git revision (untracked included).")] = None,
) -> None:
    """Lint metric specs: structure, references and product-metric smells."""
    given = dict(locals())  # every parameter, named as LintRequest names its fields
    from metricspec.lint_command import LintRequest, run

    given.update(format=format.value if format else None, fail_on=fail_on.value if fail_on else None,
                 today=_today(today))
    raise typer.Exit(run(LintRequest(**given)))


@app.command()
def rules(
    format: Annotated[str, typer.Option("--format", metavar="text|json", help="text or json.")] = "text",
) -> None:
    """List every rule: code, name, family, default severity."""
    from metricspec import docs

    if format not in ("text", "json"):
        from metricspec.config import did_you_mean

        raise _fail(f"--format takes text or json{did_you_mean(format, ('text', 'json'))}")
    write_stdout(docs.rules_table(format, color=_color(sys.stdout)))


@app.command()
def rule(code: Annotated[str, typer.Argument(metavar="CODE", help="A rule code (V001) or name (vanity-metric).")]) -> None:
    """Show one rule's documentation: what, why, an example, the fix."""
    from metricspec import docs
    from metricspec.rules import find_rule

    found = find_rule(code)
    if found is None:
        from metricspec.config import rule_suggestion

        suggestion = rule_suggestion(code)
        raise _fail(f"unknown rule '{code}'{suggestion} (`metricspec rules` lists them)" if suggestion
                    else f"unknown rule '{code}'; `metricspec rules` lists them")
    write_stdout(docs.rule_page(found, color=_color(sys.stdout)))


class _DiffCommand(TyperCommand):
    """`metricspec diff [BASE [HEAD]] [-- PATH...]`: what follows `--` are paths, taken out
    before click parses the rest (click would read them as more revisions)."""

    def parse_args(self, ctx, args):
        if "--" in args:
            at = args.index("--")
            ctx.meta["metricspec_diff_paths"] = args[at + 1:]
            args = args[:at]
        try:
            return super().parse_args(ctx, args)
        except _ClickException as exc:
            # Every other error of diff is one line saying `metricspec diff: ...` (DIFF.md);
            # click's usage errors say so too, instead of its usage block and `Error: `.
            message = _with_suggestion(exc.format_message()).rstrip(".")
            raise _diff_usage(message[:1].lower() + message[1:] + "; see metricspec diff --help") from None


def _diff_usage(message: str) -> typer.Exit:
    sys.stderr.write(f"metricspec diff: {escape_controls(message)}\n")
    return typer.Exit(2)


class DiffFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"
    sarif = "sarif"
    github = "github"


@app.command(cls=_DiffCommand)
def diff(
    ctx: typer.Context,
    revisions: Annotated[Optional[list[str]], typer.Argument(metavar="[BASE [HEAD]] [-- PATH...]", help="BASE (default: the merge-base with the default branch) and HEAD (default: the working tree); after --, the files and folders to compare.", show_default=False)] = None,
    format: Annotated[Optional[DiffFormat], typer.Option("--format", help="Output format [default: text; github under GITHUB_ACTIONS].")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", help="Write the report to this file (atomically).")] = None,
    select: Annotated[Optional[list[str]], typer.Option(help="D codes, prefixes or names to report; ALL for every code.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(help="D codes, prefixes or names not to report.")] = None,
    extend_select: Annotated[Optional[list[str]], typer.Option(help="Add to the selected codes.")] = None,
    extend_ignore: Annotated[Optional[list[str]], typer.Option(help="Add to the ignored codes.")] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option("--fail-on", help="Lowest severity that fails the run [default: warning].")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with changes.")] = False,
    config: Annotated[Optional[Path], typer.Option("--config", help="Use this config file instead of discovering one.")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob of paths not to compare (adds to the config's exclude).")] = None,
    no_fold: Annotated[bool, typer.Option("--no-fold", help="Report follow-on changes on their own.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print changes only.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also list skipped files and the git commands run.")] = False,
) -> None:
    """Report moved goalposts: target and definition changes between two git revisions."""
    from metricspec.diff.command import DiffRequest, run as run_diff

    revs = list(revisions or [])
    if len(revs) > 2:
        raise _diff_usage("takes at most BASE and HEAD; put paths after --")
    request = DiffRequest(
        base=revs[0] if revs else None, head=revs[1] if len(revs) > 1 else None,
        paths=list(ctx.meta.get("metricspec_diff_paths", [])), format=format.value if format else None,
        output=output, select=select, ignore=list(ignore or []), extend_select=list(extend_select or []),
        extend_ignore=list(extend_ignore or []), fail_on=fail_on.value if fail_on else None, exit_zero=exit_zero,
        config=config, exclude=list(exclude or []), no_fold=no_fold, quiet=quiet, verbose=verbose,
    )
    raise typer.Exit(run_diff(request))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the metricspec format."""
    from metricspec.schema import schema_text

    write_stdout(schema_text())


class Template(str, Enum):
    saas = "saas"
    b2b = "b2b"
    ecommerce = "ecommerce"
    marketplace = "marketplace"
    minimal = "minimal"


class Stage(str, Enum):
    discovery = "discovery"
    mvp = "mvp"
    growth = "growth"
    maturity = "maturity"


class Hook(str, Enum):
    remote = "remote"
    local = "local"


def _console(stream, width: Optional[int] = None, soft_wrap: bool = False):
    from rich.console import Console

    color = _color(stream)
    return Console(file=stream, highlight=False, no_color=not color, force_terminal=color or None,
                   width=None if stream.isatty() else width, soft_wrap=soft_wrap)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="The project folder (default: the current directory).", show_default=False)] = Path("."),
    template: Annotated[Optional[Template], typer.Option("--template", help="The starter spec [default: saas].")] = None,
    product: Annotated[Optional[str], typer.Option("--product", metavar="NAME", help="The product's name (default: the folder's name).")] = None,
    stage: Annotated[Optional[Stage], typer.Option("--stage", help="The product's stage (default: the template's).")] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Ask nothing; take the defaults.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing spec (atomically).")] = False,
    hook: Annotated[Optional[Hook], typer.Option("--hook", help="remote: this repository at the running version's tag; local: the metricspec on PATH [default: remote for a released version, else local].")] = None,
) -> None:
    """Scaffold a starter spec, a config and the pre-commit hook."""
    from metricspec import scaffold
    from metricspec.scaffold.console import ask, show

    out, err = _console(sys.stdout, soft_wrap=True), _console(sys.stderr, soft_wrap=True)
    chosen = (product, template.value if template else None, stage.value if stage else None)
    if not no_input and sys.stdin.isatty() and sys.stdout.isatty():
        try:
            chosen = ask(out, directory, *chosen)
        except EOFError:
            raise _fail("no answer; run with --no-input to take the defaults") from None
    options = scaffold.InitOptions(directory, template=chosen[1] or "saas", product=chosen[0], stage=chosen[2], force=force,
                                   hook=hook.value if hook else None)
    try:
        result = scaffold.init_project(options)
    except scaffold.InitError as exc:
        raise _fail(str(exc)) from None
    with writing_stdout():
        show(result, out, err)
    raise typer.Exit(result.exit_code)


class TreeFormat(str, Enum):
    text = "text"
    mermaid = "mermaid"


@app.command()
def tree(
    paths: Annotated[Optional[list[str]], typer.Argument(help="Files and directories (default: the config's include, else the current directory).", show_default=False, metavar="PATH")] = None,
    format: Annotated[TreeFormat, typer.Option("--format", help="text: a tree; mermaid: a flowchart for docs.")] = TreeFormat.text,
    config: Annotated[Optional[Path], typer.Option("--config", metavar="FILE", help="Use this config file instead of discovering one.")] = None,
    today: Annotated[Optional[str], typer.Option(metavar="YYYY-MM-DD", help="The date the date rules use (default: today).")] = None,
) -> None:
    """Show the hierarchy: objectives down to behaviors, each metric's kind, target and findings."""
    from metricspec import api, config as config_module
    from metricspec import tree as tree_view
    from metricspec.discovery import PathNotFound

    try:
        settings = config_module.load(config if config is not None else config_module.discover(Path.cwd()))
    except config_module.ConfigError as exc:
        raise _fail(str(exc)) from None
    try:
        report = api.lint(api.LintOptions(paths=list(paths or []), config=settings, today=_today(today), skip_unrecognized=True))
    except PathNotFound as exc:
        raise _fail(f"no such file or directory: {exc}") from None
    # What stdout cannot encode (★ on a cp1252 console) is replaced, never an encoding error.
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    if format is TreeFormat.mermaid:
        write_stdout(tree_view.mermaid_for_encoding(tree_view.mermaid(report.workspace, report.diagnostics), encoding))
    else:
        console = _console(sys.stdout, width=200)
        view = tree_view.text_view(report.workspace, report.diagnostics, list(report.sources))
        if encoding.lower().replace("-", "").startswith("utf"):
            with writing_stdout():
                console.print(view)
        else:  # rendered for stdout (rich draws ASCII guides for it), then written with stand-ins
            with console.capture() as captured:
                console.print(view)
            write_stdout(tree_view.for_encoding(captured.get(), encoding))
    raise typer.Exit(exit_code(report, fail_on=None))  # the tree shows findings; only a fault fails it


# -- actuals and status (ACTUALS.md) ------------------------------------------------------------

actuals_app = typer.Typer(cls=_Commands, help="Store and list measured values of metrics.", no_args_is_help=True,
                          add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
app.add_typer(actuals_app, name="actuals")

_ConfigOption = Annotated[Optional[Path], typer.Option("--config", help="Use this config file instead of discovering one.")]
_SourceOption = Annotated[Optional[str], typer.Option("--source", help="The actuals source (a path or URL) instead of the config's.")]
_TodayOption = Annotated[Optional[str], typer.Option("--today", help="The day to read for, YYYY-MM-DD (default: today); later rows are ignored.")]


def _actuals_run(action):
    """Run an actuals command: its output on stdout, or its error (one line; refused rows one
    line each, before it) on stderr with its exit code."""
    from metricspec.actuals_command import CommandError

    try:
        text = action()
    except CommandError as exc:
        for line in exc.lines:
            sys.stderr.write(escape_controls(line) + "\n")
        raise _fail(str(exc), exc.code) from None
    return text


def _write_encodable(text: str) -> None:
    """`text` to stdout, what it cannot encode (a title's é on an ASCII console) replaced."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    write_stdout(text.encode(encoding, "replace").decode(encoding))


def _stdout_is_unicode() -> bool:
    return (getattr(sys.stdout, "encoding", None) or "utf-8").lower().replace("-", "").startswith("utf")


def _common(config, source, today):
    from metricspec.actuals_command import Common

    return Common(config=config, source=source, today=_today(today))


@actuals_app.command("import")
def actuals_import(
    files: Annotated[list[str], typer.Argument(help="CSV files with the header metric,at,value[,segment]; - is stdin.")],
    allow_unknown: Annotated[bool, typer.Option("--allow-unknown", help="Store rows of ids the workspace does not define.")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite rows already stored.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
    config: _ConfigOption = None,
    source: _SourceOption = None,
    today: _TodayOption = None,
) -> None:
    """Store the rows of CSV files in the embedded store: all of them, or none."""
    from metricspec.actuals_command import import_files

    common = _common(config, source, today)
    text = _actuals_run(lambda: import_files(files, common, allow_unknown=allow_unknown, replace=replace))
    if not quiet:
        _write_encodable(text)


@actuals_app.command("add")
def actuals_add(
    metric: Annotated[str, typer.Argument(help="The metric's id.")],
    value: Annotated[str, typer.Argument(help="The value measured, in the metric's unit.")],
    at: Annotated[Optional[str], typer.Option("--at", help="The day measured, YYYY-MM-DD (default: today).")] = None,
    segment: Annotated[Optional[str], typer.Option("--segment", help="dimension=value; the overall value without it.")] = None,
    allow_unknown: Annotated[bool, typer.Option("--allow-unknown", help="Store a row of an id the workspace does not define.")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite the row if it is stored.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
    config: _ConfigOption = None,
    source: _SourceOption = None,
    today: _TodayOption = None,
) -> None:
    """Store one measured value."""
    from metricspec.actuals_command import add_row

    common = _common(config, source, today)
    text = _actuals_run(lambda: add_row(metric, value, common, at=at, segment=segment, allow_unknown=allow_unknown,
                                        replace=replace))
    if not quiet:
        _write_encodable(text)


class ListFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


@actuals_app.command("list")
def actuals_list(
    metric: Annotated[Optional[str], typer.Argument(help="A metric's id: its rows (default: a line per metric).")] = None,
    format: Annotated[ListFormat, typer.Option("--format", help="text, json or csv.")] = ListFormat.text,
    segment: Annotated[Optional[str], typer.Option("--segment", help="Only this segment (dimension=value, or overall).")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Rows on or after this day, YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Rows on or before this day, YYYY-MM-DD.")] = None,
    config: _ConfigOption = None,
    source: _SourceOption = None,
    today: _TodayOption = None,
) -> None:
    """List the stored actuals."""
    from metricspec.actuals_command import list_rows

    common = _common(config, source, today)
    since_day, until_day = _today(since), _today(until)
    _write_encodable(_actuals_run(lambda: list_rows(
        metric, common, format.value, segment, since_day.isoformat() if since_day else None,
        until_day.isoformat() if until_day else None)))


class StatusFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    csv = "csv"


class StatusFailOn(str, Enum):
    at_risk = "at-risk"
    off_track = "off-track"
    missed = "missed"


@app.command()
def status(
    paths: Annotated[Optional[list[str]], typer.Argument(help="Files and directories (default: the config's include, else the current directory).")] = None,
    format: Annotated[StatusFormat, typer.Option("--format", help="text, json, markdown or csv.")] = StatusFormat.text,
    fail_on: Annotated[Optional[StatusFailOn], typer.Option("--fail-on", help="Exit 1 when a metric's status is this or worse (at-risk < off-track < missed).")] = None,
    segment: Annotated[Optional[str], typer.Option("--segment", help="Judge segment rows: DIM=VALUE, or DIM for a row per value.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", help="Write the report to this file (atomically).")] = None,
    select: Annotated[Optional[list[str]], typer.Option(help="A codes, prefixes or names to list; ALL for every one.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(help="A codes, prefixes or names not to list.")] = None,
    extend_select: Annotated[Optional[list[str]], typer.Option(help="Add to the listed A codes.")] = None,
    extend_ignore: Annotated[Optional[list[str]], typer.Option(help="Add to the A codes not listed.")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob of paths not to walk (adds to the config's exclude).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the statuses and findings.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="On stderr: the config used; per source (masked), the metrics it serves, the queries run and the rows read.")] = False,
    config: _ConfigOption = None,
    source: _SourceOption = None,
    today: _TodayOption = None,
) -> None:
    """Whether each active metric's target is on track, from its actuals."""
    from metricspec.status_views import render

    result = _status_run(locals(), "status")
    if output is not None:
        from metricspec.actuals_command import CommandError
        from metricspec.fileio import WriteError, refuse_an_input, write_atomic

        try:
            refuse_an_input("--output", output, result.inputs())
            write_atomic(output, render(result.report, format.value, labels=result.labels, quiet=quiet))
        except (WriteError, CommandError) as exc:
            raise _fail(str(exc)) from None
    else:
        _write_encodable(render(result.report, format.value, unicode=_stdout_is_unicode(), labels=result.labels,
                                quiet=quiet))
    raise typer.Exit(result.exit_code)


def _status_run(given: dict, command: str, base: Optional[str] = None):
    """status's options (`given`, the command's parameters) run by `command`: status's result,
    or report's page (written to `--output`); any error one line, its exit code."""
    from metricspec import __version__ as version
    from metricspec.actuals_command import CommandError
    from metricspec.status_command import StatusRequest, compute, verbose_lines

    segment, fail_on = given["segment"], given["fail_on"]
    if segment is not None and (not segment.partition("=")[0] or segment.endswith("=")):
        raise _fail(f"--segment takes DIM or DIM=VALUE, not '{segment}'")
    request = StatusRequest(paths=list(given["paths"] or []), today=_today(given["today"]), source=given["source"],
                            config=given["config"], segment=segment, fail_on=fail_on.value if fail_on else None,
                            select=given["select"], extend_select=given["extend_select"] or [],
                            ignore=given["ignore"] or [], extend_ignore=given["extend_ignore"] or [],
                            exclude=given["exclude"] or [])
    try:
        if command == "status":
            result = compute(request, version)
        else:
            from metricspec.report_command import build, write

            built = build(request, version, base)
            result = built.result
            write(given["output"], built)
    except CommandError as exc:
        raise _fail(str(exc), exc.code) from None
    if given["verbose"]:
        for line in verbose_lines(result):
            sys.stderr.write(escape_controls(line) + "\n")
    return result


@app.command()
def report(
    paths: Annotated[Optional[list[str]], typer.Argument(help="Files and directories (default: the config's include, else the current directory).")] = None,
    output: Annotated[Path, typer.Option("--output", help="The HTML file to write (atomically).")] = ...,
    base: Annotated[Optional[str], typer.Option("--base", help="Also show what moved since this git revision (metricspec diff BASE).")] = None,
    fail_on: Annotated[Optional[StatusFailOn], typer.Option("--fail-on", help="Exit 1 when a metric's status is this or worse (at-risk < off-track < missed).")] = None,
    segment: Annotated[Optional[str], typer.Option("--segment", help="Judge segment rows: DIM=VALUE, or DIM for a row per value.")] = None,
    select: Annotated[Optional[list[str]], typer.Option(help="A codes, prefixes or names to list; ALL for every one.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(help="A codes, prefixes or names not to list.")] = None,
    extend_select: Annotated[Optional[list[str]], typer.Option(help="Add to the listed A codes.")] = None,
    extend_ignore: Annotated[Optional[list[str]], typer.Option(help="Add to the A codes not listed.")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob of paths not to walk (adds to the config's exclude).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="As status's; the report prints nothing but errors anyway.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="On stderr: the config used; per source (masked), the metrics it serves, the queries run and the rows read.")] = False,
    config: _ConfigOption = None,
    source: _SourceOption = None,
    today: _TodayOption = None,
) -> None:
    """One self-contained HTML page for a review: hierarchy, charts, statuses and findings."""
    raise typer.Exit(_status_run(locals(), "report", base).exit_code)
