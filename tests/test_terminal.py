"""terminal.escape_controls: the one escape of file-derived text for a terminal, in every command."""

from __future__ import annotations

from metricspec.reporters import concise, text
from metricspec.terminal import escape_controls

# Planes 0 to 2 (every control, separator, format character and surrogate is there), and some beyond.
EVERY_CHARACTER = "".join(map(chr, range(0x30000))) + "\U000e0001\U000e007f\U000f0000\U0010ffff"


def test_nothing_unprintable_comes_out():
    escaped = escape_controls(EVERY_CHARACTER)
    assert escaped.isprintable()
    assert escape_controls(escaped) == escaped  # escaping twice changes nothing


def test_the_form_is_the_one_lint_prints():
    # What the text and concise reports printed before they called it, so that their output
    # stays byte for byte the same; now they do call it.
    assert escape_controls(EVERY_CHARACTER) == "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in EVERY_CHARACTER)
    assert text._clean is escape_controls and concise._one_line is escape_controls


def test_examples():
    assert escape_controls("Grow revenue") == "Grow revenue"
    assert escape_controls("a\x1b[2Jb\x07") == r"a\x1b[2Jb\x07"
    assert escape_controls("\x9b31m \u202eevil\nline\ttab\x7f") == r"\x9b31m \u202eevil\nline\ttab\x7f"
    assert escape_controls("é ★ 日本") == "é ★ 日本"
