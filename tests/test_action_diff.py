"""The action's `metricspec diff` step, run as GitHub runs it: its script from action.yml, its
env's `${{ }}` resolved from the inputs and the event payload as Actions does, in a shallow
checkout of a pull request's merge commit whose base commit must be fetched."""

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

from .conftest import PROJECT

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
SPEC = """metricspec: 1
product: acme
goals:
  - id: g
    title: Grow
    owner: pm
    metrics:
      - id: m
        name: Weekly builders
        kind: lagging
        target: {{baseline: 1800, value: {value}, by: 2027-06-30}}
"""


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, check=True,
                          capture_output=True, text=True).stdout.strip()


def step() -> dict:
    action = yaml.safe_load((PROJECT / "action.yml").read_text(encoding="utf-8"))
    return next(s for s in action["runs"]["steps"] if s.get("name") == "metricspec diff")


def resolve(value: str, inputs: dict, event: dict) -> str:
    """`${{ inputs.x }}` and `${{ github.event.a.b }}` as Actions resolves them (a missing
    property is empty)."""
    def one(found: re.Match) -> str:
        expression = found.group(1).strip()
        if expression.startswith("inputs."):
            return str(inputs[expression[len("inputs."):]])
        assert expression.startswith("github.event."), expression
        here = event
        for key in expression[len("github.event."):].split("."):
            here = here.get(key, {}) if isinstance(here, dict) else {}
        return here if isinstance(here, str) else ""

    return re.sub(r"\$\{\{(.*?)\}\}", one, value)


@pytest.fixture
def checkout(tmp_path: Path) -> tuple[Path, str]:
    """A pull request lowering a target: `origin` holds base and head; the checkout is the
    head alone (actions/checkout's fetch-depth: 1), without the base commit."""
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    (work / "a.metrics.yaml").write_text(SPEC.format(value=2400))
    git(work, "add", "-A")
    git(work, "commit", "-qm", "base")
    base = git(work, "rev-parse", "HEAD")
    git(work, "checkout", "-qb", "pr")
    (work / "a.metrics.yaml").write_text(SPEC.format(value=2200))
    git(work, "commit", "-qam", "lower the target")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(origin))
    clone = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{origin}", str(clone))
    with pytest.raises(subprocess.CalledProcessError):
        git(clone, "cat-file", "-e", base + "^{commit}")
    return clone, base


def run_step(tmp_path: Path, cwd: Path, event_name: str, event: dict, **given: str) -> tuple[subprocess.CompletedProcess, Path]:
    action = yaml.safe_load((PROJECT / "action.yml").read_text(encoding="utf-8"))
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs.update(given)
    payload = tmp_path / "event.json"
    payload.write_text(json.dumps(event))
    summary = tmp_path / "summary.md"
    summary.write_text("## lint\n")  # the summary a step before wrote
    env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    env.update(GIT_ENV)
    env.update({"PATH": os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
                "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(payload),
                "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(tmp_path / "output"),
                "RUNNER_TEMP": str(tmp_path)})
    env.update({name: resolve(value, inputs, event) for name, value in step()["env"].items()})
    script = tmp_path / "diff-step.sh"
    script.write_text(step()["run"])
    # GitHub runs composite `bash` steps as `bash --noprofile --norc -eo pipefail {0}`.
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr
    return done, summary


def test_the_step_runs_after_lint_even_when_it_failed() -> None:
    action = yaml.safe_load((PROJECT / "action.yml").read_text(encoding="utf-8"))
    names = [s.get("name") for s in action["runs"]["steps"]]
    assert names.index("metricspec diff") > names.index("metricspec lint")
    assert step()["if"] == "${{ !cancelled() && inputs.diff == 'true' && steps.install.outcome == 'success' }}"
    assert "${{" not in step()["run"]  # inputs reach the script as variables, never pasted
    assert {name: action["inputs"][name]["default"] for name in ("diff", "diff-args", "diff-file")} == {
        "diff": "false", "diff-args": "", "diff-file": ""}


