"""The report's fixtures: a status and a lint report as `status`/`lint --format json` print them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TODAY = "2026-12-01"
MALICIOUS = "</script><script>alert(1)</script>"


def load(name: str) -> dict:
    return json.loads((HERE / name).read_text(encoding="utf-8"))


@pytest.fixture
def status_json() -> dict:
    return load("status.json")


@pytest.fixture
def lint_json() -> dict:
    return load("lint.json")


def render(status_json: dict, lint_json: dict, diff_json: dict | None = None) -> str:
    from metricspec.report.render import render_report

    return render_report(status_json, lint_json, diff_json, version="0.1.0", today=TODAY, source="metricspec.db")
