"""Rules that count every metric not deprecated (proposed ones included) do not call them
"active": only `status: active` metrics are (T001, O001-O003, B001)."""

from __future__ import annotations

from tests.conftest import lint_paths

SPEC = """metricspec: 1
product: Prop
objectives:
  - id: revenue
    title: Reach $5M ARR in 2027
    metrics:
      - {id: arr, name: ARR, status: proposed, category: business}
      - {id: old-arr, name: Old ARR, status: deprecated, kind: lagging}
  - id: margin
    title: Reach 40% gross margin in 2027
"""


def test_counts_that_hold_proposed_metrics_do_not_say_active(tmp_path):
    spec = tmp_path / "spec.metrics.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    report = lint_paths(spec, select=["H003", "B001", "H005", "G004"])
    messages = {(d.code, d.subject): d.message for d in report.diagnostics}
    assert messages[("H003", None)].startswith("'Prop' defines 1 metric but no `north_star`")
    # B001 judges the metrics in use: a proposed one is not measured yet, so there is no balance to judge.
    assert ("B001", None) not in messages
    assert "it has no metric on itself (it has no goals)" in messages[("H005", "margin")]
    assert " active" not in " ".join(messages.values())


def test_one_deprecated_metric_and_all_goals_deprecated_are_said_so(tmp_path):
    spec = tmp_path / "spec.metrics.yaml"
    spec.write_text(
        "metricspec: 1\nproduct: Prop\nbehaviors:\n  - id: saves\n    title: Saves a report\n"
        "    metrics:\n      - {id: old, name: Old, status: deprecated}\n"
        "objectives:\n  - id: revenue\n    title: Reach $5M ARR in 2027\n"
        "    goals:\n      - {id: gone, title: Old goal, status: deprecated}\n",
        encoding="utf-8",
    )
    messages = {d.code: d.message for d in lint_paths(spec, select=["H001", "H005"]).diagnostics}
    assert messages["H001"].endswith("is not measured: its only metric ('old') is deprecated")
    assert "it has no metric on itself (all its goals are deprecated)" in messages["H005"]


def test_b001_and_o002_count_the_same_active_metrics(tmp_path):
    metrics = "".join(
        f"      - {{id: m{index}, name: Metric {index}, category: user}}\n" for index in range(13)
    ) + "      - {id: idea, name: An idea, status: proposed, category: business}\n"
    spec = tmp_path / "spec.metrics.yaml"
    spec.write_text(
        "metricspec: 1\nproduct: Prop\ngoals:\n  - id: g\n    title: Reach 40% in 2027\n    metrics:\n" + metrics,
        encoding="utf-8",
    )
    messages = {d.code: d.message for d in lint_paths(spec, select=["B001", "O002"]).diagnostics}
    assert messages["O002"].startswith("'Prop' defines 13 active metrics (limit 12)")
    assert messages["B001"].startswith("the 13 active metrics of 'Prop' cover user but no business or operational metric")
