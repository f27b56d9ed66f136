"""The command line as a user meets it: exit codes, config, selection, baselines, schema."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from metricspec import __version__
from metricspec.diagnostics import Severity
from metricspec.lint_command import exit_code
from tests.conftest import findings, lint_paths

HEAD = "metricspec: 1\nproduct: Acme\n"
BROKEN = HEAD + "objectives:\n  - id: revenue\n    title: Grow revenue\n    ownr: ana\n"
CLEAN = HEAD + "objectives: []\n"


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"metricspec {__version__}\n"


def test_exit_codes(run, write):
    write("clean.metrics.yaml", CLEAN)
    write("broken/a.metrics.yaml", BROKEN)
    assert run("lint", "clean.metrics.yaml", "--select", "E").exit_code == 0
    assert run("lint", "broken", "--select", "E").exit_code == 1
    assert run("lint", "broken", "--select", "E", "--exit-zero").exit_code == 0
    missing = run("lint", "nowhere.yaml")
    assert missing.exit_code == 2
    assert "no such file or directory: nowhere.yaml" in missing.stderr
    unknown = run("lint", "clean.metrics.yaml", "--select", "X999")
    assert unknown.exit_code == 2
    assert "unknown rule code or name 'X999'" in unknown.stderr
    assert run("lint", "--format", "yaml").exit_code == 2


def test_fail_on_and_severity_override(run, write):
    write("a.metrics.yaml", BROKEN)
    assert run("lint", "a.metrics.yaml", "--select", "E").exit_code == 1
    write("metricspec.toml", '[severity]\nE002 = "info"\n')
    assert run("lint", "a.metrics.yaml", "--select", "E").exit_code == 0
    assert run("lint", "a.metrics.yaml", "--select", "E", "--fail-on", "info").exit_code == 1
    report = json.loads(run("lint", "a.metrics.yaml", "--select", "E", "--format", "json").stdout)
    assert report["summary"] == {"error": 0, "warning": 0, "info": 1}


def test_one_function_turns_a_report_into_the_exit_code(write):
    """lint_command.exit_code: a fault is 2 whatever --fail-on and --exit-zero say; a finding at
    --fail-on or above is 1 unless --exit-zero (fail_on None, as `tree` has it)."""
    report = lint_paths(write("a.metrics.yaml", BROKEN), select=["E"])
    assert findings(report) == [("E002", "revenue", 6)]
    warned = dataclasses.replace(
        report, diagnostics=[dataclasses.replace(d, severity=Severity.WARNING) for d in report.diagnostics])
    clean = dataclasses.replace(report, diagnostics=[])
    faulted = dataclasses.replace(warned, internal_errors=["internal error on a.metrics.yaml: ..."])
    thresholds = (Severity.INFO, Severity.WARNING, Severity.ERROR, None)
    assert [exit_code(warned, fail_on) for fail_on in thresholds] == [1, 1, 0, 0]
    assert [exit_code(clean, fail_on) for fail_on in thresholds] == [0, 0, 0, 0]
    assert [exit_code(faulted, fail_on) for fail_on in thresholds] == [2, 2, 2, 2]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("metricspec.toml", 'select = ["E"]\nignore = ["E002"]\n'),
        (".metricspec.toml", 'select = ["E"]\nignore = ["E002"]\n'),
        ("pyproject.toml", '[project]\nname = "x"\n[tool.metricspec]\nselect = ["E"]\nignore = ["E002"]\n'),
    ],
)
def test_config_is_discovered_upwards(run, write, monkeypatch, name, text, tmp_path):
    write(name, text)
    write("metrics/a.metrics.yaml", BROKEN)
    monkeypatch.chdir(tmp_path / "metrics")
    assert run("lint", "a.metrics.yaml").exit_code == 0


def test_pyproject_without_the_table_is_not_a_config(run, write):
    write("pyproject.toml", '[project]\nname = "x"\n')
    write("a.metrics.yaml", BROKEN)
    assert run("lint", "a.metrics.yaml", "--select", "E").exit_code == 1


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('[project]\nname = "x"\n\n[tool.metricspec]\nselect = ["E"\nignore = []\n', "6:1: invalid TOML: Unclosed array"),
        ('[project]\nname = "x"\n\n[tool."metricspec".severity]\nE002 = info\n',
         "5:11: invalid TOML: Expected newline or end of document after a statement"),
        ('tool.metricspec.select = ["E",, ]\n', "1:31: invalid TOML: Invalid value"),
        # broken outside our table: the file is ours all the same, and its settings unknown
        ('[project]\nname = "x\n[tool.metricspec]\nselect = ["E"]\n', "2:10: invalid TOML: Illegal character '\\n'"),
    ],
    ids=["table", "quoted-subtable", "dotted-key", "error-outside-our-table"],
)
@pytest.mark.parametrize("command", ["lint", "tree"])
def test_a_broken_pyproject_with_our_table_is_a_config_error(run, write, monkeypatch, tmp_path, text, error, command):
    """Not skipped for the parent's config (which would let the file pass) or the defaults."""
    write("metricspec.toml", 'select = ["E"]\nignore = ["E002"]\n')
    write("project/pyproject.toml", text)
    write("project/a.metrics.yaml", BROKEN)
    monkeypatch.chdir(tmp_path / "project")
    result = run(command, "a.metrics.yaml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"metricspec: error: {tmp_path / 'project' / 'pyproject.toml'}:{error}\n"


def test_a_broken_pyproject_of_another_tool_is_skipped(run, write, monkeypatch, tmp_path):
    write("metricspec.toml", 'select = ["E"]\nignore = ["E002"]\n')
    write("project/pyproject.toml", '[project]\nname = "x"\ndependencies = ["metricspec>=1"\n[tool.ruff]\n')
    write("project/a.metrics.yaml", BROKEN)
    monkeypatch.chdir(tmp_path / "project")
    result = run("lint", "a.metrics.yaml")
    assert (result.exit_code, result.stderr) == (0, "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("selct = [\"E\"]\n", "metricspec.toml:1: selct: unknown key; did you mean 'select'?"),
        ("source = \"x\"\n", "metricspec.toml:1: source: unknown key"),  # not the model's own bookkeeping
        ("fail-on = \"never\"\n", "metricspec.toml:1: fail-on:"),
        ("ignore = [\"V999\"]\n", "metricspec.toml:1: ignore: unknown rule code or name 'V999'"),
        ("[thresholds]\nmax-metrics-per-node = \"three\"\n", "metricspec.toml:2: thresholds.max-metrics-per-node:"),
        ("[per-file-ignores]\n\"legacy/*\" = [\"nope\"]\n", "per-file-ignores.\"legacy/*\": unknown rule code or name 'nope'"),
        ("select = [\n", "metricspec.toml:2: invalid TOML: "),
    ],
)
def test_config_errors_name_file_and_key(run, write, text, message):
    write("metricspec.toml", text)
    write("a.metrics.yaml", CLEAN)
    result = run("lint", "a.metrics.yaml")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_explicit_config_and_per_file_ignores(run, write):
    write("legacy/a.metrics.yaml", BROKEN)
    write("new/b.metrics.yaml", BROKEN.replace("revenue", "margin"))
    write("ci/lint.toml", 'select = ["E"]\n[per-file-ignores]\n"legacy/*" = ["E002"]\n')
    result = run("lint", ".", "--config", "ci/lint.toml", "--format", "concise")
    assert result.exit_code == 1
    assert result.stdout == "new/b.metrics.yaml:6:5: E002 [error] unknown key 'ownr'; did you mean 'owner'?\n"


