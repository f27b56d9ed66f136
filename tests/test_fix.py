"""`lint --fix` / `--diff` (CLI.md, "Safe fixes"), `-` with `--stdin-filename`, `-h`, and
`--write-baseline` after a fault: what a user sees, the bytes of every file written."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from metricspec import rules as registry
from metricspec.cli import app
from metricspec.diagnostics import Severity
from metricspec.rules import Rule, RuleDoc

# Comments, a blank line, a quoted value, CRLF line breaks: every byte not fixed stays.
SPEC = (
    "# Acme's metrics\r\n"
    "metricspec: 1\r\n"
    "product: Acme\r\n"
    "\r\n"
    "objectives:\r\n"
    "  - id: revenue   # the one that pays\r\n"
    "    title: Grow ARR to 2M by 2027\r\n"
    "    metrics:\r\n"
    "      - id: arr\r\n"
    "        name: \"Annual recurring revenue\"\r\n"
    "        type: lagging   # leading or lagging\r\n"
    "        unit: USD\r\n"
    "        tagret:\r\n"
    "          value: 2000000\r\n"
)
FIXED = SPEC.replace("type: lagging", "kind: lagging").replace("tagret:", "target:")


@pytest.fixture
def cli(monkeypatch, tmp_path):
    """cli("lint", ..., input=b"...") -> the CliRunner result, run in tmp_path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")

    def _run(*args: str, input: bytes | None = None):
        return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)

    return _run


def _write(tmp_path, name: str, text: str, bom: bool = False):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _findings(result) -> list[tuple[str, str, int]]:
    return [(d["code"], d["subject"], d["line"]) for d in json.loads(result.stdout)["diagnostics"]]


def test_fix_renames_a_synonym_and_a_misspelled_key_keeping_every_other_byte(cli, tmp_path):
    path = _write(tmp_path, "a.metrics.yaml", SPEC, bom=True)
    before = cli("lint", "a.metrics.yaml", "--select", "E", "--format", "json")
    assert _findings(before) == [("E002", "arr", 11), ("E002", "arr", 13)]
    result = cli("lint", "a.metrics.yaml", "--select", "E", "--fix")
    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED.encode("utf-8")  # BOM, CRLF, comments kept
    assert result.exit_code == 0
    assert "All clear: 1 file checked" in result.stdout  # the re-lint's report
    assert result.stderr == "metricspec: applied 2 fixes in 1 file\n"
    again = cli("lint", "a.metrics.yaml", "--select", "E", "--fix")
    assert (again.exit_code, again.stderr) == (0, "metricspec: nothing to fix\n")


def test_fix_fixes_only_reported_findings_and_writes_through_a_symlink_keeping_the_mode(cli, tmp_path):
    real = _write(tmp_path, "specs/a.metrics.yaml", SPEC)
    real.chmod(0o640)
    (tmp_path / "a.metrics.yaml").symlink_to(real)
    ignored = cli("lint", "a.metrics.yaml", "--select", "E", "--ignore", "E002", "--fix")
    assert (ignored.exit_code, ignored.stderr) == (0, "metricspec: nothing to fix\n")
    assert real.read_bytes() == SPEC.encode()
    result = cli("lint", "a.metrics.yaml", "--select", "E", "--fix")
    assert result.exit_code == 0
    assert (tmp_path / "a.metrics.yaml").is_symlink()
    assert real.read_bytes() == FIXED.encode()
    assert real.stat().st_mode & 0o777 == 0o640


def test_fix_leaves_a_key_alone_where_the_fix_is_not_certain(cli, tmp_path):
    spec = ("metricspec: 1\nobjectives:\n  - id: revenue\n    title: Grow ARR\n    metrics:\n"
            "      - id: arr\n        name: ARR\n        kind: lagging\n        type: leading\n"
            "        colour: red\n")
    path = _write(tmp_path, "a.metrics.yaml", spec)
    result = cli("lint", "a.metrics.yaml", "--select", "E", "--fix", "--format", "concise")
    # `type` would make a second `kind`; `colour` is close to no key.
    assert path.read_text() == spec
    assert (result.exit_code, result.stderr) == (1, "metricspec: nothing to fix\n")
    assert [line.split(" ")[1] for line in result.stdout.splitlines()[:2]] == ["E002", "E002"]


