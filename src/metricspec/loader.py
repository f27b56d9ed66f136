"""Read one file into plain data and a table of positions, turning YAML hazards into problems.

This module is the way in: `read_file`, `load_bytes` and `load_text` give a LoadedFile, the
file as read. It decodes the bytes (decoding.py), hands YAML 1.2's line separators to the
parsers as characters they keep, and has the text walked: by the lean walk (lean_walk.py),
which reads almost every file, or, for anything it will not take, by the careful walk
(careful_walk.py), which words every hazard. Both read events from one parser
(yaml_events.py).

PyYAML is used only as an event parser (its libyaml C parser where present): the tree is built
by the walks, iteratively, so that nothing is ever constructed from tags, aliases are never
expanded, nesting is bounded before it can exhaust a stack, and every key and value keeps its
span. Scalars stay the text the user wrote (only the plain nulls become None): the models
decide what is a number or a date, so `NO`, `on`, `1:30` and `010` are never silently
converted. Whether the file is a metricspec document is for documents.py to say.
"""

from __future__ import annotations

import dataclasses
import itertools
from array import array
from typing import Any

from metricspec import lean_walk
from metricspec.careful_walk import CarefulWalk
from metricspec.decoding import decode, refused_character
from metricspec.diagnostics import Problem, Span
from metricspec.fileio import FileTooLarge, NotRegularFile, read_bytes
from metricspec.lean_walk import SpanIndex, positions_from_spans
from metricspec.yaml_events import LINE_BREAKS

MAX_FILE_BYTES = 8 * 1024 * 1024

Path_ = tuple  # a path into the data: keys and list indexes


class LoadedFile:
    """One file as read: its text, its data, where each key and value stands, and its problems.

    The loader fills it in and nothing changes it afterwards: validation reads it and returns
    what it makes of it (validate.Validation)."""

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
        # they were read (see lean_walk); expanded into `positions` when something asks.
        self.spans: array[int] | None = None
        # The careful walk's positions, or the lean walk's once expanded.
        self._positions: dict[Path_, tuple[Span | None, Span]] | None = None
        self._span_index: SpanIndex | None = None  # the lean walk's spans, path by path
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

    def _entry(self, path: Path_) -> tuple[Span | None, Span] | None:
        if self._positions is not None or self.spans is None:
            return self.positions.get(path)
        if self._span_index is None:  # a few paths asked for: found one by one, not all expanded
            self._span_index = SpanIndex(self.data, self.spans)
        return self._span_index.entry(path)

    def value_span(self, path: Path_) -> Span | None:
        entry = self._entry(path)
        return entry[1] if entry else None

    def key_span(self, path: Path_) -> Span | None:
        entry = self._entry(path)
        return (entry[0] or entry[1]) if entry else None

    def source_lines(self) -> list[str]:
        return LINE_BREAKS.split(self.text)


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
    text, problem = decode(raw)
    if problem is not None:
        # The text as far as it decodes is kept, so that its lines can be shown and recognised.
        return LoadedFile(display_path, text, problems=[problem], unreadable=True)
    return load_text(text, display_path)


def load_text(text: str, display_path: str, *, lean: bool = True) -> LoadedFile:
    """Read `text`; `lean=False` skips the lean walk (tests hold the two walks to one result)."""
    loaded = LoadedFile(display_path, text)
    refused = refused_character(text)
    if refused is not None:
        loaded.problems.append(refused)
        return loaded
    parsable, restore = _as_yaml_12(text)
    # Recorded only where a suppression comment may stand (as suppressions.find_suppressions).
    quoted = [] if "metricspec:" in parsable and "ignore" in parsable else None
    read = lean_walk.walk(parsable, quoted) if lean else None
    if read is not None:
        loaded.data, loaded.spans = read
    else:
        if quoted:
            quoted.clear()  # the careful walk records them again
        walk = CarefulWalk(parsable, quoted).run()
        loaded.data, loaded._positions, loaded.unreadable = walk.data, walk.positions, walk.unreadable
        loaded.problems.extend(walk.problems)
    loaded.quoted = quoted
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
