"""Numbers beyond what a float holds (a 310-digit integer, 5,000 digits, `1e309`) are an E002 on
that value, shown shortened, on both validation paths: no rule ever computes with infinity (the
rules that format a target raised OverflowError: "internal error in rule T005", and `tree`
exited 2 with no message)."""

from __future__ import annotations

import copy
import json

import pytest

from metricspec import model, plain
from tests.test_plain import DOCUMENT, agree, pydantic_result

HUGE = {
    "310 digits": "9" * 310,
    "negative 310 digits": "-" + "9" * 310,
    "5,000 digits": "9" * 5000,
    "5,000 digits with a fraction": "1_" + "9" * 5000 + ".5",
    "1e309": "1e309",
}


def spec(field: str, number: str) -> str:
    other = "baseline" if field == "value" else "value"
    return ("metricspec: 1\nproduct: Acme\nobjectives:\n  - id: grow\n    title: Grow revenue\n"
            "    owner: ana\n    metrics:\n      - id: revenue\n        name: Revenue\n"
            f"        target:\n          {field}: {number}\n          {other}: 10\n")


@pytest.mark.parametrize("number", HUGE.values(), ids=HUGE.keys())
@pytest.mark.parametrize("field", ["value", "baseline"])
def test_lint_reports_e002_on_the_value_shortened(run, write, field, number):
    write("a.metrics.yaml", spec(field, number))
    result = run("lint", "a.metrics.yaml", "--format", "json")
    assert result.exit_code == 1
    assert "internal error" not in result.output and "Traceback" not in result.output
    found = [(d["code"], d["subject"], d["line"]) for d in json.loads(result.stdout)["diagnostics"]
             if d["code"].startswith(("E", "T"))]
    assert ("E002", "revenue", 11) in found
    assert "T005" not in [code for code, _, _ in found]  # no rule computes with the number
    (e002,) = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "E002"]
    assert e002["message"].startswith(f"target.{field}: expected a number, found ")
    assert len(e002["message"]) < 120  # the value shortened, not 5,000 digits


@pytest.mark.parametrize("number", HUGE.values(), ids=HUGE.keys())
def test_tree_shows_the_finding_and_exits_as_for_any_finding(run, write, number):
    write("a.metrics.yaml", spec("value", number))
    result = run("tree", "a.metrics.yaml")
    assert result.exit_code == 0, result.output  # the tree shows findings; only a fault fails it
    assert "internal error" not in result.output
    assert "◆ revenue" in result.stdout and "E002" in result.stdout and "inf" not in result.stdout
    mermaid = run("tree", "a.metrics.yaml", "--format", "mermaid")
    assert mermaid.exit_code == 0 and "revenue" in mermaid.stdout


def test_lint_text_has_no_internal_error(run, write):
    write("a.metrics.yaml", spec("value", "9" * 310))
    result = run("lint", "a.metrics.yaml")
    assert result.exit_code == 1
    assert "internal error" not in result.output
    assert "E002 schema: target.value: expected a number, found '" + "9" * 57 + "...'" in result.stdout


@pytest.mark.parametrize("number", [*HUGE.values(), "1" + "0" * 308, "17976931348623157" + "0" * 292,
                                    "17976931348623159" + "0" * 292])
@pytest.mark.parametrize("field", ["value", "baseline"])
def test_both_validation_paths_agree(field, number):
    data = copy.deepcopy(DOCUMENT)
    data["objectives"][0]["goals"][0]["metrics"][0]["target"][field] = number
    expected = pydantic_result(data)
    agree(data)  # the fast path takes it as pydantic does, or leaves it to pydantic
    if number.lstrip("-").startswith("9") or "e" in number:
        assert expected is None  # pydantic says E002 on it
    assert (plain.validate(copy.deepcopy(data)) is None) == (expected is None)
    if expected is not None:
        assert model.Document.model_validate(copy.deepcopy(data))


@pytest.mark.parametrize(("name", "text"), [
    ("metricspec.toml", "[thresholds]\nmax-metrics-per-owner = {}\n"),
    ("pyproject.toml", "[tool.metricspec.thresholds]\nmax-metrics-per-owner = {}\n"),
])
def test_a_config_integer_past_pythons_digit_limit_is_a_config_error(run, write, name, text):
    """tomllib raises ValueError, not TOMLDecodeError, for an integer of more than 4,300
    digits: it was an internal error."""
    write("a.metrics.yaml", spec("value", "10"))
    write(name, text.format("9" * 5000))
    result = run("lint", "a.metrics.yaml")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(f"{name}: invalid TOML: a number with more digits than can be read")
    assert "internal error" not in result.output
