"""Every output format: exact bytes, the documented shapes, and user text printed inertly.

The golden files under tests/golden/ hold the exact output of each format for SPEC. After an
intended change to a reporter or to an E-rule message, regenerate them and review the diff:

    METRICSPEC_UPDATE_GOLDEN=1 python -m pytest tests/test_reporters.py
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from metricspec import __version__
from metricspec.api import Report
from metricspec.cli import app
from metricspec.diagnostics import Diagnostic, Severity
from metricspec.engine import SuppressedFinding
from metricspec.reporters import FORMATS, RenderOptions, render
from metricspec.reporters.github import escape_data, escape_property
from metricspec.rules import all_rules
from tests.conftest import SHARED, lint_paths, shared_path

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("METRICSPEC_UPDATE_GOLDEN") == "1"
GOLDEN_NAMES = {
    "text": "report.txt",
    "concise": "report.concise.txt",
    "json": "report.json",
    "sarif": "report.sarif",
    "github": "report.github.txt",
    "junit": "report.junit.xml",
}

# Three E-rule findings (E004 bad reference, E002 unknown key, E005 duplicate key), one E004
# suppressed with a reason, and a clean file beside it.
SPEC = """\
metricspec: 1
product: Acme
north_star: weekly-active-teams
objectives:
  - id: revenue
    title: Grow revenue
    ownr: ana
    owner: bob
    owner: carl
    metrics:
      - id: mrr
        name: Monthly recurring revenue
        kind: lagging
        pairs_with: churn-rate  # metricspec: ignore[E004] -- churn arrives with the billing spec
"""
CLEAN = "metricspec: 1\nproduct: Acme\nobjectives: []\n"

EVIL = "[/bold]\x1b[31m::error::boom\nnext\r::warning file=x::y,%0A"
EVIL_YAML = '"[/bold]\\e[31m::error::boom\\nnext\\r::warning file=x::y,%0A"'
EVIL_SPEC = f"""\
metricspec: 1
product: Acme
objectives:
  - id: revenue
    title: {EVIL_YAML}
    {EVIL_YAML}: 1
    {EVIL_YAML}: 2
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A working directory holding SPEC and CLEAN, so every path in the reports is relative."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "acme.metrics.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "metrics" / "clean.metrics.yaml").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def lint_project():
    return lint_paths("metrics/acme.metrics.yaml", "metrics/clean.metrics.yaml", select=["E", "M"])


def normalise(text: str) -> str:
    return text.replace(json.dumps(__version__), '"<version>"').replace(f"/blob/v{__version__}/", "/blob/v<version>/")


def assert_golden(format: str, output: str) -> None:
    path = GOLDEN / GOLDEN_NAMES[format]
    output = normalise(output)
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(output.encode("utf-8"))
    assert path.read_bytes().decode("utf-8") == output, f"regenerate with METRICSPEC_UPDATE_GOLDEN=1 ({path.name})"


def evil_report() -> Report:
    """A report whose every free-text field is hostile: as a rule quoting a title would produce."""
    diagnostic = Diagnostic(
        path=f"odd,dir:x%/{EVIL.splitlines()[0]}.metrics.yaml",
        line=3,
        column=5,
        code="E002",
        end_line=3,
        end_column=9,
        name="schema",
        severity=Severity.WARNING,
        message=f"metric 'mrr' ({EVIL}) is odd",
        help=f"help {EVIL}",
        subject=EVIL,
    )
    return Report(files=1, diagnostics=[diagnostic], suppressed=[SuppressedFinding(diagnostic, EVIL)])


# --- exact bytes --------------------------------------------------------------------------------


@pytest.mark.parametrize("format", FORMATS)
def test_golden_output(project, format):
    report = lint_project()
    assert [(d.code, d.line) for d in report.diagnostics] == [("E004", 3), ("E002", 7), ("E005", 9)]
    assert [(s.diagnostic.code, s.diagnostic.line, s.reason) for s in report.suppressed] == [
        ("E004", 14, "churn arrives with the billing spec")
    ]
    output = render(format, report, RenderOptions())
    assert render(format, lint_project(), RenderOptions()) == output, "the same run gives the same bytes"
    assert_golden(format, output)


def test_golden_files_are_all_in_use():
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(GOLDEN_NAMES.values())


# --- JSON -----------------------------------------------------------------------------------------


