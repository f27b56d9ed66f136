"""config.py reads well-formed configuration without pydantic, exactly as config_model.py would."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from metricspec import config, config_model

_SETTINGS = ("include", "exclude", "select", "extend_select", "ignore", "extend_ignore", "fail_on", "severity",
             "per_file_ignores")


def _as_tuple(cfg) -> tuple:
    thresholds = {name: getattr(cfg.thresholds, name) for name in config_model.Thresholds.model_fields}
    values = tuple(getattr(cfg, name) for name in _SETTINGS)
    return values, {k: (v, type(v)) for k, v in thresholds.items()}, cfg.vanity.extend_terms


def _schema(data):
    try:
        return _as_tuple(config_model.Config.model_validate(copy.deepcopy(data)))
    except Exception:
        return None


def test_defaults_are_the_schemas():
    assert _as_tuple(config.Config()) == _schema({})
    # `source` (where the file was found) is the run's bookkeeping, not a key a user may write.
    assert set(vars(config.Config())) - {"source"} == set(config_model.Config.model_fields)


_TEXT = st.sampled_from(["T001", "V", "ALL", "metrics/**/*.yaml", "", "vanity-metric"]) | st.text(max_size=6)
_NUMBER = st.integers(-2, 40) | st.floats(allow_nan=True, allow_infinity=True) | st.booleans()
_VALUE = st.one_of(
    _TEXT, _NUMBER, st.lists(_TEXT, max_size=3), st.lists(_NUMBER, max_size=2),
    st.dictionaries(_TEXT, _TEXT | st.lists(_TEXT, max_size=2), max_size=2),
    st.sampled_from(["error", "warning", "info", "Error"]),
)
_KEYS = st.sampled_from([
    "include", "exclude", "select", "extend-select", "ignore", "extend-ignore", "fail-on", "severity",
    "per-file-ignores", "thresholds", "vanity", "fail_on", "extend_select", "source", "unknown",
])
_THRESHOLD_KEYS = st.sampled_from([name.replace("_", "-") for name in config_model.Thresholds.model_fields]
                                  + ["max_metrics_per_node", "bogus"])


@settings(max_examples=500, deadline=None)
@given(data=st.dictionaries(_KEYS, _VALUE, max_size=4),
       thresholds=st.dictionaries(_THRESHOLD_KEYS, _NUMBER, max_size=3),
       terms=st.none() | st.lists(_TEXT, max_size=2) | _TEXT)
def test_what_the_plain_reader_takes_it_takes_as_pydantic_does(data, thresholds, terms):
    if thresholds:
        data["thresholds"] = thresholds
    if terms is not None:
        data["vanity"] = {"extend-terms": terms}
    try:
        plain = _as_tuple(config._plain(copy.deepcopy(data)))
    except config._Defer:
        return
    assert plain == _schema(data)


def test_a_documented_configuration_takes_the_plain_path():
    data = {
        "include": ["metrics/**/*.yaml"], "exclude": ["metrics/archive/**"], "select": ["ALL"], "ignore": ["B003"],
        "fail-on": "warning", "severity": {"V003": "warning"},
        "per-file-ignores": {"metrics/legacy/*.yaml": ["T004", "G003"]},
        "thresholds": {"max-metrics-per-node": 3, "max-metrics-per-document": 12, "max-metrics-per-owner": 6,
                       "max-target-change": 3.0, "max-deadline-days": 730, "stale-review-cycles": 2},
        "vanity": {"extend-terms": ["stars", "clones"]},
    }
    assert _as_tuple(config._plain(copy.deepcopy(data))) == _schema(data)
