"""O001-O003 count metrics in use (`status: active`), as T001 does: a proposed metric is neither
counted nor named in the finding, whatever the fixtures' (code, subject, line) cannot show."""

from __future__ import annotations

from tests.conftest import findings, lint_paths

# Goal 'reporting' carries 4 active metrics and a proposed one; 13 active metrics in all, every
# one owned by head-of-product (line 4).
SPEC = "metricspec: 1\nproduct: Acme Analytics\nnorth_star: m-reporting-1\nowner: head-of-product\ngoals:\n"
GOALS = (("reporting", 4), ("trials", 3), ("reliability", 3), ("extras", 3))


def _spec() -> str:
    text = SPEC
    for goal, active in GOALS:
        text += f"  - id: {goal}\n    title: Make {goal} matter to 60% of accounts\n    metrics:\n"
        for i in range(1, active + 1):
            text += f"      - {{id: m-{goal}-{i}, name: Metric {i} of {goal}, kind: leading}}\n"
        text += f"      - {{id: m-{goal}-next, name: Next metric of {goal}, kind: leading, status: proposed}}\n"
    return text


def test_proposed_metrics_are_not_counted_as_active(tmp_path):
    spec = tmp_path / "spec.metrics.yaml"
    spec.write_text(_spec(), encoding="utf-8")
    report = lint_paths(spec, select=["O001", "O002", "O003"])
    assert findings(report) == [("O002", None, 2), ("O003", None, 4), ("O001", "reporting", 9)]
    messages = {d.code: d.message for d in report.diagnostics}
    assert "goal 'reporting' carries 4 active metrics directly (limit 3)" in messages["O001"]
    assert "defines 13 active metrics (limit 12) over 4 nodes; the busiest, goal 'reporting', carries 4" in messages["O002"]
    assert "owner 'head-of-product' answers for 13 active metrics in one file" in messages["O003"]
    assert "-next" not in " ".join(messages.values())
