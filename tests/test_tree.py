"""`metricspec tree`: the hierarchy with kinds, targets and findings, as text and as Mermaid."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from metricspec.cli import app
from metricspec.scaffold.templates import render
from metricspec.tree import mermaid_label

DAY = dt.date(2026, 6, 1)

COMPANY = """\
metricspec: 1
product: Acme
stage: growth
owner: ana
review: monthly
north_star: weekly-builders
objectives:
  - id: revenue
    title: Grow ARR from $4M to $5M
    metrics:
      - id: arr
        name: Annual recurring revenue
        kind: lagging
        unit: USD
        pairs_with: weekly-builders
        target: {baseline: 4_000_000, value: 5_000_000, by: 2027-03-31}
      - id: weekly-builders
        name: Weekly builders
        kind: leading
        unit: count
"""

TEAM = """\
metricspec: 1
goals:
  - id: adoption
    parent: revenue
    title: 'Make "reports" <b>weekly</b> & #1'
    metrics:
      - id: end
        name: Share of teams that end a week with a report
        kind: leading
        unit: percent
        pairs_with: arr
        target: {baseline: 12.5, value: 20, by: 2027-01-31}
"""


@pytest.fixture
def run(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    runner = CliRunner()

    def _run(*args: str):
        return runner.invoke(app, [*args, "--today", DAY.isoformat()], catch_exceptions=False)

    return _run


def _line(out: str, needle: str) -> str:
    return next(line for line in out.splitlines() if needle in line)


def test_tree_draws_levels_kinds_targets_and_marks(run, write):
    write("metricspec.toml", 'select = ["T001", "H002"]\n')  # marks from two rules, whatever else lands
    write("company.metrics.yaml", COMPANY)
    write("team.metrics.yaml", TEAM)
    result = run("tree")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert _line(out, "company.metrics.yaml").startswith("company.metrics.yaml  Acme, growth stage  ★ weekly-builders")
    assert "objective revenue  Grow ARR from $4M to $5M" in out
    arr = _line(out, "◆ arr")
    assert "lagging  4,000,000 → 5,000,000 USD by 2027-03-31" in arr and "✓" in arr
    builders = _line(out, "weekly-builders  leading")
    assert builders.lstrip("│├└─ ").startswith("★ weekly-builders  leading  no target  ⚠")
    assert "T001" in builders
    # The goal of team.metrics.yaml hangs under its parent in company.metrics.yaml.
    goal = _line(out, "goal adoption")
    assert "(team.metrics.yaml)" in goal
    assert out.index("objective revenue") < out.index("goal adoption") < out.index("◆ end")
    assert "12.5 → 20% by 2027-01-31" in _line(out, "◆ end")
    assert "its nodes are drawn under their parents" in out
    # Tree guides show the nesting: the goal sits one level below the objective.
    assert _indent(goal) > _indent(_line(out, "objective revenue"))


def _indent(line: str) -> int:
    return len(re.match(r"^[│├└─ ]*", line).group(0))


def test_tree_of_a_template(run, write):
    write("metrics/acme.metrics.yaml", render("minimal", "Acme", "mvp", DAY))
    out = run("tree").stdout
    for level in ("objective paying-customer-base", "goal weekly-habit", "outcome first-result-day-one",
                  "behavior completes-setup"):
        assert level in out
    assert "★ weekly-active-accounts  leading  150 → 400 count by 2027-03-31  ✓" in out
    assert "⚠" not in out and "✖" not in out


def test_files_that_cannot_be_drawn_are_named(run, write):
    write("broken.metrics.yaml", "metricspec: 1\nobjectives: [\n")
    result = run("tree", "broken.metrics.yaml")
    assert result.exit_code == 0
    assert "broken.metrics.yaml  not drawn: ✖ E001" in result.stdout


def test_missing_path_is_a_usage_error(run):
    result = run("tree", "nowhere")
    assert result.exit_code == 2 and "no such file or directory" in result.stderr


def test_mermaid(run, write):
    write("metricspec.toml", 'select = ["T001", "H002"]\n')
    write("company.metrics.yaml", COMPANY)
    write("team.metrics.yaml", TEAM)
    result = run("tree", "--format", "mermaid")
    assert result.exit_code == 0
    out = result.stdout
    lines = out.splitlines()
    assert lines[0] == "flowchart TD"
    assert '  n_revenue["Objective: Grow ARR from $4M to $5M<br/>revenue"]' in lines
    # Quotes, markup and entity starts in titles are escaped; the id `end` (a Mermaid keyword) is prefixed.
    assert any(line.startswith('  n_adoption("Goal: Make #34;reports#34; #60;b#62;weekly#60;/b#62; #38; #35;1<br/>adoption')
               for line in lines)
    assert any(line.startswith('  m_end[("Share of teams that end a week with a report<br/>leading, 12.5 to 20% by 2027-01-31")]')
               for line in lines)
    assert any(line.startswith('  m_weekly_builders[("North star: Weekly builders<br/>leading, no target<br/>warning: ')
               for line in lines)
    assert "  n_revenue --> n_adoption" in lines
    assert "  n_revenue -.- m_arr" in lines and "  n_adoption -.- m_end" in lines
    assert re.search(r"^  class .*m_weekly_builders.* finding$", out, re.MULTILINE)
    # Every label is one line and closes its own quote.
    for line in lines:
        if '"' in line:
            assert line.count('"') == 2, line


def test_mermaid_ids_are_unique_and_safe(run, write):
    write("a.metrics.yaml", "metricspec: 1\nobjectives:\n  - {id: a-b, title: One}\n  - {id: a_b, title: Two}\n")
    out = run("tree", "--format", "mermaid").stdout
    ids = re.findall(r"^  (\w+)\[", out, re.MULTILINE)
    assert ids == ["n_a_b", "n_a_b_2"]


@pytest.mark.parametrize("text, expected", [
    ('say "hi"', "say #34;hi#34;"),
    ("a\nb  c", "a b c"),
    ("<script>", "#60;script#62;"),
    ("`md`", "#96;md#96;"),
    ("#quot;", "#35;quot;"),
])
def test_mermaid_label(text, expected):
    assert mermaid_label(text) == expected


def _tree_process(tmp_path, encoding: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "metricspec", "tree", "--today", DAY.isoformat(), *args],
                          cwd=tmp_path, capture_output=True, env=env, timeout=60)


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_tree_on_a_console_without_its_symbols(write, tmp_path, encoding):
    """A Windows console (cp1252) printed 'internal error: UnicodeEncodeError ... \\u2605', exit 2."""
    write("metricspec.toml", 'select = ["T001", "H002"]\n')
    write("company.metrics.yaml", COMPANY.replace("Grow ARR", "Grow ARR \U0001F680 Café"))
    write("team.metrics.yaml", TEAM)
    proc = _tree_process(tmp_path, encoding)
    assert (proc.returncode, proc.stderr) == (0, b"")
    out = proc.stdout.decode(encoding)
    assert out.startswith("company.metrics.yaml  Acme, growth stage  * weekly-builders\n")
    assert "4,000,000 -> 5,000,000 USD by 2027-03-31  ok  Annual recurring revenue" in _line(out, "- arr  lagging")
    assert _line(out, "* weekly-builders  leading  no target  ! ")
    cafe = "Café" if encoding == "cp1252" else "Caf?"
    assert f"objective revenue  Grow ARR ? {cafe} from $4M to $5M" in out  # what it cannot show, as '?'
    assert re.fullmatch(r"    [`+]-- goal adoption  .*", _line(out, "goal adoption"))  # ASCII guides, same nesting
    team_only = _tree_process(tmp_path, encoding, "team.metrics.yaml").stdout.decode(encoding)
    assert "goal adoption  Make \"reports\" <b>weekly</b> & #1  ^ revenue (not found)  x E004" in team_only


def test_mermaid_on_a_console_without_a_titles_characters(write, tmp_path):
    write("a.metrics.yaml", "metricspec: 1\nobjectives:\n  - {id: stars, title: \"\u2605 Grow \u00e9\"}\n")
    proc = _tree_process(tmp_path, "cp1252", "--format", "mermaid")
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert '  n_stars["Objective: #9733; Grow \u00e9<br/>stars' in proc.stdout.decode("cp1252")


STATUSES = """\
metricspec: 1
product: |
  Acme
  Labs
