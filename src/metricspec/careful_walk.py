"""The loader's careful walk: any file the lean walk (lean_walk.py) will not take, read again.

It builds the same data as the lean walk, with a dictionary of positions kept as it goes, and
turns everything YAML allows and the format does not into problems, worded and placed alike
whichever parser reads the file: anchors, aliases, merge keys and tags (E007, counted past
MAX_HAZARDS), duplicate keys (E005), keys that are collections (E002), nesting or sizes past
the limits (E007, the rest not read), a second document, and syntax errors (E001).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from metricspec import yaml_events
from metricspec.diagnostics import Problem, Span
from metricspec.yaml_events import LINE_BREAKS, MAX_DEPTH, MAX_HAZARDS, NULLS, dispose, line_column, span_between

Path_ = tuple  # a path into the data: keys and list indexes

_FLOW_CONTEXTS = ("while parsing a flow sequence", "while parsing a flow mapping")
# An anchor may stand before the tag: `&a !!int 1`.
_WRITTEN_TAG = re.compile(r"(?:&[^\s,\[\]{}]+\s+)?(!<[^>]*>|![^\s,\[\]{}]*)")

# Frame slots: the container, its path (None inside keys or x- extensions), whether it is a
# mapping, the pending key (None while a key is awaited), the pending key's span, the start,
# and the x- keys seen (key -> line; they are not stored, but may not repeat either).
_CONTAINER, _PATH, _IS_MAP, _KEY, _KEY_SPAN, _START, _EXTENSIONS = range(7)
_INVALID_KEY = object()


class _Stop(Exception):
    """Raised to abandon a file whose remaining input must not be read."""


class CarefulWalk:
    """One careful read of a text: after `run()`, its data (None when it could not be read to its
    end), positions, problems, whether it was cut short (`unreadable`), and where its quoted and
    block scalars stand (into `quoted`, when given; see LoadedFile.quoted)."""

    def __init__(self, text: str, quoted: list | None = None) -> None:
        self.text = text
        self.data: Any = None
        self.positions: dict[Path_, tuple[Span | None, Span]] = {}
        self.problems: list[Problem] = []
        self.unreadable = False
        self.quoted = quoted
        self.hazards = 0
        self._line_starts: list[int] | None = None

    def hazard(self, message: str, mark_start: Any, mark_end: Any, help: str = "") -> None:
        self.hazard_at(message, span_between(mark_start, mark_end), help)

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

    def run(self) -> CarefulWalk:
        parser = None
        try:
            parser = yaml_events.EventParser(self.text)
            self._walk(parser)
        except _Stop:
            self.unreadable = True
        except yaml.MarkedYAMLError as exc:
            if not self._deeper_than_libyaml_looks(exc):
                self.problems.append(self._syntax_problem(exc))
            self.data = None
        except yaml.reader.ReaderError as exc:  # pragma: no cover - the loader checks characters first
            line, column = line_column(self.text, min(exc.position, len(self.text)))
            self.problems.append(
                Problem("E001", "invalid YAML: a character that is not allowed", (line, column, line, column + 1))
            )
            self.data = None
        except yaml.YAMLError as exc:
            self.problems.append(Problem("E001", f"invalid YAML: {exc}", (1, 1, 1, 1)))
            self.data = None
        finally:
            dispose(parser)
        return self

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
        before = CarefulWalk(self.text[:start + mark.column]).run()
        if not before.unreadable:
            return False
        self.problems[:] = before.problems
        self.positions.clear()
        self.unreadable = True
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
        else:
            from metricspec.syntax_hints import hint  # only after a parse error

            found = hint(self.text, exc)
            if found is not None:
                return Problem("E001", f"invalid YAML: {found[0]}", found[1], help=found[2])
        return Problem("E001", f"invalid YAML: {problem}", (line + 1, column + 1, line + 1, column + 2), help=help)

    def _line_start(self, line: int) -> int | None:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in LINE_BREAKS.finditer(self.text)]
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

    def _walk(self, parser: Any) -> None:
        # Every hazard reported, every key stored through _add, positions kept as it goes.
        get = parser.get_event
        ScalarEvent = yaml.ScalarEvent
        MappingStartEvent = yaml.MappingStartEvent
        SequenceStartEvent = yaml.SequenceStartEvent
        MappingEndEvent = yaml.MappingEndEvent
        SequenceEndEvent = yaml.SequenceEndEvent
        AliasEvent = yaml.AliasEvent
        nulls = NULLS
        max_nodes = yaml_events.MAX_NODES  # read at each file, not imported: one setting for both walks
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
                if nodes > max_nodes:
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
                if nodes > max_nodes:
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
                    self.data = None
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
                if nodes > max_nodes:
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
            self.data = root

    def _cut_off(self, event: Any) -> None:
        self.problems.append(
            Problem(
                "E007",
                f"more than {yaml_events.MAX_NODES:,} keys and values; the rest of the file is not read",
                span_between(event.start_mark, event.end_mark),
                help="Split it into smaller files: every file of a run forms one workspace.",
            )
        )
        self.data = None
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

