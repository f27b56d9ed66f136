"""One parametrised test over tests/actuals_fixtures/: the A codes' and the statuses' fixtures,
each run through `metricspec status --format json` as a user runs it.

A case is a folder `<CODE>/bad-*` or `<CODE>/good-*` (or `status/*`) holding a spec
(acme.metrics.yaml), its actuals (actuals.csv, read with `--source actuals.csv`) and `args`, the
rest of the command line (`--today 2026-12-01`, maybe `--segment ...`). Markers are comments
on a metric's `id` line, as in the lint fixtures (tests/rules/test_fixtures.py):

    - id: report-builders  # expect: A001 report-builders

says a finding of A001 about that metric at that line; `# expect: A009 @actuals.csv:2` one at
the source (a CSV's file and line, subject none; `@actuals.csv` alone: no line); several `expect:` may share one comment.
A code's case runs with only that code selected, and its findings must be exactly the marked
(code, subject, file, line) set: none for a good case. `# status: at-risk` marks the status of
the metric's row; in `status/*` cases the rows must be exactly the marked (id, status) set.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from metricspec.actuals.codes import A_RULES
from metricspec.actuals.status import STATUSES

FIXTURES = Path(__file__).parent / "actuals_fixtures"
_EXPECT = re.compile(r"expect:\s*(?P<code>A\d{3})(?:[ \t]+(?:@(?P<file>[\w.-]+)(?::(?P<at>\d+))?|(?P<subject>[a-z0-9][a-z0-9_-]*)))?")
_STATUS = re.compile(r"#\s*status:\s*(?P<status>[a-z-]+)")
_ID = re.compile(r"-\s+id:\s*(?P<id>[a-z0-9][a-z0-9_-]*)")


def _cases():
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for case in sorted(p for p in folder.iterdir() if p.is_dir()):
            yield pytest.param(folder.name, case, id=f"{folder.name}/{case.name}")


def _marked(case: Path) -> tuple[set, set]:
    findings, statuses = set(), set()
    spec = case / "acme.metrics.yaml"
    for number, line in enumerate(spec.read_text(encoding="utf-8").splitlines(), start=1):
        for m in _EXPECT.finditer(line):
            if m["file"]:
                findings.add((m["code"], None, m["file"], int(m["at"]) if m["at"] else None))
            else:
                findings.add((m["code"], m["subject"], spec.name, number))
        if (status := _STATUS.search(line)) and (ident := _ID.search(line)):
            statuses.add((ident["id"], status["status"]))
    return findings, statuses


@pytest.mark.parametrize(("folder", "case"), list(_cases()))
def test_fixture(folder, case, run, tmp_path):
    for file in case.iterdir():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    args = shlex.split((case / "args").read_text(encoding="utf-8"))
    selected = [] if folder == "status" else ["--select", folder]
    result = run("status", "--source", "actuals.csv", "--format", "json", *args, *selected)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    findings, statuses = _marked(case)
    found = {(d["code"], d["subject"], Path(d["path"]).name, d["line"]) for d in report["diagnostics"]}
    rows = {(m["id"], m["status"]) for m in report["metrics"]}
    if folder == "status":
        assert statuses, f"{case.name} marks no status"
        assert rows == statuses
        return
    assert {f[0] for f in found} <= {folder}
    if case.name.startswith("good"):
        assert found == set(), f"{folder} fired on a good fixture"
    else:
        assert findings, f"bad fixture {case.name} marks no finding"
        assert found == findings
    assert statuses <= rows


def test_every_a_code_has_bad_and_good_fixtures_and_every_status_one():
    folders = {p.name: p for p in FIXTURES.iterdir() if p.is_dir()}
    assert set(folders) == {*A_RULES, "status"}
    for code in A_RULES:
        kinds = {case.name.split("-")[0] for case in folders[code].iterdir()}
        assert kinds == {"bad", "good"}, code
    marked = set()
    for case in folders["status"].iterdir():
        marked |= {status for _, status in _marked(case)[1]}
    assert marked == set(STATUSES)
