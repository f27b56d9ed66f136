"""The trajectory chart's drawing code: numbers, scales, ticks, downsampling, paths and marks."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from metricspec.report import chart
from metricspec.report.chart import (
    HEIGHT, LEFT, RIGHT, TOP, BOTTOM, WIDTH, Band, Chart, Frame, date_ticks, downsample, format_number,
    format_quantity, nice_step, path_data, render_svg, tick_label, value_domain,
)

D = dt.date


@pytest.mark.parametrize("value, text", [
    (0, "0"), (1390, "1,390"), (1450.55, "1,450.55"), (0.7583, "0.7583"), (12_000_000, "12,000,000"),
    (-3.5, "-3.5"), (1 / 3, "0.333333"), (2 / 3 * 1000, "666.667"), (-1e-12, "-0.000000000001"),
])
def test_numbers_keep_six_significant_digits_grouped(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize("value, unit, text", [
    (45.25, "percent", "45.25%"), (12_000_000, "USD", "$12,000,000"), (-5000, "EUR", "-€5,000"),
    (12, "CHF", "12 CHF"), (540, "seconds", "540 s"), (1390, "count", "1,390"), (0.8, "ratio", "0.8"),
    (14, "months", "14 months"), (3, None, "3"), (None, "USD", "—"),
])
def test_quantities_are_written_in_their_unit(value, unit, text):
    assert format_quantity(value, unit) == text


@pytest.mark.parametrize("span, count, step", [(600, 5, 100), (1000, 5, 200), (2.4e6, 5, 5e5), (2, 5, 0.5), (5, 5, 1), (0.07, 5, 0.01), (0.08, 5, 0.02)])
def test_steps_are_one_two_or_five_times_a_power_of_ten(span, count, step):
    # The nearest of them to span / count, as d3 chooses: 120 is nearer 100 than 200.
    assert nice_step(span, count) == pytest.approx(step)


def test_value_domain_widens_to_whole_steps():
    assert value_domain([1390, 1200, 1800, 1663.42], "count") == (1200, 1800, [1200, 1300, 1400, 1500, 1600, 1700, 1800], 100)
    assert value_domain([1190, 1790], "count")[:2] == (1100, 1800)
    low, high, ticks, step = value_domain([12_040_000, 14_400_000, 14_710_000], "USD")
    assert (low, high, step) == (12_000_000, 15_000_000, 500_000) and ticks[0] == low and ticks[-1] == high


def test_percent_domain_stays_within_0_to_100_when_the_values_do():
    low, high, ticks, _ = value_domain([96.5, 99.9], "percent")
    assert (low, high, ticks[-1]) == (96.5, 100, 100)
    assert value_domain([97.2, 99.9], "percent")[:2] == (97, 100)  # not 100.5
    assert value_domain([-2, 101], "percent")[:2] == (-20, 120)  # values outside are shown, not clipped


def test_a_flat_series_gets_a_domain_around_it():
    assert value_domain([50, 50], "percent")[:2] == (44, 56)  # 50 ± 10%, then whole steps of 2
    assert value_domain([0], None)[:2] == (-1, 1)


@pytest.mark.parametrize("value, step, unit, largest, text", [
    (12_500_000, 500_000, "USD", 15e6, "$12.5M"), (12_000_000, 500_000, "USD", 15e6, "$12.0M"),
    (15_000, 5000, "count", 20_000, "15k"), (1500, 500, "count", 2000, "1,500"), (45, 5, "percent", 60, "45%"),
    (2.5, 0.5, "seconds", 3, "2.5"), (17.5, 0.5, "months", 18, "17.5"), (-0.0000001, 0.5, None, 2, "0.0"),
    (2_000_000_000, 1e9, "GBP", 3e9, "£2B"),
])
def test_value_ticks_are_compact(value, step, unit, largest, text):
    assert tick_label(value, step, unit, largest) == text


def test_date_ticks_use_days_then_mondays_then_months_then_years():
    assert date_ticks(D(2026, 11, 28), D(2026, 12, 1)) == [
        (D(2026, 11, 28), "2026-11-28"), (D(2026, 11, 29), "2026-11-29"),
        (D(2026, 11, 30), "2026-11-30"), (D(2026, 12, 1), "2026-12-01")]
    weekly = date_ticks(D(2026, 11, 1), D(2026, 12, 1))
    assert [label for _, label in weekly] == ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"]
    assert all(day.weekday() == 0 for day, _ in weekly)
    assert [label for _, label in date_ticks(D(2026, 7, 1), D(2027, 6, 30))] == [
        "Jul 2026", "Sep", "Nov", "Jan 2027", "Mar", "May"]  # the year on the first tick and in January
    assert [label for _, label in date_ticks(D(2020, 3, 1), D(2027, 6, 30))] == ["2022", "2024", "2026"]
    assert [label for _, label in date_ticks(D(1990, 1, 1), D(2049, 1, 1))] == ["1990", "2000", "2010", "2020", "2030", "2040"]
    assert [label for _, label in date_ticks(D(1901, 1, 1), D(2100, 1, 1))] == ["1950", "2000", "2050", "2100"]


@pytest.mark.parametrize("start, end", [(D(2026, 1, 1), D(2026, 1, 2)), (D(2026, 1, 1), D(2026, 4, 17)),
                                        (D(2026, 1, 1), D(2028, 7, 1)), (D(1900, 1, 1), D(2100, 1, 1))])
def test_date_ticks_are_few_and_inside_the_span(start, end):
    ticks = date_ticks(start, end)
    assert 1 <= len(ticks) <= 6 and all(start <= day <= end for day, _ in ticks)
    assert [day for day, _ in ticks] == sorted(day for day, _ in ticks)


def _daily(count: int) -> list:
    return [(D(2026, 7, 1) + dt.timedelta(days=k), float(k)) for k in range(count)]


def test_forty_points_or_fewer_are_all_drawn():
    assert downsample(_daily(40)) == _daily(40)
    assert downsample([]) == []


def test_beyond_forty_the_last_point_of_each_of_forty_slices():
    points = _daily(153)  # a span of 152 days: slice k holds days 152k/40 <= d < 152(k+1)/40
    kept = downsample(points)
    assert len(kept) == 40 and kept[-1] == points[-1]
    slices = [min(39, int(value) * 40 // 152) for _, value in kept]
    assert slices == list(range(40))
    for _, value in kept[:-1]:  # the last of its slice: the next day falls in the next slice
        assert (int(value) + 1) * 40 // 152 > int(value) * 40 // 152
    assert kept[:3] == [points[3], points[7], points[11]]


def test_slices_without_points_are_skipped():
    points = _daily(50) + [(D(2027, 7, 1), 99.0)]  # 50 days, then a year's gap
    kept = downsample(points)
    assert len(kept) < 40 and kept[-1] == points[-1]


def test_path_data_for_given_points():
    frame = Frame(D(2026, 1, 1).toordinal(), D(2026, 1, 11).toordinal(), 0.0, 100.0)
    assert frame.x(D(2026, 1, 1)) == LEFT and frame.x(D(2026, 1, 11)) == WIDTH - RIGHT
    assert frame.y(0) == HEIGHT - BOTTOM and frame.y(100) == TOP
    # A move to the first point, then one `l` and steps relative to the last point.
    assert path_data(frame, [(D(2026, 1, 1), 0.0), (D(2026, 1, 6), 50.0), (D(2026, 1, 11), 100.0)]) == \
        "M64 232l280-96 280-96"
    assert path_data(frame, [(D(2026, 1, 2), 12.345)]) == "M120 208h0"  # a lone point: a segment of no length


def test_relative_steps_do_not_drift():
    # 200 points a day apart at values that round awkwardly: summing the written steps lands
    # every point on the unit its absolute coordinates round to.
    frame = Frame(D(2026, 1, 1).toordinal(), D(2026, 7, 20).toordinal(), 0.0, 7.0)
    points = [(D(2026, 1, 1) + dt.timedelta(days=k), (k * 0.37) % 7) for k in range(200)]
    assert vertices(path_data(frame, points)) == [(round(frame.x(d)), round(frame.y(v))) for d, v in points]


def _numbers(svg: str, attribute: str) -> list:
    return [float(x) for x in re.findall(rf' {attribute}="(-?[\d.]+)"', svg)]


def vertices(d: str) -> list:
    """(x, y) of each vertex of a path written as `path_data` writes it (M, then l steps)."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d.replace("h0", ""))]
    points, x, y = [], 0.0, 0.0
    for k in range(0, len(numbers), 2):
        x, y = (numbers[k], numbers[k + 1]) if k == 0 else (x + numbers[k], y + numbers[k + 1])
        points.append((round(x, 1), round(y, 1)))
    return points