def test_fix_turns_an_id_into_its_slug_and_renames_its_references_in_other_files(cli, tmp_path):
    first = _write(tmp_path, "a.metrics.yaml", (
        "metricspec: 1\nobjectives:\n  - id: Grow Revenue\n    title: Grow ARR to 2M by 2027\n    metrics:\n"
        "      - id: 'ARR'  # quoted\n        name: ARR\n        kind: lagging\n        unit: USD\n"))
    second = _write(tmp_path, "b.metrics.yaml", (
        "metricspec: 1\ngoals:\n  - id: adoption\n    title: Adoption to 60% by 2027\n    parent: Grow Revenue\n"
        "    metrics:\n      - id: builders\n        name: Builders\n        kind: leading\n        unit: count\n"
        "        pairs_with: ARR\n        guardrails:\n          - ARR\n"))
    result = cli("lint", ".", "--select", "E", "--fix", "--format", "json")
    assert first.read_text() == (
        "metricspec: 1\nobjectives:\n  - id: grow-revenue\n    title: Grow ARR to 2M by 2027\n    metrics:\n"
        "      - id: 'arr'  # quoted\n        name: ARR\n        kind: lagging\n"
        "        pairs_with: builders\n"  # the pair's back-link, in the other file
        "        unit: USD\n")
    assert second.read_text() == (
        "metricspec: 1\ngoals:\n  - id: adoption\n    title: Adoption to 60% by 2027\n    parent: grow-revenue\n"
        "    metrics:\n      - id: builders\n        name: Builders\n        kind: leading\n        unit: count\n"
        "        pairs_with: arr\n        guardrails:\n          - arr\n")
    assert (result.exit_code, _findings(result)) == (0, [])
    assert result.stderr == "metricspec: applied 6 fixes in 2 files\n"


DIRECTIONS = (
    "metricspec: 1\nobjectives:\n  - id: growth\n    title: Grow activation to 40% by 2027\n    metrics:\n"
    "      - id: activation\n        name: Activation\n        kind: leading\n        unit: percent\n"
    "        target:\n          value: 40\n          # from the Q3 review\n          direction: decrease\n"
    "          baseline: 30\n"
    "      - id: churn\n        name: Churn\n        kind: lagging\n        unit: percent\n"
    "        pairs_with: activation\n"
    "        target: {value: 5, direction: increase, baseline: 8}\n"
    "      - id: nps\n        name: NPS\n        unit: score\n"
    "        target: {value: 50, baseline: 40, direction: decrease}  # said so\n"
    "      - id: csat\n        name: CSAT\n        unit: score\n"
    "        target:\n          value: 5\n          baseline: 4\n          direction: decrease # why not\n"
)


def test_fix_takes_out_a_direction_the_numbers_contradict(cli, tmp_path):
    path = _write(tmp_path, "a.metrics.yaml", DIRECTIONS)
    before = cli("lint", "a.metrics.yaml", "--select", "E,T006", "--format", "json")
    assert [(code, subject) for code, subject, _ in _findings(before)] == [
        ("T006", "activation"), ("T006", "churn"), ("T006", "nps"), ("T006", "csat")]
    result = cli("lint", "a.metrics.yaml", "--select", "E,T006", "--fix", "--format", "json")
    assert path.read_text() == (
        "metricspec: 1\nobjectives:\n  - id: growth\n    title: Grow activation to 40% by 2027\n    metrics:\n"
        "      - id: activation\n        name: Activation\n        kind: leading\n        unit: percent\n"
        "        target:\n          value: 40\n          # from the Q3 review\n"
        "          baseline: 30\n"
        "      - id: churn\n        name: Churn\n        kind: lagging\n        unit: percent\n"
        "        pairs_with: activation\n"
        "        target: {value: 5, baseline: 8}\n"
        "      - id: nps\n        name: NPS\n        unit: score\n"
        "        target: {value: 50, baseline: 40}  # said so\n"
        "      - id: csat\n        name: CSAT\n        unit: score\n"
        "        target:\n          value: 5\n          baseline: 4\n          # why not\n"
    )
    assert (result.exit_code, _findings(result)) == (0, [])
    assert result.stderr == "metricspec: applied 4 fixes in 1 file\n"


