"""M002: a comment that looks like a suppression but is not one silences nothing, and says so."""

from __future__ import annotations

import pytest

from metricspec.suppressions import find_suppressions
from tests.conftest import findings, lint_paths

HEAD = "metricspec: 1\nproduct: Acme\nobjectives:\n"
# E002 on line 6 (the unknown key), on the objective 'revenue'.
ITEM = "  - id: revenue{comment}\n    title: Grow revenue\n    ownr: ana\n"


@pytest.mark.parametrize(
    ("comment", "help"),
    [
        ("# metricspec:ignore E002", "Write it as `# metricspec: ignore[E002]`: lowercase, a colon, the codes in brackets."),
        ("# metricspec ignore[E002]", "Write it as `# metricspec: ignore[E002]`: lowercase, a colon, the codes in brackets."),
        ("# Metricspec: IGNORE[schema]", "Write it as `# metricspec: ignore[schema]`: lowercase, a colon, the codes in brackets."),
        ("# metricspec: ignore[E002", "Write it as `# metricspec: ignore[E002]`: lowercase, a colon, the codes in brackets."),
        ("# metricspec: ignore-file E002 -- legacy", "Write it as `# metricspec: ignore-file[E002]`: lowercase, a colon, the codes in brackets."),
        ("# metricspec: ignore please", "Write it as `# metricspec: ignore[V001]`: lowercase, a colon, the codes in brackets."),
    ],
)
def test_a_look_alike_is_m002_and_silences_nothing(write, comment, help):
    path = write("a.metrics.yaml", HEAD + ITEM.format(comment="  " + comment))
    report = lint_paths(path, select=["E", "M"])
    # About the comment, as M001 is: no subject.
    assert findings(report) == [("M002", None, 4), ("E002", "revenue", 6)]
    m002 = report.diagnostics[0]
    assert m002.message == f"'{comment}' is not a suppression: it silences nothing"
    assert m002.help == help
    assert (m002.column, m002.end_column) == (18, 18 + len(comment))


def test_a_suppression_naming_no_rule_is_m002(write):
    path = write("a.metrics.yaml", HEAD + ITEM.format(comment="  # metricspec: ignore[E02, E002]").replace(
        "    title:", "    lint_ignore: [vanity-metrc]\n    title:"))
    report = lint_paths(path, select=["E", "M"])
    assert findings(report) == [("M002", None, 4), ("M002", "revenue", 5)]
    assert [d.message for d in report.diagnostics] == [
        "suppression names no rule: 'E02'", "lint_ignore names no rule: 'vanity-metrc'",
    ]


def test_what_is_not_a_comment_or_not_a_suppression_is_no_m002(write):
    text = (
        "# metricspec ignores nothing by itself; see the docs.\n"
        "metricspec: 1\nproduct: Acme\n"
        "objectives:\n  - id: revenue  # metricspec: ignore[E002] -- legacy key\n"
        "    title: \"Grow revenue; not # metricspec:ignore V001, a title\"\n    ownr: ana\n"
    )
    assert findings(lint_paths(write("a.metrics.yaml", text), select=["E", "M"])) == []


def test_m002_is_selected_and_suppressed_like_any_finding(write):
    path = write("a.metrics.yaml", HEAD + ITEM.format(comment="  # metricspec:ignore E002"))
    assert findings(lint_paths(path, select=["E", "M"], ignore=["M002"])) == [("E002", "revenue", 6)]
    silenced = write("b.metrics.yaml", "# metricspec: ignore-file[M002] -- migrating\n"
                     + HEAD + ITEM.format(comment="  # metricspec:ignore E002"))
    report = lint_paths(silenced, select=["E", "M"])
    assert findings(report) == [("E002", "revenue", 7)]  # and no M001: the ignore-file was used
    assert [s.diagnostic.code for s in report.suppressed] == ["M002"]


def test_the_scan_skips_files_without_the_word():
    assert find_suppressions("metricspec: 1\nproduct: Acme  # a comment\n") == ([], [])
    comments, malformed = find_suppressions("a: 1  # METRICSPEC:IGNORE[V001]\nb: 2  # metricspec: ignore[V001]\n")
    assert [(c.line, c.selectors) for c in comments] == [(2, ["V001"])]
    assert [(m.line, m.column, m.text) for m in malformed] == [(1, 7, "# METRICSPEC:IGNORE[V001]")]
