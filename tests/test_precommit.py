"""The pre-commit hook: adding it to a user's config by editing text, and running it for real.

The end-to-end tests build the hook the way pre-commit does (a virtualenv installed from a git
copy of this checkout, dependencies from PyPI) and run it on a scratch repository: a clean spec
passes, a broken one fails with its finding, a spec whose references point into a file that is
not part of the run still passes, and a real `git commit` is stopped by the hook.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from metricspec.scaffold.precommit import HOOK_ID, HOOK_REPO, HOOK_REV, add_hook
from metricspec.scaffold.templates import render, tokens

from .conftest import PROJECT

ENTRY = {"repo": HOOK_REPO, "rev": HOOK_REV, "hooks": [{"id": HOOK_ID}]}


def _inserted(old: str, new: str) -> str:
    """The one contiguous run of text `new` adds to `old` (fails if anything else changed)."""
    start = 0
    while start < len(old) and old[start] == new[start]:
        start += 1
    end = 0
    while end < len(old) - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    assert new[:start] + new[len(new) - end:] == old, "existing bytes were changed"
    return new[start:len(new) - end]


LAYOUTS = {
    "indented list with comments": (
        "# hooks for this repository\n"
        "default_language_version:\n"
        "  python: python3.12  # keep in step with CI\n"
        "repos:\n"
        "  # formatting first\n"
        "  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
        "    rev: v4.6.0\n"
        "    hooks:\n"
        "      - id: trailing-whitespace   # strip\n"
        "      # - id: end-of-file-fixer\n"
        "\n"
        "# settings for pre-commit.ci\n"
        "ci:\n"
        "  autofix_prs: false\n"
    ),
    "pre-commit sample style": (
        "# See https://pre-commit.com for more information\n"
        "repos:\n"
        "-   repo: https://github.com/pre-commit/pre-commit-hooks\n"
        "    rev: v3.2.0\n"
        "    hooks:\n"
        "    -   id: trailing-whitespace\n"
        "    -   id: check-yaml\n"
    ),
    "no trailing newline": (
        "repos:\n"
        "  - repo: https://github.com/psf/black\n"
        "    rev: 24.4.2\n"
        "    hooks:\n"
        "      - id: black"
    ),
    "empty list": "repos: []   # nothing yet\nfail_fast: true\n",
    "empty list, no trailing newline": "repos: []",
    "empty value": "repos:\nminimum_pre_commit_version: '3.0.0'\n",
    "no repos key": "# only settings so far\ndefault_stages: [pre-commit]\n",
    "only a comment": "# to be filled in\n",
    "empty file": "",
    "flow list": "repos: [{repo: local, hooks: [{id: x, name: x, entry: 'true', language: system}]}]  # one\n",
    "crlf line ends": "repos:\r\n  - repo: https://github.com/psf/black\r\n    rev: 24.4.2\r\n    hooks:\r\n      - id: black\r\n",
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_hook_is_added_keeping_every_byte(name):
    old = LAYOUTS[name]
    edit = add_hook(old)
    assert edit.status == "add", edit.reason
    new = edit.text
    before = yaml.safe_load(old) or {}
    after = yaml.safe_load(new)
    assert after == {**before, "repos": [*(before.get("repos") or []), ENTRY]}
    if "[]" in old:
        # The empty list gives way to the entries; every other byte, the comment included, stays.
        assert _inserted(old.replace(" []", "", 1), new)
    else:
        added = _inserted(old, new)
        assert "id: metricspec" in added
    if "\r\n" in old:
        assert new.count("\n") == new.count("\r\n"), "inserted lines end the way the file's lines do"


def test_entry_follows_the_files_indentation():
    new = add_hook(LAYOUTS["pre-commit sample style"]).text
    assert new.endswith(
        "-   repo: https://github.com/metricspec/metricspec\n"
        f"    rev: {HOOK_REV}\n"
        "    hooks:\n"
        "    -   id: metricspec\n"
    )
    new = add_hook(LAYOUTS["indented list with comments"]).text
    assert (
        "      # - id: end-of-file-fixer\n"
        "  - repo: https://github.com/metricspec/metricspec\n"
        f"    rev: {HOOK_REV}\n"
        "    hooks:\n"
        "      - id: metricspec\n"
        "\n"
        "# settings for pre-commit.ci\n"
    ) in new


def test_new_config_and_present_hook():
    created = add_hook(None)
    assert created.status == "create"
    assert yaml.safe_load(created.text) == {"repos": [ENTRY]}
    assert add_hook(created.text).status == "present"
    local = "repos:\n  - repo: local\n    hooks:\n      - {id: metricspec, name: m, entry: metricspec lint, language: system}\n"
    assert add_hook(local).status == "present"


@pytest.mark.parametrize("text", ["repos: [\n", "- a list\n", "repos: {a: 1}\n", "repos: [\n  {repo: local, hooks: []},\n]\n"])
def test_files_it_cannot_extend_are_left_alone(text):
    edit = add_hook(text)
    assert edit.status == "manual" and edit.text is None and edit.reason


# -- the hook, for real ----------------------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

TEAM_SPEC = """\
metricspec: 1
product: Acme
owner: growth-team
review: monthly
north_star: weekly-active-accounts
goals:
  - id: referral-growth
    parent: paying-customer-base
    title: Bring 15% of new accounts in through referrals
    metrics:
      - id: referral-share
        name: Share of new accounts that arrive through a referral
        kind: leading
        category: business
        unit: percent
        numerator: new accounts with a referral code
        denominator: new accounts
        source: product-analytics
        pairs_with: paying-customers
        decision: Under 8% we test a double-sided referral reward.
        target: {baseline: 9, value: 15, by: {{by_9m}}, since: {{since}}}
    outcomes:
      - id: easy-to-recommend
        title: Happy users recommend the product to a colleague within a month
        behaviors:
          - id: sends-referral
            title: Sends a referral link to a colleague
            metrics:
              - id: referral-sender-rate
                name: Share of weekly active accounts that send a referral link
                kind: leading
                category: user
                unit: percent
                numerator: weekly active accounts with a referral_sent event
                denominator: weekly active accounts
                event: referral_sent
                source: product-analytics
                segments: [plan, acquisition_channel]
                pairs_with: paying-customers
                decision: Under 3% we move the referral link into the share menu.
                target: {baseline: 4, value: 7, by: {{by_6m}}, since: {{since}}}
