"""`status`'s findings about a source and its selectors, as a user meets them on the bundled
examples' broken CSV (examples/actuals/broken): A008/A009 at the file relative to the working
directory, however the file was named; `--select A008,A009` read as lint reads it."""

from __future__ import annotations

from tests.test_examples_actuals import PROJECT, SPECS, TODAY, metricspec, status_json

BROKEN = "examples/actuals/broken/warehouse-export.csv"


def _findings(data: dict) -> list:
    return [(d["code"], d["path"], d["line"]) for d in data["diagnostics"]]


def test_a_comma_list_selects_as_repeated_options_do():
    listed = _findings(status_json(*SPECS, "--source", BROKEN, "--select", "A008,A009"))
    repeated = _findings(status_json(*SPECS, "--source", BROKEN, "--select", "A008", "--select", "A009"))
    assert listed == repeated == [("A009", BROKEN, None), ("A009", BROKEN, 4), ("A008", BROKEN, 6), ("A008", BROKEN, 7)]
    assert _findings(status_json(*SPECS, "--source", BROKEN, "--select", "A008, invalid-actuals", "--ignore", "A009")) \
        == [("A008", BROKEN, 6), ("A008", BROKEN, 7)]


def test_a_list_naming_a_code_of_no_a_rule_is_refused_naming_it():
    result = metricspec("status", *SPECS, "--source", BROKEN, "--today", TODAY, "--select", "A008,V001")
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", "metricspec: error: 'V001' names no A rule (status lists A001-A009 findings)\n")


def test_an_absolute_csv_path_is_shown_relative_in_json_and_text():
    absolute = str(PROJECT / BROKEN)
    assert {path for _, path, _ in _findings(status_json(*SPECS, "--source", absolute, "--select", "A008"))} == {BROKEN}
    text = metricspec("status", *SPECS, "--source", absolute, "--today", TODAY, "--select", "A008").stdout
    assert [line for line in text.splitlines() if " A008 " in line] == [
        f'{BROKEN}:6:1: A008 1 row of "week-8-retention" for segment dimension "country", which it does not declare',
        f'{BROKEN}:7:1: A008 3 rows for "weekly-habit-member", which no metric of the workspace defines',
    ]


def test_a004_says_what_the_overall_did():
    # The bundled story: the total grows 79% while advanced members fall 30%. "Held steady"
    # would misname it; ACTUALS.md's condition is "no worse by more than 2%".
    data = status_json(*SPECS, "--select", "A004")
    assert [d["message"] for d in data["diagnostics"]] == [
        "'weekly-habit-members' did not worsen overall from 2025-12-07 to 2026-11-29 (79% better) while "
        "fitness_level=advanced 30% worse"]


def test_a004_within_the_flatline_change_held_steady():
    import datetime as dt

    from tests.test_actuals_status import metric, pts

    from metricspec.actuals.findings import SegmentSpan, masked_segment_decline
    from metricspec.actuals.model import Thresholds

    overall = pts(("2026-01-01", 1000), ("2026-04-01", 985))  # 1.5% worse: within 2%
    found = masked_segment_decline(metric("dau", segments=("tier",)), overall, [SegmentSpan("tier=power", 100, 65)],
                                   dt.date(2026, 4, 2), Thresholds())
    assert [f.message for f in found] == [
        "'dau' held steady overall from 2026-01-01 to 2026-04-01 (2% worse) while tier=power 35% worse"]
