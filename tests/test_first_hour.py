"""The first hour with metricspec (issue 16): no silent passes, --verbose and --show-settings,
--statistics and --baseline in ruff's words, "did you mean" on what was mistyped. Each test runs
the command a user types and checks its output and exit code."""

from __future__ import annotations

import json

HEAD = "metricspec: 1\nproduct: Acme\n"
CLEAN = HEAD + "objectives: []\n"
BROKEN = HEAD + "objectives:\n  - id: revenue\n    title: Grow revenue\n    ownr: ana\n"
TWO_BROKEN = BROKEN + "  - id: costs\n    title: Cut costs\n    ownr: bo\n"


# --- no spec found is exit 2, naming where the run looked ---------------------------------

def test_an_empty_folder_is_exit_2_naming_it(run, tmp_path):
    result = run("lint")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"metricspec: error: no spec file found in the current directory ({tmp_path}) "
        "(--verbose says what was skipped and why; --skip-unrecognized makes this exit 0)\n")


def test_a_folder_of_other_yaml_is_exit_2_and_counts_what_it_skipped(run, write):
    write("deploy/ci.yaml", "jobs: {}\n")
    write("deploy/compose.yml", "services: {}\n")
    result = run("lint", "deploy")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "metricspec: error: no spec file found in deploy; 2 YAML files without a top-level `metricspec` key skipped")


def test_a_config_include_that_matches_nothing_names_its_globs(run, write, tmp_path):
    write("metricspec.toml", 'include = ["metric/**/*.yaml"]\nexclude = ["old/**"]\n')
    write("metrics/a.metrics.yaml", CLEAN)  # the glob's typo misses it
    result = run("lint")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"metricspec: error: no spec file found matching the config's include (`metric/**/*.yaml`, from {tmp_path}); "
        "excluded: `old/**` (")


def test_skip_unrecognized_keeps_a_hook_on_other_files_at_exit_0(run, write):
    """pre-commit hands the hook every staged YAML file: none being a spec is no error there."""
    write("ci.yaml", "jobs: {}\n")
    result = run("lint", "--skip-unrecognized", "ci.yaml")
    assert (result.exit_code, result.stdout) == (0, "All clear: 0 files checked, no problems.\n")
    assert run("lint", "--skip-unrecognized").exit_code == 0


def test_a_named_non_spec_file_is_still_a_finding_not_a_usage_error(run, write):
    write("ci.yaml", "jobs: {}\n")
    result = run("lint", "ci.yaml", "--format", "concise")
    assert result.exit_code == 1
    assert result.stdout.startswith("ci.yaml:1:1: E006 [error] ")


def test_run_from_a_subfolder_lints_the_configs_include_and_help_says_so(run, write, tmp_path, monkeypatch):
    write("metricspec.toml", 'include = ["metrics/**/*.yaml"]\n')
    write("metrics/a.metrics.yaml", BROKEN)
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")
    result = run("lint", "--format", "concise", "--select", "E")
    assert (result.exit_code, result.stdout) == (1, f"{tmp_path}/metrics/a.metrics.yaml:6:5: E002 [error] unknown key 'ownr'; did you mean 'owner'?\n")
    help_text = " ".join(run("lint", "--help").stdout.split())
    assert "(default: the config's include, else the current directory)" in help_text


# --- --verbose: the config used, each file skipped and why ---------------------------------

def test_verbose_names_the_config_and_every_skip_with_its_reason(run, write, tmp_path):
    write("metricspec.toml", 'include = ["metrics/**/*.yaml"]\nexclude = ["metrics/archive/**"]\n')
    write(".gitignore", "build/\n")
    write("metrics/a.metrics.yaml", CLEAN)
    write("metrics/ci.yaml", "jobs: {}\n")
    write("metrics/archive/old.metrics.yaml", CLEAN)
    write("build/gen.metrics.yaml", CLEAN)
    write("examples/demo.metrics.yaml", CLEAN)  # a spec outside the include
    write("examples/notes.yaml", "a: 1\n")  # outside the include and no spec: not worth a line
    result = run("lint", "--verbose")
    assert result.exit_code == 0
    assert result.stdout == "All clear: 1 file checked, no problems.\n"
    assert result.stderr == (
        f"metricspec: using the config {tmp_path / 'metricspec.toml'}\n"
        "metricspec: skipped examples/demo.metrics.yaml: a spec outside the config's include\n"
        "metricspec: skipped metrics/archive/: matches exclude `metrics/archive/**`\n"
        "metricspec: skipped metrics/ci.yaml: no top-level `metricspec` key\n")


