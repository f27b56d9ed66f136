"""Text from a file (a title, a product name, a file name) made safe to write to a terminal.

A spec is data, and data must not drive the terminal that shows it: an ESC sequence in a title
could clear the screen, set the window's title or rewrite what was printed above it; a newline
could forge a line of output of its own. Every command writes such text through `escape_controls`.
"""

from __future__ import annotations


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