LAGGING = (
    "metricspec: 1\nobjectives:\n  - id: growth\n    title: Grow ARR to 2M by 2027\n    metrics:\n"
    "      - id: arr\n        name: ARR\n        kind: lagging\n        pairs_with: [mrr]\n"
    "      - id: churn\n        name: Churn\n        kind: lagging\n        pairs_with: builders\n"
    "      - id: renewals\n        name: Renewals\n        kind: lagging\n"
    "      - id: cac\n        name: CAC\n        kind: leading\n        pairs_with: churn\n"
)
LEADING_TRAILING_COMMA = ("      - {id: seats, name: Seats, kind: leading, pairs_with: [renewals]}\n",
                          "      - {id: seats, name: Seats, kind: leading, pairs_with: [renewals, ]}\n")
LEADING = (
    "metricspec: 1\ngoals:\n  - id: adoption\n    title: Adoption to 60% by 2027\n    parent: growth\n"
    "    metrics:\n"
    "      - id: builders\n        name: Builders\n        kind: leading\n        pairs_with: arr\n"
    "      - id: mrr\n        name: MRR\n        kind: leading\n        pairs_with:\n          - renewals\n"
    "      - {id: seats, name: Seats, kind: leading, pairs_with: [renewals]}\n"
)


def test_fix_adds_a_partners_missing_back_link_from_another_file_in_the_style_it_writes(cli, tmp_path):
    lagging, leading = _write(tmp_path, "a.metrics.yaml", LAGGING), _write(tmp_path, "b.metrics.yaml", LEADING)
    result = cli("lint", ".", "--select", "E,P", "--fix", "--format", "json")
    assert lagging.read_text() == (
        "metricspec: 1\nobjectives:\n  - id: growth\n    title: Grow ARR to 2M by 2027\n    metrics:\n"
        "      - id: arr\n        name: ARR\n        kind: lagging\n        pairs_with: [mrr, builders]\n"  # flow
        "      - id: churn\n        name: Churn\n        kind: lagging\n        pairs_with: builders\n"
        "      - id: renewals\n        name: Renewals\n        kind: lagging\n"
        "        pairs_with: [mrr, seats]\n"  # a new key, after `kind`
        # cac -> churn is one file: its reader sees both ends, nothing added
        "      - id: cac\n        name: CAC\n        kind: leading\n        pairs_with: churn\n"
    )
    assert leading.read_text() == (
        "metricspec: 1\ngoals:\n  - id: adoption\n    title: Adoption to 60% by 2027\n    parent: growth\n"
        "    metrics:\n"
        "      - id: builders\n        name: Builders\n        kind: leading\n        pairs_with: [arr, churn]\n"
        "      - id: mrr\n        name: MRR\n        kind: leading\n        pairs_with:\n          - renewals\n"
        "          - arr\n"  # block
        "      - {id: seats, name: Seats, kind: leading, pairs_with: [renewals]}\n"
    )
    assert (result.exit_code, _findings(result)) == (0, [])
    assert result.stderr == "metricspec: applied 4 fixes in 2 files\n"
    again = cli("lint", ".", "--select", "E,P", "--diff")
    assert (again.exit_code, again.stdout) == (0, "")


