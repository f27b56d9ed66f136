"""Status figures and the status table at their edges (ACTUALS.md, "Status")."""

import datetime as dt

import pytest

from metricspec.actuals.findings import (
    SegmentSpan, already_met, baseline_mismatch, flatlined, masked_segment_decline, metric_findings,
    myopia, off_track, source_findings, stale,
)
from metricspec.actuals.model import MetricInfo, Point, Target, Thresholds
from metricspec.actuals.status import (
    fails, figure, judge, judge_segment, period_days, ratio, read_start, rollup, sparkline, worst,
)

D = dt.date


def pts(*pairs):
    return tuple(Point(D.fromisoformat(at), float(v)) for at, v in pairs)


def daily(start: str, values):
    first = D.fromisoformat(start)
    return tuple(Point(first + dt.timedelta(days=i), float(v)) for i, v in enumerate(values))


def metric(mid="m", **target):
    extra = {k: target.pop(k) for k in ("window", "review", "kind", "guardrails", "pairs_with", "segments", "status")
             if k in target}
    return MetricInfo(mid, target=Target(**target) if target else None, **extra)


UP = dict(baseline=100, value=200, since=D(2026, 1, 1), by=D(2026, 12, 27))  # 360 days


# -- periods --


@pytest.mark.parametrize("window, review, days", [
    ("28d", None, 28), ("1d", "monthly", 1), ("daily", None, 1), ("weekly", None, 7), ("monthly", None, 30),
    ("quarterly", None, 91), (None, "biweekly", 14), ("hourly", "weekly", 7), (None, None, None),
])
def test_period_is_the_window_else_the_review_cycle(window, review, days):
    assert period_days(window, review) == days


def test_read_start_is_the_earliest_since_of_the_metric_and_partners_less_one_period():
    m = metric("a", value=1, since=D(2026, 3, 1), window="28d")
    partner = metric("b", value=1, since=D(2026, 2, 1))
    assert read_start(m, [partner]) == D(2026, 1, 4)
    assert read_start(metric("c", value=1), []) is None
    assert read_start(metric("d", value=1, since=D(2026, 3, 1)), []) == D(2026, 2, 22)  # 7 days


# -- the example of ACTUALS.md --


EXAMPLE_SERIES = pts(
    ("2026-07-01", 1204), ("2026-08-01", 1230), ("2026-09-01", 1262),
    ("2026-10-01", 1277), ("2026-10-04", 1285), ("2026-10-05", 1291), ("2026-10-08", 1297),
    ("2026-10-09", 1299), ("2026-10-20", 1319), ("2026-11-19", 1371), ("2026-11-30", 1390),
)
EXAMPLE = MetricInfo(
    "weekly-report-builders", name="Weekly active report builders", unit="count", window="7d",
    target=Target(value=1800, baseline=1200, since=D(2026, 7, 1), by=D(2027, 6, 30)),
)


def test_the_example_figures_follow_the_formulas():
    j = judge(EXAMPLE, EXAMPLE_SERIES, D(2026, 12, 1))
    assert (j.S, j.B, j.V, j.D, j.L, j.tL) == (D(2026, 7, 1), 1200, 1800, D(2027, 6, 30), 1390, D(2026, 11, 30))
    assert figure(j.expected) == 1450.55
    assert figure(j.expected_today) == 1452.2
    assert (ratio(j.e), ratio(j.p), ratio(j.pacing)) == (0.4176, 0.3167, 0.7583)
    assert j.status == "at-risk" and j.direction == "increase"
    f = j.forecast
    assert (f.points, figure(f.slope_per_day), figure(f.at_by), f.reaches_on) == (8, 1.82, 1777.04, D(2027, 7, 13))


# -- the status table, row by row --


def status(m, series, today):
    return judge(m, series, D.fromisoformat(today)).status


def test_no_data_without_an_actual_on_or_before_today():
    m = metric(**UP)
    assert status(m, (), "2026-06-01") == "no-data"
    assert status(m, pts(("2026-06-02", 150)), "2026-06-01") == "no-data"  # after today: ignored


@pytest.mark.parametrize("target", [
    dict(baseline=100, since=D(2026, 1, 1), by=D(2026, 12, 1)),  # no value
    dict(baseline=100, value=200, since=D(2026, 1, 1)),  # no by
    dict(baseline=100, value=200, since=D(2026, 6, 1), by=D(2026, 6, 1)),  # D not after S
    dict(baseline=100, value=200, direction="decrease", since=D(2026, 1, 1), by=D(2026, 12, 1)),  # T006
])
def test_unpaced_without_a_trajectory(target):
    assert status(metric(**target), pts(("2026-03-01", 120)), "2026-03-02") == "unpaced"


