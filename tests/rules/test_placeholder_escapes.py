"""G006 skips a file whose text holds no placeholder letters: escapes must still be read.

A double-quoted escaped line break joins two lines with nothing between them, so "TB\\<newline>D"
is the value "TBD" although the file never holds those three letters together (the fixture
bad_escaped.yaml covers the other escapes; a marker comment cannot sit inside this value).
"""

from __future__ import annotations

from tests.conftest import findings, lint_paths


def test_a_placeholder_joined_by_an_escaped_line_break_is_found(tmp_path):
    spec = tmp_path / "joined.metrics.yaml"
    spec.write_text(
        "metricspec: 1\nproduct: Acme Analytics\nowner: head-of-product\ngoals:\n"
        "  - id: analytics-adoption\n    title: Make custom reports a weekly habit\n    metrics:\n"
        "      - id: weekly-report-builders\n        name: Weekly active report builders\n"
        '        decision: "TB\\\n          D"\n'
    )
    report = lint_paths(spec, select=["G006"])
    assert findings(report, "G006") == [("G006", "weekly-report-builders", 10)]