def dots(svg: str) -> list:
    """The points drawn: the vertices of the actuals' line, each marked with a dot (CSS `marker`)."""
    found = re.search(r'<path class="actuals" d="([^"]*)"', svg)
    return vertices(found.group(1)) if found else []


TRAJECTORY = Chart(
    label="Weekly active report builders: …",
    points=tuple((D(2026, 7, 6) + dt.timedelta(days=7 * k), 1200.0 + 9 * k) for k in range(22)),
    unit="count", trajectory=((D(2026, 7, 1), 1200.0), (D(2027, 6, 30), 1800.0)),
    forecast=((D(2026, 11, 30), 1390.0), (D(2027, 6, 30), 1663.42)),
    deadline=D(2027, 6, 30), today=D(2026, 12, 1),
)


def test_a_trajectory_chart_has_every_mark():
    svg = render_svg(TRAJECTORY)
    assert svg.startswith('<svg class="chart" viewBox="0 0 640 260" role="img"')
    assert 'aria-label="Weekly active report builders: …"' in svg
    # (S, B) at the left edge, (D, V) at the right: the domain runs from S to D, 1200 to 1800.
    assert '<path class="trajectory" d="M64 232l560-192"/>' in svg
    forecast = re.search(r'<path class="forecast" d="([^"]+)"/>', svg).group(1)
    assert vertices(forecast)[1][0] == 624  # to the deadline
    assert len(dots(svg)) == 22
    assert '<g class="rule deadline"><path d="M624 17V232"/>' in svg and ">deadline 2027-06-30</text></g>" in svg
    assert '<g class="rule today"><path d="M299 30V232"/>' in svg and ">today 2026-12-01</text></g>" in svg  # 153 of 364 days
    assert svg.count('<use href="#plot"/>') == 1  # the plot's frame, defined once in the page (DEFS)
    assert [t for t in re.findall(r">([^<>]+)</text>", svg) if t[0].isdigit()][:7] == [
        "1,200", "1,300", "1,400", "1,500", "1,600", "1,700", "1,800"]
    assert ">Jul 2026</text>" in svg and ">value (count)</text>" in svg


