"""One root cause, one finding (RULES.md): follow-on findings fold into their root's `related`.

A vanity metric (V001/V002) folds the pairing, segmenting, decision, review and target advice on
it; an unknown key whose "did you mean" names a known key folds what that key's absence causes.
Folded findings are shown in every format, are not counted, and `--no-fold` reports them.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from metricspec.entry import parse_lint
from metricspec.reporters import RenderOptions, render
from tests.conftest import findings, lint_paths
from tests.test_reporters import assert_valid_sarif

HEAD = "metricspec: 1\nproduct: Acme\nowner: ana\nreview: monthly\nnorth_star: weekly-active-teams\n"
GOOD_METRICS = """\
objectives:
  - id: growth
    title: Grow paid teams to 500 by 2027
    metrics:
      - id: weekly-active-teams
        name: Share of teams active weekly
        kind: leading
        unit: percent
        category: user
        segments: [plan]
        source: amplitude
        decision: A 20% drop pauses launches.
        pairs_with: paid-teams
        guardrails: [paid-teams]
        target: {value: 40, baseline: 30, by: 2027-01-01}
      - id: paid-teams
        name: Paid teams
        kind: lagging
        unit: count
        category: business
        source: stripe
        decision: A 20% drop pauses launches.
        pairs_with: weekly-active-teams
        target: {value: 500, baseline: 400, by: 2027-01-01}
"""
VANITY = """\
      - id: total-signups{comment}
        name: Total signups
        kind: lagging
        unit: count
        category: user
        source: amplitude
        aggregation: cumulative
"""
# Line 31: the V001 on total-signups; its V003 and T001 on the id (30), P002 on kind (32), B003
# on category (34); its V002 (36) is a root too, and folds nothing the V001 did not take first.
SPEC = HEAD + GOOD_METRICS + VANITY.format(comment="")
ROOT = ("V001", "total-signups", 31)
FOLDED = [("V003", "total-signups", 30), ("P002", "total-signups", 32), ("T001", "total-signups", 30),
          ("B003", "total-signups", 34)]


def _without_goals(report):
    # The objective has no goals (H002) and the run no operational metric (B001): beside the point.
    return [entry for entry in findings(report) if entry[0] not in ("H002", "B001")]


@pytest.fixture
def spec(write):
    return write("a.metrics.yaml", SPEC)


def test_a_vanity_metric_is_one_finding_listing_its_follow_ons(spec):
    report = lint_paths(spec)
    assert _without_goals(report) == [ROOT, ("V002", "total-signups", 36)]
    (root,) = [d for d in report.diagnostics if d.code == "V001"]
    # In the catalog's order of codes (V, P, T, B), then by place.
    assert [(r.code, r.subject, r.line) for r in root.related] == FOLDED
    assert [(r.path, r.column) for r in root.related] == [(root.path, 13), (root.path, 15), (root.path, 13), (root.path, 19)]
    assert report.summary() == {"error": 0, "warning": 3, "info": 1}  # H002, V001 and V002; B001 is info


def test_no_fold_reports_every_finding_on_its_own(spec):
    folded = lint_paths(spec)
    report = lint_paths(spec, fold=False)
    assert sorted(_without_goals(report)) == sorted([ROOT, ("V002", "total-signups", 36), *FOLDED])
    assert all(d.related == () for d in report.diagnostics)
    assert sum(report.summary().values()) == sum(folded.summary().values()) + len(FOLDED)


def test_no_fold_on_the_command_line(run, spec):
    def codes(*args):
        result = run("lint", str(spec), "--format", "json", "--today", "2026-06-01", *args)
        return sorted(d["code"] for d in json.loads(result.stdout)["diagnostics"])

    assert codes() == ["B001", "H002", "V001", "V002"]
    assert codes("--no-fold") == ["B001", "B003", "H002", "P002", "T001", "V001", "V002", "V003"]
    # The console script's fast parser reads the same option (from LintRequest's fields).
    request = parse_lint([str(spec), "--no-fold"])
    assert request is not None and request.no_fold is True
    assert parse_lint([str(spec)]).no_fold is False


def test_a_suppressed_root_folds_nothing(write):
    """A team that keeps the vanity metric on purpose still gets the advice on it."""
    path = write("a.metrics.yaml", HEAD + GOOD_METRICS + VANITY.format(comment="  # metricspec: ignore[V001, V002] -- the board asks"))
    report = lint_paths(path)
    assert sorted(_without_goals(report)) == sorted(FOLDED)
    assert [(s.diagnostic.code, s.diagnostic.related) for s in report.suppressed] == [("V001", ()), ("V002", ())]


def test_an_unselected_root_folds_nothing(spec):
    assert sorted(_without_goals(lint_paths(spec, ignore=["V001", "V002"]))) == sorted(FOLDED)


def test_a_suppressed_follow_on_stays_suppressed_and_its_suppression_is_used(write):
    path = write("a.metrics.yaml", HEAD + GOOD_METRICS + VANITY.format(comment="  # metricspec: ignore[T001]"))
    report = lint_paths(path)
    assert _without_goals(report) == [ROOT, ("V002", "total-signups", 36)]  # no M001 for the ignore[T001]
    (root,) = [d for d in report.diagnostics if d.code == "V001"]
    assert [r.code for r in root.related] == ["V003", "P002", "B003"]
    assert [s.diagnostic.code for s in report.suppressed] == ["T001"]


UNREAD = """\
metricspec: 1
product: Acme
owner: ana
review: monthly
north-star: weekly-active-teams
objectives:
  - id: growth
    title: Grow paid teams to 500 by 2027
    metrics:
      - id: weekly-active-teams
        name: Share of teams active weekly
        kind: leading
        unit: percent
        category: user
        segments: [plan]
        source: amplitude
        decision: A 20% drop pauses launches.
        tagret: {value: 40, baseline: 30, by: 2027-01-01}