objectives:
  - id: old-revenue
    title: |
      Grow revenue
      from the old plan
    status: deprecated
    metrics:
      - id: old-arr
        name: >
          Annual recurring
          revenue
        kind: lagging
        unit: USD
        status: deprecated
  - id: new-revenue
    title: New revenue
    status: proposed
"""


def test_a_title_written_over_several_lines_keeps_the_tree_whole(run, write):
    write("a.metrics.yaml", STATUSES)
    out = run("tree").stdout
    assert out.splitlines()[:3] == [
        "a.metrics.yaml  Acme Labs",
        "├── objective old-revenue  Grow revenue from the old plan  (deprecated)",
        "│   └── ◆ old-arr  lagging  no target  (deprecated)  ✓  Annual recurring revenue",
    ]
    assert out.splitlines()[3].startswith("└── objective new-revenue  New revenue  (proposed)")
    assert len(out.splitlines()) == 4


def test_mermaid_marks_what_is_not_active_as_the_text_tree_does(run, write):
    write("a.metrics.yaml", STATUSES)
    lines = run("tree", "--format", "mermaid").stdout.splitlines()
    assert '  n_old_revenue["Objective: Grow revenue from the old plan (deprecated)<br/>old-revenue"]' in lines
    assert '  m_old_arr[("Annual recurring revenue<br/>lagging, no target (deprecated)")]' in lines
    assert any(line.startswith('  n_new_revenue["Objective: New revenue (proposed)<br/>new-revenue<br/>') for line in lines)


# Sequences a spec could hold to drive the terminal that shows it: clear the screen, set the
# window's title (OSC ... BEL), a C1 control sequence introducer, a right-to-left override.
HOSTILE = """\
metricspec: 1
product: "Acme\\e]0;pwned\\a"
owner: ana
objectives:
  - id: revenue
    title: "Grow \\e[2J\\e[H revenue \\x9b31m"
    metrics:
      - id: arr
        name: "ARR \\u202eevil"
        kind: lagging
        unit: "USD\\e[31m"
        target: {value: 1200000, by: 2027-06-30}
"""


@pytest.mark.parametrize("format", ["text", "mermaid"])
def test_control_characters_from_a_spec_are_shown_escaped(run, write, format):
    write("a\x1b[1m.metrics.yaml", HOSTILE)
    result = run("tree", "--today", "2026-06-01", "--format", format)
    assert result.exit_code == 0
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in result.stdout
    for shown in (r"Grow \x1b[2J\x1b[H revenue \x9b31m", r"ARR \u202eevil", r"USD\x1b[31m", r"a\x1b[1m.metrics.yaml"):
        assert shown in result.stdout
    if format == "text":
        assert r"Acme\x1b]0;pwned\x07" in result.stdout


def test_a_file_that_cannot_be_drawn_is_named_escaped(run, write):
    write("b\x1b[2J.metrics.yaml", "metricspec: 1\nobjectives: [\n")
    result = run("tree", "b\x1b[2J.metrics.yaml")
    assert "\x1b" not in result.stdout and r"b\x1b[2J.metrics.yaml" in result.stdout
