"""The console script. Start-up is most of a run on one file (a pre-commit hook, an editor), so
the commonest command lines are answered without importing typer (tens of milliseconds):

- `metricspec --version`;
- `metricspec lint ...` with any of its options, parsed here as click would parse them;
- `metricspec rules [--format text|json]`.

Anything else, and anything here that is not plainly valid (`--help`, an unknown option, a bad
choice or date, a missing value), goes to cli.py, whose typer app answers it exactly as
always, errors and help included. tests/test_entry.py runs command lines through both doors
and compares what they print, write and return.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Optional

# lint's options: name -> (parameter, kind); kinds: "flag", "value", "many", "path", "choice:..."
_LINT_OPTIONS = {
    "--format": ("format", "choice:text,concise,json,sarif,github,junit"),
    "--output": ("output", "path"),
    "--select": ("select", "many"),
    "--ignore": ("ignore", "many"),
    "--extend-select": ("extend_select", "many"),
    "--extend-ignore": ("extend_ignore", "many"),
    "--fail-on": ("fail_on", "choice:error,warning,info"),
    "--exit-zero": ("exit_zero", "flag"),
    "--today": ("today", "date"),
    "--config": ("config", "path"),
    "--exclude": ("exclude", "many"),
    "--statistics": ("statistics", "flag"),
    "--baseline": ("baseline", "path"),
    "--write-baseline": ("write_baseline", "path"),
    "--skip-unrecognized": ("skip_unrecognized", "flag"),
    "--show-suppressed": ("show_suppressed", "flag"),
    "--quiet": ("quiet", "flag"),
    "--verbose": ("verbose", "flag"),
}
_SHORT_FLAGS = {"q": "quiet", "v": "verbose"}


def parse_lint(args: list[str]) -> Optional[dict[str, Any]]:
    """lint's parameters from its arguments, or None when typer must handle them."""
    from pathlib import Path

    params: dict[str, Any] = {}
    paths: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            paths.extend(args[index:])
            break
        if not arg.startswith("-") or arg == "-":
            paths.append(arg)
            continue
        if not arg.startswith("--"):
            letters = arg[1:]
            if not letters or any(letter not in _SHORT_FLAGS for letter in letters):
                return None
            for letter in letters:
                params[_SHORT_FLAGS[letter]] = True
            continue
        name, has_value, value = arg.partition("=")
        if name not in _LINT_OPTIONS:
            return None  # --help, or an unknown option: typer says what it says
        param, kind = _LINT_OPTIONS[name]
        if kind == "flag":
            if has_value:
                return None
            params[param] = True
            continue
        if not has_value:
            if index >= len(args):
                return None
            value = args[index]
            index += 1
        if value.startswith("-") or not value:
            return None  # a value that looks like an option, or none: leave the message to typer
        if kind == "many":
            params.setdefault(param, []).append(value)
        elif kind == "path":
            params[param] = Path(value)
        elif kind == "date":
            from metricspec.lint_command import parse_date  # the same check as cli.py's

            params[param] = parse_date(value)
            if params[param] is None:
                return None
        else:
            if value not in kind.split(":", 1)[1].split(","):
                return None
            params[param] = value
    params["paths"] = paths or None
    return params


def _rules(args: list[str]) -> Optional[int]:
    if args in ([], ["--format", "text"], ["--format=text"]):
        chosen = "text"
    elif args in (["--format", "json"], ["--format=json"]):
        chosen = "json"
    else:
        return None
    from metricspec import docs
    from metricspec.lint_command import color

    sys.stdout.write(docs.rules_table(chosen, color=color(sys.stdout)))
    return 0


def main(argv: Optional[list[str]] = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # closed by the caller (`>&-`): what would go there is dropped
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
    try:
        code = _fast(args)
        if code is None:
            from metricspec.cli import app

            app(args=args)  # exits through SystemExit with click's code
            return
    except BrokenPipeError:
        # The reader went away (`| head`): as click does, stop quietly with 1, and point stdout
        # at /dev/null so that the interpreter's last flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("metricspec: interrupted\n")
        sys.exit(130)
    except Exception as exc:  # never a traceback: one line, exit 2
        from metricspec.lint_command import internal_error

        sys.stderr.write(f"metricspec: {internal_error('', exc)}\n")
        sys.exit(2)
    _exit_now(code)


def _exit_now(code: int) -> None:
    """Exit without tearing the run down: everything is written, and freeing a large run's
    objects one by one at interpreter exit (a full collection of them, too) takes longer than
    the rules did. Nothing of ours is left to clean up: files are written atomically and worker
    processes are joined before their results are used."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    os._exit(code)


def _fast(args: list[str]) -> Optional[int]:
    if args == ["--version"]:
        from metricspec import __version__

        sys.stdout.write(f"metricspec {__version__}\n")
        return 0
    if args[:1] == ["lint"]:
        params = parse_lint(args[1:])
        if params is None:
            return None
        from metricspec import lint_command

        return lint_command.run(**params)
    if args[:1] == ["rules"]:
        return _rules(args[1:])
    return None