def test_fix_keeps_a_flow_lists_trailing_comma_and_a_file_without_a_final_line_break(cli, tmp_path):
    _write(tmp_path, "a.metrics.yaml", LAGGING.replace("        pairs_with: [mrr]\n", "        pairs_with: [mrr,]\n"))
    no_seats = LEADING.replace(LEADING_TRAILING_COMMA[0], "").rstrip("\n")
    leading = _write(tmp_path, "b.metrics.yaml", no_seats)
    result = cli("lint", ".", "--select", "E,P", "--diff")
    assert result.stdout.startswith(
        "--- a/a.metrics.yaml\n+++ b/a.metrics.yaml\n@@ -6,7 +6,7 @@\n"
        "       - id: arr\n         name: ARR\n         kind: lagging\n"
        "-        pairs_with: [mrr,]\n+        pairs_with: [mrr, builders]\n")
    assert result.stdout.endswith(
        "         pairs_with:\n"
        "-          - renewals\n\\ No newline at end of file\n"
        "+          - renewals\n+          - arr\n\\ No newline at end of file\n")
    cli("lint", ".", "--select", "E,P", "--fix")
    assert leading.read_text() == no_seats.replace("pairs_with: arr", "pairs_with: [arr, churn]") + "\n          - arr"


def test_diff_prints_the_fixes_and_changes_nothing(cli, tmp_path):
    path = _write(tmp_path, "a.metrics.yaml", SPEC)
    expected = (
        "--- a/a.metrics.yaml\n+++ b/a.metrics.yaml\n@@ -8,7 +8,7 @@\n"
        "     metrics:\r\n       - id: arr\r\n         name: \"Annual recurring revenue\"\r\n"
        "-        type: lagging   # leading or lagging\r\n+        kind: lagging   # leading or lagging\r\n"
        "         unit: USD\r\n-        tagret:\r\n+        target:\r\n           value: 2000000\r\n"
    )
    for args in (["--fix", "--diff"], ["--diff"]):  # --diff implies --fix, as ruff's does
        result = cli("lint", "a.metrics.yaml", "--select", "E", *args)
        assert (result.exit_code, result.stdout_bytes.decode()) == (1, expected)
        assert result.stderr == "metricspec: would apply 2 fixes in 1 file\n"
        assert path.read_bytes().decode() == SPEC
    clean = _write(tmp_path, "b.metrics.yaml", FIXED)
    result = cli("lint", "b.metrics.yaml", "--select", "E", "--diff")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "metricspec: nothing to fix\n")
    assert clean.read_bytes().decode() == FIXED


def test_a_file_with_e001_is_never_fixed(cli, tmp_path):
    broken = SPEC.replace("unit: USD", "unit: [USD")
    path = _write(tmp_path, "a.metrics.yaml", broken)
    result = cli("lint", "a.metrics.yaml", "--select", "E", "--fix", "--format", "json")
    assert path.read_bytes().decode() == broken
    assert result.exit_code == 1
    assert [code for code, _, _ in _findings(result)] == ["E001"]
    assert result.stderr == "metricspec: nothing to fix\n"


def test_stdin_is_reported_as_stdin_filename_and_fixed_to_stdout(cli, tmp_path):
    (tmp_path / "metrics").mkdir()
    # Its copy on disk is the one the editor is changing: not a second definition of `arr`.
    _write(tmp_path, "metrics/a.metrics.yaml", FIXED)
    result = cli("lint", "-", "--stdin-filename", "metrics/a.metrics.yaml", "--select", "E", "--format", "json",
                 input=SPEC.encode())
    assert [(d["path"], d["code"], d["line"]) for d in json.loads(result.stdout)["diagnostics"]] == [
        ("metrics/a.metrics.yaml", "E002", 11), ("metrics/a.metrics.yaml", "E002", 13)]
    assert result.exit_code == 1
    bare = cli("lint", "-", "--select", "E", "--format", "json", input=SPEC.encode())
    assert {d["path"] for d in json.loads(bare.stdout)["diagnostics"]} == {"-"}
    fixed = cli("lint", "-", "--stdin-filename", "metrics/a.metrics.yaml", "--select", "E", "--fix",
                input=SPEC.encode())
    assert fixed.stdout_bytes == FIXED.encode()  # the fixed text, CRLF kept; the report on stderr
    assert "All clear: 1 file checked" in fixed.stderr
    assert fixed.exit_code == 0
    assert (tmp_path / "metrics/a.metrics.yaml").read_bytes().decode() == FIXED
    # --stdin-filename alone implies `-`; nothing to fix: the input comes back as it was.
    clean = cli("lint", "--stdin-filename", "metrics/a.metrics.yaml", "--select", "E", "--fix", input=FIXED.encode())
    assert (clean.exit_code, clean.stdout_bytes) == (0, FIXED.encode())
    alone = cli("lint", "-", "a.yaml", input=b"")
    assert alone.exit_code == 2
    assert "`-` (the spec on standard input) cannot be combined with other paths" in alone.stderr


