"""Read one file into plain data and a table of positions, turning YAML hazards into problems.

PyYAML is used only as an event parser (its libyaml C parser where present): the tree is built
here, iteratively, so that nothing is ever constructed from tags, aliases are never expanded,
nesting is bounded before it can exhaust a stack, and every key and value keeps its span.
Scalars stay the text the user wrote (only the plain nulls become None): the models decide
what is a number or a date, so `NO`, `on`, `1:30` and `010` are never silently converted.
"""

from __future__ import annotations

import codecs
import dataclasses
import itertools
import os
import re
from array import array
from typing import Any

import yaml
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner, ScannerError
from yaml.tokens import TagToken

from metricspec.diagnostics import Problem, Span
from metricspec.fileio import FileTooLarge, NotRegularFile, read_bytes

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
# Keys, values and collections in one file. A single file of 10,000 metrics (a monorepo's
# generated catalog, and the benchmark's largest file) holds about 300,000; past this cap a
# file costs seconds and hundreds of megabytes, and is refused.
MAX_NODES = 600_000
# Anchors, aliases and tags reported one by one before the rest are counted in one finding.
MAX_HAZARDS = 20

_BLANK_OR_END = "\0 \t\r\n\x85\u2028\u2029"


class _LibyamlScanner(Scanner):
    """PyYAML's pure scanner with libyaml's rules for tabs, so both loaders accept the same files.

    libyaml takes a tab for a space wherever it cannot be indentation (in flow collections,
    after a key's ':', inside or after a plain scalar, after a tag); the pure scanner rejects
    every tab outside quotes. Both reject a tab that indents.
    """

    def scan_to_next_token(self) -> None:
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        while True:
            while self.peek() == " " or (self.peek() == "\t" and (self.flow_level or not self.allow_simple_key)):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0\r\n\x85\u2028\u2029":
                    self.forward()
            if not self.scan_line_break():
                return
            if not self.flow_level:
                self.allow_simple_key = True

    def scan_plain_spaces(self, indent: int, start_mark: Any) -> list[str] | None:
        length = 0
        while self.peek(length) in " \t":
            length += 1
        whitespaces = self.prefix(length)
        self.forward(length)
        chunks: list[str] = []
        if self.peek() not in "\r\n\x85\u2028\u2029":
            if whitespaces:
                chunks.append(whitespaces)
            return chunks
        line_break = self.scan_line_break()
        self.allow_simple_key = True
        if self._at_document_marker():
            return None
        breaks = []
        while self.peek() in " \t\r\n\x85\u2028\u2029":
            if self.peek() == "\t" and self.column < indent:
                raise ScannerError("while scanning a plain scalar", start_mark,
                                   "found a tab character that violates indentation", self.get_mark())
            if self.peek() in " \t":
                self.forward()
                continue
            breaks.append(self.scan_line_break())
            if self._at_document_marker():
                return None
        if line_break != "\n":
            chunks.append(line_break)
        elif not breaks:
            chunks.append(" ")
        chunks.extend(breaks)
        return chunks

    def _at_document_marker(self) -> bool:
        return self.prefix(3) in ("---", "...") and self.peek(3) in _BLANK_OR_END

    def scan_block_scalar_ignored_line(self, start_mark: Any) -> None:
        while self.peek() in " \t":
            self.forward()
        super().scan_block_scalar_ignored_line(start_mark)

    def scan_block_scalar_indicators(self, start_mark: Any) -> tuple[bool | None, int | None]:
        chomping, increment = None, None
        for _ in range(2):
            ch = self.peek()
            if ch in "+-" and chomping is None:
                chomping = ch == "+"
            elif ch in "0123456789" and increment is None:
                increment = int(ch)
                if increment == 0:
                    raise ScannerError("while scanning a block scalar", start_mark,
                                       "expected indentation indicator in the range 1-9, but found 0", self.get_mark())
            else:
                break
            self.forward()
        if self.peek() not in _BLANK_OR_END:
            raise ScannerError("while scanning a block scalar", start_mark,
                               f"expected chomping or indentation indicators, but found {self.peek()!r}", self.get_mark())
        return chomping, increment

    def scan_tag(self) -> TagToken:
        start_mark = self.get_mark()
        if self.peek(1) == "<":
            self.forward(2)
            handle, suffix = None, self.scan_tag_uri("tag", start_mark)
            if self.peek() != ">":
                raise ScannerError("while parsing a tag", start_mark,
                                   f"expected '>', but found {self.peek()!r}", self.get_mark())
            self.forward()
        elif self.peek(1) in _BLANK_OR_END:
            handle, suffix = None, "!"
            self.forward()
        else:
            length = 1
            while self.peek(length) not in _BLANK_OR_END and self.peek(length) != "!":
                length += 1
            if self.peek(length) == "!":
                handle = self.scan_tag_handle("tag", start_mark)
            else:
                handle = "!"
                self.forward()
            suffix = self.scan_tag_uri("tag", start_mark)
        if self.peek() not in _BLANK_OR_END and not (self.flow_level and self.peek() == ","):
            raise ScannerError("while scanning a tag", start_mark,
                               f"expected whitespace or a line break, but found {self.peek()!r}", self.get_mark())
        return TagToken((handle, suffix), start_mark, self.get_mark())


