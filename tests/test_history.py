"""`history` (DIFF.md, Format addition): bad entries are E002 through the CLI, as a user sees them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAD = """metricspec: 1
product: acme
goals:
  - id: g
    title: Grow
    owner: pm
    metrics:
      - id: m
        name: Weekly builders
        kind: lagging
        target: {baseline: 1800, value: 2200, by: 2027-06-30, since: 2026-07-01}
        history:
"""


def _lint(tmp_path: Path, entries: str) -> list[tuple[str, str, int]]:
    (tmp_path / "a.metrics.yaml").write_text(HEAD + entries, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "metricspec", "lint", "--format", "json", "--select", "E,G006",
                          str(tmp_path)], capture_output=True, text=True)
    assert "Traceback" not in run.stderr
    found = json.loads(run.stdout)
    items = found["diagnostics"]
    return sorted((f["code"], f["message"], f["line"]) for f in items)


def test_good_history_is_clean(tmp_path: Path) -> None:
    assert _lint(tmp_path, """          - {baseline: 1500, value: 2000, by: 2026-06-30, status: missed, result: 1800, closed: 2026-07-01}
          - {value: 2400, status: revised, closed: 2026-10-02, reason: "EU launch moved"}
""") == []


def test_cross_field_rules_are_e002_at_the_entry(tmp_path: Path) -> None:
    assert _lint(tmp_path, """          - {value: 2000, status: missed, closed: 2026-07-01}
          - {value: 2400, status: revised, closed: 2026-06-02, reason: " "}
          - {value: 2400, status: dropped, closed: 2026-05-02, reason: "why not"}
          - {value: 2400, status: dropped, closed: 2026-10-02, reason: "TBD"}
          - {value: 2400, status: done, closed: 2026-10-02, colour: 3}
""") == [
        ("E002", "a history entry with status 'missed' is missing the required key 'result'", 13),
        ("E002", "history.closed: 2026-05-02 is before the entry above (2026-06-02)", 15),
        ("E002", "history.reason: is blank", 14),
        ("E002", "history.status: 'done' is not one of met, missed, revised, dropped", 17),
        ("E002", "unknown key 'colour'", 17),
        ("G006", "'m' (\"Weekly builders\") still holds placeholder text in `reason`: 'TBD'", 16),
    ]
