"""Every rule's page teaches with a real example and its fix, printed as they are written.

That the example triggers the rule and the fix does not is a fixture test
(tests/rules/test_fixtures.py), since both are files in rules/examples/."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from metricspec.docs import rules_markdown
from metricspec.rules import all_rules

RULES = list(all_rules().values())
DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_every_rule_is_documented():
    for rule in RULES:
        assert rule.doc.what and rule.doc.why, rule.code
        assert rule.doc.example and rule.doc.fix, f"{rule.code} has no example or fix"


def test_docs_rules_md_is_up_to_date():
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is out of date: run `python -m metricspec.docs > docs/rules.md`"
    )


# -- the pages and the table as printed: at the terminal's width, code never wrapped -------------


def _printed(monkeypatch, columns: int, *args: str) -> str:
    from typer.testing import CliRunner

    from metricspec.cli import app

    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("NO_COLOR", "1")
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0
    return result.stdout


def _code_after(page: str, heading: str) -> str:
    """The code block printed under `heading`, as a user would copy it out and dedent it."""
    lines = [line.rstrip() for line in page.splitlines()]
    start = lines.index(heading) + 1
    block: list[str] = []
    for line in lines[start:]:
        if line.strip() and not line.startswith("    "):
            break
        block.append(line)
    return textwrap.dedent("\n".join(block).strip("\n")) + "\n"


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_printed_example_and_fix_are_the_documented_yaml_at_a_narrow_width(rule, monkeypatch):
    """V003's and G006's fix were wrapped at 100 columns: pasted into a file, E001."""
    page = _printed(monkeypatch, 60, "rule", rule.code)
    for heading, documented in (("Example", rule.doc.example), ("Use instead", rule.doc.fix)):
        printed = _code_after(page, heading)
        assert [line.rstrip() for line in printed.splitlines()] == documented.rstrip().splitlines()
        if rule.code == "E001" and heading == "Example":
            continue  # not YAML on purpose
        assert yaml.safe_load(printed) == yaml.safe_load(documented), f"{rule.code} {heading}"


@pytest.mark.parametrize(("columns", "width"), [(40, 60), (72, 72), (140, 140)])
def test_a_rule_page_follows_the_terminal_width(monkeypatch, columns, width):
    page = _printed(monkeypatch, columns, "rule", "G006")
    prose = [line.rstrip() for line in page.splitlines() if not line.startswith("    ")]
    assert max(len(line) for line in prose) == width  # the headings are padded to it
    assert "until we know which teams stopped building and why." in page  # never wrapped or cropped
    assert (max(len(line) for line in page.splitlines()) > width) == (width < 104)  # the YAML overflows


@pytest.mark.parametrize(("columns", "width"), [(40, 80), (90, 90), (150, 150)])
def test_the_rules_table_follows_the_terminal_width(monkeypatch, columns, width):
    table = _printed(monkeypatch, columns, "rules")
    assert max(len(line) for line in table.splitlines()) <= width
    assert max(len(line) for line in table.splitlines()) > width - 10
    assert "objective-without-outcome-metric" in table  # names are never cut
