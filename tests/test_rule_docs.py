"""Every rule's page teaches with a real example: the example triggers the rule, the fix does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from metricspec.docs import rules_markdown
from metricspec.rules import all_rules
from tests.conftest import lint_paths

RULES = list(all_rules().values())
DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_every_rule_is_documented():
    for rule in RULES:
        assert rule.doc.what and rule.doc.why, rule.code
        assert rule.doc.example and rule.doc.fix, f"{rule.code} has no example or fix"


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_example_triggers_and_fix_does_not(rule, tmp_path):
    example = tmp_path / "example" / "spec.metrics.yaml"
    fix = tmp_path / "fix" / "spec.metrics.yaml"
    for path, text in ((example, rule.doc.example), (fix, rule.doc.fix)):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    fired = {d.code for d in lint_paths(example, select=[rule.code]).diagnostics}
    assert rule.code in fired, f"the example of {rule.code} does not trigger it"
    fixed = lint_paths(fix, select=[rule.code]).diagnostics
    assert [d for d in fixed if d.code == rule.code] == [], f"the fix of {rule.code} still triggers it"
    assert [d for d in fixed if d.code.startswith("E")] == [], f"the fix of {rule.code} is not a valid spec"


def test_docs_rules_md_is_up_to_date():
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is out of date: run `python -m metricspec.docs > docs/rules.md`"
    )