def test_selection_by_prefix_name_and_specificity(run, write):
    write("a.metrics.yaml", BROKEN + "  - id: revenue\n    title: Again\n")
    def codes(*args):
        report = json.loads(run("lint", "a.metrics.yaml", "--format", "json", *args).stdout)
        return sorted({d["code"] for d in report["diagnostics"]})
    assert codes("--select", "E") == ["E002", "E003"]
    assert codes("--select", "E", "--ignore", "duplicate-id") == ["E002"]
    assert codes("--select", "E00", "--extend-ignore", "E002") == ["E003"]
    # The E family is never dropped by a broad selection: a file that is broken is reported.
    assert codes("--select", "M") == ["E002", "E003"]


def test_json_report_shape_and_statistics(run, write):
    write("a.metrics.yaml", BROKEN)
    result = run("lint", "a.metrics.yaml", "--select", "E", "--format", "json", "--statistics")
    report = json.loads(result.stdout)
    assert list(report) == ["metricspec", "files", "summary", "diagnostics", "statistics"]
    assert report["diagnostics"] == [
        {
            "code": "E002", "name": "schema", "severity": "error",
            "message": "unknown key 'ownr'; did you mean 'owner'?",
            "help": "Rename it `owner`: a key the format does not know is not read.",
            "path": "a.metrics.yaml", "line": 6, "column": 5, "end_line": 6, "end_column": 9,
            "subject": "revenue",
            "url": f"https://github.com/metricspec/metricspec/blob/v{__version__}/docs/rules.md#e002-schema",
            "related": [],
        }
    ]
    assert report["statistics"] == [{"code": "E002", "name": "schema", "severity": "error", "count": 1}]


