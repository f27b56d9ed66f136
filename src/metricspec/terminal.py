"""Text from a file (a title, a product name, a file name) made safe to write to a terminal.

A spec is data, and data must not drive the terminal that shows it: an ESC sequence in a title
could clear the screen, set the window's title or rewrite what was printed above it; a newline
could forge a line of output of its own. Every command writes such text through `escape_controls`.

And every command writes its output through `writing_stdout`, so that stdout that cannot be
written is one line and exit 2, the same for all of them.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator


def escape_controls(text: str) -> str:
    """`text` with every character that is not printable written the way Python writes it in a
    string literal: ESC as `\\x1b`, a newline as `\\n`, a right-to-left override as `\\u202e`.

    Not printable: the C0 and C1 controls, DEL, format characters (bidi overrides, zero-width
    joiners), separators other than the space (a line or paragraph separator, a no-break space)
    and unassigned or surrogate code points. It is the form lint's text and concise reports
    have always printed, so that every command shows the same text alike.
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


class OutputError(Exception):
    """Standard output cannot be written: a full disk, `> /dev/full`, an I/O error. Not a closed
    pipe (`| head`), which stays BrokenPipeError: a reader that has seen enough is no error."""


@contextmanager
def writing_stdout() -> Iterator[None]:
    """Around what a command writes to stdout, flushed at the end: an OSError there is the
    output's, and becomes OutputError, which entry.main reports as one line and exit 2."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from None


def write_stdout(text: str) -> None:
    """`text` to stdout, flushed; OutputError when it cannot be written."""
    with writing_stdout():
        sys.stdout.write(text)