def test_verbose_without_a_config_says_the_defaults_are_used(run, write, tmp_path):
    write("a.metrics.yaml", CLEAN)
    write("build/x.yaml", "a: 1\n")
    write(".gitignore", "build/\n")
    result = run("lint", "-v", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["files"] == 1  # stdout stays the report
    assert result.stderr == (
        f"metricspec: no config file found from {tmp_path} upwards: the defaults\n"
        "metricspec: skipped build/: ignored by .gitignore\n")


def test_quiet_without_verbose_says_nothing_of_skips(run, write):
    write("a.metrics.yaml", CLEAN)
    write("ci.yaml", "jobs: {}\n")
    result = run("lint", "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


# --- --show-settings --------------------------------------------------------------------------

def test_show_settings_prints_every_key_and_the_file(run, write, tmp_path):
    write("pyproject.toml", '[project]\nname = "x"\n[tool.metricspec]\nexclude = ["fixtures/**"]\nignore = ["V"]\n'
          '[tool.metricspec.severity]\nT004 = "info"\n[tool.metricspec.thresholds]\nmax-metrics-per-node = 5\n')
    result = run("lint", "--show-settings", "--fail-on", "error", "--exclude", "tmp/**", "--select", "E,H")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        f"# config: {tmp_path / 'pyproject.toml'}\n"
        "[tool.metricspec]\n"
        "include = []\n"
        'exclude = ["fixtures/**", "tmp/**"]\n'
        "# select is not set: every rule is selected\n"
        "extend-select = []\n"
        'ignore = ["V"]\n'
        "extend-ignore = []\n"
        'fail-on = "error"\n'
        "\n[tool.metricspec.severity]\n"
        'T004 = "info"\n'
        "\n[tool.metricspec.per-file-ignores]\n"
        "\n[tool.metricspec.thresholds]\n"
        "max-metrics-per-node = 5\n"
        "max-metrics-per-document = 12\n"
        "max-metrics-per-owner = 6\n"
        "max-target-change = 3.0\n"
        "max-deadline-days = 730\n"
        "stale-review-cycles = 2\n"
        "stale-windows = 2\n"
        "on-track-pacing = 0.95\n"
        "at-risk-pacing = 0.75\n"
        "partner-worsening = 0.1\n"
        "forecast-points = 8\n"
        "flatline-cycles = 2\n"
        "flatline-change = 0.02\n"
        "segment-decline = 0.2\n"
        "baseline-mismatch = 0.1\n"
        "maintain-tolerance = 0.05\n"
        "\n[tool.metricspec.vanity]\n"
        "extend-terms = []\n"
        "\n[tool.metricspec.actuals]\n"
        "# source is not set: the default\n"
        'table = "actuals"\n'
        "timeout = 30\n"
        "lock-timeout = 5\n"
        "\n[tool.metricspec.actuals.columns]\n"
        "\n[tool.metricspec.status]\n"
        "# fail-on is not set: the default\n"
        "\n# the rules this run checks (12): E001, E002, E003, E004, E005, E006, E007, H001, H002, H003, H004, H005\n")


def test_show_settings_without_a_config_and_with_a_broken_one(run, write, tmp_path):
    result = run("lint", "--show-settings")
    assert result.exit_code == 0  # no spec needed to show the settings
    assert result.stdout.startswith(f"# config: none found from {tmp_path} upwards; the defaults\n[tool.metricspec]\n")
    write("metricspec.toml", "fail-on = 3\n")
    assert run("lint", "--show-settings").exit_code == 2


# --- --statistics and --baseline ----------------------------------------------------------------

def test_statistics_prints_the_table_instead_of_the_findings(run, write):
    write("a.metrics.yaml", TWO_BROKEN)
    text = run("lint", "a.metrics.yaml", "--select", "E", "--statistics")
    assert text.exit_code == 1
    assert text.stdout == "    2  E002  schema  [error]\n\nFound 2 problems (2 errors, 0 warnings, 0 info) in 1 file.\n"
    concise = run("lint", "a.metrics.yaml", "--select", "E", "--statistics", "--format", "concise")
    assert (concise.exit_code, concise.stdout) == (1, "    2  E002  schema  [error]\n")


def test_the_summary_says_how_many_findings_the_baseline_hid(run, write):
    spec = write("a.metrics.yaml", TWO_BROKEN)
    assert run("lint", "a.metrics.yaml", "--select", "E", "--write-baseline", "b.json").exit_code == 0
    hidden = run("lint", "a.metrics.yaml", "--select", "E", "--baseline", "b.json")
    assert (hidden.exit_code, hidden.stdout) == (0, "All clear: 1 file checked, no problems (2 more hidden by the baseline).\n")
    spec.write_text(TWO_BROKEN + "    colour: blue\n")
    one_new = run("lint", "a.metrics.yaml", "--select", "E", "--baseline", "b.json")
    assert one_new.exit_code == 1
    assert one_new.stdout.endswith("Found 1 problem (1 error, 0 warnings, 0 info) in 1 file (2 more hidden by the baseline).\n")
    assert run("lint", "a.metrics.yaml", "--select", "E").stdout.endswith("in 1 file.\n")  # no baseline, no words


# --- "did you mean" -------------------------------------------------------------------------------

def test_a_bad_choice_gets_a_did_you_mean(run):
    template = run("init", "--template", "sass", "--no-input")
    assert template.exit_code == 2
    assert template.stderr.rstrip().endswith(
        "is not one of 'saas', 'b2b', 'ecommerce', 'marketplace', 'minimal'; did you mean 'saas'?")
    assert run("lint", "--format", "jsn").stderr.rstrip().endswith("; did you mean 'json'?")
    assert run("lint", "--fail-on", "warn").stderr.rstrip().endswith("; did you mean 'warning'?")
    far = run("lint", "--format", "xml")
    assert far.exit_code == 2 and "did you mean" not in far.stderr
    assert run("rules", "--format", "jsno").stderr == "metricspec: error: --format takes text or json; did you mean 'json'?\n"


def test_an_unknown_rule_gets_a_did_you_mean(run, write):
    by_name = run("rule", "vanity")
    assert (by_name.exit_code, by_name.stdout) == (2, "")
    assert by_name.stderr == (
        "metricspec: error: unknown rule 'vanity'; did you mean 'vanity-metric'? (`metricspec rules` lists them)\n")
    assert run("rule", "V01").stderr.startswith("metricspec: error: unknown rule 'V01'; did you mean 'V001'?")
    assert run("rule", "Z123").stderr == "metricspec: error: unknown rule 'Z123'; `metricspec rules` lists them\n"
    write("a.metrics.yaml", CLEAN)
    selected = run("lint", "a.metrics.yaml", "--select", "vanity-metrik")
    assert (selected.exit_code, selected.stderr) == (
        2, "metricspec: error: unknown rule code or name 'vanity-metrik'; did you mean 'vanity-metric'?\n")


def test_config_errors_name_the_line_and_suggest_the_key(run, write, tmp_path):
    write("a.metrics.yaml", CLEAN)
    config = tmp_path / "pyproject.toml"
    write("pyproject.toml", '[tool.black]\nline-length = 100\n\n[tool.metricspec]\nexclude = []\nselct = ["E"]\n')
    result = run("lint")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"metricspec: error: {config}:6: tool.metricspec.selct: unknown key; did you mean 'select'?\n"
    write("pyproject.toml", '[tool.metricspec.thresholds]\nmax-metrics-per-nod = 4\n')
    assert run("lint").stderr == (f"metricspec: error: {config}:2: tool.metricspec.thresholds.max-metrics-per-nod: "
                                  "unknown key; did you mean 'max-metrics-per-node'?\n")
    write("pyproject.toml", '[tool.metricspec]\nfail-on = "warn"\n')
    assert run("lint").stderr.startswith(f"metricspec: error: {config}:2: tool.metricspec.fail-on: ")
    assert run("lint").stderr.endswith("; did you mean 'warning'?\n")
    write("pyproject.toml", '[tool.metricspec.severity]\nT04 = "info"\n')
    assert run("lint").stderr == (f"metricspec: error: {config}:2: tool.metricspec.severity: "
                                  "unknown rule code or name 'T04'; did you mean 'T004'?\n")


# --- output polish --------------------------------------------------------------------------------

def test_help_shows_no_python_type_names_and_no_cut_off_descriptions(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    top = run("--help")
    assert top.exit_code == 0
    assert "..." not in top.stdout.split("Commands:")[1]  # each description whole, wrapped if need be
    assert "Lint metric specs: structure, references and product-metric smells." in top.stdout
    for command in ("lint", "rules", "rule", "tree", "init", "schema"):
        shown = run(command, "--help").stdout
        for python_type in ("<list[str]>", "<str>", "<path>", "<Path>", "<int>"):
            assert python_type not in shown, (command, python_type)
    lint_help = run("lint", "--help").stdout
    assert lint_help.startswith("Usage: metricspec lint [OPTIONS] [PATH]...\n")
    assert "--select CODES" in lint_help and "--today YYYY-MM-DD" in lint_help and "--baseline FILE" in lint_help
    assert run("rule", "--help").stdout.startswith("Usage: metricspec rule [OPTIONS] {CODE}\n")


def test_rules_and_rule_write_no_trailing_spaces_into_a_pipe(run):
    table = run("rules")
    assert table.exit_code == 0 and table.stdout.startswith("code  name")
    assert not [line for line in table.stdout.splitlines() if line != line.rstrip()]
    page = run("rule", "V001")
    assert page.exit_code == 0 and "vanity-metric" in page.stdout
    assert not [line for line in page.stdout.splitlines() if line != line.rstrip()]


LONG_LINE = HEAD + ("objectives:\n  - id: revenue\n    title: Grow revenue from the enterprise segment in every region we sell to,"
                    " by a lot\n    ownr: ana\n")


def _text_at(report, width: int, wrap: bool, color: bool = False) -> str:
    from metricspec.reporters import RenderOptions, render

    return render("text", report, RenderOptions(width=width, wrap=wrap, color=color))


def test_on_a_60_column_terminal_lines_break_at_words_and_the_marks_stay_under_the_code(write, tmp_path, monkeypatch):
    import re

    from tests.conftest import lint_paths

    monkeypatch.chdir(tmp_path)
    write("a.metrics.yaml", LONG_LINE + "    colour: blue-and-a-long-value-that-goes-on-and-on-past-the-edge\n")
    report = lint_paths("a.metrics.yaml", select=["E"])
    shown = _text_at(report, 60, wrap=True)
    assert all(len(line) <= 60 for line in shown.splitlines())
    assert shown.startswith("a.metrics.yaml\n")
    assert (
        "  6:5  error  E002 schema: unknown key 'ownr'; did you mean\n"
        "      'owner'?\n"
        "    6 |     ownr: ana\n"
        "      |     ^^^^\n"
    ) in shown
    # A source line wider than the terminal is cut around its span, the marks under it.
    assert (
        "  7:5  error  E002 schema: unknown key 'colour'\n"
        "    7 |     colour: blue-and-a-long-value-that-goes-on-an...\n"
        "      |     ^^^^^^\n"
    ) in shown
    # Colour changes nothing but the colour.
    assert re.sub(r"\x1b\[[0-9;]*m", "", _text_at(report, 60, wrap=True, color=True)) == shown
    # In a pipe or a file (no wrap), every line stays whole, as before.
    whole = _text_at(report, 60, wrap=False)
    assert "    7 |     colour: blue-and-a-long-value-that-goes-on-and-on-past-the-edge\n" in whole
    assert "did you mean 'owner'?\n" in whole


def test_a_marked_span_far_right_is_kept_in_view(write, tmp_path, monkeypatch):
    from tests.conftest import lint_paths

    monkeypatch.chdir(tmp_path)
    spec = write("a.metrics.yaml", HEAD + "objectives:\n  - {id: revenue, title: Grow revenue across every single region, ownr: ana}\n")
    report = lint_paths(spec.name, select=["E"])
    shown = _text_at(report, 60, wrap=True)
    assert (
        "  4:67  error  E002 schema: unknown key 'ownr'; did you mean\n"
        "      'owner'?\n"
        "    4 | ...on, ownr: ana}\n"
        "      |        ^^^^\n"
    ) in shown
