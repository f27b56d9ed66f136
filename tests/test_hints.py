"""Root cause first (issue 16, item 4): E002 says where a misplaced key belongs and which key a
synonym stands for; E001 points at the line to fix with a hint; `--format concise` carries the
severity; long user text is not echoed whole. Each test runs `metricspec lint` as a user does
and reads the code, line, column, message and help it prints."""

from __future__ import annotations

import json

import pytest
import yaml

from metricspec import vocabulary, yaml_events

HEAD = "metricspec: 1\nproduct: Acme\nowner: ana\nreview: monthly\n"
NODE = HEAD + "objectives:\n  - id: revenue\n    title: Grow revenue\n"  # a node's keys at column 5
METRIC = NODE + "    metrics:\n      - id: arr\n        name: Annual recurring revenue\n"  # column 9
MOVE_HELP = "Indentation decides which item a key belongs to: line it up with that item's keys."
FREE_HELP = "Keys starting with 'x-' are free for your own extensions."


def lint_json(run, write, text: str, *args: str) -> list[dict]:
    write("a.metrics.yaml", text)
    result = run("lint", "a.metrics.yaml", "--format", "json", "--today", "2026-12-01", *args)
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)["diagnostics"]


def e002(run, write, text: str) -> list[tuple[int, int, str, str]]:
    return [(d["line"], d["column"], d["message"], d["help"])
            for d in lint_json(run, write, text, "--select", "E") if d["code"] == "E002"]


# --- a key at the wrong indentation says where it belongs -----------------------------------

@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (NODE + "    target:\n      value: 3\n", 8, 5,
         "'target' belongs on a metric: is it indented under `metrics:`?"),
        (NODE + "    kind: lagging\n", 8, 5, "'kind' belongs on a metric: is it indented under `metrics:`?"),
        (NODE + "    north_star: arr\n", 8, 5,
         "'north_star' belongs at the top level of the file: is it indented too far?"),
        (METRIC + "        value: 3\n", 11, 9,
         "'value' belongs in a metric's `target:`: is it indented under `target:`?"),
        (METRIC + "        by: 2027-06-30\n", 11, 9,
         "'by' belongs in a metric's `target:`: is it indented under `target:`?"),
        (METRIC + "        parent: revenue\n", 11, 9,
         "'parent' belongs on a node (an objective, goal, outcome or behavior): is it indented too far?"),
        (METRIC + "        goals: []\n", 11, 9,
         "'goals' belongs on an objective or at the top level of the file: is it indented too far?"),
        (METRIC + "        product: Acme\n", 11, 9,
         "'product' belongs at the top level of the file: is it indented too far?"),
        (METRIC + "        target:\n          value: 3\n          unit: USD\n", 13, 11,
         "'unit' belongs on a metric: is it indented too far?"),
        (METRIC + "        result: 3\n", 11, 9, "'result' belongs in a `history` entry: is it indented under `history:`?"),
        (HEAD + "title: Acme\nobjectives: []\n", 5, 1,
         "'title' belongs on a node (an objective, goal, outcome or behavior): is it indented under an item of `objectives:`?"),
        (NODE + "    review: weekly\n", 8, 5, "'review' belongs at the top level of the file or on a metric"),
    ],
    ids=["target-on-node", "metric-key-on-node", "document-key-on-node", "value-on-metric", "by-on-metric",
         "node-key-on-metric", "node-list-on-metric", "document-key-on-metric", "metric-key-in-target",
         "history-key-on-metric", "node-key-at-top", "two-homes"],
)
def test_a_misplaced_key_says_where_it_belongs(run, write, text, line, column, message):
    assert e002(run, write, text) == [(line, column, message, MOVE_HELP)]


def test_the_homes_come_from_the_vocabulary_tables(run, write):
    # Every key only a metric takes is sent to a metric, none left out or added: the answer is
    # derived from vocabulary's METRIC, NODE and DOCUMENT, not from a second list.
    elsewhere = {field.name for field in (*vocabulary.NODE, *vocabulary.DOCUMENT)}
    metric_only = [field.name for field in vocabulary.METRIC if field.name not in elsewhere]
    assert {"name", "kind", "unit", "target", "query"} <= set(metric_only)
    text = NODE + "".join(f"    {name}: x\n" for name in metric_only)
    found = e002(run, write, text)
    assert [(line, message) for line, _, message, _ in found] == [
        (8 + index, f"'{name}' belongs on a metric: is it indented under `metrics:`?")
        for index, name in enumerate(metric_only)
    ]


def test_the_misplaced_target_is_not_taken_for_a_typo_of_tags(run, write):
    # difflib finds `tags` close to `target` (0.6): the old message guessed a typo.
    [(_, _, message, _)] = e002(run, write, NODE + "    target:\n      value: 3\n")
    assert "tags" not in message


# --- synonyms, typos and the generic help ------------------------------------------------------

