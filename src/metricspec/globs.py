"""The config's globs (`include`, `exclude`, `per-file-ignores`): one reading, matched in linear time.

The reading (README.md, "Configuration"):

- a glob is relative to the folder of the config that holds it (an absolute glob, to the root
  of the file system); a leading `./` and a trailing `/` change nothing else;
- `*`, `?` and `[...]` (`[!...]` or `[^...]` negated, `a-z` ranges) stay within one folder or
  file name; `**` as a whole name spans any number of folders (none included); `**` inside a
  name (`a**b`) is a `*`;
- a glob with no `/` but a trailing one (`*.draft.yaml`, `legacy`) names files and folders in
  any folder; with a `/` (`metrics/*.yaml`, `./top.metrics.yaml`) it is anchored at its folder;
- a glob that names a folder names everything under it (`metrics/legacy`).

Matching never backtracks: within a name, the pieces between `*`s are each found leftmost,
once (the classic wildcard algorithm); across names, the runs of names between `**`s the same
way. A match costs at most (length of the path) x (length of the glob) steps, however the glob
is written (a backtracking matcher takes minutes over `*a*a*a*a*a*a*c` and a long name). STEPS
counts them, for the tests.
"""

from __future__ import annotations

import os
from typing import Optional, Union

STEPS = 0  # characters and names looked at by every match so far (tests read it)

# A token of a name's pattern: a character, None for `?`, or a class (its characters, its
# ranges, negated).
_Class = tuple[frozenset, tuple[tuple[str, str], ...], bool]
_Token = Union[str, None, _Class]
_Piece = Union[str, tuple[_Token, ...]]  # plain text, or tokens when a `?` or class is in it


class _Name:
    """The pattern of one folder or file name: pieces of text between `*`s."""

    __slots__ = ("pieces",)

    def __init__(self, pattern: str) -> None:
        pieces: list[_Piece] = []
        tokens: list[_Token] = []
        index = 0
        while index < len(pattern):
            char = pattern[index]
            if char == "*":
                while index < len(pattern) and pattern[index] == "*":
                    index += 1
                pieces.append(_piece(tokens))
                tokens = []
                continue
            if char == "?":
                tokens.append(None)
            elif char == "[" and "]" in pattern[index + 2:]:
                end = pattern.index("]", index + 2)
                tokens.append(_character_class(pattern[index + 1:end]))
                index = end
            else:
                tokens.append(char)
            index += 1
        pieces.append(_piece(tokens))
        self.pieces = pieces

    @property
    def literal(self) -> Optional[str]:
        """The name itself, when the pattern has no wildcard."""
        only = self.pieces[0]
        return only if len(self.pieces) == 1 and isinstance(only, str) else None

    def match(self, text: str) -> tuple[bool, int]:
        """Whether `text` matches, and the steps it took."""
        pieces = self.pieces
        size = len(text)
        if len(pieces) == 1:
            only = pieces[0]
            return len(only) == size and _at(only, text, 0), 1 + size
        first, last = pieces[0], pieces[-1]
        end = size - len(last)
        if end < len(first) or not _at(first, text, 0) or not _at(last, text, end):
            return False, 1 + len(first) + len(last)
        steps = 1 + len(first) + len(last)
        position = len(first)
        for piece in pieces[1:-1]:  # each found leftmost: a later match could only leave less room
            found, looked = _find(piece, text, position, end)
            steps += looked
            if found < 0:
                return False, steps
            position = found + len(piece)
        return True, steps


def _piece(tokens: list[_Token]) -> _Piece:
    if all(isinstance(token, str) for token in tokens):
        return "".join(tokens)  # type: ignore[arg-type]
    return tuple(tokens)


def _character_class(body: str) -> _Class:
    negated = body[:1] in ("!", "^")  # [!a] as in fnmatch, [^a] as in ruff's globs
    if negated:
        body = body[1:]
    chars, ranges, index = set(), [], 0
    while index < len(body):
        if index + 2 < len(body) and body[index + 1] == "-":
            if body[index] > body[index + 2]:
                raise ValueError(f"a range from {body[index]} down to {body[index + 2]}")
            ranges.append((body[index], body[index + 2]))
            index += 3
        else:
            chars.add(body[index])
            index += 1
    return frozenset(chars), tuple(ranges), negated


def _at(piece: _Piece, text: str, start: int) -> bool:
    if isinstance(piece, str):
        return text.startswith(piece, start)
    for offset, token in enumerate(piece):
        if not _token_matches(token, text[start + offset]):
            return False
    return True


def _token_matches(token: _Token, char: str) -> bool:
    if token is None:
        return True
    if isinstance(token, str):
        return token == char
    chars, ranges, negated = token
    inside = char in chars or any(low <= char <= high for low, high in ranges)
    return inside != negated


def _find(piece: _Piece, text: str, start: int, end: int) -> tuple[int, int]:
    """The leftmost place from `start` where `piece` lies wholly before `end`, or -1; and the steps."""
    if isinstance(piece, str):
        found = text.find(piece, start, end)
        return found, (end if found < 0 else found + len(piece)) - start + 1
    steps = 1
    for place in range(start, end - len(piece) + 1):
        steps += len(piece)
        if _at(piece, text, place):
            return place, steps
    return -1, steps


_ANY_FOLDERS = None  # `**` among the names of a compiled glob


