"""The report's fixtures: a status and a lint report as `status`/`lint --format json` print them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Optional

import pytest

HERE = Path(__file__).resolve().parent
TODAY = "2026-12-01"
MALICIOUS = "</script><script>alert(1)</script>"
# The bundled demo: the example specs and their actuals (examples/actuals, a year of them up to
# 2026-12-01), copied as they sit in the repository: the specs beside a folder of CSVs.
EXAMPLES = sorted((HERE.parents[1] / "examples").glob("*.metrics.yaml"))
ACTUALS = sorted((HERE.parents[1] / "examples" / "actuals").glob("*.csv"))
SOURCE = "actuals/*.csv"


def copy_examples(folder: Path, replace: Optional[tuple] = None) -> list:
    """The bundled specs and actuals in `folder`; `replace` = (old, new) edits the first spec
    holding `old`. Returns the specs' names."""
    (folder / "actuals").mkdir(parents=True, exist_ok=True)
    for path in ACTUALS:
        shutil.copy(path, folder / "actuals" / path.name)
    for path in EXAMPLES:
        text = path.read_text(encoding="utf-8")
        if replace and replace[0] in text:
            text, replace = text.replace(*replace, 1), None
        (folder / path.name).write_text(text, encoding="utf-8")
    assert replace is None, "the text to replace is in no bundled spec"
    return [p.name for p in EXAMPLES]


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
