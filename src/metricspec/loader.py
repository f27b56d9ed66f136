"""Read one file into plain data and a table of positions, turning YAML hazards into problems.

PyYAML is used only as an event parser (its libyaml C parser where present): the tree is built
here, iteratively, so that nothing is ever constructed from tags, aliases are never expanded,
nesting is bounded before it can exhaust a stack, and every key and value keeps its span.
Scalars stay the text the user wrote (only the plain nulls become None): the models decide
what is a number or a date, so `NO`, `on`, `1:30` and `010` are never silently converted.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

import yaml

from metricspec.diagnostics import Problem, Span

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64

_PURE = os.environ.get("METRICSPEC_PURE_YAML", "") not in ("", "0")
if getattr(yaml, "__with_libyaml__", False) and not _PURE:
    from yaml.cyaml import CParser as _EventParser
    LOADER_NAME = "libyaml"
else:  # pragma: no cover - exercised with METRICSPEC_PURE_YAML=1
    _EventParser = yaml.SafeLoader
    LOADER_NAME = "pure"

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")

Path_ = tuple  # a path into the data: keys and list indexes


@dataclass
class LoadedFile:
    """One file as read: its text, its data, where each key and value stands, and its problems."""

    path: str
    text: str = ""
    data: Any = None
    # path -> (span of the key or None for list items, span of the value)
    positions: dict[Path_, tuple[Span | None, Span]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Set when the file could not be read as text at all (binary, unreadable, not UTF-8).
    unreadable: bool = False

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
        # O_NONBLOCK: a FIFO named *.yaml must not hang the run; fstat then rejects it.
        fd = os.open(fs_path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return _unreadable(loaded, f"cannot read the file: {exc.strerror or exc}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return _unreadable(loaded, "not a regular file; not read")
        if info.st_size > MAX_FILE_BYTES:
            loaded.unreadable = True
            loaded.problems.append(
                Problem(
                    "E007",
                    f"the file is {info.st_size:,} bytes, over the limit of {MAX_FILE_BYTES:,}; not read",
                    (1, 1, 1, 1),
                    help="Split it into smaller files: every file of a run forms one workspace.",
                )
            )
            return loaded
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError as exc:
        return _unreadable(loaded, f"cannot read the file: {exc.strerror or exc}")
    finally:
        os.close(fd)
    return load_bytes(b"".join(chunks), display_path)


def load_bytes(raw: bytes, display_path: str) -> LoadedFile:
    loaded = LoadedFile(display_path)
    text = _decode(raw, loaded)
    if text is None:
        loaded.unreadable = True
        return loaded
    return load_text(text, display_path, loaded)


def load_text(text: str, display_path: str, loaded: LoadedFile | None = None) -> LoadedFile:
    loaded = loaded or LoadedFile(display_path)
    loaded.text = text
    _Builder(text, loaded).run()
    return loaded


def _unreadable(loaded: LoadedFile, message: str) -> LoadedFile:
    loaded.unreadable = True
    loaded.problems.append(Problem("E001", message, (1, 1, 1, 1)))
    return loaded


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(raw: bytes, loaded: LoadedFile) -> str | None:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                return _bad_bytes(raw, exc.start, f"not valid {encoding.upper()}", loaded)
    if b"\x00" in raw:
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
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _bad_bytes(raw, exc.start, "not UTF-8", loaded)


def _bad_bytes(raw: bytes, offset: int, what: str, loaded: LoadedFile) -> None:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
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
# mapping, the pending key (None while a key is awaited), the pending key's span, the start.
_CONTAINER, _PATH, _IS_MAP, _KEY, _KEY_SPAN, _START = range(6)
_INVALID_KEY = object()


class _Stop(Exception):
    """Raised to abandon a file whose remaining input must not be read."""


class _Builder:
    def __init__(self, text: str, loaded: LoadedFile) -> None:
        self.text = text
        self.loaded = loaded
        self.positions = loaded.positions
        self.problems = loaded.problems

    def hazard(self, message: str, mark_start: Any, mark_end: Any, help: str = "") -> None:
        self.problems.append(Problem("E007", message, _span(mark_start, mark_end), help=help))

    def run(self) -> None:
        parser = _EventParser(self.text)
        try:
            self._walk(parser)
        except _Stop:
            pass
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = exc.problem or exc.context or "invalid YAML"
            self.problems.append(
                Problem("E001", f"invalid YAML: {problem}", (line, column, line, column + 1))
            )
            self.loaded.data = None
        except yaml.reader.ReaderError as exc:
            line, column = _line_column(self.text, exc.position)
            self.problems.append(
                Problem(
                    "E001",
                    f"invalid YAML: character {exc.character!r} is not allowed",
                    (line, column, line, column + 1),
                )
            )
            self.loaded.data = None
        except yaml.YAMLError as exc:
            self.problems.append(Problem("E001", f"invalid YAML: {exc}", (1, 1, 1, 1)))
            self.loaded.data = None
        finally:
            dispose = getattr(parser, "dispose", None)
            if dispose:
                dispose()

    def _walk(self, parser: Any) -> None:
        get = parser.get_event
        ScalarEvent = yaml.ScalarEvent
        MappingStartEvent = yaml.MappingStartEvent
        SequenceStartEvent = yaml.SequenceStartEvent
        AliasEvent = yaml.AliasEvent
        CollectionEndEvents = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        positions = self.positions
        stack: list[list[Any]] = []
        root: Any = None
        have_root = False

        get()  # StreamStart
        event = get()
        if isinstance(event, yaml.StreamEndEvent):
            return
        while True:
            event = get()
            cls = event.__class__
            if cls is ScalarEvent:
                start, end = event.start_mark, event.end_mark
                if event.anchor is not None:
                    self._anchor(event)
                if event.tag is not None and event.tag != "!":
                    self.hazard(
                        f"explicit tag {event.tag!r} is not part of the format; the value is read as plain text",
                        start,
                        end,
                        help="Remove the tag: metricspec reads every value as written.",
                    )
                value = event.value
                span = (start.line + 1, start.column + 1, end.line + 1, end.column + 1)
                if stack:
                    top = stack[-1]
                    if top[_IS_MAP] and top[_KEY] is None:
                        top[_KEY] = value
                        top[_KEY_SPAN] = span
                        continue
                    if not event.style and value in _NULLS:
                        value = None
                    self._add(top, value, span)
                else:
                    root, have_root = (None if not event.style and value in _NULLS else value), True
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                if event.anchor is not None:
                    self._anchor(event)
                if event.tag is not None and event.tag != "!":
                    self.hazard(
                        f"explicit tag {event.tag!r} is not part of the format; it is ignored",
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
                    [{} if cls is MappingStartEvent else [], path, cls is MappingStartEvent, None, None, event.start_mark]
                )
            elif cls in CollectionEndEvents:
                frame = stack.pop()
                start, end = frame[_START], event.end_mark
                span = (start.line + 1, start.column + 1, end.line + 1, end.column + 1)
                if stack:
                    self._add(stack[-1], frame[_CONTAINER], span)
                else:
                    root, have_root = frame[_CONTAINER], True
            elif cls is AliasEvent:
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
        if key is _INVALID_KEY or key.startswith("x-"):
            return
        if key == "<<":
            self.problems.append(
                Problem(
                    "E007",
                    "merge key '<<' is not part of the format and is not expanded",
                    key_span,
                    help="Write the keys out in full.",
                )
            )
            return
        if key in container:
            path = top[_PATH]
            first = self.positions.get(path + (key,)) if path is not None else None
            where = f" (first at line {first[0][0]})" if first and first[0] else ""
            self.problems.append(
                Problem(
                    "E005",
                    f"duplicate key '{key}'{where}; YAML would silently keep only the last one",
                    key_span,
                    help="Remove or rename one of them.",
                )
            )
        container[key] = value
        if top[_PATH] is not None:
            self.positions[top[_PATH] + (key,)] = (key_span, span)


def _span(start: Any, end: Any) -> Span:
    return (start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _line_column(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    line = len(_LINE_BREAKS.findall(before)) + 1
    last = max(before.rfind("\n"), before.rfind("\r"))
    return line, index - last