def test_json_is_exactly_the_documented_shape(project):
    data = json.loads(render("json", lint_project(), RenderOptions()))
    assert list(data) == ["metricspec", "files", "summary", "diagnostics"]
    assert data["metricspec"] == __version__
    assert data["files"] == 2
    assert data["summary"] == {"error": 3, "warning": 0, "info": 0}
    assert list(data["diagnostics"][0]) == [
        "code", "name", "severity", "message", "help", "path", "line", "column", "end_line", "end_column", "subject",
        "url", "related",
    ]
    assert data["diagnostics"][1] == {
        "code": "E002",
        "name": "schema",
        "severity": "error",
        "message": "unknown key 'ownr'; did you mean 'owner'?",
        "help": data["diagnostics"][1]["help"],
        "path": "metrics/acme.metrics.yaml",
        "line": 7,
        "column": 5,
        "end_line": 7,
        "end_column": 9,
        "subject": "revenue",
        "url": f"https://github.com/metricspec/metricspec/blob/v{__version__}/docs/rules.md#e002-schema",
        "related": [],
    }
    keys = [(d["path"], d["line"], d["column"], d["code"]) for d in data["diagnostics"]]
    assert keys == sorted(keys)


# --- SARIF ----------------------------------------------------------------------------------------


def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(shared_path("schemas", "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def assert_valid_sarif(text: str) -> dict:
    log = json.loads(text)
    errors = sorted(sarif_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    return log


def test_sarif_is_valid_and_carries_rule_metadata(project):
    log = assert_valid_sarif(render("sarif", lint_project(), RenderOptions()))
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("metricspec", __version__)
    assert driver["informationUri"].startswith("https://")
    registry = all_rules()
    assert [rule["id"] for rule in driver["rules"]] == ["E002", "E004", "E005"]
    for rule in driver["rules"]:
        source = registry[rule["id"]]
        assert rule["name"] == source.name
        assert rule["shortDescription"]["text"] == source.summary
        assert rule["fullDescription"]["text"] == source.doc.what
        assert source.doc.why in rule["help"]["text"] and source.doc.why in rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] == "error"

    results = run["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("E004", 3), ("E002", 7), ("E005", 9), ("E004", 14),
    ]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == "error"
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "metrics/acme.metrics.yaml", "uriBaseId": "%SRCROOT%"}
    assert results[1]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 7, "startColumn": 5, "endLine": 7, "endColumn": 9,
    }
    assert results[1]["message"]["text"].startswith("unknown key 'ownr'; did you mean 'owner'?\nhelp: ")
    assert [r.get("suppressions") for r in results] == [
        None, None, None, [{"kind": "inSource", "justification": "churn arrives with the billing spec"}],
    ]


def test_sarif_fingerprints_survive_lines_moving(project):
    before = json.loads(render("sarif", lint_project(), RenderOptions()))["runs"][0]["results"]
    spec = project / "metrics" / "acme.metrics.yaml"
    spec.write_text(SPEC.replace("product: Acme\n", "product: Acme\n# a comment\n\n# and another\n"), encoding="utf-8")
    after = json.loads(render("sarif", lint_project(), RenderOptions()))["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == [6, 10, 12, 17]
    # The E005 message quotes a line number that moved too; the fingerprint ignores it.
    assert "line 11" in after[2]["message"]["text"]
    assert [r["partialFingerprints"] for r in after] == [r["partialFingerprints"] for r in before]
    assert len({json.dumps(r["partialFingerprints"]) for r in after}) == len(after)


def test_sarif_levels_paths_and_faults():
    def diagnostic(path, severity, line=1, code="E002"):
        return Diagnostic(path, line, 1, code, line + 1, 1, "schema", severity, "message", "", None)

    report = Report(
        files=3,
        diagnostics=[
            diagnostic("/abs/dir/a b.metrics.yaml", Severity.INFO),
            diagnostic("C:/specs/x.metrics.yaml", Severity.ERROR),
            diagnostic("dir with space/a#b?c:d%.metrics.yaml", Severity.WARNING),
            diagnostic("dir with space/a#b?c:d%.metrics.yaml", Severity.WARNING, line=5),
        ],
        internal_errors=["internal error in rule X001 on a.metrics.yaml; please report it"],
    )
    log = assert_valid_sarif(render("sarif", report, RenderOptions()))
    run = log["runs"][0]
    assert [r["level"] for r in run["results"]] == ["note", "error", "warning", "warning"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]][:3] == [
        {"uri": "file:///abs/dir/a%20b.metrics.yaml"},
        {"uri": "file:///C:/specs/x.metrics.yaml"},
        {"uri": "dir%20with%20space/a%23b%3Fc%3Ad%25.metrics.yaml", "uriBaseId": "%SRCROOT%"},
    ]
    # Two findings alike but for their line still get distinct fingerprints.
    prints = [r["partialFingerprints"]["metricspecFinding/v1"] for r in run["results"][2:]]
    assert prints[0] != prints[1] and prints[0].split(":")[0] == prints[1].split(":")[0]
    assert run["invocations"] == [{
        "executionSuccessful": False,
        "toolExecutionNotifications": [
            {"level": "error", "message": {"text": "internal error in rule X001 on a.metrics.yaml; please report it"}}
        ],
    }]


