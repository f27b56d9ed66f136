"""The loader's lean walk: the data of a well-formed file, and its positions as compact spans.

This is the hot loop of a run, and it reads almost every file. It stops at the first thing that
needs the careful walk (careful_walk.py), which reads the file again from scratch and words
every hazard: an anchor, alias or tag, a duplicate or merge key, a key that is a collection, a
second document, too deep, too many nodes, a syntax error.

Instead of a dictionary of positions it records, for every key and value stored in the data,
eight numbers in the order the values are stored: the 0-based start line and column and end
line and column of its key (zeros for a list item) and of its value; a collection is stored,
and recorded, when it ends. That order is the data's post-order, from which
`positions_from_spans` rebuilds the positions for the few files that need them. Nothing under
an `x-` key is stored or recorded. tests/test_loader_fast.py holds both walks to one result.
"""

from __future__ import annotations

from array import array
from typing import Any

import yaml

from metricspec import yaml_events
from metricspec.diagnostics import Span
from metricspec.yaml_events import MAX_DEPTH, NULLS, dispose

Path_ = tuple  # a path into the data: keys and list indexes


def walk(text: str, quoted: list | None) -> tuple[Any, array | None] | None:
    """The data of `text` and its spans, or None when the careful walk must read it.

    `quoted`, when given, receives where the quoted and block scalars stand (see
    LoadedFile.quoted); on None the caller clears it for the careful walk to fill again.
    """
    parser = yaml_events.EventParser(text)
    try:
        return _walk(parser, quoted)
    except yaml.YAMLError:
        return None  # the careful walk finds it again, and words and places it
    finally:
        dispose(parser)


def _walk(parser: Any, quoted: list | None) -> tuple[Any, array | None] | None:
    get = parser.get_event
    ScalarEvent = yaml.ScalarEvent
    MappingStartEvent = yaml.MappingStartEvent
    SequenceStartEvent = yaml.SequenceStartEvent
    MappingEndEvent = yaml.MappingEndEvent
    SequenceEndEvent = yaml.SequenceEndEvent
    nulls = NULLS
    max_nodes = yaml_events.MAX_NODES  # read at each file, not imported: one setting for both walks
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

    get()  # StreamStart
    if get().__class__ is yaml.StreamEndEvent:
        return None, None  # an empty stream: no data, nothing to place
    while True:
        event = get()
        cls = event.__class__
        if cls is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                return None
            nodes += 1
            if quoted is not None and event.style:
                start, end = event.start_mark, event.end_mark
                quoted.append((start.line, start.column, end.line, end.column, event.style in "|>"))
            if is_map:
                if key is None:
                    key = event.value
                    if key in container or key == "<<":
                        return None
                    key_start, key_end, skip = event.start_mark, event.end_mark, key.startswith("x-")
                    if skip:  # not stored, but may not repeat: a repeat is for the careful walk
                        mark = (id(container), key)
                        if mark in extension_keys:
                            return None
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
                return None
            nodes += 1
            if (is_map and key is None) or len(stack) >= MAX_DEPTH or nodes > max_nodes:
                return None
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
            if get().__class__ is not yaml.StreamEndEvent or nodes > max_nodes:
                return None
            break
        else:  # an alias
            return None
    try:  # two bytes a number in all but the largest files
        return (root if have_root else None), array("H", spans)
    except OverflowError:
        return (root if have_root else None), array("i", spans)


def positions_from_spans(data: Any, spans: Any) -> dict[Path_, tuple[Span | None, Span]]:
    """The positions of a file read by `walk`, from its data and its recorded spans."""
    positions: dict[Path_, tuple[Span | None, Span]] = {}
    if data.__class__ is dict or data.__class__ is list:
        _visit(data, (), spans, 0, positions)
    return positions


class SpanIndex:
    """One entry of `positions_from_spans` at a time, found along its path: a file with a finding
    or two asks for the spans of a few paths, and expanding all of them took a tenth of a
    1,000-file run. tests/test_lean_walk_spans.py holds every entry equal to the expansion's.

    `spans` is in post-order: each entry's value's own entries, then the entry's eight numbers.
    `_before[id(container)]` counts, for each of its entries, the entries written before that
    entry's value (its earlier siblings and all they hold); its last item is the container's
    size. Each container's is counted once, when a path first passes through or beside it."""

    def __init__(self, data: Any, spans: Any) -> None:
        self.data = data
        self.spans = spans
        self._before: dict[int, list[int]] = {}

    def entry(self, path: Path_) -> tuple[Span | None, Span] | None:
        container, at = self.data, 0
        for step, key in enumerate(path):
            if container.__class__ is dict:
                if key not in container:
                    return None
                index = _index_of(container, key)
                value = container[key]
            elif container.__class__ is list and key.__class__ is int and 0 <= key < len(container):
                index, value = key, container[key]
            else:
                return None
            start = at + 8 * self._counts(container)[index]
            if step == len(path) - 1:
                own = start + 8 * self._size(value)
                s = self.spans[own:own + 8]
                return ((s[0] + 1, s[1] + 1, s[2] + 1, s[3] + 1) if container.__class__ is dict else None,
                        (s[4] + 1, s[5] + 1, s[6] + 1, s[7] + 1))
            container, at = value, start
        return None

    def _size(self, value: Any) -> int:
        return self._counts(value)[-1] if value.__class__ is dict or value.__class__ is list else 0

    def _counts(self, container: Any) -> list[int]:
        counts = self._before.get(id(container))
        if counts is None:
            counts, total = [], 0
            for value in (container.values() if container.__class__ is dict else container):
                counts.append(total)
                total += self._size(value) + 1
            counts.append(total)
            self._before[id(container)] = counts
        return counts


def _index_of(mapping: dict, key: Any) -> int:
    for index, name in enumerate(mapping):
        if name == key:
            return index
    raise KeyError(key)  # never: the caller found the key in the mapping


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
