"""The .gitignore files of a walked folder, read as git reads them, matched in linear time.

git's reading (https://git-scm.com/docs/gitignore), line by line:

- a blank line and a line starting with `#` say nothing; `\\#` and `\\!` start a pattern with
  the character itself; trailing spaces are dropped unless escaped (`\\ `); a final `\\r` too;
- `!` negates: the last line that matches a path decides, and the .gitignore of a deeper
  folder before that of a folder above it; a path inside an ignored folder stays ignored, since
  the walk never enters that folder;
- a trailing `/` matches folders only; a pattern with no other `/` matches a name at any depth;
  one with a `/` at its start or in its middle matches paths from the .gitignore's folder;
- `*`, `?` and `[...]` (`[!...]`, `[^...]`, ranges, `[:alpha:]`, `\\` escapes) stay within a
  name; `**/` at the start and `/**/` in the middle span any number of folders (none
  included), `/**` at the end everything inside; `**` elsewhere in a name is a `*`;
- a pattern git cannot read (`[` left open, a final `\\`, `[:nosuch:]`) matches nothing.

Matching reuses globs.py's names, whose pieces between `*`s are each found leftmost, once, and
finds the runs of names between `**`s the same way: at most (length of the path) x (length of
the pattern) steps whatever the pattern (a backtracking regex takes minutes over
`*a*a*a*a*a*a*c` and a long name), counted in globs.STEPS. A `?` or class matches one
character where git matches one byte: names in other scripts than ASCII may differ.
"""

from __future__ import annotations

import os
from typing import Optional

from metricspec import globs
from metricspec.globs import _Name, _piece

# A name of a pattern: a name's pattern, or None for `**` (any number of folders).
_Names = list[Optional[_Name]]

_POSIX = {  # git's own ASCII character classes (sane_ctype), as ranges
    "alnum": "09AZaz", "alpha": "AZaz", "blank": "  \t\t", "cntrl": "\x00\x1f\x7f\x7f",
    "digit": "09", "graph": "!~", "lower": "az", "print": " ~", "punct": "!/:@[`{~",
    "space": "\t\n\r\r  ", "upper": "AZ", "xdigit": "09AFaf",
}


class _Unreadable(Exception):
    """A pattern git gives up on: it matches nothing."""


class Pattern:
    """One line of a .gitignore, compiled."""

    __slots__ = ("negative", "folders_only", "names", "anywhere", "groups")

    def __init__(self, line: str) -> None:
        self.negative = line.startswith("!")
        if self.negative:
            line = line[1:]
        self.folders_only = line.endswith("/")
        if self.folders_only:
            line = line[:-1]
        self.anywhere = "/" not in line  # matched against the last name of a path only
        if line.startswith("/"):
            line = line[1:]
        try:
            self.names: Optional[_Names] = _compile(line)
        except _Unreadable:
            self.names = None
        if self.names and self.names[-1] is None and len(self.names) > 1:
            self.names.append(_Name("*"))  # `a/**` names what is inside a, not a itself
        # The runs of names between `**`s.
        self.groups: list[list[_Name]] = [[]]
        for name in self.names or ():
            if name is None:
                self.groups.append([])
            else:
                self.groups[-1].append(name)

    def matches(self, names: list[str], is_dir: bool) -> bool:
        """Whether the path `names` (relative to the .gitignore's folder) matches."""
        if self.names is None or (self.folders_only and not is_dir):
            return False
        if self.anywhere:
            pattern = self.names[0]
            matched, steps = pattern.match(names[-1]) if pattern is not None else (True, 1)
            globs._count(steps)
            return matched
        matched, steps = _match_names(self.groups, names)
        globs._count(steps)
        return matched


def _compile(text: str) -> _Names:
    """The names of a pattern: each a _Name, or None for a `**` standing alone between `/`s."""
    names: _Names = []
    parts: list[list] = [[]]  # the tokens of the name being read, between its `*`s
    stars_only = True  # the name so far is one run of stars
    stars = 0
    after_star = False
    index = 0
    while True:
        char = text[index] if index < len(text) else "/"
        escaped_slash = text[index:index + 2] == "\\/"
        if char == "/" or escaped_slash:
            if stars_only and stars >= 2:
                names.append(None)
                if escaped_slash:  # wildmatch's `**\/` skips no folder: one or more of them
                    names.append(_Name("*"))
            else:
                name = _Name.__new__(_Name)
                name.pieces = [_piece(tokens) for tokens in parts]
                names.append(name)
            if index >= len(text):
                return names
            parts, stars_only, stars, after_star = [[]], True, 0, False
            index += 2 if escaped_slash else 1
            continue
        if char == "*":
            if not after_star:  # a run of stars is one `*` within a name
                parts.append([])
            stars += 1
            after_star = True
            index += 1
            continue
        stars_only = after_star = False
        if char == "\\":
            if index + 1 >= len(text):
                raise _Unreadable
            parts[-1].append(text[index + 1])
            index += 2
        elif char == "?":
            parts[-1].append(None)
            index += 1
        elif char == "[":
            token, index = _class(text, index + 1)
            parts[-1].append(token)
        else:
            parts[-1].append(char)
            index += 1


