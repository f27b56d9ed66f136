"""The README's `metricspec diff` section is real output: its revision of the bundled examples is
rebuilt in a git repository (fixed author and dates), and the text and markdown blocks are checked
byte for byte against what diff prints now, but for the short commit ids."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import PROJECT

GIT_ENV = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com", "GIT_COMMITTER_NAME": "Ada",
           "GIT_COMMITTER_EMAIL": "ada@example.com", "GIT_AUTHOR_DATE": "2026-10-01T09:00:00Z",
           "GIT_COMMITTER_DATE": "2026-10-01T09:00:00Z", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_SYSTEM": os.devnull}
EDITED = "acme-analytics.metrics.yaml"


def section() -> str:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## What moved: `metricspec diff`\n")
    end = readme.index("\n## ", start + 1)
    return readme[start:end]


def block(text: str, language: str) -> str:
    """The one code block of `language`, its fence of any length: the markdown block's is longer than
    the report's own ```yaml fences it shows."""
    found = re.findall(rf"^(`{{3,}}){language}\n(.*?)^\1$", text, re.DOTALL | re.MULTILINE)
    assert len(found) == 1, language
    return found[0][1]


def sha_free(text: str) -> str:
    """The output with its short commit ids masked: the base commit's id follows the bundled
    examples' bytes, which other sections of the README (actuals, report) have reason to change."""
    return re.sub(r"\b[0-9a-f]{7}\b", "SHA", text)


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    env.update(GIT_ENV)
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_the_readme_shows_what_diff_prints_for_its_revision(tmp_path: Path) -> None:
    text = section()
    removed, added = (line[1:] for line in block(text, "diff").splitlines())
    repo = tmp_path / "specs"
    (repo / "examples").mkdir(parents=True)
    for example in sorted((PROJECT / "examples").glob("*.metrics.yaml")):
        shutil.copy(example, repo / "examples" / example.name)
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "metric specs"]):
        assert run(repo, "git", *argv).returncode == 0
    edited = repo / "examples" / EDITED
    spec = edited.read_text(encoding="utf-8")
    assert spec.count(removed + "\n") == 1
    edited.write_text(spec.replace(removed + "\n", added + "\n"), encoding="utf-8")

    console = block(text, "console")
    command, shown = console.split("\n", 1)
    assert command == "$ metricspec diff main"
    done = run(repo, sys.executable, "-m", "metricspec", "diff", "main")
    assert (done.returncode, done.stderr) == (1, "")
    assert sha_free(done.stdout) == sha_free(shown)
    done = run(repo, sys.executable, "-m", "metricspec", "diff", "main", "--format", "markdown")
    assert (done.returncode, done.stderr) == (1, "")
    assert sha_free(done.stdout) == sha_free(block(text, "markdown"))
