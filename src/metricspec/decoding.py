"""Bytes to text, and the characters YAML refuses in a text.

A metricspec file is UTF-8, with or without a byte-order mark; UTF-16 and UTF-32 are read
when a byte-order mark or YAML's rule for telling them apart (YAML 1.2, 5.2) names them.
Anything else is binary (E006) or undecodable (E001), reported at the first bad byte.
"""

from __future__ import annotations

import codecs
import re

from metricspec.diagnostics import Problem
from metricspec.yaml_events import line_column

# What YAML accepts in a stream (both parsers check this; doing it here gives one message
# and a position in characters, where libyaml would give one in bytes).
NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(raw: bytes) -> tuple[str, Problem | None]:
    """The text of `raw` and None; or, when it cannot be read as text, what is wrong with it and
    the text as far as it goes (undecodable bytes replaced, so that its lines can still be shown
    and recognised; empty for a binary file)."""
    encoding = _encoding(raw)
    if encoding is None:
        return "", Problem(
            "E006",
            "binary file (it holds NUL bytes); not read",
            (1, 1, 1, 1),
            help="Only UTF-8 YAML files are metricspec documents.",
        )
    try:
        return raw.decode(encoding), None
    except UnicodeDecodeError as exc:
        if encoding == "utf-8-sig":  # its decoder counts from after the BOM
            return _bad_bytes(raw, encoding, exc.start + len(codecs.BOM_UTF8), "not UTF-8")
        what = "not UTF-8" if encoding == "utf-8" else f"not valid {encoding.upper()}"
        return _bad_bytes(raw, encoding, exc.start, what)


def _encoding(raw: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return encoding
    if b"\x00" not in raw:
        return "utf-8"
    # YAML 1.2 (5.2) tells UTF-16/32 without a BOM by the NULs around the first ASCII character.
    head = raw[:4]
    if len(raw) % 4 == 0 and head[:3] == b"\0\0\0" and head[3:]:
        encoding = "utf-32-be"
    elif len(raw) % 4 == 0 and head[1:4] == b"\0\0\0":
        encoding = "utf-32-le"
    elif len(raw) % 2 == 0 and head[:1] == b"\0" and head[1:2] != b"\0":
        encoding = "utf-16-be"
    elif len(raw) % 2 == 0 and head[1:2] == b"\0" and head[:1] != b"\0":
        encoding = "utf-16-le"
    else:
        return None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return None
    # Binary data that happens to start like UTF-16 decodes to control characters and NULs.
    return None if "\x00" in text or NOT_PRINTABLE.search(text) else encoding


def _bad_bytes(raw: bytes, encoding: str, offset: int, what: str) -> tuple[str, Problem]:
    before = raw[:offset].decode(encoding, errors="replace")
    line, column = line_column(before, len(before))
    return raw.decode(encoding, errors="replace"), Problem(
        "E001",
        f"the file is {what}: byte 0x{raw[offset]:02x} cannot be decoded",
        (line, column, line, column + 1),
        help="Save the file as UTF-8.",
    )


def refused_character(text: str) -> Problem | None:
    """An E001 for the first character YAML does not allow in a stream, or None."""
    bad = NOT_PRINTABLE.search(text)
    if bad:
        line, column = line_column(text, bad.start())
        return Problem(
            "E001",
            f"invalid YAML: the character U+{ord(bad.group()):04X} is not allowed in a YAML file",
            (line, column, line, column + 1),
            help="Remove it: YAML allows no control characters other than tab and line breaks.",
        )
    # An invisible byte-order mark past the start (files pasted together): the parsers disagree
    # on it and a key holding it would be a baffling "unknown key".
    inner_bom = text.find("\ufeff", 1)
    if inner_bom != -1:
        line, column = line_column(text, inner_bom)
        return Problem(
            "E001",
            "invalid YAML: an invisible byte-order mark (U+FEFF) inside the file",
            (line, column, line, column + 1),
            help="Remove it: a byte-order mark may only open a file.",
        )
    return None
