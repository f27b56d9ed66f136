"""Suppression comments: `# metricspec: ignore[CODES] -- reason` and `ignore-file[CODES]`.

A comment that looks like one but is not (`# metricspec:ignore V001`, `# Metricspec: IGNORE[V001]`,
a missing bracket) silences nothing; find_suppressions returns it as Malformed, for M002.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

_COMMENT = re.compile(
    # YAML starts a comment at a '#' after a space or a tab only (not after U+2028 or a no-break space).
    r"(?:^|(?<=[ \t]))#\s*metricspec:\s*(?P<kind>ignore-file|ignore)\[(?P<codes>[^\]\n]*)\]"
    r"(?:[ \t]+--[ \t]*(?P<reason>[^\n\r]*))?"
)
# What a reader takes for a suppression: '#', "metricspec", then the word ignore or ignore-file,
# in any case and spacing ("# metricspec ignores anchors" is prose, not one).
_LOOKALIKE = re.compile(r"(?:^|(?<=[ \t]))#[ \t]*metricspec[ \t]*[:=]?[ \t]*ignore(?:-file)?(?![a-z])", re.I)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # YAML 1.2's, as the loader counts lines


@dataclass
class Suppression:
    line: int  # where the comment stands
    column: int
    end_column: int
    selectors: list[str]
    reason: str
    file_wide: bool
    covers: int  # the line it applies to (its own, or the next for a comment-only line)
    used: set[str] = field(default_factory=set)


@dataclass
class Malformed:
    """A comment that looks like a suppression and is not one."""

    line: int
    column: int
    end_column: int
    text: str  # the comment as written, from its '#'


def find_suppressions(
    text: str, quoted: list[tuple[int, int, int, int, bool]] | None = None
) -> tuple[list[Suppression], list[Malformed]]:
    """The suppression comments of `text`, and the comments that only look like one; `quoted`:
    where its quoted and block scalars stand (LoadedFile.quoted), so that the syntax written
    inside a value is not taken for a comment."""
    # Every spec holds "metricspec:"; "gnore" in either case is what most files lack.
    if "gnore" not in text and "GNORE" not in text:
        return [], []
    found: list[Suppression] = []
    malformed: list[Malformed] = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if "#" not in line or ("gnore" not in line and "GNORE" not in line):
            continue
        valid = set()
        for match in _COMMENT.finditer(line):
            valid.add(match.start())
            selectors = [part.strip() for part in match["codes"].split(",") if part.strip()]
            comment_only = not line[: match.start()].strip()
            found.append(
                Suppression(
                    line=number,
                    column=match.start() + 1,
                    end_column=match.end() + 1,
                    selectors=selectors,
                    reason=(match["reason"] or "").strip(),
                    file_wide=match["kind"] == "ignore-file",
                    covers=number + 1 if comment_only else number,
                )
            )
        for match in _LOOKALIKE.finditer(line):
            if match.start() not in valid:
                # The comment up to another '#' comment written after it (a note, a marker).
                written = re.split(r"[ \t]#", line[match.start():], maxsplit=1)[0].rstrip()
                malformed.append(Malformed(number, match.start() + 1, match.start() + len(written) + 1, written))
    if quoted:
        return _comments_only(found, quoted), _comments_only(malformed, quoted)
    return found, malformed


def _comments_only(found: list, extents: list[tuple[int, int, int, int, bool]]) -> list:
    """Drop what only looks like a comment: `# metricspec: ignore[...]` written inside a quoted
    or block value (a description quoting the syntax) suppresses nothing. A plain value cannot
    hold one: in it, ` #` starts a comment."""
    # The scalars are in the order of the text, none inside another.
    starts = [extent[:2] for extent in extents]
    kept = []
    for suppression in found:
        at = (suppression.line - 1, suppression.column - 1)
        index = bisect.bisect_right(starts, at) - 1  # the last scalar starting at or before it
        if index >= 0:
            line, _, end_line, end_column, block = extents[index]
            if at < (end_line, end_column) and not (block and at[0] == line):
                continue
        kept.append(suppression)
    return kept
