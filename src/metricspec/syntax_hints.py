"""E001's hints for the YAML mistakes of hand-edited specs, placed where the mistake is made.

The parsers report where they gave up, which is often a line below the mistake: a key missing
its ':' is found on the next line, an unclosed quote at the end of the file. Each hint here
reads the parser's error, and the tokens up to it, to name the line to fix and what to do.
Used only after a parse error (careful_walk._syntax_problem): reading a good file costs nothing.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.tokens import ScalarToken, ValueToken

from metricspec import yaml_events
from metricspec.diagnostics import Span

_WORD = re.compile(r"[^\s:#]+")
_QUOTES = ('"', "'")
# How far a hint's quoted text may run: a whole line of the user's is not echoed.
_SHOWN = 40


def hint(text: str, exc: yaml.MarkedYAMLError) -> tuple[str, Span, str] | None:
    """(message, span, help) for a parse error with a known cause, else None."""
    problem, context = exc.problem or "", exc.context or ""
    start = exc.context_mark
    if context == "while scanning a simple key" and "could not find expected ':'" in problem and start is not None:
        # The scanner began a key at `start` and ran on to the next line without finding ':'.
        return _missing_colon(text, start.line, start.column)
    if context == "while scanning a quoted scalar" and start is not None and (
        "end of stream" in problem or "document separator" in problem
    ):
        quote = _line(text, start.line)[start.column:start.column + 1] or '"'
        return (f"a quote opened at line {start.line + 1}, column {start.column + 1} is never closed",
                _at(start.line, start.column),
                f"Close it with {quote} on the line where the value ends.")
    mark = exc.problem_mark
    if mark is None:
        return None
    before, last = _tokens_before(text, mark)
    if "mapping values are not allowed" in problem and isinstance(last, ScalarToken) and not last.style:
        if not isinstance(before, ValueToken):
            if last.start_mark.line < mark.line:
                # Text that ran on from an earlier line where no value was due: a key lost its ':'.
                return _missing_colon(text, last.start_mark.line, last.start_mark.column)
        else:  # a value (on one line or run on over several) holding ': '
            # The example is the value's first line, quoted, after its key.
            first = _line(text, last.start_mark.line)
            value = first[last.start_mark.column:].split(" #")[0].strip()
            value = _clip(value + (" …" if last.start_mark.line < mark.line else ""))
            value = value.replace("\\", "\\\\").replace('"', '\\"')
            key = _clip(first[:last.start_mark.column].strip())
            return ("a value holding ': ' must be quoted",
                    _at(mark.line, mark.column),
                    f"Quote a value holding ': ', as in `{key} \"{value}\"`.")
    if isinstance(last, ScalarToken) and last.style in _QUOTES and last.end_mark.line == mark.line:
        opened = last.start_mark
        if opened.line < mark.line:
            # A quote left open is closed by the next quote in the file, lines further down.
            return (f"the quote opened at line {opened.line + 1}, column {opened.column + 1} runs on "
                    f"to line {mark.line + 1}: is its closing {last.style} missing?",
                    _at(opened.line, opened.column),
                    f"Close the quote on line {opened.line + 1}; a quoted value ends at the next {last.style}.")
        return ("text after the closing quote of a quoted value",
                _at(mark.line, mark.column),
                "Quote the whole value (text and quotes) or take the quotes out: "
                "a value is either quoted or plain.")
    return None


def _missing_colon(text: str, line: int, column: int) -> tuple[str, Span, str] | None:
    match = _WORD.match(_line(text, line), column)
    if match is None:
        return None
    word = _clip(match.group())
    return (f"missing ':' after '{word}'?", _at(line, match.end()),
            f"Write `{word}: <value>`: a key is followed by ':' and a space.")


def _tokens_before(text: str, mark: Any) -> tuple[Any, Any]:
    """The last two tokens the parser read before the error at `mark`."""
    parser = yaml_events.EventParser(text)
    before = last = None
    try:
        while True:
            token = parser.get_token()
            if token is None or (token.start_mark.line, token.start_mark.column) >= (mark.line, mark.column):
                break
            before, last = last, token
    except yaml.YAMLError:
        pass
    finally:
        yaml_events.dispose(parser)
    return before, last


def _line(text: str, line: int) -> str:
    lines = yaml_events.LINE_BREAKS.split(text, maxsplit=line + 1)
    return lines[line] if line < len(lines) else ""


def _at(line: int, column: int) -> Span:
    return (line + 1, column + 1, line + 1, column + 2)


def _clip(shown: str) -> str:
    return shown if len(shown) <= _SHOWN else shown[:_SHOWN - 1] + "…"