def test_same_run_same_bytes(run, write):
    write("b.metrics.yaml", BROKEN)
    write("a.metrics.yaml", BROKEN.replace("revenue", "margin"))
    first = run("lint", ".", "--format", "json").stdout
    assert first == run("lint", ".", "--format", "json").stdout
    paths = [d["path"] for d in json.loads(first)["diagnostics"]]
    assert paths == sorted(paths)


def test_write_baseline_then_only_new_findings_fail(run, write, tmp_path):
    spec = write("a.metrics.yaml", BROKEN)
    result = run("lint", "a.metrics.yaml", "--select", "E", "--write-baseline", "baseline.json")
    assert result.exit_code == 0
    recorded = json.loads((tmp_path / "baseline.json").read_text())
    assert recorded["findings"] == [
        {"path": "a.metrics.yaml", "subject": "revenue", "code": "E002",
         "message": "unknown key 'ownr'; did you mean 'owner'?"}
    ]
    # Lines added above the finding do not revive it.
    spec.write_text(BROKEN.replace("product: Acme\n", "product: Acme\nowner: ana\n"))
    assert run("lint", "a.metrics.yaml", "--select", "E", "--baseline", "baseline.json").exit_code == 0
    # A new problem fails; the recorded one stays hidden.
    spec.write_text(BROKEN + "    colour: blue\n")
    result = run("lint", "a.metrics.yaml", "--select", "E", "--baseline", "baseline.json", "--format", "concise")
    assert result.exit_code == 1
    assert result.stdout == "a.metrics.yaml:7:5: E002 [error] unknown key 'colour'\n"
    # Once fixed, the recorded finding is listed as fixed.
    spec.write_text(CLEAN)
    result = run("lint", "a.metrics.yaml", "--select", "E", "--baseline", "baseline.json", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["fixed"] == [{"path": "a.metrics.yaml", "subject": "revenue", "code": "E002"}]


def test_bad_baseline_is_a_usage_error(run, write):
    write("a.metrics.yaml", CLEAN)
    write("baseline.json", "{not json")
    result = run("lint", "a.metrics.yaml", "--baseline", "baseline.json")
    assert result.exit_code == 2
    assert result.stderr == ("metricspec: error: baseline.json:1:2: invalid JSON: Expecting property name enclosed in "
                             "double quotes; not a readable baseline\n")


def test_schema_command_matches_the_committed_schema(run):
    committed = Path(__file__).resolve().parent.parent / "schemas" / "metricspec.schema.json"
    result = run("schema")
    assert result.exit_code == 0
    assert result.stdout == committed.read_text(encoding="utf-8"), (
        "schemas/metricspec.schema.json is out of date: run `metricspec schema > schemas/metricspec.schema.json`"
    )


def test_rule_page_by_code_or_name(run):
    by_code = run("rule", "E005")
    assert by_code.exit_code == 0
    assert "duplicate-key" in by_code.stdout and "Why it matters" in by_code.stdout
    assert run("rule", "duplicate-key").stdout == by_code.stdout
    assert run("rule", "Z123").exit_code == 2


def test_rules_json_lists_every_rule(run):
    rules = json.loads(run("rules", "--format", "json").stdout)
    assert {"code": "E001", "name": "yaml-syntax"}.items() <= rules[0].items()
    assert [r["code"] for r in rules] == sorted(
        (r["code"] for r in rules), key=lambda c: ("EHVOPTBGLMDA".index(c[0]), c)
    )
    # `metricspec diff`'s codes, then `status`'s A codes, close the list: documented, not lint's (DIFF.md, ACTUALS.md).
    d001 = next(r for r in rules if r["code"] == "D001")
    assert (d001["name"], d001["family"], d001["severity"], d001["scope"]) == (
        "target-lowered", "moved goalposts", "warning", "diff")


def test_a_diff_code_has_a_page_and_lint_never_runs_it(run, write):
    page = run("rule", "D001").stdout
    assert run("rule", "target-lowered").stdout == page
    for part in ("moved goalposts", "Example (BASE → HEAD)", "# BASE", "# HEAD", "status: revised", "never by lint"):
        assert part in page
    write("a.metrics.yaml", CLEAN)
    linted = run("lint", "--select", "ALL", "--format", "json", ".")
    assert not [d for d in json.loads(linted.stdout)["diagnostics"] if d["code"].startswith("D")]


def test_quiet_and_verbose(run, write):
    write("a.metrics.yaml", CLEAN)
    write("ci.yaml", "jobs: {}\n")
    quiet = run("lint", "--select", "E", "--quiet")
    assert (quiet.exit_code, quiet.stdout) == (0, "")
    assert run("lint", "--select", "E").stdout == "All clear: 1 file checked, no problems.\n"
    verbose = run("lint", "--select", "E", "--verbose")
    # What --verbose adds goes to stderr: the report on stdout stays what its format says.
    assert verbose.stdout == "All clear: 1 file checked, no problems.\n"
    assert verbose.stderr.endswith("skipped ci.yaml: no top-level `metricspec` key\n")


def test_show_suppressed_lists_them_with_their_reasons_in_text(run, write):
    write("a.metrics.yaml", "metricspec: 1\nproduct: A\nobjectives:\n"
          "  - id: o  # metricspec: ignore[H002] -- goals come next quarter\n    title: Grow ARR by 10% in 2027\n")
    result = run("lint", "a.metrics.yaml", "--select", "H002", "--show-suppressed")
    assert result.exit_code == 0
    assert result.stdout == (
        "suppressed a.metrics.yaml:4:9: H002 objective 'o' (\"Grow ARR by 10% in 2027\") breaks the line of "
        "sight: it has no goals -- goals come next quarter\n\nAll clear: 1 file checked, no problems.\n"
    )
    assert "suppressed" not in run("lint", "a.metrics.yaml", "--select", "H002").stdout


def test_an_absolute_include_glob_is_read(run, write, tmp_path):
    write("specs/a.metrics.yaml", "metricspec: 1\nproduct: A\nobjectives:\n  - {id: o, title: Grow, ownr: x}\n")
    write("metricspec.toml", f'include = ["{(tmp_path / "specs").as_posix()}/*.yaml"]\n')
    result = run("lint", "--format", "concise", "--select", "E")
    assert (result.exit_code, result.stdout) == (1, "specs/a.metrics.yaml:4:26: E002 [error] unknown key 'ownr'; did you mean 'owner'?\n")