def test_maintain_needs_no_deadline():
    m = metric(baseline=100, value=100, since=D(2026, 1, 1))
    j = judge(m, pts(("2026-03-01", 104)), D(2026, 3, 2))
    assert (j.status, j.direction, j.tolerance, j.e, j.pacing) == ("on-track", "maintain", 5.0, None, None)


def test_e_zero_is_on_track_and_pacing_is_null():
    # today at S: the latest actual is dated S, so e = 0 whatever the value
    j = judge(metric(**UP), pts(("2026-01-01", 90)), D(2026, 1, 1))
    assert (j.status, j.e, j.pacing, j.p) == ("on-track", 0.0, None, -0.1)


def test_today_at_the_deadline_is_still_paced_not_met_or_missed():
    series = pts(("2026-01-01", 100), ("2026-12-27", 150))
    j = judge(metric(**UP), series, D(2026, 12, 27))
    assert (j.status, j.e, ratio(j.pacing)) == ("off-track", 1.0, 0.5)


def test_after_the_deadline_met_or_missed_by_the_last_actual_on_or_before_it():
    series = pts(("2026-01-01", 100), ("2026-12-20", 201), ("2027-01-05", 150))
    assert status(metric(**UP), series, "2027-01-10") == "met"
    series = pts(("2026-01-01", 100), ("2026-12-20", 199), ("2027-01-05", 250))
    assert status(metric(**UP), series, "2027-01-10") == "missed"


def test_after_the_deadline_with_no_actual_before_it_the_first_after_decides():
    m = metric(baseline=100, value=200, since=D(2026, 1, 1), by=D(2026, 2, 1))
    assert status(m, pts(("2026-02-03", 210)), "2026-03-01") == "met"
    assert status(m, pts(("2026-02-03", 190), ("2026-02-04", 250)), "2026-03-01") == "missed"


def test_stale_after_more_than_two_periods():
    m = metric(window="7d", **UP)
    series = pts(("2026-01-01", 100), ("2026-03-01", 130))
    assert status(m, series, "2026-03-15") != "stale"  # 14 days: exactly two periods
    assert status(m, series, "2026-03-16") == "stale"
    assert status(metric(**UP), series, "2026-09-01") != "stale"  # never without a period


def test_met_before_the_deadline_and_not_for_maintain():
    assert status(metric(**UP), pts(("2026-03-01", 200)), "2026-03-02") == "met"
    down = metric(baseline=50, value=30, since=D(2026, 1, 1), by=D(2026, 12, 27))
    assert status(down, pts(("2026-03-01", 30)), "2026-03-02") == "met"


@pytest.mark.parametrize("value, expected", [
    # tL 2026-04-01: e = 90 / 360 = 0.25, so expected progress 25 points above 100
    (123.75, "on-track"),  # pacing 0.95 exactly
    (123.74, "at-risk"),
    (118.75, "at-risk"),  # pacing 0.75 exactly
    (118.74, "off-track"),
    (90, "off-track"),  # moved away from V: negative pacing
])
def test_pacing_bands(value, expected):
    assert status(metric(**UP), pts(("2026-04-01", value)), "2026-04-02") == expected


def test_decrease_progress_is_positive_towards_the_value():
    m = metric(baseline=200, value=100, since=D(2026, 1, 1), by=D(2026, 12, 27))
    j = judge(m, pts(("2026-04-01", 175)), D(2026, 4, 2))
    assert (j.direction, ratio(j.p), ratio(j.pacing), j.status) == ("decrease", 0.25, 1.0, "on-track")


@pytest.mark.parametrize("value, expected", [
    (105, "on-track"), (94.999, "at-risk"), (110, "at-risk"), (110.01, "off-track"),
])
def test_maintain_bands(value, expected):
    m = metric(baseline=100, value=100, direction="maintain", since=D(2026, 1, 1), by=D(2026, 12, 27))
    assert status(m, pts(("2026-04-01", value)), "2026-04-02") == expected


@pytest.mark.parametrize("value, expected", [
    (0.4, "on-track"), (0.2, "on-track"), (0.5, "at-risk"), (0.1, "at-risk"), (0.50001, "off-track"),
])
def test_a_band_edge_written_in_decimals_is_inside(value, expected):
    # 0.4 - 0.3 is 0.10000000000000003 in binary floats: the edge of 0.3 ± 0.1 all the same.
    m = metric(baseline=0.3, value=0.3, tolerance=0.1, direction="maintain", since=D(2026, 1, 1))
    assert status(m, pts(("2026-04-01", value)), "2026-04-02") == expected


