"""The format's `query` and `tolerance` and the configuration's actuals and status tables."""

from __future__ import annotations

import pytest

from metricspec import config
from metricspec.plain import is_query, validate
from tests.conftest import findings, lint_paths

SPEC = """metricspec: 1
product: Acme
objectives:
  - id: grow
    title: Grow
    metrics:
      - id: weekly-builders
        name: Weekly builders
        query: {query}
        target: {{value: 5, baseline: 4, {target}}}
"""


def _e002(write, query: str = "select at, value from t", target: str = "direction: maintain, tolerance: 0.5"):
    path = write("a.metrics.yaml", SPEC.format(query=query, target=target))
    report = lint_paths(path, select=["E"])
    return [(code, subject, line, d.message) for (code, subject, line), d in zip(findings(report), report.diagnostics)]


def test_a_query_and_a_maintain_band_are_well_formed(write):
    assert _e002(write, '"-- the weekly figure\\n/* x */ WITH w AS (select 1) select * from w"') == []
    assert _e002(write, "SELECT 1 AS value") == []


@pytest.mark.parametrize("query", ["delete from actuals", "'selecting from t'", "'-- select'", "'/* select */'"])
def test_a_query_that_does_not_start_with_select_or_with_is_e002(write, query):
    assert _e002(write, query) == [
        ("E002", "weekly-builders", 9, "query: must start with SELECT or WITH (after comments)")]


@pytest.mark.parametrize("target, message", [
    ("direction: maintain, tolerance: 0", "target.tolerance: must be above 0, not 0"),
    ("direction: maintain, tolerance: -1.5", "target.tolerance: must be above 0, not -1.5"),
    ("direction: increase, tolerance: 1", "target.tolerance: only a `maintain` target has a band"),
    ("tolerance: 1", "target.tolerance: only a `maintain` target has a band"),
])
def test_a_tolerance_not_above_zero_or_off_a_maintain_target_is_e002(write, target, message):
    assert _e002(write, target=target) == [("E002", "weekly-builders", 10, message)]


def test_the_fast_path_defers_what_e002_reports_and_takes_the_rest():
    def document(query, target):
        metric = {"id": "m", "name": "M", "query": query, "target": target}
        return {"metricspec": "1", "objectives": [{"id": "o", "title": "O", "metrics": [metric]}]}

    taken = validate(document("with a as (select 1) select * from a", {"direction": "maintain", "tolerance": "2"}))
    metric = taken.objectives[0].metrics[0]
    assert (metric.query, metric.target.tolerance) == ("with a as (select 1) select * from a", 2.0)
    assert validate(document("update t", None)) is None
    assert validate(document(None, {"tolerance": "2"})) is None
    assert validate(document(None, {"direction": "maintain", "tolerance": "0"})) is None


def test_is_query_is_linear_on_long_blank_prefixes():
    assert not is_query(" " * 200_000 + "-- x\n" * 10_000 + "drop")
    assert is_query("\n\t  select")
    assert not is_query("selected")


def test_the_actuals_and_status_tables_read_alike_plainly_and_through_the_schema(tmp_path):
    path = tmp_path / "metricspec.toml"
    text = """[tool.metricspec.actuals]
source = "data.db"
columns = {metric = "kpi"}
lock-timeout = 2
[tool.metricspec.actuals.per-metric."arr-*"]
source = ["exports/*.csv"]
[tool.metricspec.status]
fail-on = "off-track"
[tool.metricspec.thresholds]
stale-windows = 3
"""
    # The plain reader takes the first; a snake_case key (which pydantic takes) defers the second.
    for written in (text, text.replace("lock-timeout", "lock_timeout")):
        path.write_text(written, encoding="utf-8")
        settings = config.load(path)
        assert settings.actuals.source == ["data.db"]
        assert settings.actuals.columns == {"metric": "kpi"}
        assert (settings.actuals.table, settings.actuals.timeout, settings.actuals.lock_timeout) == ("actuals", 30, 2)
        assert settings.actuals.per_metric["arr-*"].source == ["exports/*.csv"]
        assert settings.actuals.per_metric["arr-*"].table is None
        assert settings.status.fail_on == "off-track"
        assert settings.thresholds.stale_windows == 3


@pytest.mark.parametrize("table, message", [
    ('[tool.metricspec.status]\nfail-on = "warning"', "tool.metricspec.status.fail-on: Input should be 'at-risk', 'off-track' or 'missed'"),
    ("[tool.metricspec.actuals]\ntimeout = 0", "tool.metricspec.actuals.timeout: Input should be greater than 0"),
    ('[tool.metricspec.actuals.per-metric."a"]\nsorce = "x"', "tool.metricspec.actuals.per-metric.a.sorce: unknown key; did you mean 'source'?"),
])
def test_a_bad_actuals_or_status_setting_names_its_key(tmp_path, table, message):
    path = tmp_path / "metricspec.toml"
    path.write_text(table + "\n", encoding="utf-8")
    with pytest.raises(config.ConfigError) as error:
        config.load(path)
    assert str(error.value) == f"{path}:2: {message}"  # the line of the key
