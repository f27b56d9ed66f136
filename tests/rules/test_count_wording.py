"""Rules that count every metric not deprecated (proposed ones included) do not call them
"active": only `status: active` metrics are (T001, O001-O003)."""

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
    assert messages[("B001", None)].startswith("the only metric of 'Prop' covers business but no user or operational metric")
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
