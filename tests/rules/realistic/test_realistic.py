"""Realistic specs of kinds of product the bundled examples lack (a public service, a consumer
subscription, a non-profit), each in two versions. The clean one is what a good team ships: no
finding at all, under every rule. The day-one one is a plausible first draft: its findings are
exactly what a product lead reviewing it would raise, nothing more (no revenue advice to a service
that has none, no MVP advice to a growing subscription).

Each file is linted alone, in a folder of its own, on the suite's fixed day.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import findings, lint_paths

HERE = Path(__file__).parent
CLEAN = sorted(HERE.glob("*.clean.metrics.yaml"))

DAY_ONE = {
    "driving-licence": [
        ("B001", None, 4),  # no operational measure (helpline calls, failure demand)
        ("B002", "renewals-to-date", 9),  # the north star has nothing watching it
        ("H002", "better-service", 12),  # an objective with no goals under it
        ("B004", "take-up", 33),  # 60% -> 90% take-up with no counter-metric
        ("V002", "renewals-to-date", 39),  # a running total as the north star
    ],
    "meditation-app": [
        ("L001", None, 6),  # a growing subscription that does not measure whether subscribers stay
        ("H002", "subscription-revenue", 12),
        ("O001", "subscription-revenue", 15),  # four metrics on one node
        ("V001", "app-downloads", 43),
    ],
    "literacy-charity": [
        ("B001", None, 4),  # nothing on what the programme costs to deliver
        ("T007", "more-readers", 13),  # "Teach better", and a target on a running total
        ("V002", "learners-reached", 16),
        ("H001", "books-next-session", 55),
    ],
}


def _lint_alone(path: Path, tmp_path: Path):
    folder = tmp_path / path.stem
    folder.mkdir()
    shutil.copy(path, folder / path.name)
    return lint_paths(folder / path.name, select=["ALL"])


def test_there_is_a_clean_and_a_day_one_version_of_each_product():
    assert {path.name.split(".")[0] for path in CLEAN} == set(DAY_ONE)
    for product in DAY_ONE:
        assert (HERE / f"{product}.day-one.metrics.yaml").exists()


@pytest.mark.parametrize("path", CLEAN, ids=[path.name for path in CLEAN])
def test_a_clean_spec_draws_no_finding(path, tmp_path):
    assert findings(_lint_alone(path, tmp_path)) == []


@pytest.mark.parametrize("product", sorted(DAY_ONE))
def test_a_day_one_spec_draws_what_a_product_lead_would_raise(product, tmp_path):
    report = _lint_alone(HERE / f"{product}.day-one.metrics.yaml", tmp_path)
    assert findings(report) == DAY_ONE[product]
    for diagnostic in report.diagnostics:
        assert "ARR" not in diagnostic.help and "seat" not in diagnostic.help, diagnostic.help