def test_maintain_tolerance_as_written():
    m = metric(baseline=100, value=100, tolerance=1, since=D(2026, 1, 1))
    assert status(m, pts(("2026-04-01", 101.5)), "2026-04-02") == "at-risk"


def test_baseline_from_the_first_actual_on_or_after_since():
    m = metric(value=200, since=D(2026, 1, 10), by=D(2027, 1, 5))
    j = judge(m, pts(("2026-01-05", 50), ("2026-01-12", 100), ("2026-04-01", 130)), D(2026, 4, 2))
    assert (j.S, j.B, j.direction) == (D(2026, 1, 10), 100, "increase")


def test_baseline_zero():
    m = metric(baseline=0, value=50, since=D(2026, 1, 1), by=D(2026, 12, 27))
    j = judge(m, pts(("2026-04-01", 12.5)), D(2026, 4, 2))
    assert (ratio(j.p), ratio(j.pacing), j.status) == (0.25, 1.0, "on-track")


# -- demotion --


def partners_for(lead, **series_by_id):
    return {mid: pair for mid, pair in series_by_id.items()}


def test_on_track_is_demoted_by_a_worsened_guardrail_naming_it():
    lead = metric("onboarding", guardrails=("retention",), **UP)
    guard = metric("retention", baseline=40, value=45, since=D(2026, 1, 1), by=D(2026, 12, 27))
    series = pts(("2026-01-01", 100), ("2026-04-01", 130))
    worse = {"retention": (guard, pts(("2025-12-20", 40), ("2026-04-01", 35.9)))}  # -10.25%
    j = judge(lead, series, D(2026, 4, 2), partners=worse)
    assert (j.status, j.demoted_by) == ("at-risk", ("retention",))
    held = {"retention": (guard, pts(("2025-12-20", 40), ("2026-04-01", 36.1)))}  # -9.75%: not more than 10%
    assert judge(lead, series, D(2026, 4, 2), partners=held).status == "on-track"


def test_leading_metric_is_demoted_by_its_lagging_partner_named_at_either_end():
    lead = metric("activation", kind="leading", **UP)
    lag = MetricInfo("revenue", kind="lagging", pairs_with=("activation",),
                     target=Target(baseline=10, value=20, since=D(2026, 1, 1), by=D(2026, 12, 27)))
    series = pts(("2026-01-01", 100), ("2026-04-01", 130))
    worse = {"revenue": (lag, pts(("2026-01-01", 10), ("2026-04-01", 8)))}
    assert judge(lead, series, D(2026, 4, 2), partners=worse).demoted_by == ("revenue",)
    lagging_lead = metric("activation", kind="lagging", **UP)  # only a leading metric is demoted by a pair
    assert judge(lagging_lead, series, D(2026, 4, 2), partners=worse).status == "on-track"


def test_maintain_partner_worsens_by_moving_away_from_its_value():
    lead = metric("x", guardrails=("latency",), **UP)
    latency = metric("latency", baseline=200, value=200, since=D(2026, 1, 1))
    series = pts(("2026-01-01", 100), ("2026-04-01", 130))
    edge = {"latency": (latency, pts(("2026-01-01", 200), ("2026-04-01", 180)))}  # 20 away: 10%, not more
    assert judge(lead, series, D(2026, 4, 2), partners=edge).status == "on-track"
    away = {"latency": (latency, pts(("2026-01-01", 200), ("2026-04-01", 225)))}  # 25 away, above it
    assert judge(lead, series, D(2026, 4, 2), partners=away).demoted_by == ("latency",)


# -- forecast --


def test_forecast_needs_three_points_and_stops_when_moving_away():
    m = metric(**UP)
    assert judge(m, pts(("2026-02-01", 110), ("2026-03-01", 120)), D(2026, 3, 2)).forecast is None
    away = judge(m, pts(("2026-02-01", 130), ("2026-03-01", 120), ("2026-04-01", 110)), D(2026, 4, 2)).forecast
    assert away.points == 3 and away.slope_per_day < 0 and away.reaches_on is None
    flat = judge(m, pts(("2026-02-01", 120), ("2026-03-01", 120), ("2026-04-01", 120)), D(2026, 4, 2)).forecast
    assert flat.slope_per_day == 0 and flat.reaches_on is None and flat.at_by == 120


