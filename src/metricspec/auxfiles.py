"""Reading the files beside the specs: a config's TOML, a baseline's JSON, a `.pre-commit-config.yaml`.

Each is read with limits that fit a file a person or a tool writes by hand:

- a size cap (fileio's), and never waiting on a FIFO or a device;
- a depth cap of MAX_DEPTH levels: the parsers of the standard library recurse, so a few
  kilobytes of `[[[[` end in a RecursionError; a RecursionError is turned into the same error
  as data nested past the cap, which is checked without recursion;
- for YAML, aliases refused before anything is built: a 1 KB "billion laughs" is a tree of
  shared lists that expands to billions of nodes the moment anything walks or compares it.
  Anchors alone are harmless and accepted.

Every failure is one `AuxFileError` naming the file and, when it is known, the line; callers
turn it into their usual message and exit code. Nothing here prints.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

from metricspec.fileio import FileTooLarge, NotRegularFile, read_bytes

# Deeper than any config, baseline or pre-commit config is written, and far from the depth at
# which a recursive parser, or code walking the data, reaches Python's recursion limit.
MAX_DEPTH = 64


class AuxFileError(Exception):
    """A file that cannot be used: missing, unreadable, too large or deep, or not valid."""

    def __init__(self, path: Path | str, line: Optional[int], message: str, *, kind: str = "invalid",
                 column: Optional[int] = None) -> None:
        self.path = str(path)
        self.line = line
        self.column = column  # where the parser says, for a syntax error
        self.message = message
        # "missing", "unreadable" (an OSError, not UTF-8, too large), "invalid" (the syntax),
        # "too-deep", "alias": so that a caller can word each its own way.
        self.kind = kind
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        where += f":{self.column}" if self.line and self.column else ""
        return f"{where}: {self.message}"

    @property
    def missing(self) -> bool:
        return self.kind == "missing"


def read_text(path: Path | str) -> str:
    """A file's text (UTF-8, a byte-order mark dropped), or AuxFileError."""
    try:
        raw = read_bytes(path)
    except FileNotFoundError:
        raise AuxFileError(path, None, "file not found", kind="missing") from None
    except (FileTooLarge, NotRegularFile) as exc:
        raise AuxFileError(path, None, f"{exc.strerror}; not read", kind="unreadable") from None
    except OSError as exc:
        raise AuxFileError(path, None, f"cannot read: {exc.strerror or exc}", kind="unreadable") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise AuxFileError(path, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", kind="unreadable") from None


def read_toml(path: Path | str) -> dict[str, Any]:
    return parse_toml(read_text(path), path)


def read_json(path: Path | str) -> Any:
    return parse_json(read_text(path), path)


def read_yaml(path: Path | str) -> Any:
    return parse_yaml(read_text(path), path)


# -- TOML ------------------------------------------------------------------------------------

# The patterns below are compiled (and cached by re) only on the way to an error: every run
# reads its config, and a good one should not pay for them at start-up.

# tomllib's messages end with where it stopped (Python 3.14 also has .lineno; 3.11 only this).
_TOML_WHERE = r" \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$"
# Strings and comments (skipped: a bracket inside one nests nothing), and brackets.
_TOML_TOKEN = r'''"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^']|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|#[^\n]*|[\[\]{}]'''


def parse_toml(text: str, path: Path | str) -> dict[str, Any]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(_TOML_WHERE, message)
        line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        if where is not None:
            message = message[: where.start()]
            line = line or (int(where["line"]) if where["line"] else text.count("\n") + 1)
            column = column or (int(where["column"]) if where["column"] else None)
        raise AuxFileError(path, line, f"invalid TOML: {message}", column=column) from None
    except RecursionError:
        raise _too_deep(path, text, _TOML_TOKEN) from None
    except ValueError:  # an integer past Python's limit on digits read from text
        raise AuxFileError(path, None, "invalid TOML: a number with more digits than can be read") from None
    if _deeper_than(data, MAX_DEPTH):
        raise _too_deep(path, text, _TOML_TOKEN)
    return data


# -- JSON ------------------------------------------------------------------------------------

_JSON_TOKEN = r'"(?:[^"\\]|\\.)*"|[\[\]{}]'


def parse_json(text: str, path: Path | str) -> Any:
    import json  # here: a lint run reads a config, rarely a baseline, and starts faster without it

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AuxFileError(path, exc.lineno, f"invalid JSON: {exc.msg}", column=exc.colno) from None
    except RecursionError:
        raise _too_deep(path, text, _JSON_TOKEN) from None
    except ValueError:  # a number past int's digit limit: Python's advice on raising it is not the user's
        where = re.search(r"\d{4301}", text)
        line = text.count("\n", 0, where.start()) + 1 if where else None
        raise AuxFileError(path, line, "invalid JSON: a number with more digits than can be read") from None
    if _deeper_than(data, MAX_DEPTH):
        raise _too_deep(path, text, _JSON_TOKEN)
    return data


# -- YAML ------------------------------------------------------------------------------------


def parse_yaml(text: str, path: Path | str) -> Any:
    """The data of a YAML file with one document (None when it is empty), read as pre-commit
    reads it (libyaml's safe loader where present), after one pass over its events has refused
    aliases and nesting past MAX_DEPTH: the pass keeps no state but a counter, so it takes time
    linear in the text whatever the text."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    starts, ends = (yaml.MappingStartEvent, yaml.SequenceStartEvent), (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    try:
        depth = 0
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, starts):
                depth += 1
                if depth > MAX_DEPTH:
                    raise AuxFileError(path, event.start_mark.line + 1, f"nested deeper than {MAX_DEPTH} levels",
                                       kind="too-deep")
            elif isinstance(event, ends):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                raise AuxFileError(path, event.start_mark.line + 1, f"alias *{event.anchor} is not expanded", kind="alias")
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
        line = mark.line + 1 if mark is not None else None
        if "maximum nesting depth" in problem:  # libyaml's own limit, met while it looks ahead
            raise AuxFileError(path, line, f"nested deeper than {MAX_DEPTH} levels", kind="too-deep") from None
        raise AuxFileError(path, line, f"invalid YAML: {problem}") from None
    except (ValueError, OverflowError) as exc:  # a date like 2027-02-30, a number past int's digit limit
        raise AuxFileError(path, None, f"invalid YAML: {exc}") from None
    except RecursionError:  # not reached past the depth check; kept so that it never becomes a traceback
        raise AuxFileError(path, None, f"nested deeper than {MAX_DEPTH} levels", kind="too-deep") from None


# -- depth -----------------------------------------------------------------------------------


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether lists and mappings (as the JSON and TOML parsers build them) nest more than
    `limit` levels: walked a level at a time, without recursion."""
    level = [data] if type(data) in (dict, list) else []
    for _ in range(limit):
        if not level:
            return False
        below = []
        for value in level:
            below += [child for child in (value.values() if type(value) is dict else value) if type(child) in (dict, list)]
        level = below
    return bool(level)


def _too_deep(path: Path | str, text: str, tokens: str) -> AuxFileError:
    """The error for nesting past MAX_DEPTH, at the line of the first bracket past it (found by
    skipping strings and comments, where brackets nest nothing)."""
    depth, line = 0, None
    for match in re.finditer(tokens, text, re.S):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                break
        elif token in ("]", "}"):
            depth -= 1
    return AuxFileError(path, line, f"nested deeper than {MAX_DEPTH} levels", kind="too-deep")