def test_sarif_with_no_findings_is_valid(project):
    report = lint_paths("metrics/clean.metrics.yaml", select=["E", "M"])
    log = assert_valid_sarif(render("sarif", report, RenderOptions()))
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


# --- GitHub ---------------------------------------------------------------------------------------


def test_github_escapes_as_the_actions_toolkit_does():
    # @actions/core command.ts: escapeData and escapeProperty.
    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext%3A a%2Cb"
    assert escape_data("%0A") == "%250A"
    # Beyond the toolkit: other controls are shown, never passed to the log.
    assert escape_data("\x1b[31m\x0b\u2028") == "\\x1b[31m\\x0b\\u2028"


def test_github_annotations(project):
    output = render("github", lint_project(), RenderOptions())
    lines = output.splitlines()
    assert lines[1] == (
        "::error file=metrics/acme.metrics.yaml,line=7,col=5,endLine=7,endColumn=9,title=E002 schema"
        "::unknown key 'ownr'; did you mean 'owner'?%0Ahelp: Rename it `owner`: a key the format does not know is not read."
    )
    assert [line.split(" ", 1)[0] for line in lines[:3]] == ["::error"] * 3
    assert lines[3] == "metricspec: 3 problems (3 errors, 0 warnings, 0 info) in 2 files."
    assert len(lines) == 4
    warning = Diagnostic("a.yaml", 2, 3, "E002", 4, 1, "schema", Severity.WARNING, "m", "", None)
    info = Diagnostic("a.yaml", 5, 3, "E002", 5, 7, "schema", Severity.INFO, "m", "", None)
    quiet = render("github", Report(files=1, diagnostics=[warning, info]), RenderOptions(quiet=True))
    assert quiet == (
        "::warning file=a.yaml,line=2,endLine=4,title=E002 schema::m\n"
        "::notice file=a.yaml,line=5,col=3,endLine=5,endColumn=7,title=E002 schema::m\n"
    )


# --- JUnit ----------------------------------------------------------------------------------------


def test_junit_counts_and_failures(project):
    root = ET.fromstring(render("junit", lint_project(), RenderOptions()))
    assert root.tag == "testsuites"
    (suite,) = root
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "1", "0")
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert sorted(cases) == ["metrics/acme.metrics.yaml", "metrics/clean.metrics.yaml"]
    assert list(cases["metrics/clean.metrics.yaml"]) == []
    failures = cases["metrics/acme.metrics.yaml"].findall("failure")
    assert [f.get("type") for f in failures] == ["E004", "E002", "E005"]
    assert failures[1].get("message") == "7:5 E002 unknown key 'ownr'; did you mean 'owner'?"
    assert failures[1].text.startswith("metrics/acme.metrics.yaml:7:5: error E002 schema: unknown key 'ownr'")


# --- text -----------------------------------------------------------------------------------------


def test_text_never_wraps_a_finding_on_a_narrow_terminal(project):
    output = render("text", lint_project(), RenderOptions(width=40, color=True))
    plain = re.sub(r"\x1b\[[0-9;]*m", "", output)
    assert any(
        line.endswith("duplicate key 'owner' (first at line 8); YAML would silently keep only the last one")
        for line in plain.splitlines()
    )
    assert "  9 | " + "    owner: carl" in plain