"""


def _git_env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GIT_", "PRE_COMMIT"))}
    env.pop("GITHUB_ACTIONS", None)
    env.update(
        GIT_AUTHOR_NAME="Metricspec Test", GIT_AUTHOR_EMAIL="test@metricspec.invalid",
        GIT_COMMITTER_NAME="Metricspec Test", GIT_COMMITTER_EMAIL="test@metricspec.invalid",
        GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(home / "gitconfig"),
        PRE_COMMIT_HOME=str(home / "pre-commit-cache"), NO_COLOR="1",
    )
    # pre-commit must find this interpreter's `metricspec`-free environment tools (virtualenv).
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    (home / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    result = _run(["git", *args], cwd, env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str, dict[str, str]]:
    """A git repository holding this checkout's hook manifest and package, as pre-commit clones it."""
    home = tmp_path_factory.mktemp("home")
    env = _git_env(home)
    repo = tmp_path_factory.mktemp("metricspec-hook")
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "README.md"):
        shutil.copy2(PROJECT / name, repo / name)
    shutil.copytree(PROJECT / "src", repo / "src", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    _git(repo, env, "init", "-q")
    _git(repo, env, "add", "-A")
    _git(repo, env, "commit", "-q", "-m", "metricspec under test")
    return repo, _git(repo, env, "rev-parse", "HEAD"), env


@pytest.fixture
def user_repo(tmp_path, hook_repo) -> Path:
    """A project with one committed spec (the minimal template) that other specs refer into."""
    _, _, env = hook_repo
    _git(tmp_path, env, "init", "-q")
    today = dt.date.today()
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "company.metrics.yaml").write_text(render("minimal", "Acme", "mvp", today))
    values = tokens("Acme", "mvp", today)
    (tmp_path / "metrics" / "team.metrics.yaml").write_text(re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], TEAM_SPEC))
    _git(tmp_path, env, "add", "metrics/company.metrics.yaml")
    _git(tmp_path, env, "commit", "-q", "-m", "the company's spec")
    return tmp_path


