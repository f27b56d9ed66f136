"""Battery items 1-3 and 8 (keys): duplicate keys, YAML 1.1 look-alikes, impossible values."""

from __future__ import annotations

from metricspec.loader import load_text

from .conftest import VALID_SPEC, found, lint_here, messages


def test_the_valid_spec_has_no_finding(tmp_path, monkeypatch):
    (tmp_path / "a.metrics.yaml").write_text(VALID_SPEC)
    assert found(lint_here(tmp_path, monkeypatch, "a.metrics.yaml")) == []


def test_duplicate_keys_top_level_and_nested(tmp_path, monkeypatch):
    (tmp_path / "a.metrics.yaml").write_text(
        "metricspec: 1\n"
        "product: Acme\n"
        "objectives:\n"
        "  - id: revenue\n"
        "    title: Grow revenue\n"
        "    title: Grow revenue again\n"
        "product: Other\n"
    )
    report = lint_here(tmp_path, monkeypatch, "a.metrics.yaml")
    assert found(report) == [("a.metrics.yaml", "E005", 6, 5), ("a.metrics.yaml", "E005", 7, 1)]
    nested, top = messages(report, "E005")
    assert nested.startswith("duplicate key 'title' (first at line 5)")
    assert top.startswith("duplicate key 'product' (first at line 2)")


def test_duplicate_extension_keys(tmp_path, monkeypatch):
    """x- keys are free for users' own use, and not stored: a repeated one is still E005."""
    (tmp_path / "a.metrics.yaml").write_text(
        "metricspec: 1\n"
        "x-team: growth\n"
        "objectives:\n"
        "  - id: revenue\n"
        "    title: Grow revenue\n"
        "    x-note: {a: 1, x-b: 2, x-b: 3}\n"
        "    x-note: again\n"
        "x-team: core\n"
    )
    report = lint_here(tmp_path, monkeypatch, "a.metrics.yaml")
    assert found(report) == [
        ("a.metrics.yaml", "E005", 6, 28), ("a.metrics.yaml", "E005", 7, 5), ("a.metrics.yaml", "E005", 8, 1),
    ]
    assert [m.split(";")[0] for m in messages(report, "E005")] == [
        "duplicate key 'x-b' (first at line 6)", "duplicate key 'x-note' (first at line 6)",
        "duplicate key 'x-team' (first at line 2)",
    ]


def test_yaml_1_1_lookalikes_stay_as_written(tmp_path, monkeypatch):
    (tmp_path / "a.metrics.yaml").write_text(
        "metricspec: 1\n"
        "product: NO\n"  # not false
        "owner: on\n"  # not true
        "objectives:\n"
        "  - id: revenue\n"
        "    title: 1:30\n"  # not 90
        "    description: 010\n"  # not 8
        "    metrics:\n"
        "      - id: arr\n"
        "        name: 0o17\n"  # not 15
        "        window: 1:30\n"
        "        kind: on\n"  # a choice: reported with the value as written
        "        target:\n"
        "          value: 1:30\n"  # a number: reported, not read as 90
        "          baseline: 010\n"  # a number as written: 10
        "          since: NO\n"  # a date: reported, not read as false
    )
    report = lint_here(tmp_path, monkeypatch, "a.metrics.yaml")
    assert found(report) == [
        ("a.metrics.yaml", "E002", 12, 15),
        ("a.metrics.yaml", "E002", 14, 18),
        ("a.metrics.yaml", "E002", 16, 18),
    ]
    kind, value, since = messages(report, "E002")
    assert kind.startswith("kind: 'on' is not one of leading, lagging")
    assert value == "target.value: expected a number, found '1:30'"
    assert since == "target.since: expected a date written YYYY-MM-DD, found 'NO'"
    doc = report.sources["a.metrics.yaml"].data
    assert (doc["product"], doc["owner"]) == ("NO", "on")
    objective = doc["objectives"][0]
    assert (objective["title"], objective["description"]) == ("1:30", "010")
    assert objective["metrics"][0]["name"] == "0o17"
    assert objective["metrics"][0]["window"] == "1:30"


