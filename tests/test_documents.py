"""One way in for a file (documents.py), and data that flows one way through it: validation
returns what it made of a file (the repaired document and the paths it took out) and leaves
the loaded file as read; rules ask that result what was taken out."""

from __future__ import annotations

import copy

from metricspec import documents, parallel, transport
from metricspec.discovery import Target
from metricspec.loader import load_text
from metricspec.validate import validate_document
from tests.conftest import findings, lint_paths

# A metric whose kind, unit, target deadline and a second metric's whole target do not validate,
# and a third metric with no id (replaced by a placeholder). Lines: kind 9, unit 10, by 11,
# the second metric's target 14.
REPAIRED = (
    "metricspec: 1\nproduct: Acme\nowner: pm\nreview: monthly\n"  # 1-4
    "objectives:\n  - id: revenue\n    title: Grow revenue to 2M by 2027\n    metrics:\n"  # 5-8
    "      - {id: arr, name: ARR, kind: laging,\n"  # 9
    "         unit: [USD],\n"  # 10
    "         target: {value: 12, baseline: 10, by: 2027-06-31}}\n"  # 11
    "      - id: churn\n"  # 12
    "        name: Churn\n        kind: lagging\n        unit: percent\n"  # 13-15
    "        target: soon\n"  # 16
    "      - name: no id\n"  # 17
)
REMOVED = {
    ("objectives", 0, "metrics", 0, "kind"),
    ("objectives", 0, "metrics", 0, "unit"),
    ("objectives", 0, "metrics", 0, "target", "by"),
    ("objectives", 0, "metrics", 1, "target"),
    ("objectives", 0, "metrics", 2),
}


def test_validation_returns_what_it_removed_and_leaves_the_loaded_file_as_read():
    loaded = load_text(REPAIRED, "a.metrics.yaml")
    assert loaded.spans is not None  # read by the lean walk
    data, spans, positions = copy.deepcopy(loaded.data), loaded.spans.tobytes(), dict(loaded.positions)
    validation = validate_document(loaded)
    assert loaded.data == data
    assert loaded.spans.tobytes() == spans
    assert loaded.positions == positions
    assert set(validation.removed) == REMOVED
    assert [(p.code, p.subject, p.span[0]) for p in validation.problems] == [
        ("E002", "arr", 9), ("E002", "arr", 10), ("E002", "arr", 11), ("E002", "churn", 16), ("E002", "revenue", 17),
    ]
    arr, churn, placeholder = validation.document.objectives[0].metrics
    assert (arr.kind, arr.unit, arr.target.by, arr.target.value) == (None, None, None, 12.0)
    assert churn.target is None
    assert placeholder.id.startswith("0--metricspec-placeholder--")


def test_a_clean_file_removes_nothing():
    loaded = load_text(REPAIRED.split("      - {id: arr")[0] + "      - {id: arr, name: ARR}\n", "a.metrics.yaml")
    validation = validate_document(loaded)
    assert validation.problems == [] and validation.removed == frozenset()


def test_a_value_validation_took_out_is_not_reported_missing_as_well(tmp_path):
    spec = tmp_path / "a.metrics.yaml"
    spec.write_text(REPAIRED)
    rules = ["E002", "P004", "T001", "T002", "T008"]
    assert findings(lint_paths(spec, select=rules)) == [
        ("E002", "arr", 9), ("E002", "arr", 10), ("E002", "arr", 11), ("E002", "churn", 16), ("E002", "revenue", 17),
    ]
    # Not written at all, the same values are missing: the rules above do run on these metrics.
    spec.write_text(REPAIRED.replace(" kind: laging,", "").replace("unit: [USD],", "")
                    .replace(", by: 2027-06-31", "").replace("        target: soon\n", ""))
    assert findings(lint_paths(spec, select=rules)) == [
        ("P004", "arr", 9), ("T008", "arr", 9), ("T002", "arr", 11), ("T001", "churn", 12), ("E002", "revenue", 16),
    ]


def test_what_validation_removed_survives_a_parallel_run(tmp_path, monkeypatch):
    for index in range(4):
        (tmp_path / f"t{index}.metrics.yaml").write_text(REPAIRED.replace("id: arr", f"id: arr{index}")
                                                         .replace("id: churn", f"id: churn{index}")
                                                         .replace("id: revenue", f"id: revenue{index}"))
    monkeypatch.chdir(tmp_path)
    reports = []
    for workers in (1, 2):
        monkeypatch.setattr(parallel, "jobs", lambda workers=workers: workers)
        monkeypatch.setattr(parallel, "MIN_FILES", 1)
        monkeypatch.setattr(parallel, "MIN_DOCS", 1)
        reports.append(lint_paths(select=["P004", "T001", "T002", "T008"]))
    assert findings(reports[0]) == findings(reports[1])
    assert {code for code, _, _ in findings(reports[1])} == {"E002"}  # no P004, T001, T002, T008
    target = Target(str(tmp_path / "t1.metrics.yaml"), "t1.metrics.yaml", True)
    record = documents.load(target, False)
    shipped, _ = transport.unship_result(transport.ship_result((record, None)))
    assert shipped.doc.removed == record.doc.removed == frozenset(REMOVED)


def test_context_files_are_documents_of_a_version_this_metricspec_reads(tmp_path):
    def context(text):
        path = tmp_path / "c.metrics.yaml"
        path.write_text(text)
        record, error = documents.load_context(Target(str(path), "c.metrics.yaml", False), False)
        assert error is None
        return record

    assert context("metricspec: 2\nobjectives: []\n") is None
    assert context("name: not a spec\n") is None
    assert context("metricspec: 1\nobjectives: [\n") is None
    record = context(REPAIRED)
    assert not record.doc.reported
    assert record.doc.removed == frozenset(REMOVED)
    assert [metric.id for metric in record.doc.model.objectives[0].metrics][:2] == ["arr", "churn"]
