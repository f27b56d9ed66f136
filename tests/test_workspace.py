"""Structure across the workspace: ids, references, positions, which files count."""

from __future__ import annotations

import subprocess

from metricspec.config import load as load_config
from tests.conftest import findings, lint_paths

HEAD = "metricspec: 1\nproduct: Acme\n"


def test_duplicate_id_across_files_names_both_places(write):
    a = write("a.metrics.yaml", HEAD + "objectives:\n  - id: revenue\n    title: Grow revenue\n")
    b = write("b.metrics.yaml", HEAD + "goals:\n  - id: revenue\n    title: Improve adoption\n")
    report = lint_paths(a, b, select=["E"])
    # Reported at both places, each naming the other: a hook that names either file sees it.
    assert [(d.code, d.path.rsplit("/", 1)[-1], d.line) for d in report.diagnostics] == [
        ("E003", "a.metrics.yaml", 4), ("E003", "b.metrics.yaml", 4)]
    first, second = report.diagnostics
    assert "b.metrics.yaml:4" in first.message and "a.metrics.yaml:4" in second.message


def test_references_resolve_across_files_and_report_wrong_kinds(write):
    write(
        "company.metrics.yaml",
        HEAD + "objectives:\n  - id: revenue\n    title: Grow revenue\n    metrics:\n"
        "      - id: arr\n        name: Annual recurring revenue\n",
    )
    team = write(
        "team.metrics.yaml",
        HEAD
        + "north_star: revenue\n"  # a node, not a metric
        + "goals:\n"
        + "  - id: adoption\n    parent: revenue\n    title: Improve adoption\n"
        + "    metrics:\n      - id: reports\n        name: Reports built\n"
        + "        pairs_with: [arr, nowhere]\n        guardrails: [adoption]\n"
        + "outcomes:\n  - id: fast-reports\n    parent: revenue\n    title: Build reports fast\n",
    )
    report = lint_paths(team.parent, select=["E"])
    assert findings(report) == [
        ("E004", None, 3),
        ("E004", "reports", 11),
        ("E004", "reports", 12),
        ("E004", "fast-reports", 15),
    ]
    messages = [d.message for d in report.diagnostics]
    assert messages[0] == "north_star 'revenue' is an objective, not a metric"
    assert "names no metric" in messages[1]
    assert "is a goal, not a metric" in messages[2]
    assert "not a goal" in messages[3]


def test_nested_parent_that_contradicts_the_holder(write):
    spec = write(
        "a.metrics.yaml",
        HEAD
        + "objectives:\n  - id: revenue\n    title: Grow revenue\n    goals:\n"
        + "      - id: adoption\n        title: Improve adoption\n        parent: other\n"
        + "      - id: retention\n        title: Keep teams\n        parent: revenue\n",
    )
    assert findings(lint_paths(spec, select=["E"])) == [("E004", "adoption", 9)]


def test_positions_of_schema_problems(write):
    spec = write(
        "a.metrics.yaml",
        HEAD
        + "objectives:\n  - id: revenue\n    title: Grow revenue\n    ownr: ana\n    x-team: growth\n"
        + "    metrics:\n      - id: arr\n        name: ARR\n        kind: laging\n"
        + "        target: {value: 12.5, by: 2027-06-31}\n",
    )
    report = lint_paths(spec, select=["E"])
    got = [(d.code, d.subject, d.line, d.column, d.message) for d in report.diagnostics]
    assert got == [
        ("E002", "revenue", 6, 5, "unknown key 'ownr'; did you mean 'owner'?"),
        ("E002", "arr", 11, 15, "kind: 'laging' is not one of leading, lagging; did you mean 'lagging'?"),
        ("E002", "arr", 12, 35, "target.by: '2027-06-31' is not a real date (day is out of range for month)"),
    ]


def test_yaml_11_words_stay_text(write):
    spec = write(
        "a.metrics.yaml",
        HEAD
        + "objectives:\n  - id: revenue\n    title: NO\n    owner: on\n    tags: [NO, yes, 1:30, 010]\n"
        + "    metrics:\n      - id: arr\n        name: 1:30\n        target: {value: 010}\n",
    )
    report = lint_paths(spec, select=["E"])
    assert findings(report) == []


def test_named_file_without_metricspec_key_is_e006_but_walked_ones_are_skipped(write):
    other = write("config/ci.yaml", "jobs: {}\n")
    spec = write("metrics/a.metrics.yaml", HEAD + "objectives: []\n")
    assert findings(lint_paths(other)) == [("E006", None, 1)]
    assert findings(lint_paths(other, skip_unrecognized=True)) == []
    walked = lint_paths(other.parent.parent, select=["E"])
    assert walked.files == 1
    assert findings(lint_paths(spec, select=["E"])) == []