Goals:
  - id: activation
    title: Raise activation to 40% by 2027
    parent: growth
"""


def test_an_unread_key_folds_what_its_absence_causes(write):
    report = lint_paths(write("a.metrics.yaml", UNREAD), select=["E", "H", "T"])
    roots = {(d.code, d.subject, d.line): [(r.code, r.subject, r.line) for r in d.related] for d in report.diagnostics}
    assert roots == {
        ("E002", None, 5): [("H003", None, 2)],  # north-star: the document has no north star
        ("E002", "weekly-active-teams", 18): [("T001", "weekly-active-teams", 10)],  # tagret
        ("E002", None, 19): [("H002", "growth", 7), ("H005", "growth", 7)],  # Goals: the objective has none
    }
    # Unfolded, each E002 came last, after what it caused.
    assert findings(lint_paths(write("a.metrics.yaml", UNREAD), select=["E", "H", "T"], fold=False)) == [
        ("H003", None, 2), ("E002", None, 5), ("H002", "growth", 7), ("H005", "growth", 7),
        ("T001", "weekly-active-teams", 10), ("E002", "weekly-active-teams", 18), ("E002", None, 19),
    ]


def test_an_unread_goals_key_folds_only_the_objectives_missing_goals(write):
    # The goal beside it (read: `goals` under the objective is spelled right) lacks outcomes:
    # that H002 is not caused by the unread top-level `Goals`.
    text = UNREAD.replace(
        "        tagret:", "    goals:\n      - id: retention\n        title: Keep 90% of teams\n        tagret:"
    )
    path = write("a.metrics.yaml", text)
    report = lint_paths(path, select=["E", "H002"])
    assert [(d.code, d.subject, d.line) for d in report.diagnostics if d.code == "H002"] == [("H002", "retention", 19)]
    assert all(r.code != "H002" or r.subject != "retention" for d in report.diagnostics for r in d.related)


def test_a_baseline_keeps_the_entries_of_folded_findings(run, spec):
    """A baseline written before folding (or with --no-fold) records the follow-ons: they still
    occur, so they are not listed as fixed."""
    assert run("lint", str(spec), "--no-fold", "--write-baseline", "base.json").exit_code == 0
    result = run("lint", str(spec), "--baseline", "base.json", "--format", "json")
    data = json.loads(result.stdout)
    assert (data["diagnostics"], data.get("fixed")) == ([], None)
    assert result.exit_code == 0


# --- every format -------------------------------------------------------------------------------


@pytest.fixture
def report(spec, monkeypatch):
    monkeypatch.chdir(spec.parent)
    return lint_paths("a.metrics.yaml", select=["V001", "V003", "P002", "T001", "B003"])


def test_json_lists_the_folded_findings_under_related(report):
    data = json.loads(render("json", report, RenderOptions()))
    (root,) = data["diagnostics"]
    assert root["code"] == "V001" and list(root)[-2:] == ["url", "related"]
    assert root["url"].endswith("/docs/rules.md#v001-vanity-metric")
    assert root["related"] == [
        {"code": "V003", "subject": "total-signups", "path": "a.metrics.yaml", "line": 30, "column": 13},
        {"code": "P002", "subject": "total-signups", "path": "a.metrics.yaml", "line": 32, "column": 15},
        {"code": "T001", "subject": "total-signups", "path": "a.metrics.yaml", "line": 30, "column": 13},
        {"code": "B003", "subject": "total-signups", "path": "a.metrics.yaml", "line": 34, "column": 19},
    ]
    assert data["summary"] == {"error": 0, "warning": 1, "info": 0}


def test_sarif_gives_the_folded_findings_as_related_locations(report):
    log = assert_valid_sarif(render("sarif", report, RenderOptions()))
    (result,) = log["runs"][0]["results"]
    related = result["relatedLocations"]
    assert [entry["id"] for entry in related] == [1, 2, 3, 4]
    assert [entry["physicalLocation"]["region"]["startLine"] for entry in related] == [30, 32, 30, 34]
    assert related[1]["message"]["text"].startswith("P002 lagging-without-leading: lagging metric 'total-signups'")
    assert [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]] == ["V001"]
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"].endswith("/docs/rules.md#v001-vanity-metric")


def test_text_shows_one_also_line_under_the_finding(report):
    lines = render("text", report, RenderOptions()).splitlines()
    (at,) = [index for index, line in enumerate(lines) if "V001 vanity-metric" in line]
    assert lines[at + 3].startswith("    = help: ")
    assert lines[at + 4] == "    = also: V003, P002, T001, B003"
    assert sum("also:" in line for line in lines) == 1
    assert lines[-1] == "Found 1 problem (0 errors, 1 warning, 0 info) in 1 file."


@pytest.mark.parametrize("format", ["concise", "github"])
def test_one_line_formats_end_the_message_with_the_folded_codes(report, format):
    (line,) = [line for line in render(format, report, RenderOptions()).splitlines() if "V001" in line]
    assert "rate or ratio: a raw number that grows with reach, not with value delivered (also: V003, P002, T001, B003)" in line


def test_junit_ends_the_failure_message_with_the_folded_codes(report):
    (failure,) = ET.fromstring(render("junit", report, RenderOptions())).iter("failure")
    assert failure.get("message").endswith("(also: V003, P002, T001, B003)")
    assert failure.text.splitlines()[0].endswith("(also: V003, P002, T001, B003)")


def test_a_repeated_code_is_shown_once_with_its_count(write):
    text = UNREAD.replace("objectives:\n", "objectives:\n  - id: churn\n    title: Halve churn by 2027\n", 1)
    report = lint_paths(write("a.metrics.yaml", text), select=["E", "H002"])
    (root,) = [d for d in report.diagnostics if d.line == 21]
    assert [(r.code, r.subject) for r in root.related] == [("H002", "churn"), ("H002", "growth")]
    assert root.related_codes() == "H002 (2)"


# --- a key in the wrong mapping: its follow-ons on the item it was meant for ---------------------
# (issue 16, item 4) E002 says where a misplaced key belongs (key_hints); the fold claims what the
# key's absence causes on the item it was meant for, not on the one it stands in. Run as a user
# runs it: `metricspec lint --format json`, with and without --no-fold.

TOP = "metricspec: 1\nproduct: Acme\nowner: ana\nreview: monthly\n"
# Line 6: objective revenue (title 7), its metrics mrr (9) and arr (13); line 17 is free for a key.
REVENUE = TOP + """\
objectives:
  - id: revenue
    title: Grow revenue
    metrics:
      - id: mrr
        name: Monthly recurring revenue
        kind: lagging
        unit: USD
      - id: arr
        name: Annual recurring revenue
        kind: lagging
        unit: USD
