"""The console script. Start-up is most of a run on one file (a pre-commit hook, an editor), and
importing typer and what it brings (rich, pydantic) takes longer than linting one file, so the
commonest command lines are answered without typer:

- `metricspec --version`;
- `metricspec lint ...` with any of its options, parsed here as click would parse them, into the
  same LintRequest that cli.py builds (the option table is LintRequest's fields);
- `metricspec rules [--format text|json]`.

Anything else, and anything here that is not plainly valid (`--help` or `-h`, an unknown option, a bad
choice or date, a missing value), goes to cli.py, whose typer app answers it exactly as
always, errors and help included. tests/test_entry.py runs command lines through both doors
and compares what they print, write and return.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from dataclasses import Field

    from metricspec.lint_command import LintRequest


def lint_options() -> tuple[dict[str, Field], dict[str, str]]:
    """lint's options as the fast parser reads them, from the fields of LintRequest: by long
    name (`--extend-select`) and by short flag (`q`)."""
    from dataclasses import fields

    from metricspec.lint_command import LintRequest

    options = [f for f in fields(LintRequest) if "kind" in f.metadata]
    by_name = {"--" + f.name.replace("_", "-"): f for f in options}
    by_letter = {f.metadata["short"]: f.name for f in options if f.metadata["short"]}
    return by_name, by_letter


def parse_lint(args: list[str]) -> Optional[LintRequest]:
    """lint's request from its arguments, or None when typer must handle them."""
    from pathlib import Path

    from metricspec.lint_command import LintRequest, parse_date

    by_name, by_letter = lint_options()
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
            if not letters or any(letter not in by_letter for letter in letters):
                return None
            for letter in letters:
                params[by_letter[letter]] = True
            continue
        name, has_value, value = arg.partition("=")
        if name not in by_name:
            return None  # --help, or an unknown option: typer says what it says
        option = by_name[name]
        param, kind = option.name, option.metadata["kind"]
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
        elif kind == "text":
            params[param] = value
        elif kind == "date":
            params[param] = parse_date(value)  # the same check as cli.py's
            if params[param] is None:
                return None
        elif kind == "choice" and value in option.metadata["choices"]:
            params[param] = value
        else:
            return None  # not one of the choices: typer lists them
    return LintRequest(paths=paths or None, **params)


def _rules(args: list[str]) -> Optional[int]:
    if args in ([], ["--format", "text"], ["--format=text"]):
        chosen = "text"
    elif args in (["--format", "json"], ["--format=json"]):
        chosen = "json"
    else:
        return None
    from metricspec import docs
    from metricspec.lint_command import color
    from metricspec.terminal import write_stdout

    write_stdout(docs.rules_table(chosen, color=color(sys.stdout)))
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

            if args and "--help" not in args and "-h" not in args:
                app(args=args)  # exits through SystemExit with click's code
                return
            from metricspec.terminal import writing_stdout

            with writing_stdout():  # click prints the help and exits before any command runs
                app(args=args)
            return
    except BrokenPipeError:
        # The reader went away (`| head`): as click does, stop quietly with 1, and point stdout
        # at /dev/null so that the interpreter's last flush does not complain either.
        _drop_stdout()
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("metricspec: interrupted\n")
        sys.exit(130)
    except Exception as exc:  # never a traceback: one line, exit 2
        from metricspec.terminal import OutputError

        if isinstance(exc, OutputError):  # a full disk, `> /dev/full`: said once, not a bug
            _cannot_write(str(exc))
        from metricspec.lint_command import internal_error

        from metricspec.terminal import escape_controls

        sys.stderr.write(f"metricspec: {escape_controls(internal_error('', exc))}\n")
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
        _drop_stdout()
        code = 1
    except OSError as exc:
        _cannot_write(exc.strerror or str(exc))
    os._exit(code)


def _drop_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered for it goes nowhere, and the
    interpreter's last flush neither fails nor complains."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _cannot_write(reason: str) -> None:
    _drop_stdout()
    sys.stderr.write(f"metricspec: error: cannot write to standard output: {reason}\n")
    sys.exit(2)


def _fast(args: list[str]) -> Optional[int]:
    if args == ["--version"]:
        from metricspec import __version__
        from metricspec.terminal import write_stdout

        write_stdout(f"metricspec {__version__}\n")
        return 0
    if args[:1] == ["lint"]:
        request = parse_lint(args[1:])
        if request is None:
            return None
        from metricspec import lint_command

        return lint_command.run(request)
    if args[:1] == ["rules"]:
        return _rules(args[1:])
    return None