def test_unsupported_version_is_e006(write):
    spec = write("a.metrics.yaml", "metricspec: 2\nobjectives: []\n")
    report = lint_paths(spec)
    assert findings(report) == [("E006", None, 1)]
    assert "unsupported format version '2'" in report.diagnostics[0].message


def test_named_file_references_resolve_against_the_rest_of_the_repository(write, monkeypatch):
    """The pre-commit case: only the changed file is named; its references live elsewhere."""
    base = write(
        "metrics/company.metrics.yaml",
        HEAD + "objectives:\n  - id: revenue\n    title: Grow revenue\n    metrics:\n"
        "      - id: arr\n        name: Annual recurring revenue\n        pairs_with: nowhere\n",
    )
    changed = write(
        "metrics/team/adoption.metrics.yaml",
        HEAD + "goals:\n  - id: adoption\n    parent: revenue\n    title: Improve adoption\n"
        "    metrics:\n      - id: reports\n        name: Reports built\n        pairs_with: arr\n",
    )
    subprocess.run(["git", "init", "-q", str(base.parent.parent)], check=True)
    monkeypatch.chdir(changed.parent)
    report = lint_paths(changed, select=["E"])
    # No E004 for `revenue` or `arr`, and nothing reported for the unnamed file's own problem.
    assert findings(report) == []
    assert report.files == 1


def test_pairs_named_from_an_unchanged_file_count_for_the_named_file(write, monkeypatch):
    """A pair counts for both ends: the lagging partner naming this leading metric lives elsewhere."""
    write(
        "metrics/company.metrics.yaml",
        HEAD + "objectives:\n  - id: revenue\n    title: Grow revenue\n    metrics:\n"
        "      - id: arr\n        name: Annual recurring revenue\n        kind: lagging\n"
        "        pairs_with: reports\n"
        # A stale copy of `reports` in another file must not be linked in its place.
        "  - id: old\n    title: Old objective\n    metrics:\n"
        "      - id: weekly-builders\n        name: Old copy\n        kind: leading\n        pairs_with: arr\n",
    )
    changed = write(
        "metrics/team/adoption.metrics.yaml",
        HEAD + "goals:\n  - id: adoption\n    parent: revenue\n    title: Improve adoption\n"
        "    metrics:\n      - id: reports\n        name: Reports built\n        kind: leading\n"
        "      - id: weekly-builders\n        name: Weekly report builders\n        kind: leading\n",
    )
    subprocess.run(["git", "init", "-q", str(changed.parent.parent.parent)], check=True)
    report = lint_paths(changed, select=["E", "P"])
    # The copy is a clash the full run reports too (CLI.md: a hook run and a full run agree).
    assert findings(report) == [("E003", "weekly-builders", 11), ("P001", "weekly-builders", 13)]


def test_a_named_file_clashing_with_the_rest_of_the_workspace_is_e003(write, monkeypatch):
    """The pre-commit case: the changed file reuses an id an unchanged file defines, whether
    the workspace is the config's `include` or the repository's spec files."""
    write("metrics/a.metrics.yaml", HEAD + "objectives:\n  - id: revenue\n    title: Grow revenue\n"
          "    metrics:\n      - id: arr\n        name: ARR\n")
    changed = write("metrics/b.metrics.yaml", HEAD + "goals:\n  - id: adoption\n    parent: revenue\n"
                    "    title: Improve adoption\n    metrics:\n      - id: arr\n        name: Another ARR\n")
    subprocess.run(["git", "init", "-q", str(changed.parent.parent)], check=True)
    monkeypatch.chdir(changed.parent.parent)
    assert findings(lint_paths(changed, select=["E"])) == [("E003", "arr", 8)]
    config = load_config(write("metricspec.toml", 'include = ["metrics/**/*.yaml"]\n'))
    hook = lint_paths(changed, select=["E"], config=config)
    assert findings(hook) == [("E003", "arr", 8)]
    assert hook.diagnostics[0].path == "metrics/b.metrics.yaml"
    assert "also at metrics/a.metrics.yaml:7" in hook.diagnostics[0].message
    # The same finding as a run over the whole workspace.
    full = lint_paths(changed.parent, select=["E"], config=config)
    assert [(d.code, d.path, d.line) for d in full.diagnostics] == [
        ("E003", "metrics/a.metrics.yaml", 7), ("E003", "metrics/b.metrics.yaml", 8)]


