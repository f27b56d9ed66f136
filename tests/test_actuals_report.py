"""The JSON report of `status`: the example of ACTUALS.md regenerated from its inputs."""

import datetime as dt
import json

from metricspec.actuals import report
from metricspec.actuals.status import judge, rollup
from tests.test_actuals_status import EXAMPLE, EXAMPLE_SERIES

TODAY = dt.date(2026, 12, 1)


def test_the_example_report_is_regenerated_from_its_inputs():
    j = judge(EXAMPLE, EXAMPLE_SERIES, TODAY)
    entry = report.metric_entry(EXAMPLE, j, node="analytics-adoption", path="metrics/acme.metrics.yaml",
                                line=21, column=17, source="metricspec.db")
    statuses = rollup({"enterprise-revenue": None, "analytics-adoption": "enterprise-revenue"},
                      [("analytics-adoption", j.status)])
    node = report.node_entry("analytics-adoption", level="goal", title="…", parent="enterprise-revenue",
                             status=statuses["analytics-adoption"], path="metrics/acme.metrics.yaml", line=18, column=11)
    doc = report.document_entry("metrics/acme.metrics.yaml", "Acme Analytics", "growth", "weekly-report-builders")
    got = report.build(version="<version>", today=TODAY, segment=None, documents=[doc], nodes=[node],
                       metrics=[entry], diagnostics=[])
    expected_metric = {
        "id": "weekly-report-builders", "name": "Weekly active report builders",
        "node": "analytics-adoption", "path": "metrics/acme.metrics.yaml", "line": 21, "column": 17,
        "segment": None, "source": "metricspec.db", "unit": "count", "direction": "increase",
        "target": {"baseline": 1200, "value": 1800, "since": "2026-07-01", "by": "2027-06-30", "tolerance": None},
        "latest": {"at": "2026-11-30", "value": 1390},
        "expected": 1450.55, "expected_today": 1452.2, "expected_progress": 0.4176, "progress": 0.3167,
        "pacing": 0.7583, "status": "at-risk", "demoted_by": [],
        "forecast": {"points": 8, "slope_per_day": 1.82, "at_by": 1777.04, "reaches_on": "2027-07-13"},
        # the example shows the last two of the sparkline's points; the report has all of them (up to 12)
        "recent": [{"at": p.at.isoformat(), "value": int(p.value)} for p in EXAMPLE_SERIES],
    }
    assert got == {
        "metricspec": "<version>", "today": "2026-12-01", "segment": None,
        "statuses": {"met": 0, "on-track": 0, "at-risk": 1, "off-track": 0, "missed": 0, "stale": 0,
                     "no-data": 0, "unpaced": 0},
        "summary": {"error": 0, "warning": 0, "info": 0},
        "documents": [{"path": "metrics/acme.metrics.yaml", "product": "Acme Analytics", "stage": "growth",
                       "north_star": "weekly-report-builders"}],
        "nodes": [{"id": "analytics-adoption", "level": "goal", "title": "…", "parent": "enterprise-revenue",
                   "status": "at-risk", "path": "metrics/acme.metrics.yaml", "line": 18, "column": 11}],
        "metrics": [expected_metric],
        "diagnostics": [],
    }
    assert list(got["metrics"][0]) == list(expected_metric)  # the documented key order
    assert json.dumps(got) == json.dumps(report.build(version="<version>", today=TODAY, segment=None,
                                                      documents=[doc], nodes=[node], metrics=[entry], diagnostics=[]))


def test_no_data_entry_has_every_key_null():
    j = judge(EXAMPLE, (), TODAY)
    entry = report.metric_entry(EXAMPLE, j, node=None, path="m.yaml", line=1, column=1, source="metricspec.db")
    assert entry["status"] == "no-data" and entry["latest"] is None and entry["forecast"] is None
    assert [entry[k] for k in ("expected", "expected_today", "expected_progress", "progress", "pacing")] == [None] * 5
    assert entry["recent"] == [] and entry["target"]["baseline"] == 1200