def test_a_synonym_gets_its_key_and_folds_what_its_key_explains(run, write):
    found = lint_json(run, write, METRIC + "        type: lagging\n")
    [root] = [d for d in found if d["code"] == "E002"]
    assert (root["line"], root["column"], root["message"]) == (11, 9, "unknown key 'type'; did you mean 'kind'?")
    assert root["help"] == "Rename it `kind`: a key the format does not know is not read."
    # P004 (no `kind`) and H005 (no lagging metric on its objective) only follow from the
    # unread key: one root cause, one finding.
    assert [(r["code"], r["subject"]) for r in root["related"]] == [("H005", "revenue"), ("P004", "arr")]
    assert not {"P004", "H005"} & {d["code"] for d in found}


@pytest.mark.parametrize(
    ("text", "line", "column", "message", "help"),
    [
        (METRIC + "        desc: ARR\n", 11, 9, "unknown key 'desc'; did you mean 'description'?",
         "Rename it `description`: a key the format does not know is not read."),
        (METRIC + "        target:\n          goal: 3\n", 12, 11, "unknown key 'goal'; did you mean 'value'?",
         "Rename it `value`: a key the format does not know is not read."),
        (METRIC + "        deadline: 2027-06-30\n", 11, 9,
         "unknown key 'deadline'; did you mean 'by', in a metric's `target:`?", "Write it under `target:` as `by:`."),
        (NODE + "    owners: ana\n", 8, 5, "unknown key 'owners'; did you mean 'owner'?",
         "Rename it `owner`: a key the format does not know is not read."),
        (NODE + "    tagret:\n      value: 3\n", 8, 5,
         "unknown key 'tagret'; did you mean 'target'? It belongs on a metric", MOVE_HELP),
        (NODE + "    ownr: ana\n", 8, 5, "unknown key 'ownr'; did you mean 'owner'?",
         "Rename it `owner`: a key the format does not know is not read."),
        (NODE + "    colour: red\n", 8, 5, "unknown key 'colour'", FREE_HELP),
    ],
    ids=["synonym", "synonym-in-target", "synonym-of-a-target-key", "synonym-on-node", "typo-of-another-level",
         "typo", "nothing-found"],
)
def test_the_x_help_only_when_nothing_was_found(run, write, text, line, column, message, help):
    assert e002(run, write, text) == [(line, column, message, help)]


NAMED_NODE = NODE.replace("    title: ", "    name: ") + "    metrics:\n      - id: arr\n        name: ARR\n"


@pytest.mark.parametrize(("text", "line", "column", "message", "fixed"), [
    (METRIC.replace("        name: ", "        title: "), 10, 9,
     "unknown key 'title'; did you mean 'name'? A metric's title is its `name`", METRIC),
    (NAMED_NODE, 7, 5, "unknown key 'name'; did you mean 'title'? A node's name is its `title`",
     NAMED_NODE.replace("    name: ", "    title: ", 1)),
], ids=["title-on-a-metric", "name-on-a-node"])
def test_a_title_written_for_a_name_is_one_finding_and_a_safe_fix(run, write, tmp_path, text, line, column, message,
                                                                  fixed):
    """A metric's `name` and a node's `title` are each written for the other: a misplaced key of
    the other level it is not, and the item's missing required key follows from it."""
    [root] = lint_json(run, write, text, "--select", "E")
    assert (root["line"], root["column"], root["message"]) == (line, column, message)
    assert [(r["code"], r["line"]) for r in root["related"]] == [("E002", line - 1)]  # at the item's `id:`
    result = run("lint", "a.metrics.yaml", "--fix", "--select", "E", "--today", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.metrics.yaml").read_text() == fixed


def test_a_title_beside_a_name_is_still_read_as_misplaced(run, write):
    # With its own `name`, a metric's `title:` is another level's key: the node's, indented too far.
    assert e002(run, write, METRIC + "        title: ARR\n") == [
        (11, 9, "'title' belongs on a node (an objective, goal, outcome or behavior): is it indented too far?", MOVE_HELP)]


def test_key_synonyms_is_the_agreed_table():
    # Defined for E002 here and for --fix by another change: one table, the same text.
    assert vocabulary.KEY_SYNONYMS == {"type": "kind", "desc": "description", "deadline": "by", "goal": "value",
                                       "target_value": "value", "owners": "owner", "unit_of_measure": "unit"}


# --- YAML syntax errors: a hint, at the line to fix -------------------------------------------

@pytest.fixture(params=["libyaml", "pure"])
def parser(request, monkeypatch):
    """Both parsers give the same hint at the same place."""
    if request.param == "libyaml":
        if not getattr(yaml, "__with_libyaml__", False):
            pytest.skip("PyYAML is built without libyaml here")
        from yaml.cyaml import CParser

        monkeypatch.setattr(yaml_events, "EventParser", CParser)
    else:
        monkeypatch.setattr(yaml_events, "EventParser", yaml_events.PureParser)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (NODE + "    owner growth-team\n    metrics: []\n",
         "a.metrics.yaml:8:10: E001 [error] invalid YAML: missing ':' after 'owner'?"),
        (HEAD + "product Acme\n", "a.metrics.yaml:5:8: E001 [error] invalid YAML: missing ':' after 'product'?"),
        (HEAD + "objectives:\n  - id revenue\n    title: Grow\n",
         "a.metrics.yaml:6:7: E001 [error] invalid YAML: missing ':' after 'id'?"),
        (NODE.replace("title: Grow revenue", "title: Grow: revenue"),
         "a.metrics.yaml:7:16: E001 [error] invalid YAML: a value holding ': ' must be quoted"),
        (NODE.replace("title: Grow revenue", "title: Grow revenue\n      in 2027: twice") + "    owner: ana\n",
         "a.metrics.yaml:8:14: E001 [error] invalid YAML: a value holding ': ' must be quoted"),
        (NODE.replace("title: Grow revenue", 'title: "Grow revenue') + "    owner: ana\n",
         "a.metrics.yaml:7:12: E001 [error] invalid YAML: a quote opened at line 7, column 12 is never closed"),
        (HEAD.replace("product: Acme", "product: 'Acme") + "objectives:\n  - id: 'a'\n",
         "a.metrics.yaml:2:10: E001 [error] invalid YAML: the quote opened at line 2, column 10 runs on "
         "to line 6: is its closing ' missing?"),
        (HEAD.replace("product: Acme", 'product: "Acme" Corp'),
         "a.metrics.yaml:2:17: E001 [error] invalid YAML: text after the closing quote of a quoted value"),
    ],
    ids=["missing-colon", "missing-colon-at-the-end", "missing-colon-in-an-item", "colon-in-a-value",
         "colon-in-a-value-run-on",
         "quote-never-closed", "quote-closed-lines-later", "text-after-a-quote"],
)
def test_a_syntax_error_has_a_hint_at_its_line(run, write, parser, text, expected):
    write("a.metrics.yaml", text)
    result = run("lint", "a.metrics.yaml", "--format", "concise")
    assert (result.exit_code, result.stdout) == (1, expected + "\n")


