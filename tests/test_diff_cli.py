"""`metricspec diff` through the command line, in real git repositories: exit codes, each
format's shape, --output, --format github under GITHUB_ACTIONS, selection, git errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
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
{history}"""
REVISED = """        history:
          - {baseline: 1800, value: 2400, by: 2027-06-30, status: revised, closed: 2026-10-02, reason: "EU launch moved"}
"""


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, check=True, capture_output=True)


def make_repo(tmp_path: Path, head_value: int = 2200, history: str = "") -> Path:
    root = tmp_path / "repo"
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "a.metrics.yaml").write_text(SPEC.format(value=2400, history=""), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    (root / "a.metrics.yaml").write_text(SPEC.format(value=head_value, history=history), encoding="utf-8")
    return root


def diff(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    run_env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    run_env.update(env or {})
    done = subprocess.run([sys.executable, "-m", "metricspec", "diff", *args], cwd=cwd, env=run_env,
                          capture_output=True, text=True)
    assert "Traceback" not in done.stderr
    return done


def test_a_lowered_target_fails_at_warning_and_the_text_says_where(tmp_path: Path) -> None:
    done = diff(make_repo(tmp_path), "main")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == ("a.metrics.yaml:11:34: D001 target-lowered m: the target of 'm' was lowered "
                        "from 2400 to 2200 (increase)")
    assert lines[1] == '    {"value": 2400} → {"value": 2200}'  # the fields that moved, not the whole target twice
    assert lines[-1].startswith("metricspec diff: main (") and lines[-1].endswith("→ working tree: 1 file, 1 warning")


def test_fail_on_error_exit_zero_and_no_change(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    assert diff(root, "main", "--fail-on", "error").returncode == 0
    assert diff(root, "main", "--exit-zero").returncode == 0
    same = make_repo(tmp_path / "same", head_value=2400)
    done = diff(same, "main")
    assert done.returncode == 0 and done.stdout.splitlines()[-1].endswith("no moved goalposts")


def test_an_acknowledged_revision_is_info_with_its_reason(tmp_path: Path) -> None:
    done = diff(make_repo(tmp_path, history=REVISED), "main", "--format", "json")
    assert done.returncode == 0
    change = json.loads(done.stdout)["changes"][0]
    assert (change["code"], change["severity"], change["acknowledged"]["reason"]) == ("D001", "info", "EU launch moved")


def test_json_shape(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    data = json.loads(diff(root, "main", "--format", "json").stdout)
    assert data["base"]["rev"] == "main" and len(data["base"]["sha"]) == 40
    assert data["head"] == {"rev": None, "sha": data["base"]["sha"], "worktree": True}
    assert data["summary"] == {"error": 0, "warning": 1, "info": 0}
    change = data["changes"][0]
    assert (change["code"], change["subject"], change["side"], change["path"], change["line"]) == (
        "D001", "m", "head", "a.metrics.yaml", 11)
    assert change["before"]["value"] == 2400 and change["after"]["value"] == 2200


def test_sarif_shape(tmp_path: Path) -> None:
    done = diff(make_repo(tmp_path), "main", "--format", "sarif")
    assert done.returncode == 1
    run = json.loads(done.stdout)["runs"][0]
    assert json.loads(done.stdout)["version"] == "2.1.0"
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["D001"]
    result = run["results"][0]
    assert (result["ruleId"], result["level"], result["properties"]["side"]) == ("D001", "warning", "head")
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 11
    assert len(run["versionControlProvenance"][0]["revisionId"]) == 40


def test_github_is_the_default_under_github_actions(tmp_path: Path) -> None:
    done = diff(make_repo(tmp_path, history=REVISED), "main", env={"GITHUB_ACTIONS": "true"})
    first = done.stdout.splitlines()[0]
    assert first.startswith("::notice file=a.metrics.yaml,line=11,col=34,title=D001 target-lowered::")
    assert "%0Aacknowledged (revised): EU launch moved%0Ahelp: " in first
    assert done.returncode == 0


def test_markdown_summary(tmp_path: Path) -> None:
    done = diff(make_repo(tmp_path), "main", "--format", "markdown")
    assert done.stdout.startswith("**metricspec diff**: main (")
    assert "| D001 target-lowered | m |" in done.stdout


def test_output_writes_the_report_and_nothing_to_stdout(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    done = diff(root, "main", "--format", "json", "--output", str(tmp_path / "out.json"))
    assert done.returncode == 1 and done.stdout == ""
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["changes"][0]["code"] == "D001"


def test_selection_and_config(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    assert diff(root, "main", "--ignore", "target-lowered").returncode == 0
    assert diff(root, "main", "--select", "D002").returncode == 0
    (root / "metricspec.toml").write_text('select = ["T"]\n[severity]\nD001 = "info"\n', encoding="utf-8")
    done = diff(root, "main", "--format", "json", "--", "a.metrics.yaml")
    assert done.returncode == 0  # select = ["T"] narrows lint, not diff; D001 configured as info
    assert [(c["code"], c["severity"]) for c in json.loads(done.stdout)["changes"]] == [("D001", "info")]


@pytest.mark.parametrize(("args", "message"), [
    (("--select", "T001"), "metricspec diff: 'T001' names no D code; `metricspec rules` lists them"),
    (("nope",), "metricspec diff: unknown revision 'nope'; check the name, or git fetch it"),
    (("--", "x"), None),
])
def test_usage_and_git_errors_are_one_line_exit_2(tmp_path: Path, args, message) -> None:
    done = diff(make_repo(tmp_path), *args)
    if message is None:  # `--` then a path: no spec there at either side
        assert done.returncode == 2 and done.stderr.startswith("metricspec diff: no metricspec files at either side")
        return
    assert (done.returncode, done.stderr) == (2, message + "\n")


def test_outside_a_repository(tmp_path: Path) -> None:
    done = diff(tmp_path, env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "metricspec diff: not a git repository; run it inside a clone (metricspec lint needs none)\n"


def test_a_history_entry_failing_e002_acknowledges_nothing(tmp_path: Path) -> None:
    blank = REVISED.replace('reason: "EU launch moved"', 'reason: " "')
    done = diff(make_repo(tmp_path, history=blank), "main", "--format", "json")
    change = json.loads(done.stdout)["changes"][0]
    assert (done.returncode, change["code"], change["severity"], change["acknowledged"]) == (1, "D001", "warning", None)


def test_per_file_ignores_and_verbose(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    (root / "metricspec.toml").write_text('[per-file-ignores]\n"a.metrics.yaml" = ["D001"]\n', encoding="utf-8")
    assert diff(root, "main").returncode == 0
    done = diff(root, "main", "--verbose", "--ignore", "D0")
    assert "metricspec diff: ran git " in done.stderr


def test_per_file_ignores_are_relative_to_the_config_folder(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    (root / "sub").mkdir()
    (root / "metricspec.toml").write_text('[per-file-ignores]\n"a.metrics.yaml" = ["moved"]\n', encoding="utf-8")
    assert diff(root / "sub", "main", "--", "..").returncode == 2  # 'moved' names no code: a config error
    (root / "metricspec.toml").write_text('[per-file-ignores]\n"a.metrics.yaml" = ["D001"]\n', encoding="utf-8")
    done = diff(root / "sub", "main", "--", "..")
    assert (done.returncode, done.stdout.splitlines()[-1].endswith("no moved goalposts")) == (0, True)


@pytest.mark.parametrize(("args", "message"), [
    (("a", "b", "c"), "metricspec diff: takes at most BASE and HEAD; put paths after --"),
    (("--bogus",), "metricspec diff: no such option: --bogus (Possible options: --verbose); see metricspec diff --help"),
    (("--format", "nope"), "metricspec diff: invalid value for '--format': Value error, 'nope' is not one of "
                           "'text', 'markdown', 'json', 'sarif', 'github'; see metricspec diff --help"),
    (("--output",), "metricspec diff: option '--output' requires an argument; see metricspec diff --help"),
])
def test_usage_errors_say_metricspec_diff_in_one_line(tmp_path: Path, args, message) -> None:
    done = diff(make_repo(tmp_path), *args)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message + "\n")


def test_loading_on_every_core_gives_the_same_bytes(tmp_path: Path) -> None:
    """Forked loading (diff/__init__._parse through parallel.load) against one process, with an
    unreadable file (D090), a value failing E002 and a file that is no spec among them."""
    root = make_repo(tmp_path)
    (root / "b.metrics.yaml").write_text(SPEC.format(value=2400, history="").replace("id: m\n", "id: n\n")
                                         .replace("id: g\n", "id: h\n").replace("kind: lagging", "kind: [lagging"))
    (root / "c.metrics.yaml").write_text(SPEC.format(value="high", history="").replace("id: m\n", "id: o\n")
                                         .replace("id: g\n", "id: i\n"))
    (root / "other.yaml").write_text("not: metricspec\n")
    one = diff(root, "main", "--format", "json", env={"METRICSPEC_JOBS": "1"})
    forked = diff(root, "main", "--format", "json", env={"METRICSPEC_PARALLEL_MIN": "1", "METRICSPEC_JOBS": "2"})
    assert (one.returncode, one.stdout) == (forked.returncode, forked.stdout)
    changes = json.loads(one.stdout)["changes"]
    assert sorted((c["code"], c["subject"], c["path"]) for c in changes) == [
        ("D001", "m", "a.metrics.yaml"), ("D016", "o", "c.metrics.yaml"), ("D090", None, "b.metrics.yaml")]
