"""Issue 14, the command line's part: a report or baseline never lands on a file the same run
reads; the config and the baseline are read with a depth cap; a write error on stdout is one
line and exit 2; text from the command line is escaped in every message."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .robustness.conftest import VALID_SPEC, run_cli

SPEC = VALID_SPEC + "ownr: ana\n"  # one E002 finding


@pytest.fixture
def project(tmp_path):
    (tmp_path / "a.metrics.yaml").write_text(SPEC)
    return tmp_path


def snapshot(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- a report or baseline on a file the run reads --------------------------------------------


@pytest.mark.parametrize("args, message", [
    (["lint", "a.metrics.yaml", "--output", "a.metrics.yaml"],
     "--output a.metrics.yaml is a spec this run reads; the file is left untouched"),
    (["lint", "a.metrics.yaml", "--write-baseline", "a.metrics.yaml"],
     "--write-baseline a.metrics.yaml is a spec this run reads; the file is left untouched"),
    (["lint", ".", "--output", "sub/b.metrics.yaml"],
     "--output sub/b.metrics.yaml is a spec this run reads; the file is left untouched"),
    (["lint", "a.metrics.yaml", "--baseline", "base.json", "--output", "base.json"],
     "--output base.json is the baseline this run reads; the file is left untouched"),
    # Another name for the same file: `./`, a symlink, a hard link.
    (["lint", "a.metrics.yaml", "--output", "./a.metrics.yaml"],
     "--output a.metrics.yaml is a spec this run reads; the file is left untouched"),
    (["lint", "a.metrics.yaml", "--output", "link.yaml"],
     "--output link.yaml is a spec this run reads (a.metrics.yaml); the file is left untouched"),
    (["lint", "sub/b.metrics.yaml", "--format", "json", "--output", "hard.yaml"],
     "--output hard.yaml is a spec this run reads (sub/b.metrics.yaml); the file is left untouched"),
    (["lint", "a.metrics.yaml", "--output", "metricspec.toml"],
     "--output metricspec.toml is the config file this run reads"),
    (["lint", "a.metrics.yaml", "--config", "metricspec.toml", "--write-baseline", "metricspec.toml"],
     "--write-baseline metricspec.toml is the config file this run reads"),
    (["lint", "notes.yaml", "--skip-unrecognized", "--output", "notes.yaml"],
     "--output notes.yaml is a file this run reads; the file is left untouched"),
], ids=["output-spec", "write-baseline-spec", "output-spec-in-walked-folder", "output-baseline", "dot-slash",
        "symlink", "hard-link", "output-config", "write-baseline-config", "skipped-named-file"])
def test_a_report_never_replaces_a_file_the_run_reads(project, args, message):
    (project / "sub").mkdir()
    (project / "sub" / "b.metrics.yaml").write_text(SPEC)
    (project / "link.yaml").symlink_to("a.metrics.yaml")
    os.link(project / "sub" / "b.metrics.yaml", project / "hard.yaml")
    (project / "metricspec.toml").write_text('exclude = ["hard.yaml", "link.yaml"]\n')
    (project / "notes.yaml").write_text("just: notes\n")
    assert run_cli("lint", "a.metrics.yaml", "--write-baseline", "base.json", cwd=project).returncode == 0
    before = snapshot(project)
    result = run_cli(*args, cwd=project)
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr.decode().startswith(f"metricspec: error: {message}")
    assert result.stderr.count(b"\n") == 1
    assert snapshot(project) == before
    assert (project / "link.yaml").is_symlink()


@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["index", "no-index"])
def test_a_hook_run_never_replaces_a_spec_of_its_repository(project, cache):
    """A hook lints the named file and knows the repository's other specs, read or only indexed
    (cache.py): a report written onto one of those would lose it, connected to the named file or
    not, on the first run and on a warm index's."""
    (project / "b.metrics.yaml").write_text(VALID_SPEC.replace("id: revenue", "id: growth").replace("id: arr", "id: mrr"))
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    before = snapshot(project)
    for _ in range(2):
        result = run_cli("lint", "a.metrics.yaml", *cache, "--format", "json", "--output", "b.metrics.yaml", cwd=project)
        assert (result.returncode, result.stderr.decode()) == (
            2, "metricspec: error: --output b.metrics.yaml is a spec this run reads; the file is left untouched\n")
        assert (project / "b.metrics.yaml").read_bytes() == before["b.metrics.yaml"]


def test_write_baseline_may_regenerate_the_baseline_it_was_given(project):
    args = ("lint", "a.metrics.yaml", "--select", "E")
    assert run_cli(*args, "--write-baseline", "base.json", cwd=project).returncode == 0
    (project / "a.metrics.yaml").write_text(SPEC + "colour: red\n")
    result = run_cli(*args, "--baseline", "base.json", "--write-baseline", "base.json", cwd=project)
    assert result.returncode == 0, result.stderr
    recorded = json.loads((project / "base.json").read_text())["findings"]
    assert sorted(entry["code"] for entry in recorded) == ["E002", "E002"]


@pytest.mark.parametrize("target", ["/dev/null", "/dev/stdout", "report.json"])
def test_streams_and_new_files_are_not_inputs(project, target):
    result = run_cli("lint", "a.metrics.yaml", "--format", "json", "--output", target, cwd=project)
    assert result.returncode == 1, result.stderr
    assert result.stderr == b""


# -- the config and the baseline, nested deeper than anything is written -----------------------

DEEP_TOML = 'x = 1\ny = ' + "[" * 5000 + "]" * 5000 + "\n"


