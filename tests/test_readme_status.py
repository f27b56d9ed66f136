"""README.md's "Progress against targets" section as a reader follows it: the `status` command it
shows prints, from the repository's root, exactly the output pasted under it; its table names the
metrics that show each status; its config and workflow snippets parse."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.conftest import PROJECT
from tests.test_examples_actuals import STATUSES

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

TITLE = "## Progress against targets: `actuals` and `status`"


def section() -> str:
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert text.count(TITLE + "\n") == 1
    return text.split(TITLE + "\n", 1)[1].split("\n## ", 1)[0]


def blocks(kind: str) -> list:
    return re.findall(rf"```{kind}\n(.*?)```", section(), re.DOTALL)


def test_the_section_comes_before_continuous_integration():
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert text.index(TITLE) < text.index("\n## Continuous integration\n")


@pytest.mark.skipif(shutil.which("bash") is None, reason="runs the README's command in bash, as a reader would")
def test_the_pasted_status_output_is_what_the_command_prints(tmp_path):
    commands = [b for b in blocks("sh") if b.startswith("metricspec status ")]
    assert len(commands) == 1, "one status command, followed by its output"
    command = commands[0]
    assert command.count("\n") == 1 and "--today 2026-12-01" in command
    shown = section().split(command + "```\n", 1)[1]
    assert shown.startswith("\n```text\n"), "the output follows the command"
    expected = shown.split("```text\n", 1)[1].split("```\n", 1)[0]

    # The command as written, `metricspec` on PATH as an installed one is (this interpreter's, so
    # the code under test); no source or colour from the caller's environment.
    command_file = tmp_path / "bin" / "metricspec"
    command_file.parent.mkdir()
    command_file.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m metricspec "$@"\n', encoding="utf-8")
    command_file.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "METRICSPEC_ACTUALS_URL"}
    env.update(PATH=f"{command_file.parent}{os.pathsep}{env.get('PATH', '')}", NO_COLOR="1",
               PYTHONIOENCODING="utf-8")
    result = subprocess.run(["bash", "-e", "-c", command], cwd=PROJECT, env=env, capture_output=True,
                            text=True, encoding="utf-8", timeout=300)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == expected, "regenerate the README's pasted output"


def test_the_table_names_the_metrics_with_each_status():
    rows = [line for line in section().splitlines() if re.match(r"\| `[a-z-]+` \S+ \|", line)]
    named = {}
    for row in rows:
        status, _, demo = [cell.strip() for cell in row.strip("|").split("|")]
        for metric in re.findall(r"`([a-z0-9-]+)`", demo):
            named[metric] = status.split("`")[1]
    assert set(named.values()) == set(STATUSES.values()) == {
        "met", "on-track", "at-risk", "off-track", "missed", "stale", "no-data", "unpaced"}
    assert named == {metric: STATUSES[metric] for metric in named}


def test_the_snippets_parse():
    (toml,) = blocks("toml")
    assert tomllib.loads(toml)["tool"]["metricspec"]["actuals"]["source"].startswith("postgresql://${PGUSER}:")
    (workflow,) = blocks("yaml")
    steps = yaml.safe_load(workflow)["jobs"]["status"]["steps"]
    assert "metricspec status --fail-on off-track" in steps[3]["run"]
