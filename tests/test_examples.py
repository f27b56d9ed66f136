"""The bundled examples: the realistic specs are clean under every rule, the smells show exactly
what a reviewer would flag."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from metricspec.config import Config
from tests.conftest import PROJECT, lint_paths

EXAMPLES = PROJECT / "examples"
TODAY = dt.date(2026, 11, 22)
CLEAN = sorted(EXAMPLES.glob("*.metrics.yaml"))


def lint_examples(*paths, include: str, **options):
    """Lint examples as the workspace they are, not with this repository's other specs (rule
    examples and test fixtures that reuse their ids on purpose) as context."""
    settings = Config()
    settings.source = EXAMPLES / "metricspec.toml"
    settings.include = [include]
    return lint_paths(*paths, config=settings, **options)


def test_there_are_three_realistic_examples():
    assert [p.name for p in CLEAN] == [
        "acme-analytics.metrics.yaml",
        "fixly-marketplace.metrics.yaml",
        "pulse-fitness.metrics.yaml",
    ]


def test_realistic_examples_lint_clean_under_every_rule():
    report = lint_examples(*CLEAN, include="*.metrics.yaml", today=TODAY, select=["ALL"])
    assert report.files == 3
    assert [(d.path, d.code, d.line, d.message) for d in report.diagnostics] == []


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_examples_point_editors_at_the_schema(path: Path):
    assert path.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../schemas/metricspec.schema.json\n"
    )


SMELLS = {
    "broken-structure.metrics.yaml": [
        ("B001", None, 6),
        ("B002", "on-time-deliveries", 10),
        ("H002", "delivery-revenue", 12),
        ("H005", "delivery-revenue", 12),
        ("E002", "delivery-revenue", 14),
        ("V003", "on-time-deliveries", 16),
        ("E005", "on-time-deliveries", 18),
        ("E002", "on-time-deliveries", 19),
        ("E004", "on-time-deliveries", 22),
        ("E002", "on-time-deliveries", 23),
    ],
    "vanity-dashboard.metrics.yaml": [
        ("B001", None, 6),
        ("G004", None, 6),
        ("H003", None, 6),
        ("L001", None, 7),
        ("H002", "grow-the-app", 9),
        ("T007", "grow-the-app", 10),
        ("O001", "grow-the-app", 12),
        ("G001", "total-registered-users", 12),
        ("V001", "total-registered-users", 13),
        ("V002", "total-registered-users", 16),
        ("G001", "app-downloads", 19),
        ("V001", "app-downloads", 20),
        ("P004", "page-views", 26),
        ("G001", "page-views", 26),
        ("V001", "page-views", 27),
        ("G001", "followers", 30),
        ("V001", "followers", 31),
        ("T005", "followers", 35),
    ],
    "wishful-targets.metrics.yaml": [
        ("B001", None, 6),
        ("T003", "smb-arr", 23),
        ("T007", "better-invoicing", 26),
        ("T005", "weekly-invoicing-teams", 43),
        ("T006", "days-to-paid", 55),
        ("T004", "days-to-paid", 55),
        ("T002", "reminder-adoption", 70),
        ("T005", "reminder-adoption", 70),
    ],
}


def test_smells_show_what_a_reviewer_would_flag():
    report = lint_examples(EXAMPLES / "smells", include="smells/*.metrics.yaml", today=TODAY)
    found: dict[str, list] = {}
    for d in report.diagnostics:
        found.setdefault(Path(d.path).name, []).append((d.code, d.subject, d.line))
    assert found == SMELLS


def test_smells_fold_the_advice_on_a_vanity_metric_under_it():
    """A vanity metric is one finding (RULES.md, "One root cause, one finding"): the pairing,
    decision and target advice on it are listed under its V001, and reported with --no-fold."""
    path = EXAMPLES / "smells" / "vanity-dashboard.metrics.yaml"
    report = lint_examples(path, include="smells/*.metrics.yaml", today=TODAY)
    folded = {
        (d.code, d.subject, d.line): [(r.code, r.subject, r.line) for r in d.related]
        for d in report.diagnostics if d.related
    }
    assert folded == {
        ("V001", "total-registered-users", 13): [("V003", "total-registered-users", 12), ("P002", "total-registered-users", 14)],
        ("V001", "app-downloads", 20): [("V003", "app-downloads", 19), ("P001", "app-downloads", 21)],
        ("V001", "page-views", 27): [("V003", "page-views", 26), ("T001", "page-views", 26)],
        ("V001", "followers", 31): [("V003", "followers", 30), ("P001", "followers", 32)],
    }
    unfolded = lint_examples(path, include="smells/*.metrics.yaml", today=TODAY, fold=False)
    assert all(not d.related for d in unfolded.diagnostics)
    shown = sorted((d.code, d.subject, d.line) for d in report.diagnostics)
    hidden = sorted(entry for entries in folded.values() for entry in entries)
    assert sorted((d.code, d.subject, d.line) for d in unfolded.diagnostics) == sorted(shown + hidden)
    assert report.summary() == {"error": 0, "warning": 15, "info": 3}, "the summary counts reported findings"  # T007 on grow-the-app too


def test_vanity_messages_say_why():
    report = lint_examples(EXAMPLES / "smells" / "vanity-dashboard.metrics.yaml", include="smells/*.metrics.yaml",
                           today=TODAY, select=["V001"])
    messages = {d.subject: d.message for d in report.diagnostics}
    assert messages["total-registered-users"].startswith(
        "'total-registered-users' (\"Total registered users\") counts registered users with no denominator, rate or ratio"
    )
    assert "monthly window alone does not relate it to engagement" in messages["app-downloads"]