def test_text_caret_lines_up_under_escaped_and_wide_characters(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.metrics.yaml").write_text('metricspec: 1\nproduct: Acme\nnorth_star: "日本\\e-x"\n', encoding="utf-8")
    report = lint_paths("a.metrics.yaml", select=["E"])
    lines = render("text", report, RenderOptions()).splitlines()
    source = next(i for i, line in enumerate(lines) if line.startswith("    3 | "))
    assert lines[source] == '    3 | north_star: "日本\\e-x"'
    assert lines[source + 1] == "      |             ^^^^^^^^^^"


# --- hostile text in every format -----------------------------------------------------------------


def test_hostile_text_from_a_real_spec_is_inert_in_every_format(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("evil.metrics.yaml").write_text(EVIL_SPEC, encoding="utf-8")
    report = lint_paths("evil.metrics.yaml", select=["E"])
    assert [d.code for d in report.diagnostics] == ["E002", "E005"]
    assert "[/bold]" in report.diagnostics[0].message and "::error::" in report.diagnostics[0].message
    check_inert(report)


def test_hostile_text_in_every_field_is_inert_in_every_format():
    check_inert(evil_report())


def check_inert(report: Report) -> None:
    messages = [d.message for d in report.diagnostics]
    for format in FORMATS:
        output = render(format, report, RenderOptions(show_suppressed=True))
        # --statistics prints a table of codes and names instead of the findings: inert too.
        assert "\x1b" not in render(format, report, RenderOptions(statistics=True)), format
        assert "\r" not in output, format
        if format in ("text", "concise"):
            assert "\x1b" not in output and "\\x1b[31m" in output
            assert "[/bold]" in output
            # Each finding stays on its own line: the user's newline is shown, not obeyed.
            assert not any(line.startswith(("next", "::")) for line in output.splitlines())
        elif format == "json":
            data = json.loads(output)
            assert [d["message"] for d in data["diagnostics"]] == messages
            assert "\x1b" not in output
            assert ("\\u001b" in output) == any("\x1b" in m for m in messages)
        elif format == "sarif":
            log = json.loads(output)
            if (SHARED / "schemas").is_dir():
                assert_valid_sarif(output)
            texts = [r["message"]["text"] for r in log["runs"][0]["results"] if "suppressions" not in r]
            assert [t.split("\nhelp: ")[0] for t in texts] == messages
            assert "\x1b" not in output
        elif format == "junit":
            root = ET.fromstring(output)
            assert "\x1b" not in output
            failures = list(root.iter("failure"))
            assert len(failures) == len(report.diagnostics)
            expected = re.sub("[\x00-\x08\x0b-\x1f]", lambda m: repr(m.group())[1:-1], messages[0])
            assert failures[0].get("message").endswith(expected)
            assert "[/bold]" in expected and "::error::" in expected
        elif format == "github":
            check_github_lines(output, report)


COMMAND = re.compile(r"^::(error|warning|notice) ((?:[A-Za-z]+=[^:,\r\n]*)(?:,[A-Za-z]+=[^:,\r\n]*)*)::([^\r\n]*)$")


def check_github_lines(output: str, report: Report) -> None:
    lines = output.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(report.diagnostics)
    assert lines[: len(commands)] == commands and lines[-1].startswith("metricspec: ")
    for line, diagnostic in zip(commands, report.diagnostics):
        match = COMMAND.match(line)
        assert match, line
        assert "\x1b" not in line
        properties = dict(part.split("=", 1) for part in match.group(2).split(","))
        assert set(properties) == {"file", "line", "col", "endLine", "endColumn", "title"}
        data = unescape(match.group(3))
        assert data.startswith(visible(diagnostic.message))
        assert unescape(properties["file"]) == visible(diagnostic.path)
        assert unescape(properties["title"]) == f"{diagnostic.code} {diagnostic.name}"


def visible(text: str) -> str:
    return "".join(ch if ch.isprintable() or ch in " \r\n" else repr(ch)[1:-1] for ch in text)


def unescape(value: str) -> str:
    """What the Actions runner does to a property or the data of a command."""
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, plain)
    return value


# --- through the command line ---------------------------------------------------------------------


@pytest.mark.parametrize("format", FORMATS)
def test_cli_format_and_output_file(project, format):
    target = project / "out" / f"report.{format}"
    target.parent.mkdir()
    result = CliRunner().invoke(
        app,
        ["lint", "metrics/acme.metrics.yaml", "metrics/clean.metrics.yaml", "--select", "E,M",
         "--format", format, "--output", str(target)],
        catch_exceptions=False,
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert normalise(target.read_bytes().decode("utf-8")) == (GOLDEN / GOLDEN_NAMES[format]).read_bytes().decode("utf-8")
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name], "no temporary file left behind"


def test_cli_chooses_github_under_github_actions(project):
    args = ["lint", "metrics/acme.metrics.yaml", "metrics/clean.metrics.yaml", "--select", "E,M"]
    runner = CliRunner()
    chosen = runner.invoke(app, args, env={"GITHUB_ACTIONS": "true"}, catch_exceptions=False)
    assert chosen.exit_code == 1
    assert normalise(chosen.stdout) == (GOLDEN / GOLDEN_NAMES["github"]).read_text(encoding="utf-8")
    explicit = runner.invoke(app, [*args, "--format", "concise"], env={"GITHUB_ACTIONS": "true"}, catch_exceptions=False)
    assert explicit.stdout.startswith("metrics/acme.metrics.yaml:3:13: E004 [error] ")
    outside = runner.invoke(app, args, env={"GITHUB_ACTIONS": "false"}, catch_exceptions=False)
    assert outside.stdout.startswith("metrics/acme.metrics.yaml\n")
