"""`metricspec lint`, the command itself: settings, the library call, the reporter, the exit code.

Both doors lead here: cli.py (typer parses the arguments) and entry.py (the console script's
fast path, which parses the common arguments itself so that a run on one file never pays for
importing typer). Arguments arrive parsed and checked (formats and dates valid).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Optional


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def _fail(message: str) -> _Exit:
    sys.stderr.write(f"metricspec: error: {message}\n")
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


def run(
    paths: Optional[list[str]] = None,
    format: Optional[str] = None,
    output: Optional[Path] = None,
    select: Optional[list[str]] = None,
    ignore: Optional[list[str]] = None,
    extend_select: Optional[list[str]] = None,
    extend_ignore: Optional[list[str]] = None,
    fail_on: Optional[str] = None,
    exit_zero: bool = False,
    today: Optional[dt.date] = None,
    config: Optional[Path] = None,
    exclude: Optional[list[str]] = None,
    statistics: bool = False,
    baseline: Optional[Path] = None,
    write_baseline: Optional[Path] = None,
    skip_unrecognized: bool = False,
    show_suppressed: bool = False,
    quiet: bool = False,
    verbose: bool = False,
) -> int:
    """Lint, report, and return the exit code (0 clean, 1 findings, 2 usage or internal error)."""
    import gc

    # What a run builds lives until it ends and holds no garbage cycles: the collector would only
    # walk it again and again (a quarter of a large run's time). Forked workers inherit this.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(paths, format, output, select, ignore, extend_select, extend_ignore, fail_on, exit_zero, today,
                    config, exclude, statistics, baseline, write_baseline, skip_unrecognized, show_suppressed, quiet,
                    verbose)
    except _Exit as exit:
        return exit.code
    finally:
        if collecting:
            gc.enable()


def _run(paths, format, output, select, ignore, extend_select, extend_ignore, fail_on, exit_zero, today, config,
         exclude, statistics, baseline, write_baseline, skip_unrecognized, show_suppressed, quiet, verbose) -> int:
    from metricspec import api, config as config_module
    from metricspec.diagnostics import Severity
    from metricspec.discovery import PathNotFound
    from metricspec.fileio import WriteError, write_atomic
    from metricspec.reporters import RenderOptions, render
    from metricspec.selection import SelectorError, check_selector

    for selector in [*(codes(select) or []), *(codes(ignore) or []), *(codes(extend_select) or []), *(codes(extend_ignore) or [])]:
        try:
            check_selector(selector)
        except SelectorError as exc:
            raise _fail(str(exc)) from None
    try:
        config_path = config if config is not None else config_module.discover(Path.cwd())
        settings = config_module.load(config_path)
    except config_module.ConfigError as exc:
        raise _fail(str(exc)) from None
    if exclude:
        settings.exclude = [*settings.exclude, *exclude]
    options = api.LintOptions(
        paths=list(paths or []),
        config=settings,
        select=codes(select),
        extend_select=codes(extend_select) or [],
        ignore=codes(ignore) or [],
        extend_ignore=codes(extend_ignore) or [],
        today=today,
        skip_unrecognized=skip_unrecognized,
        # A run that writes a baseline records every current finding, whatever an older
        # baseline would hide: `--baseline F --write-baseline F` regenerates F, never empties it.
        baseline=baseline if write_baseline is None else None,
    )
    from metricspec import progress

    bar = progress.FileProgress() if progress.wanted(quiet) else None
    options.progress = bar
    try:
        report = api.lint(options)
    except PathNotFound as exc:
        raise _fail(f"no such file or directory: {exc}") from None
    except Exception as exc:
        from metricspec.baseline import BaselineError

        if isinstance(exc, BaselineError):
            raise _fail(str(exc)) from None
        raise _fail(internal_error("while linting", exc)) from None
    finally:
        if bar is not None:
            bar.close()

    if write_baseline is not None:
        from metricspec.baseline import render as render_baseline

        try:
            write_atomic(write_baseline, render_baseline(report.diagnostics, write_baseline))
        except WriteError as exc:
            raise _fail(str(exc)) from None
        if not quiet:
            sys.stderr.write(f"metricspec: recorded {len(report.diagnostics)} findings in {write_baseline}\n")
        return 0

    chosen = format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    use_color = output is None and color(sys.stdout)
    width = 100 if output is not None or not sys.stdout.isatty() else max(60, os.get_terminal_size().columns)
    try:
        rendered = render(
            chosen,
            report,
            RenderOptions(color=use_color, width=width, statistics=statistics, show_suppressed=show_suppressed,
                          verbose=verbose, quiet=quiet),
        )
    except Exception as exc:
        raise _fail(internal_error(f"in the {chosen} report", exc)) from None
    if output is not None:
        try:
            write_atomic(output, rendered)
        except WriteError as exc:
            raise _fail(str(exc)) from None
    else:
        sys.stdout.write(rendered)
        sys.stdout.flush()
    for fault in report.internal_errors:
        sys.stderr.write(f"metricspec: {fault}\n")
    if report.internal_errors:
        return 2
    threshold = Severity(fail_on or settings.fail_on)
    return 1 if report.failed(threshold) and not exit_zero else 0
