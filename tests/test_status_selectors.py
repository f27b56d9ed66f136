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