def test_the_hints_help_says_what_to_write(run, write, parser):
    found = lint_json(run, write, NODE.replace("title: Grow revenue", "title: Grow: revenue"))
    assert [d["help"] for d in found] == ["Quote a value holding ': ', as in `title: \"Grow: revenue\"`."]
    found = lint_json(run, write, NODE + "    owner growth-team\n    metrics: []\n")
    assert [d["help"] for d in found] == ["Write `owner: <value>`: a key is followed by ':' and a space."]


def test_the_text_report_shows_the_line_missing_its_colon(run, write):
    write("a.metrics.yaml", NODE + "    owner growth-team\n    metrics: []\n")
    result = run("lint", "a.metrics.yaml")
    assert "    8 |     owner growth-team\n      |          ^\n" in result.stdout


# --- concise carries the severity -------------------------------------------------------------

def test_concise_lines_carry_the_severity(run, write):
    write("a.metrics.yaml", METRIC + "        kind: lagging\n")
    result = run("lint", "a.metrics.yaml", "--format", "concise", "--select", "ALL", "--today", "2026-12-01")
    lines = result.stdout.splitlines()
    assert "a.metrics.yaml:6:9: H002 [warning] objective 'revenue' (\"Grow revenue\") breaks the line of sight: " \
           "it has no goals" in lines
    assert any(line.startswith("a.metrics.yaml:9:13: V003 [info] ") for line in lines)
    # The severity is what decides the exit code: every line says it.
    assert all(line.split(" ")[2] in ("[error]", "[warning]", "[info]") for line in lines), lines


# --- long user text is not echoed whole -----------------------------------------------------

def test_e006_cuts_a_long_version_short(run, write):
    write("a.metrics.yaml", "metricspec: " + "9" * 5000 + "\n")
    result = run("lint", "a.metrics.yaml", "--format", "concise")
    assert (result.exit_code, result.stdout) == (
        1, "a.metrics.yaml:1:13: E006 [error] unsupported format version '" + "9" * 40 + "…'; "
        "this metricspec reads version 1\n")


def test_a_baseline_with_a_huge_number_is_one_line(run, write):
    write("a.metrics.yaml", HEAD + "objectives: []\n")
    write("base.json", '{"metricspec-baseline": 1,\n "findings": [{"path": "a", "code": "E001", "n": ' + "9" * 5000 + "}]}\n")
    result = run("lint", "a.metrics.yaml", "--baseline", "base.json")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "metricspec: error: base.json:2: invalid JSON: a number with more digits than can be read; "
        "not a readable baseline\n")