"""
# After a two-line key (17-18): a second objective (19) whose metric churn (22) genuinely has no target.
RETENTION = """\
  - id: retention
    title: Keep customers
    metrics:
      - id: churn
        name: Monthly churn
        kind: lagging
        unit: percent
"""


def lint_json(run, write, text, *args):
    """(code, subject, line, [related (code, subject, line)]) of each finding the CLI prints."""
    write("a.metrics.yaml", text)
    result = run("lint", "a.metrics.yaml", "--format", "json", "--today", "2026-06-01", *args)
    assert result.exit_code == 1, result.output
    return [(d["code"], d["subject"], d["line"], [(r["code"], r["subject"], r["line"]) for r in d.get("related", [])])
            for d in json.loads(result.stdout)["diagnostics"]]


def test_a_target_one_indent_too_shallow_folds_the_target_findings_of_the_metric_above(run, write):
    text = REVENUE + "    target:\n      value: 3\n" + RETENTION
    misplaced = ("E002", "revenue", 17)
    # mrr (9) and the other objective (19, churn 22) have no target either: not the key's doing.
    genuine = [("T007", "retention", 20), ("T001", "mrr", 9), ("T001", "churn", 22)]
    assert lint_json(run, write, text, "--select", "E,T") == sorted(
        [(*misplaced, [("T001", "arr", 13), ("T007", "revenue", 7)]), *[(*entry, []) for entry in genuine]],
        key=lambda entry: entry[2])
    assert lint_json(run, write, text, "--select", "E,T", "--no-fold") == sorted(
        [(*misplaced, []), ("T001", "arr", 13, []), ("T007", "revenue", 7, []), *[(*entry, []) for entry in genuine]],
        key=lambda entry: entry[2])


def test_a_typo_of_a_metric_key_on_a_node_folds_on_the_metric_above(run, write):
    # `tagret:` on the node: "did you mean 'target'? It belongs on a metric".
    found = lint_json(run, write, REVENUE + "    tagret:\n      value: 3\n", "--select", "E,T")
    assert found == [
        ("T001", "mrr", 9, []),
        ("E002", "revenue", 17, [("T001", "arr", 13), ("T007", "revenue", 7)]),
    ]


def test_a_key_above_the_first_metric_was_meant_for_none_and_folds_nothing(run, write):
    # Written before `metrics:`, the key has no metric just above it: which one it was meant for
    # cannot be told, so every target finding stands on its own.
    text = REVENUE.replace("    metrics:\n", "    target:\n      value: 3\n    metrics:\n", 1)
    assert lint_json(run, write, text, "--select", "E,T") == [
        ("T007", "revenue", 7, []), ("E002", "revenue", 8, []), ("T001", "mrr", 11, []), ("T001", "arr", 15, []),
    ]


def test_a_key_below_a_child_node_is_not_given_to_the_metric_above_the_child(run, write):
    # The goal between arr and the key: at the objective's indentation after a goal, the key
    # was not written under arr.
    goal = "    goals:\n      - id: expansion\n        title: Sell 30% more seats\n"
    found = lint_json(run, write, REVENUE + goal + "    target:\n      value: 3\n", "--select", "E,T")
    assert found == [
        ("T007", "revenue", 7, []), ("T001", "mrr", 9, []), ("T001", "arr", 13, []), ("E002", "revenue", 20, []),
    ]


ONE_METRIC = TOP + """\
objectives:
  - id: revenue
    title: Grow revenue
    metrics:
      - id: arr
        name: Annual recurring revenue
        unit: USD
