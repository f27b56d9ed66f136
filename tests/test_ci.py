"""CI outside pre-commit: the composite action's steps run as GitHub runs them, and the README's blocks."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from metricspec.scaffold.precommit import HOOK_REPO, HOOK_REV, entry_data

from .conftest import PROJECT

ACTION = PROJECT / "action.yml"
README = PROJECT / "README.md"

BROKEN = """\
metricspec: 1
product: Acme
owner: ana
review: monthly
objectives:
  - id: revenue
    title: Grow ARR from $4M to $5M by 2027
    metrics:
      - id: arr
        name: Annual recurring revenue
        kind: lagging
        unit: USD
        source: stripe
"""

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")


def _action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def _step(name: str) -> dict:
    return next(step for step in _action()["runs"]["steps"] if step.get("name") == name)


def test_action_is_a_composite_action():
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"paths", "args", "format", "sarif-file", "report-file", "python-version",
                                     "diff", "diff-args", "diff-file"}
    assert action["inputs"]["format"]["default"] == "github"
    for step in action["runs"]["steps"]:
        assert "uses" in step or step["shell"] == "bash"
        # Inputs reach scripts through the environment, never pasted into the script's text.
        assert "${{" not in step.get("run", "")
    assert "github.action_path" in _step("Install metricspec")["env"]["METRICSPEC_SOURCE"]


def _run_lint_step(tmp_path: Path, **inputs: str) -> subprocess.CompletedProcess:
    step = _step("metricspec lint")
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["GITHUB_ACTIONS"] = "true"
    env.update({"METRICSPEC_PATHS": "", "METRICSPEC_ARGS": "", "METRICSPEC_FORMAT": "github", "METRICSPEC_SARIF": ""})
    env.update(inputs)
    # GitHub runs composite `bash` steps as `bash --noprofile --norc -eo pipefail {0}`.
    script = tmp_path / "step.sh"
    script.write_text(step["run"])
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=tmp_path / "repo",
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "repo" / "metrics").mkdir(parents=True)
    (tmp_path / "repo" / "metrics" / "acme.metrics.yaml").write_text(BROKEN)
    (tmp_path / "repo" / "other.yaml").write_text("not: metricspec\n")
    return tmp_path / "repo"


@needs_bash
def test_lint_step_annotates_and_fails(tmp_path, repo):
    result = _run_lint_step(tmp_path, METRICSPEC_PATHS="metrics/", METRICSPEC_ARGS="--fail-on warning")
    assert result.returncode == 1, result.stderr
    assert re.search(r"^::warning file=metrics/acme\.metrics\.yaml,line=\d+,.*title=T001 no-target::", result.stdout, re.MULTILINE)


@needs_bash
def test_lint_step_writes_sarif_even_when_findings_fail_the_job(tmp_path, repo):
    result = _run_lint_step(tmp_path, METRICSPEC_SARIF="metricspec.sarif", METRICSPEC_ARGS="--select T001 --fail-on info")
    assert result.returncode == 1
    sarif = json.loads((repo / "metricspec.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["T001"]


@needs_bash
def test_lint_step_passes_a_clean_run_and_stops_on_usage_errors(tmp_path, repo):
    assert _run_lint_step(tmp_path, METRICSPEC_ARGS="--select E").returncode == 0
    assert _run_lint_step(tmp_path, METRICSPEC_ARGS="--select X999", METRICSPEC_SARIF="out.sarif").returncode == 2


def _blocks(language: str) -> list[str]:
    section = README.read_text(encoding="utf-8").split("## Continuous integration", 1)[1]
    return re.findall(rf"```{language}\n(.*?)```", section, re.DOTALL)


def test_readme_yaml_blocks_parse_and_name_this_hook():
    blocks = [yaml.safe_load(block) for block in _blocks("yaml")]
    precommit, local, workflow = blocks[0], blocks[1], blocks[2]
    assert precommit == {"repos": [{"repo": HOOK_REPO, "rev": HOOK_REV, "hooks": [{"id": "metricspec"}]}]}
    assert local == {"repos": [entry_data("local")]}  # the local recipe is what `init --hook local` writes
    steps = workflow["jobs"]["metricspec"]["steps"]
    assert steps[1]["uses"] == f"metricspec/metricspec@{HOOK_REV}"
    assert set(steps[1]["with"]) <= set(_action()["inputs"])
    assert steps[2]["with"]["sarif_file"] == steps[1]["with"]["sarif-file"]
    gitlab = next(block for block in blocks if "metricspec" in block and "script" in block.get("metricspec", {}))
    assert gitlab["metricspec"]["artifacts"]["reports"]["junit"] == "metricspec-junit.xml"


def test_readme_shell_blocks_use_real_options():
    from typer.main import get_command

    from metricspec.cli import app

    lint = get_command(app).commands["lint"]  # type: ignore[attr-defined]
    known = {opt for param in lint.params for opt in param.opts}
    for block in _blocks("sh") + _blocks("yaml"):
        for line in re.findall(r"metricspec lint[^\n#\"]*", block):
            for option in re.findall(r"(--[a-z-]+)", line):
                assert option in known, f"{option} in README: {line}"