@pytest.mark.parametrize("command", ["lint", "tree"])
@pytest.mark.parametrize("name, text, line", [
    ("metricspec.toml", DEEP_TOML, 2),
    ("pyproject.toml", "[tool.metricspec]\nselect = ['E']\n" + DEEP_TOML, 4),
])
def test_a_deep_config_is_an_error_at_its_line(project, command, name, text, line):
    (project / name).write_text(text)
    result = run_cli(command, "a.metrics.yaml", cwd=project)
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr.decode() == f"metricspec: error: {project / name}:{line}: nested deeper than 64 levels\n"
    result = run_cli(command, "a.metrics.yaml", "--config", name, cwd=project)
    assert result.stderr.decode() == f"metricspec: error: {name}:{line}: nested deeper than 64 levels\n"


def test_another_tools_deep_pyproject_is_skipped(project):
    (project / "metricspec.toml").write_text('select = ["E"]\nignore = ["E002"]\n')  # the config above
    (project / "sub").mkdir()
    (project / "sub" / "pyproject.toml").write_text("[tool.other]\n" + DEEP_TOML)
    result = run_cli("lint", "../a.metrics.yaml", cwd=project / "sub")
    assert (result.returncode, result.stderr) == (0, b"")


def test_a_deep_baseline_is_an_error_at_its_line(project):
    (project / "base.json").write_text('{"metricspec-baseline": 1,\n"findings": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = run_cli("lint", "a.metrics.yaml", "--baseline", "base.json", cwd=project)
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr == b"metricspec: error: base.json:2: nested deeper than 64 levels; not a readable baseline\n"


# -- stdout that cannot be written -------------------------------------------------------------

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")


@needs_dev_full
@pytest.mark.parametrize("args", [
    ["lint", "a.metrics.yaml"], ["lint", "a.metrics.yaml", "--format", "json"], ["tree", "a.metrics.yaml"],
    ["tree", "--format", "mermaid", "a.metrics.yaml"], ["rules"], ["rules", "--format", "json"],
    ["rule", "V001"], ["schema"], ["init", "--no-input", "new"], ["--version"],
    # typer's door for what the fast path leaves to it
    ["rules", "--format", "text", "--format=json"], ["--version", "rules"], ["--help"], ["lint", "--help"],
], ids=" ".join)
def test_stdout_that_cannot_be_written_is_one_line_and_exit_2(project, args):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "metricspec", *args], cwd=project, stdout=full,
                                stderr=subprocess.PIPE, timeout=60, env={**os.environ, "GITHUB_ACTIONS": ""})
    assert (result.returncode, result.stderr) == (2, b"metricspec: error: cannot write to standard output: "
                                                     b"No space left on device\n")


@pytest.mark.parametrize("args", [["rules"], ["schema"], ["rule", "V001"], ["lint", "a.metrics.yaml"]])
def test_a_reader_that_leaves_is_still_a_quiet_exit(project, args):
    (project / "a.metrics.yaml").write_text(SPEC + "".join(f"ownr{i}: x\n" for i in range(3000)))  # a long report
    process = subprocess.Popen([sys.executable, "-m", "metricspec", *args], cwd=project, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env={**os.environ, "GITHUB_ACTIONS": ""})
    process.stdout.close()  # before anything is written
    assert process.wait(timeout=60) == 1
    assert process.stderr.read() == b""


# -- text from the command line or a file, escaped in every message ----------------------------


@pytest.mark.parametrize("args, message", [
    (["rule", "V\x1b[2J"], "metricspec: error: unknown rule 'V\\x1b[2J'; `metricspec rules` lists them\n"),
    (["tree", "no\x1b]0;title\x07"], "metricspec: error: no such file or directory: no\\x1b]0;title\\x07\n"),
    (["lint", "no\x1b[2J\u202e"], "metricspec: error: no such file or directory: no\\x1b[2J\\u202e\n"),
    (["lint", "--select", "V\x1b[31m"], "metricspec: error: unknown rule code or name 'V\\x1b[31m'"),
    (["lint", "a.metrics.yaml", "--format", "x\x1b[2J"],
     "Error: Invalid value for '--format': Value error, 'x\\x1b[2J' is not one of"),
    (["tree", "--today", "x\x9b31m"], "Error: Invalid value: 'x\\x9b31m' is not a date written YYYY-MM-DD\n"),
    (["lnt\x1b[2J"], "Error: No such command 'lnt\\x1b[2J'."),
    (["lint", "--sel\x1b[2J"], "Error: No such option: --sel\\x1b[2J"),
    (["lint", "a.metrics.yaml", "--config", "bad.toml"], 'metricspec: error: bad.toml: sel\\x1bect: unknown key; did you mean \'select\'?\n'),
], ids=["rule", "tree-path", "lint-path", "selector", "click-choice", "click-date", "click-command", "click-option",
        "config-key"])
def test_messages_escape_what_was_typed(project, args, message):
    (project / "bad.toml").write_text('"sel\\u001bect" = 1\n')
    result = run_cli(*args, cwd=project)
    assert (result.returncode, result.stdout) == (2, b"")
    assert message in result.stderr.decode()
    assert all(line.isprintable() for line in result.stderr.decode().splitlines())


def test_the_help_is_never_escaped(project):
    # Without arguments, click raises its help as a usage error: its lines are ours.
    result = run_cli(cwd=project)
    assert result.returncode == 2
    assert b"metricspec [OPTIONS] COMMAND [ARGS]...\n\n  Product success metrics" in result.stderr
    assert b"\\n" not in result.stderr
