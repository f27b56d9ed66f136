"""The YAML event parser both walks of the loader read from, and what they share.

libyaml's C parser where PyYAML has it; otherwise (or with METRICSPEC_PURE_YAML=1) PyYAML's
pure-Python parser, with libyaml's rules for tabs so that both accept the same files. The
walks look the parser up here at every file (`yaml_events.EventParser`), so that a test can
swap it. Also here: the limits on what one file may hold, and how both parsers count lines.
"""

from __future__ import annotations

import os
import re
from typing import Any

import yaml
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner, ScannerError
from yaml.tokens import TagToken

from metricspec.diagnostics import Span

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
EventParser: Any
if getattr(yaml, "__with_libyaml__", False) and not _PURE:
    from yaml.cyaml import CParser as EventParser
    LOADER_NAME = "libyaml"
else:  # pragma: no cover - exercised with METRICSPEC_PURE_YAML=1
    EventParser = PureParser
    LOADER_NAME = "pure"

# The plain scalars that are null; every other scalar stays the text the user wrote.
NULLS = frozenset(("", "~", "null", "Null", "NULL"))
# YAML 1.2's line breaks (the loader hands the parsers NEL, LS and PS as other characters).
LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def span_between(start: Any, end: Any) -> Span:
    """The 1-based span between two parser marks."""
    return (start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def dispose(parser: Any) -> None:
    """Release a parser's state as soon as its walk is done (libyaml's is C memory)."""
    release = getattr(parser, "dispose", None)
    if release:
        release()


def line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of `text[index]`, counting line breaks as the YAML parsers do."""
    line, line_start = 1, 0
    for match in LINE_BREAKS.finditer(text, 0, index):
        line, line_start = line + 1, match.end()
    return line, index - line_start + 1