def _class(text: str, index: int) -> tuple[tuple, int]:
    """The class that starts at `index` (just past its `[`), as wildmatch reads it, and the
    index just past its `]`."""
    negated = index < len(text) and text[index] in "!^"
    if negated:
        index += 1
    chars: set[str] = set()
    ranges: list[tuple[str, str]] = []
    previous: Optional[str] = None  # the last single character, which a `-` may extend
    first = True
    while True:
        if index >= len(text):
            raise _Unreadable
        char = text[index]
        if char == "]" and not first:
            return (frozenset(chars), tuple(ranges), negated), index + 1
        first = False
        if char == "\\":
            if index + 1 >= len(text):
                raise _Unreadable
            previous = text[index + 1]
            chars.add(previous)
            index += 2
        elif char == "-" and previous is not None and index + 1 < len(text) and text[index + 1] != "]":
            high = text[index + 1]
            index += 2
            if high == "\\":
                if index >= len(text):
                    raise _Unreadable
                high = text[index]
                index += 1
            ranges.append((previous, high))
            previous = None
        elif char == "[" and text[index + 1:index + 2] == ":":
            end = text.find("]", index + 2)
            if end < 0:
                raise _Unreadable
            if text[end - 1] != ":" or end - 1 < index + 2:  # no `:]`: a plain `[`
                chars.add("[")
                previous = "["
                index += 1
                continue
            bounds = _POSIX.get(text[index + 2:end - 1])
            if bounds is None:
                raise _Unreadable
            ranges.extend((bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2))
            previous = None
            index = end + 1
        else:
            chars.add(char)
            previous = char
            index += 1


def _match_names(groups: list[list[_Name]], names: list[str]) -> tuple[bool, int]:
    """Whether the names of a path match a pattern's runs of names (between its `**`s) from end
    to end, and the steps it took: the first run at the start, the last at the end, the runs
    between found leftmost in turn (a later place could only leave less room)."""
    steps = 1
    if len(groups) == 1:
        if len(names) != len(groups[0]):
            return False, steps
        return _run_at(groups[0], names, 0, steps)
    first, last = groups[0], groups[-1]
    end = len(names) - len(last)
    if end < len(first):
        return False, steps
    matched, steps = _run_at(first, names, 0, steps)
    if not matched:
        return False, steps
    matched, steps = _run_at(last, names, end, steps)
    if not matched:
        return False, steps
    position = len(first)
    for group in groups[1:-1]:
        for place in range(position, end - len(group) + 1):
            matched, steps = _run_at(group, names, place, steps + 1)
            if matched:
                position = place + len(group)
                break
        else:
            return False, steps
    return True, steps


def _run_at(group: list[_Name], names: list[str], start: int, steps: int) -> tuple[bool, int]:
    for offset, pattern in enumerate(group):
        matched, looked = pattern.match(names[start + offset])
        steps += looked
        if not matched:
            return False, steps
    return True, steps


def read(text: str) -> list[Pattern]:
    """The patterns of a .gitignore's text, in order."""
    if text.startswith("\ufeff"):
        text = text[1:]
    patterns = []
    for line in text.split("\n"):
        if line.endswith("\r"):
            line = line[:-1]
        if not line or line.startswith("#"):
            continue
        patterns.append(Pattern(_trim_trailing_spaces(line)))
    return patterns


def _trim_trailing_spaces(line: str) -> str:
    end = len(line)
    while end and line[end - 1] == " ":
        end -= 1
    if end == len(line):
        return line
    backslashes = 0  # an odd number of them before the spaces escapes the first space
    while backslashes < end and line[end - 1 - backslashes] == "\\":
        backslashes += 1
    return line[:end + 1] if backslashes % 2 else line[:end]


# The .gitignore files from a walk's top down to one folder, deepest first: how many names
# below the top its folder is, its patterns, and the chain of the folders above.
_Chain = Optional[tuple[int, list[Pattern], "_Chain"]]


class GitIgnores:
    """The .gitignore files met on the way down a walk."""

    def __init__(self) -> None:
        # Each walked folder's chain, and its names below the walk's top.
        self.folders: dict[str, tuple[_Chain, tuple[str, ...]]] = {}

    def enter(self, folder: str, parent: Optional[str]) -> None:
        """Read `folder`'s .gitignore, if any; `parent` is the walked folder that holds it
        (None for the top of the walk)."""
        chain, names = self.folders.get(parent, (None, ())) if parent is not None else (None, ())
        if parent is not None:
            names = names + (os.path.basename(folder),)
        path = os.path.join(folder, ".gitignore")
        if os.path.isfile(path):
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    patterns = read(handle.read())
            except OSError:
                patterns = []
            if patterns:
                chain = (len(names), patterns, chain)
        self.folders[folder] = (chain, names)

    def ignored(self, folder: str, name: str, is_dir: bool) -> bool:
        """Whether the entry `name` of the walked `folder` is ignored: the deepest .gitignore
        first, the last of its lines first; the first line that matches decides."""
        chain, route = self.folders.get(folder, (None, ()))
        if chain is None:
            return False
        path = route + (name,)
        while chain is not None:
            depth, patterns, chain = chain
            names = list(path[depth:])
            for pattern in reversed(patterns):
                if pattern.matches(names, is_dir):
                    return not pattern.negative
        return False
