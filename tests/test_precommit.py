"""The pre-commit hook: adding it to a user's config by editing text, and running it for real.

The end-to-end tests build the hook the way pre-commit does (a virtualenv installed from a git
copy of this checkout, dependencies from pip's configured sources) and run it on a scratch
repository: a clean spec passes, a broken one fails with its finding, a spec whose references
point into a file that is not part of the run still passes, and a real `git commit` is stopped by
the hook, both as `init --hook local` writes it and as `init --hook remote` does (against a
file:// copy tagged with the version). Those two run with HTTP(S) sent to a closed port: the
remote one needs pip to find hatchling and the dependencies on this machine (a local mirror or
wheels in pip's config), as CI's is set up.
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

from metricspec.scaffold import precommit
from metricspec.scaffold.precommit import HOOK_ID, HOOK_REPO, HOOK_REV, LOCAL_HOOK, add_hook, entry_data, is_release
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


@pytest.mark.parametrize("name", LAYOUTS)
def test_local_hook_is_added_keeping_every_byte(name):
    old = LAYOUTS[name]
    edit = add_hook(old, hook="local")
    assert edit.status == "add", edit.reason
    before = yaml.safe_load(old) or {}
    assert yaml.safe_load(edit.text) == {**before, "repos": [*(before.get("repos") or []), entry_data("local")]}
    assert add_hook(edit.text, hook="local").status == "present"


def test_local_hook_is_the_published_hook_run_from_path():
    published = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())[0]
    same = ("id", "name", "entry", "types", "require_serial")
    assert {key: LOCAL_HOOK[key] for key in same} == {key: published[key] for key in same}
    assert LOCAL_HOOK["language"] == "system" and published["language"] == "python"
    assert add_hook(None, hook="local").text == (
        "# pre-commit hooks, run before every commit: https://pre-commit.com\n"
        "repos:\n"
        "  - repo: local\n"
        "    hooks:\n"
        "      - id: metricspec\n"
        "        name: metricspec\n"
        "        entry: metricspec lint --skip-unrecognized\n"
        "        language: system\n"
        "        types: [yaml]\n"
        "        require_serial: true\n"
    )


class _Distribution:
    def __init__(self, direct_url):
        self.direct_url = direct_url

    def read_text(self, name):
        assert name == "direct_url.json"
        return self.direct_url


@pytest.mark.parametrize("version, direct_url, released", [
    ("0.1.0", None, True),  # installed from the index or a wheel
    ("0.1.0", '{"url": "https://github.com/metricspec/metricspec", "vcs_info": {"vcs": "git", "requested_revision": "v0.1.0"}}', True),
    ("0.1.0", '{"url": "file:///src/metricspec", "dir_info": {"editable": true}}', False),
    ("0.1.0", '{"url": "file:///src/metricspec", "dir_info": {}}', False),  # `pip install .` of a checkout
    ("0.2.0.dev3", None, False),
    ("0.2.0rc1", None, False),
    ("0.1.0+g1a2b3c", None, False),
])
def test_what_counts_as_a_released_version(monkeypatch, version, direct_url, released):
    from importlib import metadata

    monkeypatch.setattr(metadata, "distribution", lambda name: _Distribution(direct_url))
    assert is_release(version) is released


def test_not_installed_is_not_released(monkeypatch):
    from importlib import metadata

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "distribution", missing)
    assert is_release("0.1.0") is False
    assert precommit.default_hook() == "local"


def test_the_tests_run_a_checkout_so_init_defaults_to_the_local_hook():
    # The suite runs an editable install (.ci/run), which may be ahead of any tag.
    assert is_release() is False and precommit.default_hook() == "local"


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
    _git(repo, env, "tag", HOOK_REV)  # the tag a release carries, which `init --hook remote` names
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


def _offline(env: dict[str, str]) -> dict[str, str]:
    """`env` with every HTTP(S) request sent to a closed port: pip and git must make do with what
    is on this machine (pip's configured local sources, the already built wheels)."""
    closed = "http://127.0.0.1:9"
    return {**env, "http_proxy": closed, "https_proxy": closed, "HTTP_PROXY": closed, "HTTPS_PROXY": closed,
            "no_proxy": "", "NO_PROXY": "", "PIP_NO_INPUT": "1", "PIP_RETRIES": "0"}


def _commit(project: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess:
    _git(project, env, "add", "-A")
    return _run(["git", "commit", "-m", message], project, env)


def _first_hour(project: Path, env: dict[str, str], hook: str) -> str:
    """`git init`, `metricspec init --hook HOOK`, `pre-commit install`: what the README says to run.
    Returns the .pre-commit-config.yaml that init wrote."""
    project.mkdir()
    _git(project, env, "init", "-q")
    init = _run([sys.executable, "-m", "metricspec", "init", "--no-input", "--template", "minimal", "--product", "Acme",
                 "--hook", hook], project, env)
    assert init.returncode == 0, init.stdout + init.stderr
    assert "created  .pre-commit-config.yaml" in init.stdout and "pre-commit install" in init.stdout
    installed = _run([sys.executable, "-m", "pre_commit", "install"], project, env)  # the hook script runs this interpreter
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return (project / ".pre-commit-config.yaml").read_text()


def _blocked_then_passing(project: Path, env: dict[str, str]) -> None:
    """A clean commit passes; a metric without its target is stopped with T001; put back, it passes."""
    first = _commit(project, env, "metrics")
    assert first.returncode == 0, first.stdout + first.stderr
    assert re.search(r"metricspec\.+Passed", first.stdout + first.stderr)
    head = _git(project, env, "rev-parse", "HEAD")

    spec = project / "metrics" / "acme.metrics.yaml"
    good = spec.read_text()
    broken = re.sub(r"\n +target: \{baseline: 52,[^\n]*", "", good)
    assert broken != good
    spec.write_text(broken)
    second = _commit(project, env, "drop a target")
    assert second.returncode == 1
    output = second.stdout + second.stderr  # git hands the hook's output to stderr
    assert re.search(r"metricspec\.+Failed", output)
    assert "T001" in output and "setup-completion-rate" in output
    assert _git(project, env, "rev-parse", "HEAD") == head

    spec.write_text(good.replace("Acme", "Acme Tasks", 1))  # fixed, and something to commit
    third = _commit(project, env, "targets back")
    assert third.returncode == 0, third.stdout + third.stderr
    assert _git(project, env, "rev-parse", "HEAD") != head


@needs_git
def test_local_hook_as_written_stops_a_commit(tmp_path, hook_repo):
    """From `git init` to a blocked commit with the hook exactly as `init --hook local` wrote it."""
    _, _, env = hook_repo
    env = _offline(env)
    # The hook runs the `metricspec` on PATH: this environment's (its bin folder leads PATH).
    assert shutil.which("metricspec", path=env["PATH"]) == os.path.join(os.path.dirname(sys.executable), "metricspec")
    project = tmp_path / "acme"
    written = _first_hour(project, env, "local")
    assert yaml.safe_load(written)["repos"] == [entry_data("local")]
    _blocked_then_passing(project, env)


@needs_git
def test_remote_hook_at_the_version_tag_stops_a_commit(tmp_path, hook_repo):
    """`init --hook remote` names the repository and `v<version>`: against a file:// copy of this
    checkout tagged so, pre-commit installs metricspec from it and stops the commit."""
    repo, _, env = hook_repo
    env = _offline(env)
    project = tmp_path / "acme"
    written = _first_hour(project, env, "remote")
    assert yaml.safe_load(written)["repos"] == [{"repo": HOOK_REPO, "rev": HOOK_REV, "hooks": [{"id": HOOK_ID}]}]
    # Only the address changes: the tag is the one init wrote.
    (project / ".pre-commit-config.yaml").write_text(written.replace(HOOK_REPO, repo.as_uri()))
    _blocked_then_passing(project, env)