def test_stdin_reads_the_rest_of_stdin_filenames_repository_as_a_named_file_does(cli, tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    _write(tmp_path, "metrics/company.metrics.yaml", (
        "metricspec: 1\nobjectives:\n  - id: growth\n    title: Grow ARR to 2M by 2027\n"))
    team = ("metricspec: 1\ngoals:\n  - id: adoption\n    title: Adoption to 60% by 2027\n    parent: growth\n"
            "    colour: red\n")
    _write(tmp_path, "metrics/team.metrics.yaml", team.replace("    colour: red\n", ""))  # the saved copy
    result = cli("lint", "-", "--stdin-filename", "metrics/team.metrics.yaml", "--select", "E", "--format", "json",
                 input=team.encode())
    # `growth` resolves from the other file (no E004); the saved copy is no second `adoption` (no E003).
    assert _findings(result) == [("E002", "adoption", 6)]
    assert result.exit_code == 1


@pytest.mark.parametrize("command", [["lint"], ["diff"], ["status"], ["actuals", "import"], []])
def test_h_is_help_for_every_command(cli, command):
    short, long = cli(*command, "-h"), cli(*command, "--help")
    assert (short.exit_code, long.exit_code) == (0, 0)
    assert short.stdout == long.stdout
    assert "Usage: " in short.stdout and "-h, --help" in short.stdout


def test_h_through_the_console_script(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "metricspec", "lint", "-h"], cwd=tmp_path, capture_output=True,
                          text=True)
    assert proc.returncode == 0
    assert "--stdin-filename PATH" in proc.stdout and "--fix" in proc.stdout


@pytest.fixture
def broken_rule(monkeypatch):
    def explode(node, ctx):
        raise ZeroDivisionError("boom")
        yield  # pragma: no cover

    rules = dict(registry.all_rules())
    rules["H999"] = Rule("H999", "exploding-rule", Severity.WARNING, "node", "test only", RuleDoc("x", "y"), explode)
    monkeypatch.setattr(registry, "_REGISTRY", rules)


def test_write_baseline_after_a_fault_exits_2_and_records_nothing(broken_rule, cli, tmp_path):
    path = _write(tmp_path, "a.metrics.yaml", FIXED)
    result = cli("lint", "a.metrics.yaml", "--select", "E,H999", "--write-baseline", "base.json")
    assert result.exit_code == 2
    assert not (tmp_path / "base.json").exists()
    assert "metricspec: base.json not written: the run faulted\n" in result.stderr
    assert "internal error in rule H999" in result.stderr
    fixing = cli("lint", "a.metrics.yaml", "--select", "E,H999", "--fix")
    assert fixing.exit_code == 2  # a run that faulted is not fixed
    assert path.read_bytes().decode() == FIXED


def test_stdin_through_both_doors_of_the_console_script(tmp_path):
    """entry.py's fast path and typer's app read `-` alike, CRLF bytes and all."""
    outputs = []
    for code in ("from metricspec.entry import main; main()", "from metricspec.cli import app; app()"):
        proc = subprocess.run([sys.executable, "-c", code, "lint", "-", "--stdin-filename", "a.metrics.yaml",
                               "--select", "E", "--fix", "-q"], cwd=tmp_path, input=SPEC.encode(),
                              capture_output=True, env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "CI": "1"})
        outputs.append((proc.returncode, proc.stdout, proc.stderr))
    assert outputs[0] == outputs[1] == (0, FIXED.encode(), b"")