class PureParser(Reader, _LibyamlScanner, Parser):
    """The pure-Python event parser, for platforms without libyaml (METRICSPEC_PURE_YAML=1)."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        _LibyamlScanner.__init__(self)
        Parser.__init__(self)


_PURE = os.environ.get("METRICSPEC_PURE_YAML", "") not in ("", "0")
_EventParser: Any
if getattr(yaml, "__with_libyaml__", False) and not _PURE:
    from yaml.cyaml import CParser as _EventParser
    LOADER_NAME = "libyaml"
else:  # pragma: no cover - exercised with METRICSPEC_PURE_YAML=1
    _EventParser = PureParser
    LOADER_NAME = "pure"

_FLOW_CONTEXTS = ("while parsing a flow sequence", "while parsing a flow mapping")
# An anchor may stand before the tag: `&a !!int 1`.
_WRITTEN_TAG = re.compile(r"(?:&[^\s,\[\]{}]+\s+)?(!<[^>]*>|![^\s,\[\]{}]*)")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
# YAML 1.2's line breaks (see _as_yaml_12).
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
# What YAML accepts in a stream (both parsers check this; doing it here gives one message
# and a position in characters, where libyaml would give one in bytes).
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Path_ = tuple  # a path into the data: keys and list indexes


class LoadedFile:
    """One file as read: its text, its data, where each key and value stands, and its problems."""

    def __init__(self, path: str, text: str = "", data: Any = None, problems: list[Problem] | None = None,
                 unreadable: bool = False) -> None:
        self.path = path
        self.text = text
        self.data = data
        self.problems: list[Problem] = [] if problems is None else problems
        # Set when the file could not be read, or not to its end: binary, unreadable, not UTF-8,
        # too big, too deep. Its problems say why; its data is None.
        self.unreadable = unreadable
        # Where a well-formed file's keys and values stand, eight numbers a value in the order
        # they were read (see _walk_fast); expanded into `positions` when something asks.
        self.spans: array[int] | None = None
        self._positions: dict[Path_, tuple[Span | None, Span]] | None = None
        # Where the quoted and block scalars stand (0-based start line and column, end line and
        # column, whether a block scalar), recorded only when the text holds something that
        # looks like a suppression comment: what tells a comment from text inside a value.
        self.quoted: list[tuple[int, int, int, int, bool]] | None = None

    @property
    def positions(self) -> dict[Path_, tuple[Span | None, Span]]:
        """path -> (span of the key or None for list items, span of the value)."""
        if self._positions is None:
            self._positions = {} if self.spans is None else positions_from_spans(self.data, self.spans)
        return self._positions

    @positions.setter
    def positions(self, value: dict[Path_, tuple[Span | None, Span]]) -> None:
        self._positions = value

    @property
    def is_metricspec(self) -> bool:
        return isinstance(self.data, dict) and "metricspec" in self.data

    def value_span(self, path: Path_) -> Span | None:
        entry = self.positions.get(path)
        return entry[1] if entry else None

    def key_span(self, path: Path_) -> Span | None:
        entry = self.positions.get(path)
        return (entry[0] or entry[1]) if entry else None

    def source_lines(self) -> list[str]:
        return _LINE_BREAKS.split(self.text)


def read_file(fs_path: str, display_path: str) -> LoadedFile:
    """Read a file from disk, refusing anything but a regular file of bounded size."""
    loaded = LoadedFile(display_path)
    try:
        raw = read_bytes(fs_path, MAX_FILE_BYTES)
    except NotRegularFile:
        return _unreadable(loaded, "not a regular file; not read")
    except FileTooLarge as exc:
        return _too_big(loaded, exc.size, exact=exc.exact)
    except OSError as exc:
        return _unreadable(loaded, f"cannot read the file: {exc.strerror or exc}")
    return load_bytes(raw, display_path)


def load_bytes(raw: bytes, display_path: str) -> LoadedFile:
    loaded = LoadedFile(display_path)
    text = _decode(raw, loaded)
    if text is None:
        loaded.unreadable = True
        return loaded
    return load_text(text, display_path, loaded)


def load_text(text: str, display_path: str, loaded: LoadedFile | None = None, *, lean: bool = True) -> LoadedFile:
    """Read `text`; `lean=False` skips the lean walk (tests hold the two walks to one result)."""
    loaded = loaded or LoadedFile(display_path)
    loaded.text = text
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        line, column = _line_column(text, bad.start())
        loaded.problems.append(
            Problem(
                "E001",
                f"invalid YAML: the character U+{ord(bad.group()):04X} is not allowed in a YAML file",
                (line, column, line, column + 1),
                help="Remove it: YAML allows no control characters other than tab and line breaks.",
            )
        )
        return loaded
    # An invisible byte-order mark past the start (files pasted together): the parsers disagree
    # on it and a key holding it would be a baffling "unknown key".
    inner_bom = text.find("\ufeff", 1)
    if inner_bom != -1:
        line, column = _line_column(text, inner_bom)
        loaded.problems.append(
            Problem(
                "E001",
                "invalid YAML: an invisible byte-order mark (U+FEFF) inside the file",
                (line, column, line, column + 1),
                help="Remove it: a byte-order mark may only open a file.",
            )
        )
        return loaded
    parsable, restore = _as_yaml_12(text)
    _Builder(parsable, loaded).run(fast=lean)
    if restore:
        _restore(loaded, restore)
    return loaded


def _as_yaml_12(text: str) -> tuple[str, dict[int, str] | None]:
    """The text for the parsers, and how to undo the change in what they return.

    libyaml (and PyYAML's scanner) follow YAML 1.1, where NEL, LINE SEPARATOR and PARAGRAPH
    SEPARATOR break lines; in YAML 1.2, and in every editor, they are characters like any
    other. Each is handed to the parsers as a private-use character the text does not hold,
    so that values keep them and every line number past them is the editor's.
    """
    if "\x85" not in text and "\u2028" not in text and "\u2029" not in text:
        return text, None
    private_use = itertools.chain(range(0xE000, 0xF900), range(0xF0000, 0xFFFFE), range(0x100000, 0x10FFFE))
    # Free: not in the text, written or as an escape ("\ue000" would otherwise come back as U+2028).
    lowered = text.lower()
    free = (chr(code) for code in private_use if chr(code) not in text and f"{code:04x}" not in lowered)
    swap = {ord(char): next(free, None) for char in "\x85\u2028\u2029" if char in text}
    if None in swap.values():  # a file holding every private-use character: read it as YAML 1.1
        return text, None
    return text.translate(swap), {ord(stand_in): chr(char) for char, stand_in in swap.items()}


def _restore(loaded: LoadedFile, restore: dict[int, str]) -> None:
    loaded.data = _restored(loaded.data, restore)
    if loaded._positions is not None:  # the careful walk's positions, keyed by paths of keys
        loaded._positions = {
            tuple(_restored(step, restore) for step in path): where for path, where in loaded._positions.items()
        }
    loaded.problems[:] = [dataclasses.replace(problem, message=_restored_message(problem.message, restore))
                          for problem in loaded.problems]


def _restored(value: Any, restore: dict[int, str]) -> Any:
    # A module-level function, not a closure that calls itself: that would be a reference
    # cycle, kept alive with the collector off during lint (see _visit).
    if isinstance(value, str):
        return value.translate(restore)
    if isinstance(value, dict):
        return {_restored(key, restore): _restored(item, restore) for key, item in value.items()}
    if isinstance(value, list):
        return [_restored(item, restore) for item in value]
    return value


def _restored_message(text: str, restore: dict[int, str]) -> str:
    """The separators back in a message: as characters, or as the escapes a parser's message shows."""
    for stand_in, char in restore.items():
        text = text.replace(repr(chr(stand_in))[1:-1], repr(char)[1:-1])
    return text.translate(restore)


def _unreadable(loaded: LoadedFile, message: str) -> LoadedFile:
    loaded.unreadable = True
    loaded.problems.append(Problem("E001", message, (1, 1, 1, 1)))
    return loaded


def _too_big(loaded: LoadedFile, size: int, exact: bool = True) -> LoadedFile:
    loaded.unreadable = True
    shown = f"{size:,} bytes" if exact else f"more than {MAX_FILE_BYTES:,} bytes"
    loaded.problems.append(
        Problem(
            "E007",
            f"the file is {shown}, over the limit of {MAX_FILE_BYTES:,}; not read",
            (1, 1, 1, 1),
            help="Split it into smaller files: every file of a run forms one workspace.",
        )
    )
    return loaded


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(raw: bytes, loaded: LoadedFile) -> str | None:
    """Bytes to text: UTF-8 with or without a BOM, UTF-16/32 with a BOM or as YAML detects them."""
    encoding = _encoding(raw)
    if encoding is None:
        loaded.problems.append(
            Problem(
                "E006",
                "binary file (it holds NUL bytes); not read",
                (1, 1, 1, 1),
                help="Only UTF-8 YAML files are metricspec documents.",
            )
        )
        return None
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-8-sig":  # its decoder counts from after the BOM
            return _bad_bytes(raw, encoding, exc.start + len(codecs.BOM_UTF8), "not UTF-8", loaded)
        what = "not UTF-8" if encoding == "utf-8" else f"not valid {encoding.upper()}"
        return _bad_bytes(raw, encoding, exc.start, what, loaded)


def _encoding(raw: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return encoding
    if b"\x00" not in raw:
        return "utf-8"
    # YAML 1.2 (5.2) tells UTF-16/32 without a BOM by the NULs around the first ASCII character.
    head = raw[:4]
    if len(raw) % 4 == 0 and head[:3] == b"\0\0\0" and head[3:]:
        encoding = "utf-32-be"
    elif len(raw) % 4 == 0 and head[1:4] == b"\0\0\0":
        encoding = "utf-32-le"
    elif len(raw) % 2 == 0 and head[:1] == b"\0" and head[1:2] != b"\0":
        encoding = "utf-16-be"
    elif len(raw) % 2 == 0 and head[1:2] == b"\0" and head[:1] != b"\0":
        encoding = "utf-16-le"
    else:
        return None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return None
    # Binary data that happens to start like UTF-16 decodes to control characters and NULs.
    return None if "\x00" in text or _NOT_PRINTABLE.search(text) else encoding


def _bad_bytes(raw: bytes, encoding: str, offset: int, what: str, loaded: LoadedFile) -> None:
    before = raw[:offset].decode(encoding, errors="replace")
    line, column = _line_column(before, len(before))
    # Keep the text (undecodable bytes replaced) so that the line can be shown and recognised.
    loaded.text = raw.decode(encoding, errors="replace")
    loaded.problems.append(
        Problem(
            "E001",
            f"the file is {what}: byte 0x{raw[offset]:02x} cannot be decoded",
            (line, column, line, column + 1),
            help="Save the file as UTF-8.",
        )
    )
    return None


# Frame slots: the container, its path (None inside keys or x- extensions), whether it is a
# mapping, the pending key (None while a key is awaited), the pending key's span, the start,
# and the x- keys seen (key -> line; they are not stored, but may not repeat either).
_CONTAINER, _PATH, _IS_MAP, _KEY, _KEY_SPAN, _START, _EXTENSIONS = range(7)
_INVALID_KEY = object()


class _Stop(Exception):
    """Raised to abandon a file whose remaining input must not be read."""


class _Builder:
    def __init__(self, text: str, loaded: LoadedFile) -> None:
        self.text = text
        self.loaded = loaded
        self.positions: dict[Path_, tuple[Span | None, Span]] = {}
        self.problems = loaded.problems
        self.hazards = 0
        self.nodes = 0
        self._line_starts: list[int] | None = None
        self.quoted: list[tuple[int, int, int, int, bool]] | None = (
            [] if "metricspec:" in text and "ignore" in text else None  # as suppressions.find_suppressions
        )

    def hazard(self, message: str, mark_start: Any, mark_end: Any, help: str = "") -> None:
        self.hazard_at(message, _span(mark_start, mark_end), help)

    def hazard_at(self, message: str, span: Span, help: str = "") -> None:
        """An E007; past MAX_HAZARDS in a file, one finding stands for all the rest (a bomb)."""
        self.hazards += 1
        if self.hazards <= MAX_HAZARDS:
            self.problems.append(Problem("E007", message, span, help=help))
        elif self.hazards == MAX_HAZARDS + 1:
            self.problems.append(
                Problem(
                    "E007",
                    f"more anchors, aliases, merge keys or tags from here on; only the first {MAX_HAZARDS} are reported one by one",
                    span,
                    help="None of them is part of the format; write values out in full.",
                )
            )

    def run(self, fast: bool = True) -> None:
        self.loaded.quoted = self.quoted
        if fast:
            parser = _EventParser(self.text)
            try:
                if self._walk_fast(parser):
                    return
            except yaml.YAMLError:
                pass  # the careful walk below finds it again, and words and places it
            finally:
                _dispose(parser)
            if self.quoted:
                self.quoted.clear()  # the careful walk records them again
        self.loaded.positions = self.positions
        parser = None
        try:
            parser = _EventParser(self.text)
            self._walk(parser)
        except _Stop:
            self.loaded.unreadable = True
        except yaml.MarkedYAMLError as exc:
            if not self._deeper_than_libyaml_looks(exc):
                self.problems.append(self._syntax_problem(exc))
            self.loaded.data = None
        except yaml.reader.ReaderError as exc:  # pragma: no cover - load_text checks characters first
            line, column = _line_column(self.text, min(exc.position, len(self.text)))
            self.problems.append(
                Problem("E001", "invalid YAML: a character that is not allowed", (line, column, line, column + 1))
            )
            self.loaded.data = None
        except yaml.YAMLError as exc:
            self.problems.append(Problem("E001", f"invalid YAML: {exc}", (1, 1, 1, 1)))
            self.loaded.data = None
        finally:
            _dispose(parser)

    def _deeper_than_libyaml_looks(self, exc: yaml.MarkedYAMLError) -> bool:
        """Report flow collections nested past MAX_DEPTH where they pass it, with any libyaml.

        The libyaml of PyYAML 6.0.4 refuses flow collections nested 1,000 deep, and it finds them
        while looking ahead, before the walk has seen the level past MAX_DEPTH. The text up to
        where libyaml stopped is walked again, and the walk stops at its own limit.
        """
        mark = exc.problem_mark
        start = self._line_start(mark.line) if mark is not None and "maximum nesting depth" in (exc.problem or "") else None
        if start is None:
            return False
        before = LoadedFile(self.loaded.path)
        _Builder(self.text[:start + mark.column], before).run(fast=False)
        if not before.unreadable:
            return False
        self.problems[:] = before.problems
        self.positions.clear()
        self.loaded.unreadable = True
        return True

    def _syntax_problem(self, exc: yaml.MarkedYAMLError) -> Problem:
        """One E001 for a parser error, worded and placed alike by libyaml and the pure parser."""
        mark = exc.problem_mark or exc.context_mark
        line, column = self._clamp(mark.line, mark.column) if mark else (0, 0)
        problem = exc.problem or exc.context or "invalid YAML"
        help = ""
        context = exc.context or ""
        if "tab" in problem or self._char_at(line, column) == "\t":
            problem = "a tab character where YAML allows only spaces"
            help = "YAML indents with spaces: replace the tab with spaces."
        elif "unknown escape character" in problem:
            # libyaml points at the backslash, the pure parser at the character after it.
            if self._char_at(line, column) != "\\" and column and self._char_at(line, column - 1) == "\\":
                column -= 1
            problem = f"unknown escape sequence '\\{self._char_at(line, column + 1)}' in a double-quoted string"
            help = "Write a backslash as '\\\\' in double quotes, or use single quotes."
        elif context in _FLOW_CONTEXTS and "expected ','" in problem and exc.context_mark is not None:
            opening = "[" if "sequence" in context else "{"
            closing = "]" if opening == "[" else "}"
            start = exc.context_mark
            problem = (
                f"expected ',' or '{closing}' after an item of the '{opening}' "
                f"opened at line {start.line + 1}, column {start.column + 1}"
            )
            help = f"Close it with '{closing}', or separate its items with ','."
        return Problem("E001", f"invalid YAML: {problem}", (line + 1, column + 1, line + 1, column + 2), help=help)

    def _line_start(self, line: int) -> int | None:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in _LINE_BREAKS.finditer(self.text)]
        return self._line_starts[line] if 0 <= line < len(self._line_starts) else None

    def _clamp(self, line: int, column: int) -> tuple[int, int]:
        """0-based (line, column) moved back to the end of the text when it points past it.

        libyaml places the end of a stream that lacks a final line break on a line of its own;
        the pure parser places it after the last character, where the user's editor does.
        """
        self._line_start(0)
        assert self._line_starts is not None
        last = len(self._line_starts) - 1
        end_column = len(self.text) - self._line_starts[last]
        if (line, column) > (last, end_column):
            return last, end_column
        return line, column

    def _char_at(self, line: int, column: int) -> str:
        start = self._line_start(line)
        if start is None or start + column >= len(self.text):
            return ""
        return self.text[start + column]

    def _tag_as_written(self, event: Any) -> str:
        """The tag as the user wrote it (`!!int`, `!Ref`), not as resolved (`tag:yaml.org,2002:int`)."""
        start = self._line_start(event.start_mark.line)
        if start is not None:
            match = _WRITTEN_TAG.match(self.text, start + event.start_mark.column)
            if match:
                return match.group(1)
        tag = event.tag
        return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag

    def _walk_fast(self, parser: Any) -> bool:
        """Build the data of a well-formed file in one lean pass, or return False at the first
        thing that needs the careful walk (`_walk`): an anchor, alias or tag, a duplicate or merge
        key, a key that is a collection, a second document, too deep, too many nodes. Nothing is
        changed until it succeeds, so the careful walk can start over from scratch.

        This is the hot loop of a run. Instead of a dictionary of positions it records, for
        every key and value stored in the data, eight numbers in the order the values are
        stored: the 0-based start line and column and end line and column of its key (zeros for
        a list item) and of its value; a collection is stored, and recorded, when it ends. That
        order is the data's post-order, from which `positions_from_spans` rebuilds the positions
        for the few files that need them. Nothing under an `x-` key is stored or recorded.
        """
        get = parser.get_event
        ScalarEvent = yaml.ScalarEvent
        MappingStartEvent = yaml.MappingStartEvent
        SequenceStartEvent = yaml.SequenceStartEvent
        MappingEndEvent = yaml.MappingEndEvent
        SequenceEndEvent = yaml.SequenceEndEvent
        nulls = _NULLS
        spans: list[int] = []
        record = spans.extend
        stack: list[tuple] = []
        # The open collection (None outside the root), whether it is a mapping, whether its values
        # are recorded, its pending key (None while a key is awaited) and where that key stands,
        # whether the key starts with x-, where the collection starts.
        container: Any = None
        is_map = recording = skip = False
        key: Any = None
        key_start = key_end = start_mark = None
        root: Any = None
        have_root = False
        nodes = 0
        # (mapping, x- key) pairs seen; a mapping dropped under an x- key may lend its id to a
        # later one, which at worst sends a well-formed file to the careful walk.
        extension_keys: set[tuple[int, str]] = set()
        quoted = self.quoted

        get()  # StreamStart
        if get().__class__ is yaml.StreamEndEvent:
            return True
        while True:
            event = get()
            cls = event.__class__
            if cls is ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    return False
                nodes += 1
                if quoted is not None and event.style:
                    start, end = event.start_mark, event.end_mark
                    quoted.append((start.line, start.column, end.line, end.column, event.style in "|>"))
                if is_map:
                    if key is None:
                        key = event.value
                        if key in container or key == "<<":
                            return False
                        key_start, key_end, skip = event.start_mark, event.end_mark, key.startswith("x-")
                        if skip:  # not stored, but may not repeat: a repeat is for the careful walk
                            mark = (id(container), key)
                            if mark in extension_keys:
                                return False
                            extension_keys.add(mark)
                        continue
                    if not skip:
                        value = event.value
                        container[key] = None if not event.style and value in nulls else value
                        if recording:
                            start, end = event.start_mark, event.end_mark
                            record((key_start.line, key_start.column, key_end.line, key_end.column,
                                    start.line, start.column, end.line, end.column))
                    key = None
                elif container is not None:
                    value = event.value
                    container.append(None if not event.style and value in nulls else value)
                    if recording:
                        start, end = event.start_mark, event.end_mark
                        record((0, 0, 0, 0, start.line, start.column, end.line, end.column))
                else:
                    value = event.value
                    root, have_root = (None if not event.style and value in nulls else value), True
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    return False
                nodes += 1
                if (is_map and key is None) or len(stack) >= MAX_DEPTH or nodes > MAX_NODES:
                    return False
                stack.append((container, is_map, recording, key, key_start, key_end, skip, start_mark))
                recording = container is None or (recording and not skip)
                container = {} if cls is MappingStartEvent else []
                is_map, key, start_mark = cls is MappingStartEvent, None, event.start_mark
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                value, start, end = container, start_mark, event.end_mark
                container, is_map, recording, key, key_start, key_end, skip, start_mark = stack.pop()
                if is_map:
                    if not skip:
                        container[key] = value
                        if recording:
                            record((key_start.line, key_start.column, key_end.line, key_end.column,
                                    start.line, start.column, end.line, end.column))
                    key = None
                elif container is not None:
                    container.append(value)
                    if recording:
                        record((0, 0, 0, 0, start.line, start.column, end.line, end.column))
                else:
                    root, have_root = value, True
            elif cls is yaml.DocumentEndEvent:
                if get().__class__ is not yaml.StreamEndEvent or nodes > MAX_NODES:
                    return False
                break
            else:  # an alias
                return False
        if have_root:
            self.loaded.data = root
        try:  # two bytes a number in all but the largest files
            self.loaded.spans = array("H", spans)
        except OverflowError:
            self.loaded.spans = array("i", spans)
        return True

    def _walk(self, parser: Any) -> None:
        # The careful walk: every hazard reported, every key stored through _add, positions kept as it goes.
        get = parser.get_event
        ScalarEvent = yaml.ScalarEvent
        MappingStartEvent = yaml.MappingStartEvent
        SequenceStartEvent = yaml.SequenceStartEvent
        MappingEndEvent = yaml.MappingEndEvent
        SequenceEndEvent = yaml.SequenceEndEvent
        AliasEvent = yaml.AliasEvent
        nulls = _NULLS
        stack: list[list[Any]] = []
        root: Any = None
        have_root = False
        nodes = 0

        get()  # StreamStart
        event = get()
        if isinstance(event, yaml.StreamEndEvent):
            return
        while True:
            event = get()
            cls = event.__class__
            if cls is ScalarEvent:
                nodes += 1
                if nodes > MAX_NODES:
                    self._cut_off(event)
                start, end = event.start_mark, event.end_mark
                if self.quoted is not None and event.style:
                    self.quoted.append((start.line, start.column, end.line, end.column, event.style in "|>"))
                if event.anchor is not None:
                    self._anchor(event)
                if event.tag is not None and event.tag != "!":
                    self.hazard(
                        f"explicit tag {self._tag_as_written(event)} is not part of the format; the value is read as plain text",
                        start,
                        end,
                        help="Remove the tag: metricspec reads every value as written.",
                    )
                value = event.value
                span = (start.line + 1, start.column + 1, end.line + 1, end.column + 1)
                if stack:
                    top = stack[-1]
                    if top[_IS_MAP] and top[_KEY] is None:
                        top[_KEY], top[_KEY_SPAN] = value, span
                        continue
                    self._add(top, None if not event.style and value in nulls else value, span)
                else:
                    root, have_root = (None if not event.style and value in nulls else value), True
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                nodes += 1
                if nodes > MAX_NODES:
                    self._cut_off(event)
                if event.anchor is not None:
                    self._anchor(event)
                if event.tag is not None and event.tag != "!":
                    self.hazard(
                        f"explicit tag {self._tag_as_written(event)} is not part of the format; it is ignored",
                        event.start_mark,
                        event.end_mark,
                        help="Remove the tag.",
                    )
                if len(stack) >= MAX_DEPTH:
                    self.hazard(
                        f"nesting deeper than {MAX_DEPTH} levels; the rest of the file is not read",
                        event.start_mark,
                        event.end_mark,
                        help="metricspec documents need about a dozen levels at most.",
                    )
                    self.loaded.data = None
                    raise _Stop
                path: Path_ | None = None
                if stack:
                    top = stack[-1]
                    if top[_IS_MAP]:
                        key = top[_KEY]
                        if key is not None and key is not _INVALID_KEY and top[_PATH] is not None:
                            if not key.startswith("x-"):
                                path = top[_PATH] + (key,)
                    elif top[_PATH] is not None:
                        path = top[_PATH] + (len(top[_CONTAINER]),)
                else:
                    path = ()
                stack.append(
                    [{} if cls is MappingStartEvent else [], path, cls is MappingStartEvent, None, None, event.start_mark, None]
                )
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                frame = stack.pop()
                start, end = frame[_START], event.end_mark
                span = (start.line + 1, start.column + 1, end.line + 1, end.column + 1)
                if stack:
                    self._add(stack[-1], frame[_CONTAINER], span)
                else:
                    root, have_root = frame[_CONTAINER], True
            elif cls is AliasEvent:
                nodes += 1
                if nodes > MAX_NODES:
                    self._cut_off(event)
                start, end = event.start_mark, event.end_mark
                self.hazard(
                    f"alias *{event.anchor} is not part of the format and is not expanded",
                    start,
                    end,
                    help="Write the value out in full; anchors and aliases are not supported.",
                )
                span = (start.line + 1, start.column + 1, end.line + 1, end.column + 1)
                if stack:
                    top = stack[-1]
                    if top[_IS_MAP] and top[_KEY] is None:
                        top[_KEY], top[_KEY_SPAN] = _INVALID_KEY, span
                        continue
                    self._add(top, None, span)
                else:
                    have_root = True
            elif cls is yaml.DocumentEndEvent:
                event = get()
                if isinstance(event, yaml.DocumentStartEvent):
                    self.hazard(
                        "a second YAML document; only the first is read",
                        event.start_mark,
                        event.end_mark,
                        help="Put each document in a file of its own.",
                    )
                break
            # DocumentStart cannot occur here; StreamEnd follows DocumentEnd.
        if have_root:
            self.loaded.data = root

    def _cut_off(self, event: Any) -> None:
        self.problems.append(
            Problem(
                "E007",
                f"more than {MAX_NODES:,} keys and values; the rest of the file is not read",
                _span(event.start_mark, event.end_mark),
                help="Split it into smaller files: every file of a run forms one workspace.",
            )
        )
        self.loaded.data = None
        raise _Stop

    def _anchor(self, event: Any) -> None:
        self.hazard(
            f"anchor &{event.anchor} is not part of the format",
            event.start_mark,
            event.end_mark,
            help="Remove the anchor and write values out in full.",
        )

    def _add(self, top: list[Any], value: Any, span: Span) -> None:
        container = top[_CONTAINER]
        if not top[_IS_MAP]:
            if top[_PATH] is not None:
                self.positions[top[_PATH] + (len(container),)] = (None, span)
            container.append(value)
            return
        key = top[_KEY]
        key_span = top[_KEY_SPAN]
        top[_KEY] = None
        if key is None:
            # A collection used as a key: it was built into `value`, now mark the key invalid.
            top[_KEY], top[_KEY_SPAN] = _INVALID_KEY, span
            self.problems.append(
                Problem("E002", "a key must be plain text, not a list or mapping", span,
                        help="Write the key as a plain word; metricspec keys are field names.")
            )
            return
        if key is _INVALID_KEY:
            return
        if key.startswith("x-"):
            seen = top[_EXTENSIONS]
            if seen is None:
                seen = top[_EXTENSIONS] = {}
            if key in seen:
                self._duplicate(key, seen[key], key_span)
            else:
                seen[key] = key_span[0]
            return
        if key == "<<":
            self.hazard_at(
                "merge key '<<' is not part of the format and is not expanded",
                key_span,
                help="Write the keys out in full.",
            )
            return
        if key in container:
            path = top[_PATH]
            first = self.positions.get(path + (key,)) if path is not None else None
            self._duplicate(key, first[0][0] if first and first[0] else None, key_span)
        container[key] = value
        if top[_PATH] is not None:
            self.positions[top[_PATH] + (key,)] = (key_span, span)


    def _duplicate(self, key: str, first_line: int | None, key_span: Span) -> None:
        where = f" (first at line {first_line})" if first_line else ""
        self.problems.append(
            Problem(
                "E005",
                f"duplicate key '{key}'{where}; YAML would silently keep only the last one",
                key_span,
                help="Remove or rename one of them.",
            )
        )


def positions_from_spans(data: Any, spans: Any) -> dict[Path_, tuple[Span | None, Span]]:
    """The positions of a file read by `_walk_fast`, from its data and its recorded spans."""
    positions: dict[Path_, tuple[Span | None, Span]] = {}
    if data.__class__ is dict or data.__class__ is list:
        _visit(data, (), spans, 0, positions)
    return positions


def _visit(container: Any, path: Path_, spans: Any, at: int, positions: dict) -> int:
    # A plain recursive function, not a closure: a closure that calls itself is a reference
    # cycle, and with the collector off (lint_command) it would keep every positions dict alive.
    is_map = container.__class__ is dict
    for key, value in (container.items() if is_map else enumerate(container)):
        here = path + (key,)
        if value.__class__ is dict or value.__class__ is list:
            at = _visit(value, here, spans, at, positions)
        s = spans[at:at + 8]
        at += 8
        positions[here] = ((s[0] + 1, s[1] + 1, s[2] + 1, s[3] + 1) if is_map else None,
                           (s[4] + 1, s[5] + 1, s[6] + 1, s[7] + 1))
    return at


def _dispose(parser: Any) -> None:
    dispose = getattr(parser, "dispose", None)
    if dispose:
        dispose()


def _span(start: Any, end: Any) -> Span:
    return (start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of `text[index]`, counting line breaks as the YAML parsers do."""
    line, line_start = 1, 0
    for match in _LINE_BREAKS.finditer(text, 0, index):
        line, line_start = line + 1, match.end()
    return line, index - line_start + 1