"""


@pytest.mark.parametrize(
    ("key", "where"),
    [("        type: lagging\n", "arr"), ("    kind: lagging\n", "revenue")],
    ids=["synonym-type-on-the-metric", "kind-on-the-node"],
)
def test_an_unread_kind_folds_the_missing_kind_and_the_objectives_missing_lagging_metric(run, write, key, where):
    # arr is revenue's only metric: with its kind unread, the objective has no lagging metric (H005).
    text = ONE_METRIC + key
    line = 12
    assert lint_json(run, write, text, "--select", "E,P004,H005") == [
        ("E002", where, line, [("H005", "revenue", 6), ("P004", "arr", 9)]),
    ]
    assert lint_json(run, write, text, "--select", "E,P004,H005", "--no-fold") == [
        ("H005", "revenue", 6, []), ("P004", "arr", 9, []), ("E002", where, line, []),
    ]


def test_an_unread_kind_on_a_goals_metric_folds_the_h005_of_the_objective_above(run, write):
    text = TOP + """\
objectives:
  - id: growth
    title: Grow paid teams to 500 by 2027
    goals:
      - id: activation
        title: Raise activation to 40% by 2027
        metrics:
          - id: activated-teams
            name: Share of teams activated
            type: lagging
            unit: percent
"""
    assert lint_json(run, write, text, "--select", "E,P004,H005") == [
        ("E002", "activated-teams", 14, [("H005", "growth", 6), ("P004", "activated-teams", 12)]),
    ]


@pytest.mark.parametrize("key", ["by", "deadline"], ids=["by-on-the-metric", "synonym-deadline-on-the-metric"])
def test_a_target_key_on_its_metric_folds_the_missing_deadline(run, write, key):
    text = REVENUE + f"        target:\n          value: 3\n        {key}: 2027-06-30\n" + RETENTION
    found = lint_json(run, write, text, "--select", "E,T002")
    assert found == [("E002", "arr", 19, [("T002", "arr", 18)])]
    # churn's target, also without `by`, is not the key's doing.
    text = text.replace("        unit: percent\n", "        unit: percent\n        target: {value: 2}\n")
    assert lint_json(run, write, text, "--select", "E,T002") == [
        ("E002", "arr", 19, [("T002", "arr", 18)]), ("T002", "churn", 27, []),
    ]


def test_a_document_key_on_a_node_folds_the_documents_finding(run, write):
    # `north_star` indented under the objective: the document has none (H003).
    assert lint_json(run, write, REVENUE + "    north_star: arr\n", "--select", "E,H003") == [
        ("E002", "revenue", 17, [("H003", None, 2)]),
    ]
    assert lint_json(run, write, REVENUE + "    north_star: arr\n", "--select", "E,H003", "--no-fold") == [
        ("H003", None, 2, []), ("E002", "revenue", 17, []),
    ]