def _try_repo(user: Path, hook_repo, *files: str) -> subprocess.CompletedProcess:
    repo, rev, env = hook_repo
    return _run([sys.executable, "-m", "pre_commit", "try-repo", str(repo), HOOK_ID, "--ref", rev,
                 "--verbose", "--files", *files], user, env)


@needs_git
def test_hook_passes_a_clean_spec(user_repo, hook_repo):
    # Other YAML files of the commit reach the hook too, and are skipped.
    (user_repo / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    result = _try_repo(user_repo, hook_repo, "metrics/company.metrics.yaml", "compose.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"metricspec\.+Passed", result.stdout)


@needs_git
def test_hook_resolves_references_into_files_not_named(user_repo, hook_repo):
    # team.metrics.yaml names a parent, a partner and a north star defined only in the committed,
    # unchanged company.metrics.yaml, which pre-commit does not pass to the hook.
    result = _try_repo(user_repo, hook_repo, "metrics/team.metrics.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "E004" not in result.stdout


@needs_git
def test_hook_fails_a_broken_spec_with_its_finding(user_repo, hook_repo):
    team = user_repo / "metrics" / "team.metrics.yaml"
    text = team.read_text()
    broken = re.sub(r"\n +target: \{baseline: 4,[^\n]*", "", text)
    assert broken != text
    team.write_text(broken)
    result = _try_repo(user_repo, hook_repo, "metrics/team.metrics.yaml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"metricspec\.+Failed", result.stdout)
    assert "T001" in result.stdout and "referral-sender-rate" in result.stdout


@needs_git
def test_hook_stops_a_commit(tmp_path, hook_repo):
    """The README's path: init, a clean commit, a broken metric, the commit stopped."""
    repo, rev, env = hook_repo
    project = tmp_path / "acme"
    project.mkdir()
    _git(project, env, "init", "-q")
    init = _run([sys.executable, "-m", "metricspec", "init", "--no-input", "--template", "minimal", "--product", "Acme"],
                project, env)
    assert init.returncode == 0, init.stderr
    config = project / ".pre-commit-config.yaml"
    # The hook as init wrote it, pointed at this checkout instead of the published repository.
    text = config.read_text()
    assert f"repo: {HOOK_REPO}" in text and f"rev: {HOOK_REV}" in text
    config.write_text(text.replace(HOOK_REPO, str(repo)).replace(HOOK_REV, rev))
    assert _run([sys.executable, "-m", "pre_commit", "install"], project, env).returncode == 0
    # The installed hook script runs pre-commit with this interpreter.
    _git(project, env, "add", "-A")
    first = _run(["git", "commit", "-m", "metrics"], project, env)
    assert first.returncode == 0, first.stdout + first.stderr
    head = _git(project, env, "rev-parse", "HEAD")

    spec = project / "metrics" / "acme.metrics.yaml"
    spec.write_text(re.sub(r"\n +target: \{baseline: 52,[^\n]*", "", spec.read_text()))
    _git(project, env, "add", "-A")
    second = _run(["git", "commit", "-m", "drop a target"], project, env)
    assert second.returncode != 0
    output = second.stdout + second.stderr  # git hands the hook's output to stderr
    assert re.search(r"metricspec\.+Failed", output)
    assert "T001" in output and "setup-completion-rate" in output
    assert _git(project, env, "rev-parse", "HEAD") == head