def test_impossible_dates_and_a_5000_digit_integer(tmp_path, monkeypatch):
    huge = "9" * 5000
    spec = VALID_SPEC.replace("value: 1200000", f"value: {huge}").replace("by: 2027-06-30", "by: 2027-06-31")
    spec += "        last_reviewed: 2024-02-30\n"
    (tmp_path / "a.metrics.yaml").write_text(spec)
    report = lint_here(tmp_path, monkeypatch, "a.metrics.yaml")
    assert found(report) == [
        ("a.metrics.yaml", "E002", 13, 18),
        ("a.metrics.yaml", "E002", 15, 15),
        ("a.metrics.yaml", "E002", 16, 24),
    ]
    value, by, reviewed = messages(report, "E002")
    assert value.startswith("target.value: expected a number, found '9999") and len(value) < 200
    assert by.startswith("target.by: '2027-06-31' is not a real date")
    assert reviewed.startswith("last_reviewed: '2024-02-30' is not a real date")


def test_keys_that_yaml_would_not_read_as_text(tmp_path, monkeypatch):
    (tmp_path / "a.metrics.yaml").write_text(
        "metricspec: 1\n"
        "1: one\n"
        "on: yes\n"
        "null: nothing\n"
        "[1, 2]: pair\n"
        "{a: b}: map\n"
    )
    report = lint_here(tmp_path, monkeypatch, "a.metrics.yaml")
    assert found(report) == [
        ("a.metrics.yaml", "E002", 2, 1),
        ("a.metrics.yaml", "E002", 3, 1),
        ("a.metrics.yaml", "E002", 4, 1),
        ("a.metrics.yaml", "E002", 5, 1),
        ("a.metrics.yaml", "E002", 6, 1),
    ]
    unknown = messages(report, "E002")
    assert [m.split(";")[0] for m in unknown[:3]] == ["unknown key '1'", "unknown key 'on'", "unknown key 'null'"]
    assert unknown[3:] == ["a key must be plain text, not a list or mapping"] * 2


def test_a_null_where_text_is_expected_hints_at_quotes(tmp_path, monkeypatch):
    (tmp_path / "a.metrics.yaml").write_text(VALID_SPEC.replace("name: Annual recurring revenue", "name: null"))
    report = lint_here(tmp_path, monkeypatch, "a.metrics.yaml")
    assert found(report) == [("a.metrics.yaml", "E002", 9, 15)]
    (diagnostic,) = report.diagnostics
    assert diagnostic.message == "name: expected text, found an empty value"
    assert diagnostic.help == "If you meant the word null or ~, write it in quotes."
    (tmp_path / "b.metrics.yaml").write_text(VALID_SPEC.replace("name: Annual recurring revenue", "name: 'null'"))
    assert found(lint_here(tmp_path, monkeypatch, "b.metrics.yaml")) == []


def test_unicode_line_and_paragraph_separators_are_characters(tmp_path, monkeypatch):
    """YAML 1.2 and editors break lines only at CR and LF: NEL, U+2028 and U+2029 in a value
    stay in it, and the lines of every finding after them are the editor's."""
    text = (
        "metricspec: 1\n"
        "product: Acme\n"
        "objectives:\n"
        "  - id: revenue\n"
        "    title: Grow revenue\n"
        '    description: "one\u2028two\x85three\u2029four"\n'
        "    owner: ana\u2028bob\n"
        "    ownr: x\n"
    )
    (tmp_path / "a.metrics.yaml").write_text(text, encoding="utf-8")
    assert found(lint_here(tmp_path, monkeypatch, "a.metrics.yaml")) == [("a.metrics.yaml", "E002", 8, 5)]
    for lean in (True, False):
        loaded = load_text(text, "a.metrics.yaml", lean=lean)
        node = loaded.data["objectives"][0]
        assert node["description"] == "one\u2028two\x85three\u2029four"
        assert node["owner"] == "ana\u2028bob"
        assert loaded.value_span(("objectives", 0, "ownr")) == (8, 11, 8, 12)


def test_the_stand_in_for_a_line_separator_never_meets_the_files_own_characters():
    """A private-use character the file writes as an escape stays itself, and a parser's
    message shows the separator, not its stand-in."""
    loaded = load_text('metricspec: 1\nproduct: "\\ue000 x"\nowner: a\u2028b\n', "a.yaml")
    assert loaded.data == {"metricspec": "1", "product": "\ue000 x", "owner": "a\u2028b"}
    broken = load_text("x: &a\u2028 1\n", "a.yaml")
    assert broken.problems and all("\\ue" not in p.message and "\ue000" not in p.message for p in broken.problems)
