"""Against a peer's suite: every input of the YAML test suite on one command line.

None of them is a metricspec document, many are invalid YAML, some use every feature the
format refuses: each must get a finding, the run must end within a minute, with no traceback.
"""

from __future__ import annotations

import json

from tests.conftest import shared_path

from .conftest import run_cli


def test_every_yaml_test_suite_input_gets_a_finding(tmp_path):
    suite = shared_path("corpora", "yaml-test-suite")
    files = sorted(suite.glob("*/in.yaml"))
    assert len(files) > 300
    result = run_cli(
        "lint", *map(str, files), "--format", "json", "--select", "E", "--output", str(tmp_path / "report.json"),
        cwd=tmp_path, timeout=60,
    )
    assert b"Traceback" not in result.stderr
    assert result.stderr == b"", result.stderr.decode()[:2000]
    assert result.returncode == 1
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["files"] == len(files)
    reported = {d["path"] for d in report["diagnostics"]}
    assert reported == {str(path) for path in files}
    assert {d["code"] for d in report["diagnostics"]} <= {"E001", "E002", "E005", "E006", "E007"}
