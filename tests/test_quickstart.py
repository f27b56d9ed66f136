"""The README's first commands, run as written in a fresh copy of the repository.

The copy holds the files git tracks (as a clone would), taken from the working tree so that a
change to the README or the packaging is tested before it is committed. The commands run in
bash with every HTTP(S) request sent to a closed port: pip builds the package from the
sources it is configured with on this machine (a local mirror, already built wheels).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import PROJECT

README = PROJECT / "README.md"

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("bash") is None or not (PROJECT / ".git").exists(),
    reason="needs git, bash and a git checkout of the project",
)


def _try_it_blocks() -> list[str]:
    section = README.read_text(encoding="utf-8").split("## Try it", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.DOTALL)


def _fresh_copy(target: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode("utf-8").split("\0")):
        source = PROJECT / name
        if source.is_file():  # a file deleted in the working tree is not in a fresh clone of it either
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _bash(script: str, cwd: Path) -> subprocess.CompletedProcess:
    closed = "http://127.0.0.1:9"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("VIRTUAL_ENV", "PYTHON", "GITHUB_ACTIONS", "METRICSPEC"))}
    env.update(http_proxy=closed, https_proxy=closed, HTTP_PROXY=closed, HTTPS_PROXY=closed, no_proxy="", NO_PROXY="",
               PIP_NO_INPUT="1", PIP_RETRIES="0", NO_COLOR="1")
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def test_the_readme_try_it_commands_work_in_a_fresh_copy(tmp_path):
    install_and_lint, smells = _try_it_blocks()[:2]
    assert install_and_lint.startswith("python3 -m venv .venv && .venv/bin/pip install")
    checkout = _fresh_copy(tmp_path / "metricspec")
    assert not (checkout / ".venv").exists()

    first = _bash(install_and_lint, checkout)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "All clear: 3 files checked, no problems." in first.stdout
    version = subprocess.run([str(checkout / ".venv/bin/pip"), "show", "metricspec-lint"], capture_output=True, text=True)
    assert version.returncode == 0 and "Name: metricspec-lint" in version.stdout  # the distribution's name

    second = _bash(smells, checkout)
    assert second.returncode == 1, second.stdout + second.stderr  # findings: exit 1
    assert re.search(r"Found \d+ problems \(\d+ errors?, ", second.stdout)