def test_forecast_uses_the_last_eight_points():
    m = metric(**UP)
    series = daily("2026-02-01", [500, 500] + [100 + i for i in range(8)])
    f = judge(m, series, D(2026, 3, 1)).forecast
    assert f.points == 8 and figure(f.slope_per_day) == 1
    assert f.reaches_on == D(2026, 2, 10) + dt.timedelta(days=93)  # 107 + 93 = 200


def test_no_reach_date_for_maintain_or_met():
    maintain = metric(baseline=100, value=100, since=D(2026, 1, 1), by=D(2026, 12, 27))
    assert judge(maintain, daily("2026-02-01", [90, 95, 99]), D(2026, 3, 1)).forecast.reaches_on is None
    assert judge(metric(**UP), daily("2026-02-01", [190, 195, 201]), D(2026, 3, 1)).forecast.reaches_on is None


# -- segments --


def test_segment_is_judged_against_its_own_scaled_trajectory():
    m = metric(segments=("plan_tier",), **UP)  # +100% from 100
    overall = pts(("2026-01-01", 100), ("2026-04-01", 125))
    seg = pts(("2026-01-01", 10), ("2026-04-01", 12.5))
    j = judge_segment(m, seg, overall, D(2026, 4, 2))
    assert (j.B, j.V, ratio(j.pacing), j.status) == (10, 20, 1.0, "on-track")


def test_segment_with_baseline_zero_is_unpaced_and_maintain_band_keeps_its_relative_width():
    zero = metric(baseline=0, value=10, since=D(2026, 1, 1), by=D(2026, 12, 27))
    assert judge_segment(zero, pts(("2026-04-01", 3)), pts(("2026-04-01", 3)), D(2026, 4, 2)).status == "unpaced"
    keep = metric(baseline=100, value=100, since=D(2026, 1, 1))  # band 5
    seg = pts(("2026-01-01", 10), ("2026-04-01", 10.6))  # band 0.5 around 10
    j = judge_segment(keep, seg, pts(("2026-01-01", 100)), D(2026, 4, 2))
    assert (j.tolerance, j.status) == (0.5, "at-risk")


# -- rollup --


def test_rollup_takes_the_worst_below_in_the_documented_order():
    assert worst(["met", "on-track", "unpaced", "no-data", "stale", "at-risk"]) == "at-risk"
    assert worst(["met", "unpaced"]) == "unpaced"
    assert worst(["on-track", "no-data"]) == "no-data"
    assert worst(["stale", "no-data"]) == "stale"
    assert worst(["missed", "off-track"]) == "missed"
    parents = {"vision": None, "goal": "vision", "kr": "goal", "other": "vision", "empty": None}
    got = rollup(parents, [("kr", "at-risk"), ("goal", "met"), ("other", "off-track")])
    assert got == {"vision": "off-track", "goal": "at-risk", "kr": "at-risk", "other": "off-track", "empty": None}


def test_fail_on_levels():
    assert fails("missed", "at-risk") and fails("off-track", "off-track")
    assert not fails("at-risk", "off-track")
    assert not any(fails(s, "at-risk") for s in ("stale", "no-data", "unpaced", "met", "on-track"))
    assert not fails("missed", None)


def test_sparkline():
    series = daily("2026-01-01", range(20))
    assert sparkline(series) == "▁▂▂▃▄▄▅▅▆▇▇█"
    assert sparkline(series, ascii_only=True) == ".::-==++*##@"
    assert sparkline(daily("2026-01-01", [5, 5, 5])) == "▄▄▄"
    assert sparkline(()) == ""


# -- the A predicates --


def codes(found):
    return [(f.code, f.subject) for f in found]


def test_a001_off_track_and_missed():
    m = metric(**UP)
    assert codes(off_track(m, judge(m, pts(("2026-04-01", 90)), D(2026, 4, 2)))) == [("A001", "m")]
    assert off_track(m, judge(m, pts(("2026-04-01", 120)), D(2026, 4, 2))) == []


def test_a002_stale_needs_a_period_and_an_active_metric():
    series = pts(("2026-03-01", 1))
    assert codes(stale(metric(window="weekly"), series, D(2026, 3, 16), Thresholds())) == [("A002", "m")]
    assert stale(metric(window="weekly"), series, D(2026, 3, 15), Thresholds()) == []
    assert stale(metric(window="weekly", status="deprecated"), series, D(2026, 3, 16), Thresholds()) == []