def test_a_pull_request_fetches_its_base_writes_the_summary_and_annotates(tmp_path: Path, checkout) -> None:
    clone, base = checkout
    head = git(clone, "rev-parse", "HEAD")
    event = {"pull_request": {"number": 7, "base": {"sha": base}, "head": {"sha": head}}}
    done, summary = run_step(tmp_path, clone, "pull_request", event, diff="true", **{"diff-file": "diff.md"})
    assert done.returncode == 1, done.stderr  # a lowered target is a warning: fails at --fail-on warning
    assert done.stdout == (
        "::warning file=a.metrics.yaml,line=11,col=34,title=D001 target-lowered::the target of 'm' was lowered "
        "from 2400 to 2200 (increase)%0Ahelp: Keep the target, or record the old one in `history` (status: "
        "revised, with a reason) so that reviewers see why the bar moved.\n"
        f"metricspec diff: {base[:7]} → HEAD ({head[:7]}): 1 file, 1 warning\n")
    before, after = '{"value": 2400}', '{"value": 2200}'  # in the table, the fields that moved; whole below
    markdown = (clone / "diff.md").read_text()
    assert markdown == (
        f"**metricspec diff**: {base[:7]} → HEAD ({head[:7]}): 1 warning; fails at `--fail-on warning`\n\n"
        "### warning (1)\n\n| code | subject | before → after | where |\n| --- | --- | --- | --- |\n"
        f"| D001 target-lowered | m | {before} → {after} | a.metrics.yaml:11 |\n\n"
        "<details><summary>D001 target-lowered m (a.metrics.yaml:11)</summary>\n\n"
        "the target of 'm' was lowered from 2400 to 2200 (increase)\n\n"
        "```yaml\nbefore:\n  value: 2400\n  baseline: 1800\n  by: 2027-06-30\n"
        "after:\n  value: 2200\n  baseline: 1800\n  by: 2027-06-30\n```\n\n</details>\n")
    assert summary.read_text() == "## lint\n" + markdown  # appended to what the lint step wrote
    git(clone, "cat-file", "-e", base + "^{commit}")  # fetched


def test_diff_args_reach_both_runs(tmp_path: Path, checkout) -> None:
    clone, base = checkout
    event = {"pull_request": {"base": {"sha": base}}}
    done, summary = run_step(tmp_path, clone, "pull_request", event, diff="true", **{"diff-args": "--fail-on error"})
    assert done.returncode == 0
    assert done.stdout.startswith("::warning file=a.metrics.yaml,line=11,col=34,title=D001 target-lowered::")
    assert "; passes at `--fail-on error`\n" in summary.read_text().splitlines(keepends=True)[1]


def test_another_event_gives_a_notice_only(tmp_path: Path, checkout) -> None:
    clone, _ = checkout
    done, summary = run_step(tmp_path, clone, "push", {"ref": "refs/heads/pr"}, diff="true")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == ("::notice title=metricspec diff::diff runs on pull_request events only; "
                           "skipped on this push event\n")
    assert summary.read_text() == "## lint\n"


def test_diff_false_runs_nothing(tmp_path: Path, checkout) -> None:
    clone, base = checkout
    done, summary = run_step(tmp_path, clone, "pull_request", {"pull_request": {"base": {"sha": base}}})
    assert (done.returncode, done.stdout, summary.read_text()) == (0, "", "## lint\n")


def test_the_paths_input_reaches_diff_after_the_separator(tmp_path: Path, checkout) -> None:
    clone, base = checkout
    event = {"pull_request": {"base": {"sha": base}}}
    done, summary = run_step(tmp_path, clone, "pull_request", event, diff="true", paths="a.metrics.yaml")
    assert done.returncode == 1 and "title=D001 target-lowered" in done.stdout
    done, summary = run_step(tmp_path, clone, "pull_request", event, diff="true", paths="elsewhere/")
    assert (done.returncode, done.stdout, summary.read_text()) == (2, "", "## lint\n")
    assert done.stderr == ("metricspec diff: no metricspec files at either side in elsewhere/; "
                           "name the spec files or folders after --\n")