def test_more_than_forty_actuals_draw_forty_points():
    many = Chart(label="x", points=tuple(_daily(153)), unit="percent", today=D(2026, 12, 1))
    assert len(dots(render_svg(many))) == 40


def test_every_mark_is_inside_the_box():
    for drawn in (TRAJECTORY, MAINTAIN, Chart(label="x", points=tuple(_daily(153)), today=D(2027, 1, 1))):
        svg = render_svg(drawn)
        xs = _numbers(svg, "x1") + _numbers(svg, "x2") + _numbers(svg, "x")
        ys = _numbers(svg, "y1") + _numbers(svg, "y2") + _numbers(svg, "y")
        for d in re.findall(r' d="([^"]+)"', svg):
            if re.fullmatch(r"M[-\d. ]+(l[-\d. ]+)?(h0)?", d):  # a line or point, as path_data writes it
                xs += [x for x, _ in vertices(d)]
                ys += [y for _, y in vertices(d)]
                continue
            # The grid, the ticks and the rules: absolute moves, H, V and v.
            pairs = [float(n) for n in re.findall(r"M(-?[\d.]+) (-?[\d.]+)", d) for n in n]
            xs += pairs[0::2]
            ys += pairs[1::2]
            xs += [float(n) for n in re.findall(r"H(-?[\d.]+)", d)]
            ys += [float(n) for n in re.findall(r"V(-?[\d.]+)", d)]
            ys += [float(y) + float(dy) for y, dy in re.findall(r" (-?[\d.]+)v(-?[\d.]+)", d)]
        xs += [x + 3 for x, _ in dots(svg)] + [x - 3 for x, _ in dots(svg)]  # a dot's cap, radius 3
        ys += [y + 3 for _, y in dots(svg)] + [y - 3 for _, y in dots(svg)]
        assert xs and all(LEFT - 8 <= x <= WIDTH for x in [x for x, _ in dots(svg)])
        assert all(0 <= x <= WIDTH for x in xs) and all(0 <= y <= HEIGHT for y in ys)