class Glob:
    """One glob of a config, compiled."""

    __slots__ = ("pattern", "anchor", "names", "groups")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.anchor = ""  # the root of an absolute glob ("/")
        rest = pattern.replace(os.sep, "/") if os.sep != "/" else pattern
        if os.path.isabs(rest):
            drive = os.path.splitdrive(rest)[0]
            self.anchor = rest[:len(drive) + 1]
            rest = rest[len(self.anchor):]
        anchored = bool(self.anchor) or "/" in rest.rstrip("/")
        written = [name for name in rest.split("/") if name not in ("", ".")]
        try:
            names: list[Optional[_Name]] = [_ANY_FOLDERS if name == "**" else _Name(name) for name in written]
        except ValueError:  # a class that is no class ("[z-a]"): the glob is plain text
            names = [_Name(_escaped(name)) for name in written]
        if not anchored:
            names.insert(0, _ANY_FOLDERS)
        names.append(_ANY_FOLDERS)  # a folder names everything under it
        self.names = names
        # The runs of names between `**`s: the first holds at the start, the others are found
        # in turn (the last is empty: every glob ends in `**`; so is the first of a glob that
        # may match in any folder).
        groups: list[list[_Name]] = [[]]
        for name in names:
            if name is _ANY_FOLDERS:
                groups.append([])
            else:
                groups[-1].append(name)
        self.groups = groups

    @property
    def absolute(self) -> bool:
        return bool(self.anchor)

    def folder(self) -> Optional[str]:
        """The folders the glob starts with, written out ('metrics/teams' for
        'metrics/teams/**/*.yaml'), '' for none; None for a glob that may match in any folder."""
        if self.names[0] is _ANY_FOLDERS:
            return None
        written = []
        for name in self.names:
            literal = name.literal if name is not _ANY_FOLDERS else None
            if literal is None:
                break
            written.append(literal)
        return "/".join(written)

    def literal(self) -> Optional[str]:
        """The one path the glob names, when it has no wildcard."""
        if any(name is not _ANY_FOLDERS and name.literal is None for name in self.names):
            return None
        if sum(name is _ANY_FOLDERS for name in self.names) > 1:
            return None
        return "/".join(name.literal for name in self.names if name is not _ANY_FOLDERS)  # type: ignore[union-attr]

    def may_hold(self, folder: str) -> bool:
        """Whether files under `folder` ('/'-separated, as `matches` reads paths) may match."""
        if self.anchor:
            if not folder.startswith(self.anchor):
                return False
            folder = folder[len(self.anchor):]
        names = folder.split("/") if folder else []
        steps = 0
        for name, pattern in zip(names, self.groups[0]):
            matched, looked = pattern.match(name)
            steps += looked
            if not matched:
                _count(steps)
                return False
        _count(steps)
        return True

    def matches(self, path: str) -> bool:
        """Whether `path` matches: '/'-separated, relative to the config's folder for a relative
        glob, absolute for an absolute one."""
        if self.anchor:
            if not path.startswith(self.anchor):
                return False
            path = path[len(self.anchor):]
        names = path.split("/")
        groups = self.groups
        steps = len(names)
        first = groups[0]
        if len(first) > len(names):
            _count(steps)
            return False
        for name, pattern in zip(names, first):
            matched, looked = pattern.match(name)
            steps += looked
            if not matched:
                _count(steps)
                return False
        position = len(first)
        # Every glob ends in `**`: the last run is empty, and each other is found leftmost.
        for group in groups[1:-1]:
            found = -1
            for place in range(position, len(names) - len(group) + 1):
                steps += 1
                for offset, pattern in enumerate(group):
                    matched, looked = pattern.match(names[place + offset])
                    steps += looked
                    if not matched:
                        break
                else:
                    found = place
                    break
            if found < 0:
                _count(steps)
                return False
            position = found + len(group)
        _count(steps)
        return True

    def __repr__(self) -> str:
        return f"Glob({self.pattern!r})"


def _escaped(name: str) -> str:
    return "".join(f"[{char}]" if char in "*?[" else char for char in name)


def _count(steps: int) -> None:
    global STEPS
    STEPS += steps


def forms(path: str, folder: str, cwd: str) -> list[str]:
    """The ways a glob may name the file or folder at `path`: relative to the config's `folder`
    (`../x` outside it), where globs are written; relative to the working directory (a config
    passed with --config from a subfolder may be written for where metricspec runs, and
    --exclude is typed there); and absolute, for an absolute glob."""
    absolute = os.path.abspath(os.path.join(cwd, path))
    found = [absolute.replace(os.sep, "/") if os.sep != "/" else absolute]
    for base in (folder, cwd):
        try:
            relative = os.path.relpath(absolute, base)
        except ValueError:  # another drive (Windows): no relative path
            continue
        if base == cwd and relative.startswith(".."):
            continue
        relative = relative.replace(os.sep, "/") if os.sep != "/" else relative
        if relative not in found:
            found.append(relative)
    return found


def any_match(globs: list[Glob], paths: list[str]) -> bool:
    """Whether one of `globs` matches one of `paths` (forms of one path: relative ones for a
    relative glob, the absolute one for an absolute glob)."""
    absolute = [os.path.isabs(path) for path in paths]
    return any(glob.matches(path) for glob in globs for path, is_absolute in zip(paths, absolute)
               if glob.absolute == is_absolute)