def test_an_id_that_is_not_a_slug_is_e002_and_read_as_its_slug(write):
    """The item, its children and the references to it stay in the run: no rule then says that
    a metric has no `pairs_with` or that no metric is lagging, which would not be so."""
    spec = write(
        "a.metrics.yaml",
        HEAD + "north_star: wau\n"
        "objectives:\n  - id: Revenue Goal\n    title: Grow revenue\n    metrics:\n"
        "      - {id: ARR, name: Annual recurring revenue, kind: lagging}\n"
        "      - {id: wau, name: Weekly active users, kind: leading, pairs_with: ARR, guardrails: [ARR]}\n"
        "  - id: '!!!'\n    title: Nothing to save\n",
    )
    report = lint_paths(spec, select=["E", "P", "B002", "H005"])
    assert findings(report) == [
        ("E002", "Revenue Goal", 5), ("E002", "ARR", 8), ("E002", "wau", 9), ("E002", "wau", 9),
        ("E002", "!!!", 10),
    ]
    messages = [d.message for d in report.diagnostics]
    assert messages[0] == "id: 'Revenue Goal' is not a valid id; did you mean 'revenue-goal'?"
    assert messages[2] == "pairs_with: 'ARR' is not a valid id; did you mean 'arr'?"
    assert messages[4] == "id: '!!!' is not a valid id"
    assert "reads it as 'arr'" in report.diagnostics[1].help
    # Later findings name the item by the slug the run reads.
    h002 = lint_paths(spec, select=["H002"])
    assert [f for f in findings(h002) if f[0] == "H002"] == [("H002", "revenue-goal", 5)]


def test_a_node_list_at_the_wrong_level_says_where_it_belongs(write):
    spec = write(
        "a.metrics.yaml",
        HEAD + "goalz: []\nobjectives:\n  - id: revenue\n    title: Grow revenue\n"
        "    outcomes:\n      - {id: fast, title: Reports in 5 minutes}\n    goal: []\n"
        "goals:\n  - id: adoption\n    parent: revenue\n    title: Adopt\n    goals: []\n",
    )
    report = lint_paths(spec, select=["E"])
    assert [(d.line, d.message, d.help) for d in report.diagnostics] == [
        (3, "unknown key 'goalz'; did you mean 'goals'?", "Rename it `goals`: a key the format does not know is not read."),
        (7, "'outcomes' cannot stand under an objective: an objective holds `goals`, and outcomes belong under a goal",
         "Move them under a goal, or to the top level of the file with `parent: <goal id>`."),
        (9, "unknown key 'goal'; did you mean 'goals'?", "Rename it `goals`: a key the format does not know is not read."),
        (14, "'goals' cannot stand under a goal: a goal holds `outcomes`, and goals belong under an objective",
         "Move them under an objective, or to the top level of the file with `parent: <objective id>`."),
    ]


def test_a_blank_title_or_name_is_e002(write):
    spec = write(
        "a.metrics.yaml",
        HEAD + "objectives:\n  - id: revenue\n    title: ''\n    metrics:\n"
        "      - {id: arr, name: '   '}\n      - {id: mrr}\n  - id: margin\n    title:\n",
    )
    report = lint_paths(spec, select=["E"])
    assert [(d.subject, d.line, d.message) for d in report.diagnostics] == [
        ("revenue", 5, "title: is blank"),
        ("arr", 7, "name: is blank"),
        ("mrr", 8, "a metric is missing the required key 'name'"),
        ("margin", 10, "title: expected text, found an empty value"),
    ]


def test_a_misplaced_or_mistyped_node_list_keeps_the_rest_of_the_file_in_the_run(write):
    """The list is taken out, not the document: its ids still resolve from other files."""
    write(
        "company.metrics.yaml",
        HEAD + "north_star: weekly-buyers\nobjectives:\n  - id: grow-gmv\n    title: Grow GMV\n"
        "    outcomes:\n      - {id: trust, title: Shoppers trust delivery dates}\n"
        "  - id: second\n    title: Grow share\n    metrics: 5\n  - id: third\n    title: Grow more\n    goals: {}\n",
    )
    team = write(
        "team.metrics.yaml",
        HEAD + "goals:\n  - id: checkout\n    parent: grow-gmv\n    title: Lift checkout conversion\n"
        "    metrics:\n      - {id: weekly-buyers, name: Weekly buyers, kind: leading}\n",
    )
    report = lint_paths(team.parent, select=["E", "H003"])
    assert [(d.code, d.path.rsplit("/", 1)[-1], d.line) for d in report.diagnostics] == [
        ("E002", "company.metrics.yaml", 7), ("E002", "company.metrics.yaml", 11),
        ("E002", "company.metrics.yaml", 14),
    ]
