"""`metricspec report`: the HTML page of ACTUALS.md ("report") from one status run and one lint run.

status_command.compute(..., detail=True) loads the specs once, runs lint's rules on that load
and reads each source once; this module turns the results into the dicts render.py reads (the
status JSON as documented, each metric with its page data beside it; lint's JSON report; with
`--base REV`, diff's JSON report of REV against the working tree) and writes the page. A run
stopped by an error raises CommandError before anything is written: `--output` stays untouched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Optional

from metricspec.actuals_command import CommandError
from metricspec.status_command import StatusRequest, StatusResult, compute


@dataclass
class Built:
    html: str
    result: StatusResult


def build(request: StatusRequest, version: str, base: Optional[str] = None) -> Built:
    """The page for `request` (status's options), with what moved since `base` when given."""
    from metricspec.report.render import render_report
    from metricspec.reporters import json as lint_json

    result = compute(request, version, detail=True)
    # The status JSON exactly as `status --format json` prints it, each metric with its extras.
    status = dict(result.report, metrics=[dict(m, **d) for m, d in zip(result.report["metrics"], result.details)])
    lint = lint_json.document(result.lint, SimpleNamespace(show_suppressed=False, statistics=False))
    changes = _diff(base, request) if base is not None else None
    html = render_report(status, lint, changes, version=version, today=result.report["today"],
                         source=", ".join(result.labels) or None)
    return Built(html, result)


def _diff(base: str, request: StatusRequest) -> dict:
    """`metricspec diff BASE --format json`'s dict over the same paths, with the config's D-code
    selection (the command line's --select names A codes, for status)."""
    from metricspec import config as config_module
    from metricspec import diff
    from metricspec.diff.codes import DiffUsageError, configured, selected
    from metricspec.diff.gitcli import PREFIX, GitError, refuse_option
    from metricspec.diff.report import as_json

    try:
        refuse_option(base)
        settings = config_module.load(request.config if request.config is not None
                                      else config_module.discover(Path.cwd()))
        if request.exclude:
            settings.exclude = [*settings.exclude, *request.exclude]
        codes = selected(settings, SimpleNamespace(select=None, extend_select=[], ignore=[], extend_ignore=[]))
        result = diff.run(base, None, list(request.paths), os.getcwd(), settings)
    except (DiffUsageError, GitError, config_module.ConfigError) as exc:
        raise CommandError(f"--base {base}: {str(exc).removeprefix(PREFIX)}") from None
    result.changes = configured(result.changes, settings, codes)
    return as_json(result)


def write(output: Path, built: Built) -> None:
    """The page to `output`, atomically; never over a file the run read (fileio's guard)."""
    from metricspec.fileio import WriteError, refuse_an_input, write_atomic

    try:
        refuse_an_input("--output", output, built.result.inputs())
        write_atomic(output, built.html)
    except WriteError as exc:
        raise CommandError(str(exc)) from None
