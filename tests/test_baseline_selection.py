"""What a user sees from baselines, rule selection, configuration files, --today and --quiet:
findings, exit codes, report bytes and the files written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from metricspec import entry

HEAD = "metricspec: 1\nproduct: Acme\n"
# One E002 (unknown key 'ownr') on the objective `subject`.
def broken(subject: str = "revenue") -> str:
    return HEAD + f"objectives:\n  - id: {subject}\n    title: Grow {subject}\n    ownr: ana\n"


CLEAN = HEAD + "objectives: []\n"
# A metric without a target: T001 on 'weekly-builders' (and other findings).
NO_TARGET = """metricspec: 1
product: Acme
goals:
  - id: adoption
    title: Make reports a weekly habit for 60% of accounts by 2027
    owner: pm-analytics
    metrics:
      - id: weekly-builders
        name: Weekly active report builders
        kind: leading
"""


def _json(result) -> dict:
    return json.loads(result.stdout)


def _codes(result) -> list[str]:
    return sorted({d["code"] for d in _json(result)["diagnostics"]})


# 1. --baseline on a partial run


def test_a_partial_run_lists_as_fixed_only_what_it_linted(run, write):
    spec_a = write("a.metrics.yaml", broken("revenue"))
    write("b.metrics.yaml", broken("margin"))
    assert run("lint", "--select", "E", "--write-baseline", "base.json").exit_code == 0

    partial = run("lint", "--select", "E", "--baseline", "base.json", "a.metrics.yaml")
    assert partial.exit_code == 0
    assert partial.stdout == "All clear: 1 file checked, no problems (1 more hidden by the baseline).\n"
    assert "fixed" not in _json(run("lint", "--select", "E", "--baseline", "base.json", "a.metrics.yaml",
                                    "--format", "json"))

    # Fixed in a: listed; b, not linted, still says nothing.
    spec_a.write_text(CLEAN)
    result = run("lint", "--select", "E", "--baseline", "base.json", "a.metrics.yaml")
    assert result.stdout == (
        "fixed since the baseline: a.metrics.yaml E002 revenue\n\nAll clear: 1 file checked, no problems.\n"
    )
    assert _json(run("lint", "--select", "E", "--baseline", "base.json", "a.metrics.yaml", "--format", "json"))[
        "fixed"] == [{"path": "a.metrics.yaml", "subject": "revenue", "code": "E002"}]


# 2. --write-baseline F with --baseline F


def test_rewriting_a_baseline_in_place_records_every_current_finding(run, write, tmp_path):
    write("a.metrics.yaml", broken("revenue"))
    write("b.metrics.yaml", broken("margin"))
    assert run("lint", "--select", "E", "--write-baseline", "base.json").exit_code == 0
    first = (tmp_path / "base.json").read_text()
    assert len(json.loads(first)["findings"]) == 2

    again = run("lint", "--select", "E", "--baseline", "base.json", "--write-baseline", "base.json")
    assert again.exit_code == 0
    assert "recorded 2 findings in base.json" in again.stderr
    assert (tmp_path / "base.json").read_text() == first

    # A new finding joins the recorded ones; none is dropped.
    write("c.metrics.yaml", broken("churn"))
    run("lint", "--select", "E", "--baseline", "base.json", "--write-baseline", "base.json")
    recorded = json.loads((tmp_path / "base.json").read_text())["findings"]
    assert [(f["path"], f["subject"]) for f in recorded] == [
        ("a.metrics.yaml", "revenue"), ("b.metrics.yaml", "margin"), ("c.metrics.yaml", "churn")]


def test_regenerating_a_baseline_that_does_not_exist_yet_writes_it(run, write, tmp_path):
    write("a.metrics.yaml", broken())
    result = run("lint", "--select", "E", "--baseline", "base.json", "--write-baseline", "base.json")
    assert result.exit_code == 0
    assert len(json.loads((tmp_path / "base.json").read_text())["findings"]) == 1


# 3. Baseline paths are relative to the baseline's folder


def test_a_baseline_matches_from_a_subdirectory(run, write, tmp_path, monkeypatch):
    write("metrics/a.metrics.yaml", broken("revenue"))
    write("sub/b.metrics.yaml", broken("margin"))
    assert run("lint", "--select", "E", "--write-baseline", "base.json").exit_code == 0
    written = (tmp_path / "base.json").read_text()
    # Written from the root, exactly as the report shows the paths.
    assert [f["path"] for f in json.loads(written)["findings"]] == ["metrics/a.metrics.yaml", "sub/b.metrics.yaml"]

    monkeypatch.chdir(tmp_path / "sub")
    result = run("lint", "--select", "E", "--baseline", "../base.json", "..")
    assert (result.exit_code, result.stdout) == (0, "All clear: 2 files checked, no problems (2 more hidden by the baseline).\n")
    assert run("lint", "--select", "E", "--baseline", "../base.json", "b.metrics.yaml").exit_code == 0
    # Written from the subdirectory, the same bytes.
    assert run("lint", "--select", "E", "--write-baseline", "../again.json", "..").exit_code == 0
    assert (tmp_path / "again.json").read_text() == written


def test_a_baseline_in_another_folder_records_paths_from_there(run, write, tmp_path, monkeypatch):
    write("metrics/a.metrics.yaml", broken())
    (tmp_path / "ci").mkdir()
    assert run("lint", "--select", "E", "--write-baseline", "ci/base.json").exit_code == 0
    recorded = json.loads((tmp_path / "ci" / "base.json").read_text())["findings"]
    assert [f["path"] for f in recorded] == ["../metrics/a.metrics.yaml"]
    assert run("lint", "--select", "E", "--baseline", "ci/base.json").exit_code == 0
    monkeypatch.chdir(tmp_path / "metrics")
    assert run("lint", "--select", "E", "--baseline", "../ci/base.json", "a.metrics.yaml").exit_code == 0


def test_a_recorded_absolute_path_still_matches(run, write, tmp_path):
    spec = write("a.metrics.yaml", broken())
    entry_ = {"path": str(spec), "subject": "revenue", "code": "E002", "message": "m"}
    write("base.json", json.dumps({"metricspec-baseline": 1, "findings": [entry_]}))
    assert run("lint", "--select", "E", "--baseline", "base.json", "a.metrics.yaml").exit_code == 0


# 4. --select on the command line starts afresh


def test_cli_select_re_enables_a_rule_the_config_ignores(run, write):
    write("a.metrics.yaml", NO_TARGET)
    write("metricspec.toml", 'ignore = ["T001"]\n')
    assert "T001" not in _codes(run("lint", "a.metrics.yaml", "--format", "json"))
    assert _codes(run("lint", "a.metrics.yaml", "--select", "T001", "--format", "json")) == ["T001"]
    # --extend-select adds to the config's selection, on top of its ignores (as in ruff).
    extended = _codes(run("lint", "a.metrics.yaml", "--extend-select", "T001", "--format", "json"))
    assert "T001" in extended and len(extended) > 1
    # The command line's --ignore still applies, to a fresh selection as to the config's.
    assert "T001" not in _codes(run("lint", "a.metrics.yaml", "--select", "T", "--ignore", "T001", "--format", "json"))
    assert _codes(run("lint", "a.metrics.yaml", "--select", "T001", "--ignore", "T001", "--format", "json")) == []
    assert "T001" not in _codes(run("lint", "a.metrics.yaml", "--extend-select", "T001", "--ignore", "T001",
                                    "--format", "json"))


def test_cli_select_replaces_the_config_select_and_extensions(run, write):
    write("a.metrics.yaml", NO_TARGET)
    write("metricspec.toml", 'select = ["T"]\nextend-select = ["V"]\nextend-ignore = ["T001"]\n')
    from_config = _codes(run("lint", "a.metrics.yaml", "--format", "json"))
    assert "T001" not in from_config and "V003" in from_config
    assert _codes(run("lint", "a.metrics.yaml", "--select", "T001", "--format", "json")) == ["T001"]
    # Without a --select the config's selection stands, and the command line adds to it.
    assert _codes(run("lint", "a.metrics.yaml", "--extend-select", "G002", "--format", "json")) == sorted(
        {*from_config, "G002"})


def test_the_e_family_still_runs_unless_ignored_by_code(run, write):
    write("a.metrics.yaml", broken())
    write("metricspec.toml", 'select = ["M"]\nignore = ["E002"]\n')
    assert _codes(run("lint", "a.metrics.yaml", "--format", "json")) == []
    # A fresh --select drops the config's ignore of E002; the E family runs with any selection.
    assert _codes(run("lint", "a.metrics.yaml", "--select", "M", "--format", "json")) == ["E002"]
    assert _codes(run("lint", "a.metrics.yaml", "--select", "M", "--ignore", "E", "--format", "json")) == ["E002"]
    assert _codes(run("lint", "a.metrics.yaml", "--select", "M", "--ignore", "schema", "--format", "json")) == []
    # Without a --select, an ignore by code on the command line still reaches it.
    write("metricspec.toml", 'select = ["M"]\n')
    assert _codes(run("lint", "a.metrics.yaml", "--ignore", "E002", "--format", "json")) == []
    assert _codes(run("lint", "a.metrics.yaml", "--ignore", "E", "--format", "json")) == ["E002"]


# 5. per-file-ignores are relative to the config's folder


def test_per_file_ignores_hold_from_a_subdirectory(run, write, tmp_path, monkeypatch):
    write("metricspec.toml", 'select = ["E"]\n[per-file-ignores]\n"legacy/*" = ["E002"]\n')
    write("legacy/a.metrics.yaml", broken("revenue"))
    write("new/b.metrics.yaml", broken("margin"))
    at_root = run("lint", "--format", "concise")
    assert at_root.stdout == "new/b.metrics.yaml:6:5: E002 [error] unknown key 'ownr'; did you mean 'owner'?\n"

    monkeypatch.chdir(tmp_path / "legacy")
    result = run("lint", "a.metrics.yaml")
    assert (result.exit_code, result.stdout) == (0, "All clear: 1 file checked, no problems.\n")
    monkeypatch.chdir(tmp_path / "new")
    result = run("lint", "b.metrics.yaml", "../legacy/a.metrics.yaml", "--format", "concise")
    assert (result.exit_code, result.stdout) == (1, "b.metrics.yaml:6:5: E002 [error] unknown key 'ownr'; did you mean 'owner'?\n")


def test_per_file_ignores_of_an_explicit_config_are_relative_to_its_folder(run, write, tmp_path, monkeypatch):
    write("ci/lint.toml", 'select = ["E"]\n[per-file-ignores]\n"../legacy/*" = ["E002"]\n')
    write("legacy/a.metrics.yaml", broken("revenue"))
    write("new/b.metrics.yaml", broken("margin"))
    expected = "new/b.metrics.yaml:6:5: E002 [error] unknown key 'ownr'; did you mean 'owner'?\n"
    assert run("lint", ".", "--config", "ci/lint.toml", "--format", "concise").stdout == expected
    monkeypatch.chdir(tmp_path / "legacy")
    assert run("lint", "a.metrics.yaml", "--config", "../ci/lint.toml").exit_code == 0


# 6. [tool.metricspec] in metricspec.toml


@pytest.mark.parametrize("name", ["metricspec.toml", ".metricspec.toml"])
def test_the_documented_tool_table_works_in_metricspec_toml(run, write, name):
    write("a.metrics.yaml", broken())
    write(name, '[tool.metricspec]\nselect = ["E"]\nignore = ["E002"]\n\n[tool.metricspec.thresholds]\n'
                'max-metrics-per-node = 3\n')
    result = run("lint", "a.metrics.yaml")
    assert (result.exit_code, result.stderr) == (0, "")
    write(name, '[tool.metricspec]\nselect = ["E"]\n[tool.metricspec.thresholds]\nmax-metrics-per-node = -1\n')
    result = run("lint", "a.metrics.yaml")
    assert result.exit_code == 2
    assert f"{name}:4: tool.metricspec.thresholds.max-metrics-per-node:" in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('select = ["E"]\n[tool.metricspec]\nignore = ["E002"]\n',
         "metricspec.toml: select: outside [tool.metricspec]; keep every key under [tool.metricspec] or none"),
        ('[tool.ruff]\nselect = ["E"]\n', "metricspec.toml: tool.ruff: unknown key"),
        ("[tool]\nmetricspec = 3\n", "metricspec.toml: tool.metricspec: must be a table"),
    ],
)
def test_a_tool_table_mixed_with_other_keys_is_an_error_that_says_what_to_do(run, write, text, message):
    write("a.metrics.yaml", CLEAN)
    write("metricspec.toml", text)
    result = run("lint", "a.metrics.yaml")
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.startswith("metricspec: error: ")
    assert "Traceback" not in result.stderr


def test_a_pyproject_whose_tool_metricspec_is_not_a_table_is_an_error(run, write):
    write("a.metrics.yaml", CLEAN)
    write("pyproject.toml", "[tool]\nmetricspec = 3\n")
    result = run("lint", "a.metrics.yaml")
    assert result.exit_code == 2
    assert "pyproject.toml: tool.metricspec: must be a table" in result.stderr


# 7. Numbers in the config are strict


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("max-metrics-per-node = true", "thresholds.max-metrics-per-node: must be a whole number (like 3), not true"),
        ('max-metrics-per-node = "3"', 'thresholds.max-metrics-per-node: must be a whole number (like 3), not the text "3"'),
        ("max-deadline-days = 730.5", "thresholds.max-deadline-days: must be a whole number (like 3), not 730.5"),
        ('max-target-change = "3"', 'thresholds.max-target-change: must be a number (like 3.0), not the text "3"'),
        ("stale-review-cycles = false", "thresholds.stale-review-cycles: must be a number (like 3.0), not false"),
    ],
)
def test_a_threshold_that_is_not_a_number_is_an_error(run, write, line, message):
    write("a.metrics.yaml", CLEAN)
    write("metricspec.toml", f"[thresholds]\n{line}\n")
    result = run("lint", "a.metrics.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("metricspec: error: ")
    assert result.stderr.endswith(f"metricspec.toml:2: {message}\n")  # the line of the key


def test_a_whole_number_is_a_number(run, write):
    write("a.metrics.yaml", CLEAN)
    write("metricspec.toml", "[thresholds]\nmax-target-change = 3\nstale-review-cycles = 1.5\n")
    assert run("lint", "a.metrics.yaml", "--select", "E").exit_code == 0


# 8. --today takes YYYY-MM-DD only


@pytest.mark.parametrize("day", ["20270101", "2027-W01-1", "2027-001", "2027-01-01T00:00", "2027-1-1"])
def test_today_takes_only_yyyy_mm_dd(run, write, tmp_path, day):
    write("a.metrics.yaml", CLEAN)
    result = run("lint", "a.metrics.yaml", "--today", day)
    assert result.exit_code == 2
    assert f"'{day}' is not a date written YYYY-MM-DD" in result.stderr
    # The console script's own parser hands it to typer, which answers the same.
    assert entry.parse_lint(["a.metrics.yaml", "--today", day]) is None
    proc = subprocess.run([sys.executable, "-m", "metricspec", "lint", "a.metrics.yaml", "--today", day],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 2
    assert f"'{day}' is not a date written YYYY-MM-DD" in proc.stderr


def test_today_takes_yyyy_mm_dd(run, write):
    write("a.metrics.yaml", CLEAN)
    assert run("lint", "a.metrics.yaml", "--today", "2027-01-01").exit_code == 0
    assert entry.parse_lint(["--today", "2027-01-01"]).today.isoformat() == "2027-01-01"
    assert run("tree", "a.metrics.yaml", "--today", "20270101").exit_code == 2


# 9. --quiet prints findings only


def test_quiet_prints_the_findings_and_nothing_else(run, write):
    write("a.metrics.yaml", broken())
    loud = run("lint", "a.metrics.yaml", "--select", "E")
    assert loud.stdout.endswith("\n\nFound 1 problem (1 error, 0 warnings, 0 info) in 1 file.\n")
    quiet = run("lint", "a.metrics.yaml", "--select", "E", "--quiet")
    assert quiet.exit_code == loud.exit_code == 1
    assert quiet.stdout == loud.stdout[: -len("\nFound 1 problem (1 error, 0 warnings, 0 info) in 1 file.\n")]
    assert "Found" not in quiet.stdout and quiet.stdout.startswith("a.metrics.yaml\n")
    assert run("lint", "a.metrics.yaml", "--select", "E", "-q", "--format", "concise").stdout == (
        "a.metrics.yaml:6:5: E002 [error] unknown key 'ownr'; did you mean 'owner'?\n")


def test_quiet_does_not_list_fixed_baseline_entries(run, write):
    spec = write("a.metrics.yaml", broken())
    run("lint", "--select", "E", "--write-baseline", "base.json")
    spec.write_text(CLEAN)
    assert "fixed since the baseline" in run("lint", "--select", "E", "--baseline", "base.json").stdout
    quiet = run("lint", "--select", "E", "--baseline", "base.json", "--quiet")
    assert (quiet.exit_code, quiet.stdout) == (0, "")


def test_a_baseline_named_through_a_symlinked_folder_matches(run, write, tmp_path, monkeypatch):
    write("real/metrics/a.metrics.yaml", broken())
    (tmp_path / "link").symlink_to(tmp_path / "real")
    monkeypatch.chdir(tmp_path / "link")  # the working directory is then the real folder
    base = str(tmp_path / "link" / "base.json")
    assert run("lint", "--select", "E", "--write-baseline", base).exit_code == 0
    assert [f["path"] for f in json.loads((tmp_path / "real" / "base.json").read_text())["findings"]] == [
        "metrics/a.metrics.yaml"
    ]
    assert run("lint", "--select", "E", "--baseline", base).exit_code == 0
    assert run("lint", "--select", "E", "--baseline", "base.json").exit_code == 0


def test_findings_of_rules_that_did_not_run_or_are_suppressed_are_not_fixed(run, write):
    spec = write("a.metrics.yaml", broken() + "    metrics:\n      - {id: arr, name: ARR}\n")
    assert run("lint", "--write-baseline", "base.json").exit_code == 0
    recorded = {f["code"] for f in json.loads(Path("base.json").read_text())["findings"]}
    assert {"E002", "T001"} <= recorded
    # Only T001 runs: nothing else can be said to be fixed.
    result = run("lint", "--select", "T001", "--baseline", "base.json", "--format", "json")
    assert result.exit_code == 0 and "fixed" not in _json(result)
    # Suppressed, the finding still occurs: its entry is not fixed either.
    spec.write_text("# metricspec: ignore-file[T001]\n" + spec.read_text())
    result = run("lint", "--baseline", "base.json", "--format", "json")
    assert [f["code"] for f in _json(result).get("fixed", [])] == []


def test_per_file_ignores_globs_are_anchored_and_stay_within_a_folder(run, write):
    for index, path in enumerate(("metrics/top.metrics.yaml", "metrics/legacy/old.metrics.yaml",
                                  "other/legacy/x.metrics.yaml", "teams/a/b.draft.metrics.yaml")):
        write(path, broken(f"s{index}"))
    write("metricspec.toml", '[per-file-ignores]\n"metrics/*.yaml" = ["E002"]\n"legacy/*.yaml" = ["E002"]\n'
          '"*.draft.metrics.yaml" = ["E002"]\n"other/**" = ["E002"]\n')
    result = run("lint", "--select", "E", "--format", "json")
    # metrics/*.yaml is not metrics/legacy/..., and legacy/*.yaml names no root folder legacy/.
    assert sorted(d["path"] for d in _json(result)["diagnostics"]) == ["metrics/legacy/old.metrics.yaml"]


def test_a_baseline_written_to_and_read_from_a_stream_matches(write, tmp_path, monkeypatch):
    """Paths are relative to the working directory when the baseline is a stream, not to /dev."""
    write("metrics/a.metrics.yaml", broken())
    monkeypatch.chdir(tmp_path)
    command = [sys.executable, "-m", "metricspec", "lint", "--select", "E"]
    written = subprocess.run(command + ["--write-baseline", "/dev/stdout"], capture_output=True, text=True, check=True)
    assert [f["path"] for f in json.loads(written.stdout)["findings"]] == ["metrics/a.metrics.yaml"]
    (tmp_path / "base.json").write_text(written.stdout)
    with open(tmp_path / "base.json") as stdin:  # `--baseline /dev/stdin < base.json`
        read = subprocess.run(command + ["--baseline", "/dev/stdin"], stdin=stdin, capture_output=True, text=True)
    assert read.returncode == 0, read.stdout


@pytest.mark.parametrize(("pattern", "ignored"), [
    ("./metrics/legacy/*.yaml", ["metrics/legacy/old.metrics.yaml"]),
    ("metrics/legacy", ["metrics/legacy/old.metrics.yaml"]),
    ("metrics/[^t]*.yaml", []),  # negated as in ruff: not top.metrics.yaml
    ("[[:alpha:]]", []),  # no class of regex's own, and no warning
])
def test_per_file_ignores_glob_forms(run, write, pattern, ignored):
    paths = ("metrics/top.metrics.yaml", "metrics/legacy/old.metrics.yaml")
    for index, path in enumerate(paths):
        write(path, broken(f"s{index}"))
    write("metricspec.toml", f'[per-file-ignores]\n"{pattern}" = ["E002"]\n')
    result = run("lint", "--select", "E", "--format", "json")
    assert sorted(d["path"] for d in _json(result)["diagnostics"]) == sorted(set(paths) - set(ignored))
    assert "Warning" not in result.stderr


def test_a_rule_named_by_name_or_by_code_is_equally_specific(run, write):
    """One rule named both ways, selected one way and ignored the other: the ignore wins, as on any tie."""
    write("a.metrics.yaml", NO_TARGET)
    for select, ignore in (("no-target", "T001"), ("T001", "no-target")):
        result = run("lint", "a.metrics.yaml", "--select", select, "--ignore", ignore, "--format", "json")
        assert _codes(result) == [], (select, ignore)
    assert _codes(run("lint", "a.metrics.yaml", "--select", "no-target", "--ignore", "T", "--format", "json")) == ["T001"]