MAINTAIN = Chart(
    label="90th percentile report load time: …",
    points=((D(2026, 7, 6), 2.39), (D(2026, 11, 30), 2.93)), unit="seconds",
    band=Band(2.25, 2.75, D(2026, 7, 1), None), today=D(2026, 12, 1),
)


def test_a_maintain_target_is_a_band_to_the_edge_without_a_deadline():
    svg = render_svg(MAINTAIN)
    band = re.search(r'<rect class="band" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', svg)
    x, y, width, height = map(float, band.groups())
    assert x == 64.0 and x + width == WIDTH - RIGHT  # from S to the plot's right edge
    assert 'class="trajectory"' not in svg and 'class="rule deadline"' not in svg
    # The domain 2.2 to 3.0 puts 2.75 and 2.25 at these heights:
    assert (y, height) == (pytest.approx(TOP + 0.25 / 0.8 * 192, abs=0.05), pytest.approx(0.5 / 0.8 * 192, abs=0.1))


def test_a_target_without_a_trajectory_is_a_ring_at_the_deadline_inside_the_value_axis():
    # No S (no `since`, no actual yet): no trajectory, but the target is still a place on the chart.
    svg = render_svg(Chart(label="x", unit="percent", target=(D(2027, 12, 31), 110.0), deadline=D(2027, 12, 31),
                           today=D(2026, 12, 1)))
    ring = re.search(r'<circle class="target" cx="(\d+)" cy="(\d+)" r="4"/>', svg)
    assert ring and int(ring.group(1)) == WIDTH - RIGHT and TOP < int(ring.group(2)) < HEIGHT - BOTTOM
    labels = [t for t in re.findall(r">([^<>]+)</text>", svg) if t.endswith("%")]
    assert "110%" in labels and "0.0%" not in labels  # the value axis is around the target, not 0 to 1%


def test_a_chart_without_actuals_says_so():
    svg = render_svg(Chart(label="x", unit="percent", trajectory=((D(2026, 10, 1), 22.0), (D(2027, 6, 30), 35.0)),
                           deadline=D(2027, 6, 30), today=D(2026, 12, 1)))
    assert "no actuals yet</text>" in svg and dots(svg) == [] and 'class="actuals"' not in svg


def test_rule_labels_stay_inside_the_box():
    svg = render_svg(TRAJECTORY)
    # The deadline sits at the right edge: its label ends left of the rule.
    assert re.search(r'<g class="rule deadline"><path d="[^"]+"/><text x="620" y="14" text-anchor="end">', svg)
    assert re.search(r'<g class="rule today"><path d="[^"]+"/><text x="\d+" y="27">', svg)  # start: the SVG's default


def test_text_in_the_chart_is_escaped():
    svg = render_svg(Chart(label='a "quoted" <b>name</b> & more', unit="<i>", points=((D(2026, 1, 1), 1.0),)))
    assert 'aria-label="a &quot;quoted&quot; &lt;b&gt;name&lt;/b&gt; &amp; more"' in svg
    assert ">value (&lt;i&gt;)</text>" in svg and "<b>" not in svg and "<i>" not in svg


def test_the_same_chart_is_the_same_bytes():
    assert render_svg(TRAJECTORY) == render_svg(Chart(**{f: getattr(TRAJECTORY, f) for f in TRAJECTORY.__dataclass_fields__}))
    assert chart.MAX_POINTS == 40
