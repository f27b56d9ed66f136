"""`metricspec diff` behind the command line (cli.py parses, this runs): the config, the
selection over D codes, the report in the chosen format, the exit code (DIFF.md, Options,
configuration, exit codes).

Every failure the user can fix (a usage, configuration or git error) is one line on stderr and
exit 2; so is an internal fault, never a traceback.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from metricspec.diff.codes import DiffUsageError, configured, selected
from metricspec.diff.gitcli import PREFIX, GitError, refuse_option

FORMATS = ("text", "markdown", "json", "sarif", "github")


@dataclass
class DiffRequest:
    base: Optional[str] = None
    head: Optional[str] = None
    paths: list[str] = field(default_factory=list)
    format: Optional[str] = None
    output: Optional[Path] = None
    select: Optional[list[str]] = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    extend_ignore: list[str] = field(default_factory=list)
    fail_on: Optional[str] = None
    exit_zero: bool = False
    config: Optional[Path] = None
    exclude: list[str] = field(default_factory=list)
    no_fold: bool = False
    quiet: bool = False
    verbose: bool = False


# -- the run --------------------------------------------------------------------------------------


def run(request: DiffRequest) -> int:
    import gc

    # As lint's run: what a diff builds lives until it ends and holds no garbage cycles, so the
    # collector would only walk both sides' items again and again (a third of a large diff's
    # time) and free nothing. Forked workers inherit this.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(request)
    except (DiffUsageError, GitError) as exc:
        _error(str(exc))
    except KeyboardInterrupt:
        _error(f"{PREFIX}interrupted")
    except Exception as exc:  # an internal fault: one line, never a traceback
        _error(f"{PREFIX}internal error: {type(exc).__name__}: {exc}")
    finally:
        if collecting:
            gc.enable()
    return 2


def _error(line: str) -> None:
    from metricspec.terminal import escape_controls

    sys.stderr.write(escape_controls(" ".join(line.split())) + "\n")


def _run(request: DiffRequest) -> int:
    from metricspec import config as config_module
    from metricspec import diff
    from metricspec.diff import report

    for rev in (request.base, request.head):
        if rev is not None:
            refuse_option(rev)
    chosen_format = request.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if chosen_format not in FORMATS:
        raise DiffUsageError(f"{PREFIX}--format takes {', '.join(FORMATS)}")
    try:
        settings = config_module.load(request.config if request.config is not None else config_module.discover(Path.cwd()))
    except config_module.ConfigError as exc:
        raise DiffUsageError(f"{PREFIX}{exc}") from None
    codes = selected(settings, request)
    fail_on = request.fail_on or settings.fail_on or "warning"
    result = diff.run(request.base, request.head, request.paths, os.getcwd(), settings, request.exclude,
                      str(request.config) if request.config is not None else None)
    result.changes = configured(result.changes, settings, codes)
    if request.verbose:
        for path in result.skipped:
            sys.stderr.write(f"{PREFIX}skipped {path} (a symlink or submodule)\n")
        for note in result.notes:
            sys.stderr.write(f"{PREFIX}{note}\n")
        for command in result.commands:
            sys.stderr.write(f"{PREFIX}ran {command}\n")
    text = _render(chosen_format, result, fail_on, request.quiet)
    if request.output is not None:
        from metricspec.fileio import write_atomic

        try:
            write_atomic(request.output, text)
        except OSError as exc:
            raise DiffUsageError(f"{PREFIX}cannot write {request.output}: {exc.strerror or exc}") from None
    else:
        from metricspec.terminal import write_stdout

        write_stdout(text)
    if request.exit_zero or not report.fails(result.changes, fail_on):
        return 0
    return 1


def _render(chosen: str, result, fail_on: str, quiet: bool) -> str:
    from metricspec.diff import ci, report

    if chosen == "json":
        return report.json_text(result)
    if chosen == "markdown":
        return report.markdown(result, fail_on, os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY"))
    if chosen == "sarif":
        return ci.sarif(result)
    if chosen == "github":
        return ci.github(result, quiet)
    shown = report.text(result)
    if quiet:  # the changes only, not the closing summary line
        shown = "".join(line + "\n" for line in shown.splitlines()[:-1])
    return shown
