"""Battery items 10-11: bytes that are not UTF-8, BOMs, line endings, UTF-16/32, binary files."""

from __future__ import annotations

import codecs

import pytest

from .conftest import VALID_SPEC, found, lint_here, messages

# An unknown key on line 16, column 1, after the valid spec's 15 lines.
SPEC = VALID_SPEC + "ownr: ana\n"
UNKNOWN = ("E002", 16, 1)


def lint_bytes(tmp_path, monkeypatch, raw: bytes, name: str = "a.metrics.yaml"):
    (tmp_path / name).write_bytes(raw)
    return lint_here(tmp_path, monkeypatch, name)


@pytest.mark.parametrize(
    ("raw", "line", "column"),
    [
        (b"metricspec: 1\nproduct: caf\xe9\n", 2, 13),
        ("metricspec: 1\nproduct: \u00e9t\u00e9 ".encode() + b"caf\xe9\n", 2, 17),  # columns count characters
        (b"metricspec: 1\rproduct: Acme\rowner: \xe9\r", 3, 8),  # CR-only lines
        (b"metricspec: 1\r\nproduct: Acme\r\nowner: \xe9\r\n", 3, 8),
        (codecs.BOM_UTF8 + b"metricspec: 1\nowner: \xff\n", 2, 8),
    ],
    ids=["latin-1", "after-utf-8", "cr", "crlf", "bom"],
)
def test_bytes_that_are_not_utf8(tmp_path, monkeypatch, raw, line, column):
    report = lint_bytes(tmp_path, monkeypatch, raw)
    assert found(report) == [("a.metrics.yaml", "E001", line, column)]
    (message,) = messages(report, "E001")
    assert message.startswith("the file is not UTF-8: byte 0x")
    assert report.diagnostics[0].help == "Save the file as UTF-8."


def test_a_file_that_is_not_utf8_is_skipped_in_a_walk_unless_it_says_metricspec(tmp_path, monkeypatch):
    (tmp_path / "other.yaml").write_bytes(b"name: caf\xe9\n")  # another tool's file
    (tmp_path / "spec.metrics.yaml").write_bytes(b"metricspec: 1\nproduct: caf\xe9\n")
    report = lint_here(tmp_path, monkeypatch, ".")
    assert found(report) == [("spec.metrics.yaml", "E001", 2, 13)]
    assert report.skipped == ["other.yaml"]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.replace("\n", "\r\n").encode("utf-8"),
        lambda text: text.replace("\n", "\r").encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"),
        lambda text: text.encode("utf-16"),  # with a BOM
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        lambda text: text.encode("utf-16-le"),  # without a BOM: told by its NULs, as YAML says
        lambda text: text.encode("utf-16-be"),
        lambda text: text.encode("utf-32"),
        lambda text: text.encode("utf-32-be"),
    ],
    ids=["utf-8-bom", "crlf", "cr", "bom-crlf", "utf-16", "utf-16-be-bom", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"],
)
def test_encodings_and_line_endings_keep_line_numbers(tmp_path, monkeypatch, encode):
    report = lint_bytes(tmp_path, monkeypatch, encode(SPEC))
    assert found(report) == [("a.metrics.yaml", *UNKNOWN)]
    assert messages(report, "E002") == ["unknown key 'ownr'; did you mean 'owner'?"]
    loaded = report.sources["a.metrics.yaml"]
    assert loaded.source_lines()[15] == "ownr: ana"
    assert not loaded.text.startswith("\ufeff")


def test_invalid_utf16_is_reported_with_its_position(tmp_path, monkeypatch):
    raw = codecs.BOM_UTF16_LE + "metricspec: 1\nowner: ".encode("utf-16-le") + b"\x00\xd8" + "x\n".encode("utf-16-le")
    report = lint_bytes(tmp_path, monkeypatch, raw)
    assert found(report) == [("a.metrics.yaml", "E001", 2, 8)]
    assert messages(report, "E001")[0].startswith("the file is not valid UTF-16")


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


@pytest.mark.parametrize(
    "raw", [PNG, b"metricspec: 1\nproduct: Ac\x00me\n", b"\x00\x00\x00\x00"], ids=["png", "nul", "nuls"]
)
def test_a_binary_file_named_on_the_command_line(tmp_path, monkeypatch, raw):
    (tmp_path / "good.metrics.yaml").write_text(VALID_SPEC)
    report = lint_bytes(tmp_path, monkeypatch, raw, "image.yaml")
    assert found(report) == [("image.yaml", "E006", 1, 1)]
    assert messages(report, "E006") == ["binary file (it holds NUL bytes); not read"]


def test_a_binary_file_in_a_walk_is_skipped(tmp_path, monkeypatch):
    (tmp_path / "image.yaml").write_bytes(PNG)
    (tmp_path / "a.metrics.yaml").write_text(SPEC)
    report = lint_here(tmp_path, monkeypatch, ".")
    assert found(report) == [("a.metrics.yaml", *UNKNOWN)]
    assert report.skipped == ["image.yaml"]


def test_control_characters_are_reported_where_they_stand(tmp_path, monkeypatch):
    report = lint_bytes(tmp_path, monkeypatch, "metricspec: 1\nproduct: é\x1b[31m\n".encode())
    assert found(report) == [("a.metrics.yaml", "E001", 2, 11)]
    assert messages(report, "E001") == ["invalid YAML: the character U+001B is not allowed in a YAML file"]


def test_a_byte_order_mark_inside_the_file(tmp_path, monkeypatch):
    """Two files pasted together: both parsers would read the second BOM differently."""
    raw = codecs.BOM_UTF8 + b"metricspec: 1\n" + codecs.BOM_UTF8 + b"product: Acme\n"
    report = lint_bytes(tmp_path, monkeypatch, raw)
    assert found(report) == [("a.metrics.yaml", "E001", 2, 1)]
    assert messages(report, "E001") == ["invalid YAML: an invisible byte-order mark (U+FEFF) inside the file"]