def test_a003_progress_while_a_guardrail_worsened():
    lead = metric("x", guardrails=("g",), **UP)
    guard = metric("g", baseline=40, value=45, since=D(2026, 1, 1), by=D(2026, 12, 27))
    partners = {"g": (guard, pts(("2026-01-01", 40), ("2026-04-01", 30)))}
    j = judge(lead, pts(("2026-01-01", 100), ("2026-04-01", 110)), D(2026, 4, 2), partners=partners)
    assert codes(myopia(lead, j, partners, Thresholds())) == [("A003", "x")]


def test_a004_masked_segment_decline_worst_first():
    m = metric("dau", segments=("tier",))
    overall = pts(("2026-01-01", 1000), ("2026-04-01", 985))  # -1.5%: flat
    spans = [SegmentSpan("tier=free", 800, 790), SegmentSpan("tier=power", 100, 65),
             SegmentSpan("tier=team", 100, 78), SegmentSpan("region=eu", 10, 1)]  # undeclared: ignored
    found = masked_segment_decline(m, overall, spans, D(2026, 4, 2), Thresholds())
    assert codes(found) == [("A004", "dau")] and found[0].data["segments"] == ["tier=power", "tier=team"]
    fell = pts(("2026-01-01", 1000), ("2026-04-01", 970))  # -3%: the overall fall is not masking
    assert masked_segment_decline(m, fell, spans, D(2026, 4, 2), Thresholds()) == []


def test_a005_flatlined_over_two_cycles():
    m = metric("x", review="weekly")
    flat = daily("2026-03-01", [100, 101, 99, 100, 100, 101, 99, 100, 100, 101, 100, 99, 100, 100])
    assert codes(flatlined(m, flat, D(2026, 3, 20), Thresholds())) == [("A005", "x")]
    rising = daily("2026-03-01", [100 + 3 * i for i in range(14)])
    assert flatlined(m, rising, D(2026, 3, 20), Thresholds()) == []
    assert flatlined(metric("x", review="weekly", baseline=100, value=100), flat, D(2026, 3, 20), Thresholds()) == []
    one_cycle = daily("2026-03-10", [100, 100, 100, 100, 100])  # 4 points but not one in each cycle
    assert flatlined(m, one_cycle, D(2026, 3, 20), Thresholds()) == []


def test_a006_baseline_mismatch_nearest_actual_earlier_on_a_tie():
    m = metric(baseline=100, value=150, since=D(2026, 1, 10), by=D(2026, 12, 1))
    tie = pts(("2026-01-07", 115), ("2026-01-13", 100))  # both 3 days away: the earlier, 115, differs
    assert codes(baseline_mismatch(m, tie, D(2026, 2, 1), Thresholds())) == [("A006", "m")]
    near = pts(("2026-01-07", 100), ("2026-01-13", 115))
    assert baseline_mismatch(m, near, D(2026, 2, 1), Thresholds()) == []
    far = pts(("2026-01-20", 150))  # not within 7 days
    assert baseline_mismatch(m, far, D(2026, 2, 1), Thresholds()) == []
    zero = metric(baseline=0, value=5, since=D(2026, 1, 10), by=D(2026, 12, 1))
    assert codes(baseline_mismatch(zero, pts(("2026-01-10", 0.1)), D(2026, 2, 1), Thresholds())) == [("A006", "m")]


def test_a007_met_before_the_deadline_only():
    m = metric(**UP)
    assert codes(already_met(m, judge(m, pts(("2026-03-01", 210)), D(2026, 3, 2)), D(2026, 3, 2))) == [("A007", "m")]
    after = judge(m, pts(("2026-12-01", 210)), D(2027, 1, 2))
    assert after.status == "met" and already_met(m, after, D(2027, 1, 2)) == []


def test_metric_findings_in_code_order():
    m = metric("x", window="weekly", baseline=100, value=200, since=D(2026, 1, 1), by=D(2026, 12, 27))
    series = pts(("2026-01-01", 150), ("2026-02-01", 90))
    j = judge(m, series, D(2026, 4, 1))
    assert [f.code for f in metric_findings(m, series, j, D(2026, 4, 1))] == ["A002", "A006"]


def test_source_findings_count_rows():
    found = source_findings("metricspec.db", {"weekly-report-builder": 3}, {("dau", "region"): 2},
                            {"value": 1, "repeat": 2})
    assert [(f.code, f.subject, f.data.get("rows")) for f in found] == [
        ("A008", "metricspec.db", 3), ("A008", "metricspec.db", 2), ("A009", "metricspec.db", None)]
    assert found[2].message == ("3 unusable rows left out or merged: 1 with a value that is not a finite "
                                "number; 2 repeats of one (metric, at, segment), taken as their mean")
