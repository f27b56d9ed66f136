"""The A codes' pages: listed by `metricspec rules`, printed by `metricspec rule`, in docs/rules.md,
and each page's example RUN through `metricspec status` (the example reports its code, the case
shown as not flagged does not)."""

from __future__ import annotations

import json

import pytest

from metricspec.actuals.codes import A_RULES, EXAMPLES, actual_codes

CODES = list(actual_codes().values())


def _status(run, write, spec: str, csv: str, today: str, *extra: str) -> dict:
    write("acme.metrics.yaml", spec)
    write("actuals.csv", csv)
    result = run("status", "--source", "actuals.csv", "--today", today, "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("rule", CODES, ids=[r.code for r in CODES])
def test_the_example_reports_its_code_and_the_fix_does_not(rule, run, write, tmp_path):
    doc = rule.doc
    assert doc.example and doc.actuals, f"{rule.code} has no example"
    today = doc.today.isoformat()
    found = _status(run, write, doc.example, doc.actuals, today)["diagnostics"]
    mine = [d for d in found if d["code"] == rule.code]
    assert mine, f"the example of {rule.code} does not report it: {found}"
    assert all(d["name"] == rule.name and d["severity"] == rule.severity.value for d in mine)
    assert doc.fix or doc.fixed_actuals, f"{rule.code} shows no case that is not flagged"
    fixed = _status(run, write, doc.fix or doc.example, doc.fixed_actuals or doc.actuals, today)["diagnostics"]
    assert [d for d in fixed if d["code"] == rule.code] == []


def test_the_examples_folder_holds_only_the_files_of_a_codes():
    kinds = ("example.yaml", "actuals.csv", "fix.yaml", "fix.csv")
    for path in EXAMPLES.iterdir():
        code, _, kind = path.name.partition(".")
        assert code in A_RULES and kind in kinds, path.name


def test_rules_lists_the_a_codes_after_the_d_codes(run):
    result = run("rules", "--format", "json")
    listed = json.loads(result.stdout)
    codes = [entry["code"] for entry in listed]
    assert codes[-9:] == list(A_RULES)
    assert codes.index("D090") < codes.index("A001")
    a002 = next(entry for entry in listed if entry["code"] == "A002")
    assert a002 == {"code": "A002", "name": "stale-actuals", "family": "actuals", "severity": "warning",
                    "scope": "actuals",
                    "summary": "an active metric whose latest actual is more than `stale-windows` (2) periods old"}


@pytest.mark.parametrize("key", ["A006", "a006", "baseline-mismatch"])
def test_rule_prints_the_page_by_code_or_name(run, key, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    result = run("rule", key)
    assert result.exit_code == 0
    page = result.stdout
    assert page.startswith("A006 baseline-mismatch")
    assert "Family: actuals. Default severity: warning." in page
    assert "weekly-report-builders,2026-06-28,1500" in page  # the CSV, as written
    assert "baseline: 1500, value: 1800" in page  # the fixed spec
    assert "metricspec status --source actuals.csv --today 2026-12-01" in page
    assert "baseline-mismatch: how far the baseline may differ" in page


def test_docs_rules_md_has_the_a_section():
    from tests.test_rule_docs import DOCS

    text = DOCS.read_text(encoding="utf-8")
    assert "| [A001](#a001-off-track-target) | off-track-target | actuals | warning |" in text
    assert "## A009 invalid-actuals" in text and "```csv\nmetric,at,value\n" in text


def test_a_diagnostics_url_is_the_page_in_docs(run, write):
    doc = actual_codes()["A001"].doc
    found = _status(run, write, doc.example, doc.actuals, "2026-12-01")["diagnostics"]
    assert found[0]["url"].endswith("/docs/rules.md#a001-off-track-target")
