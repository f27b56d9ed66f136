"""Suppression comments, ignore-file, lint_ignore, M001 for the ones that suppress nothing and
M002 for comments that only look like one."""

from __future__ import annotations

from tests.conftest import findings, lint_paths

HEAD = "metricspec: 1\nproduct: Acme\n"


def test_comment_at_end_of_line_or_just_above_suppresses(write):
    spec = write(
        "a.metrics.yaml",
        HEAD
        + "objectives:\n  - id: revenue\n    title: Grow revenue\n"
        + "    ownr: ana  # metricspec: ignore[E002] -- migrating from the old format\n"
        + "    # metricspec: ignore[schema]\n    teem: growth\n"
        + "    colour: blue\n",
    )
    report = lint_paths(spec, select=["E", "M"])
    assert findings(report) == [("E002", "revenue", 9)]
    assert [(s.diagnostic.line, s.reason) for s in report.suppressed] == [
        (6, "migrating from the old format"),
        (8, "suppression comment"),
    ]


def test_comment_on_the_id_line_covers_the_whole_item(write):
    spec = write(
        "a.metrics.yaml",
        HEAD
        + "objectives:\n  - id: revenue  # metricspec: ignore[E002]\n    title: Grow revenue\n"
        + "    ownr: ana\n  - id: margin\n    title: Grow margin\n    ownr: ana\n",
    )
    assert findings(lint_paths(spec, select=["E"])) == [("E002", "margin", 9)]


def test_ignore_file_and_unused_suppressions(write):
    spec = write(
        "a.metrics.yaml",
        "# metricspec: ignore-file[E002]\n"
        + HEAD
        + "objectives:\n  - id: revenue  # metricspec: ignore[E003, nonsense]\n    title: Grow revenue\n"
        + "    ownr: ana\n",
    )
    report = lint_paths(spec, select=["E", "M"])
    # A name of no rule is a malformed suppression: M002, which M001 reported before (CHANGELOG.md).
    assert findings(report) == [("M001", None, 5), ("M002", None, 5)]
    assert [d.message for d in report.diagnostics] == [
        "unused suppression of E003: nothing was reported here",
        "suppression names no rule: 'nonsense'",
    ]


def test_unused_suppression_of_an_unselected_rule_is_not_reported(write):
    spec = write(
        "a.metrics.yaml",
        HEAD + "objectives:\n  - id: revenue  # metricspec: ignore[M001]\n    title: Grow revenue\n",
    )
    assert findings(lint_paths(spec, select=["E"])) == []


def test_lint_ignore_on_an_item_and_unused_lint_ignore(write):
    spec = write(
        "a.metrics.yaml",
        HEAD
        + "objectives:\n  - id: revenue\n    title: Grow revenue\n    lint_ignore: [E002]\n"
        + "    lint_ignore_reason: legacy keys kept for the old dashboard\n    ownr: ana\n"
        + "  - id: margin\n    title: Grow margin\n    lint_ignore: [E004]\n",
    )
    report = lint_paths(spec, select=["E", "M"])
    assert findings(report) == [("M001", "margin", 11)]
    assert [(s.diagnostic.code, s.reason) for s in report.suppressed] == [
        ("E002", "legacy keys kept for the old dashboard")
    ]


def test_suppression_text_inside_a_value_is_not_a_comment(write):
    """A description quoting the syntax suppresses nothing, and is no unused suppression (M001)."""
    spec = write(
        "a.metrics.yaml",
        HEAD
        + "objectives:\n  - id: revenue\n    title: Grow revenue\n"
        + "    description: |\n      Remember: # metricspec: ignore-file[E002]\n"
        + '    ownr: ana\n  - {id: margin, title: "Grow margin # metricspec: ignore[E002]", teem: x}\n'
        + "x-doc: |\n  # metricspec: ignore[V001]\n"
        + "x-quoted: 'a\n\n  # metricspec: ignore[V001]'\n",
    )
    assert findings(lint_paths(spec, select=["E", "M"])) == [("E002", "revenue", 8), ("E002", "margin", 9)]


def test_comments_beside_block_and_quoted_values_still_count(write):
    spec = write(
        "a.metrics.yaml",
        HEAD
        + "objectives:\n  - id: revenue\n    title: Grow revenue\n"
        + "    description: |  # metricspec: ignore[E002]\n      text\n"
        + "    ownr: ana\n"
        + '  - id: margin\n    title: Grow margin\n    teem: "x # y"  # metricspec: ignore[E002]\n'
        + "  # metricspec: ignore[E002]\n  - id: cost\n    title: Cut cost\n    colour: blue\n",
    )
    report = lint_paths(spec, select=["E", "M"])
    # The block's header comment stands on line 6: it covers that line, not the item.
    assert findings(report) == [("M001", None, 6), ("E002", "revenue", 8)]
    assert sorted(s.diagnostic.subject for s in report.suppressed) == ["cost", "margin"]


def test_a_duplicate_key_inside_an_item_is_about_that_item(write):
    """The loader's own findings name the node or metric they stand in, so the item's id-line
    comment and its lint_ignore cover them like any finding about it."""
    spec = write(
        "a.metrics.yaml",
        HEAD
        + "objectives:\n  - id: revenue\n    title: Grow revenue\n    metrics:\n"
        + "      - id: arr  # metricspec: ignore[E005]\n        name: ARR\n        name: ARR again\n"
        + "      - id: mrr\n        name: MRR\n        unit: USD\n        unit: EUR\n"
        + "      - id: nrr\n        name: NRR\n        lint_ignore: [E005]\n        unit: x\n        unit: y\n"
        + "    title: again\n",
    )
    report = lint_paths(spec, select=["E", "M"])
    assert findings(report) == [("E005", "mrr", 13), ("E005", "revenue", 19)]
    assert [(s.diagnostic.subject, s.diagnostic.line) for s in report.suppressed] == [("arr", 9), ("nrr", 18)]


def test_a_syntax_error_is_not_suppressed_by_text_in_the_file(write):
    """Past a syntax error nothing tells a comment from a value: E001 is fixed, not suppressed."""
    spec = write(
        "a.metrics.yaml",
        HEAD + "owner: [unclosed\ndescription: \"quoting the syntax: # metricspec: ignore-file[E001]\"\n",
    )
    assert [d.code for d in lint_paths(spec, select=["E"]).diagnostics] == ["E001"]


def test_a_hash_after_a_unicode_space_is_part_of_the_value(write):
    """YAML starts a comment at '#' after a space or tab only: after U+00A0 or U+3000 it is text."""
    spec = write(
        "a.metrics.yaml",
        HEAD + "objectives:\n  - id: revenue\n    title: Grow revenue\n    ownr: ana\n"
        "    description: see\u00a0# metricspec:ignore-file[E002]\n",
    )
    assert findings(lint_paths(spec, select=["E"])) == [("E002", "revenue", 6)]
