"""plain.py's validator agrees with pydantic (tests/test_vocabulary.py: both have the same fields).

The plain validator may leave any input to pydantic (it returns None), but whatever it accepts
must come out exactly as pydantic would have made it; and every clean document of the
repository (examples, templates, rule examples and fixtures) must take the fast path.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metricspec import model, plain
from metricspec.documents import is_metricspec
from metricspec.loader import load_text, read_file

ROOT = Path(__file__).resolve().parents[1]


def pydantic_result(data):
    try:
        return plain.from_pydantic(model.Document.model_validate(copy.deepcopy(data)))
    except Exception:
        return None


def agree(data) -> bool:
    """True when the fast path took the input; fails when it took it differently from pydantic."""
    fast = plain.validate(copy.deepcopy(data))
    if fast is None:
        return False
    assert fast == pydantic_result(data), data
    assert plain.from_tuple(plain.to_tuple(fast)) == fast
    return True


def _repository_documents():
    for path in sorted(ROOT.glob("examples/**/*.yaml")) + sorted(ROOT.glob("src/metricspec/scaffold/templates/*.yaml")) \
            + sorted(ROOT.glob("tests/rules/fixtures/**/*.yaml")):
        loaded = read_file(str(path), str(path))
        if is_metricspec(loaded.data):
            yield path, loaded.data


def _rule_examples():
    from metricspec.rules import all_rules

    for rule in all_rules().values():
        for text in (rule.doc.example, rule.doc.fix):
            loaded = load_text(text, rule.code) if text else None
            if loaded is not None and is_metricspec(loaded.data):
                yield rule.code, loaded.data


def test_clean_documents_take_the_fast_path_and_agree():
    documents = list(_repository_documents()) + list(_rule_examples())
    assert len(documents) > 20
    for name, data in documents:
        if pydantic_result(data) is not None:
            assert agree(data), f"{name}: valid, but the fast path left it to pydantic"
        else:
            assert plain.validate(copy.deepcopy(data)) is None, name


METRIC = {
    "id": "weekly-report-builders",
    "name": "Weekly active report builders",
    "kind": "leading",
    "unit": "count",
    "segments": ["plan_tier"],
    "pairs_with": "enterprise-arr",
    "target": {"baseline": "8_500", "value": "11000", "by": "2027-09-30"},
}
DOCUMENT = {
    "metricspec": "1",
    "product": "Acme",
    "stage": "growth",
    "north_star": "weekly-report-builders",
    "objectives": [{"id": "grow", "title": "Grow", "goals": [{"id": "adopt", "title": "Adopt", "metrics": [METRIC]}]}],
}

# Values the loader can produce (text, nulls, lists, mappings), biased towards the edge cases.
_TEXTS = st.sampled_from([
    "", " ", "1", "-1", "1.5", "1_000", "1__0", "_1", "1_", "+1", "1e3", ".5", "5.", "inf", "nan", "007", "-0",
    "12\n", " 12", "１２", "2027-06-30", "2027-06-31", "2027-6-30", "2027-06-30\n", "٢٠٢٧-٠٦-٣٠", "abc", "a-b_c",
    "A-b", "-ab", "ab\n", "é", "leading", "lagging", "Leading", "active", "deprecated", "weekly", "growth",
    "increase", "percent", "1", "NO", "null", "~",
]) | st.text(max_size=12)
_NUMBERS = st.from_regex(r"-?[0-9]{1,4}(_[0-9]{3})?(\.[0-9]{1,3})?", fullmatch=True)
_DATES = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)).map(dt.date.isoformat)
_SLUGS = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,8}", fullmatch=True)
_LIKELY = _NUMBERS | _DATES | _SLUGS | st.lists(_SLUGS, max_size=3)
_VALUES = _LIKELY | st.recursive(
    st.none() | _TEXTS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXTS, inner, max_size=2),
    max_leaves=4,
)
_METRIC_KEYS = st.sampled_from(list(model.Metric.model_fields) + ["extra"])
_TARGET_KEYS = st.sampled_from(list(model.Target.model_fields))
_DOC_KEYS = st.sampled_from(["product", "stage", "north_star", "owner", "review", "metricspec"])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(["metric", "target", "document", "node"]), key=st.data(), value=_VALUES)
def test_any_value_in_any_field_is_taken_as_pydantic_takes_it_or_left_to_it(where, key, value):
    data = copy.deepcopy(DOCUMENT)
    goal = data["objectives"][0]["goals"][0]
    metric = goal["metrics"][0]
    if where == "metric":
        metric[key.draw(_METRIC_KEYS)] = value
    elif where == "target":
        metric["target"][key.draw(_TARGET_KEYS)] = value
    elif where == "document":
        data[key.draw(_DOC_KEYS)] = value
    else:
        goal[key.draw(st.sampled_from(list(model.Goal.model_fields)))] = value
    agree(data)


def test_the_common_values_are_converted_like_pydantic():
    assert agree(DOCUMENT)
    fast = plain.validate(copy.deepcopy(DOCUMENT))
    target = fast.objectives[0].goals[0].metrics[0].target
    assert (target.baseline, target.value, target.by) == (8500.0, 11000.0, dt.date(2027, 9, 30))
    assert fast.objectives[0].goals[0].metrics[0].pairs_with == ["enterprise-arr"]
    assert fast.metricspec == 1
