"""A target's trajectory chart as inline SVG: pure functions, no I/O, no clock, no randomness.

ACTUALS.md ("report", Charts) is the contract: a dated time axis, a value axis in the metric's
unit, the actuals as a line and points (at most 40), the trajectory dashed or the `maintain`
band, the forecast dotted, labelled rules at the deadline and today, `role="img"` and an
`aria-label` sentence. Every mark is placed inside the plot area: the domains cover every
value drawn, so nothing needs clipping. Numbers are written with fixed decimals, so the same
chart is the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from html import escape
from typing import Optional, Sequence

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 40, 28  # the top margin holds the two rule labels' rows
MAX_POINTS = 40
CHAR_WIDTH = 6.8  # of a 12px sans-serif character (at most), for keeping labels inside the box

Point = tuple  # (datetime.date, float)

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Band:
    """The `maintain` band: `low`..`high` from `start` to `end` (None: the plot's edge)."""

    low: float
    high: float
    start: Optional[dt.date] = None
    end: Optional[dt.date] = None


@dataclass(frozen=True)
class Chart:
    """What one chart shows; `label` is the `aria-label` sentence, written by the caller."""

    label: str
    points: tuple = ()  # the overall actuals, oldest first, as (date, value)
    unit: Optional[str] = None
    trajectory: Optional[tuple] = None  # ((S, B), (D, V))
    band: Optional[Band] = None
    forecast: Optional[tuple] = None  # ((tL, value on the fitted line), (D, value at D))
    target: Optional[tuple] = None  # (D, V), drawn as a ring where no trajectory leads to it
    deadline: Optional[dt.date] = None
    today: Optional[dt.date] = None


# -- numbers ------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """No negative zero: `-0.0` (a tiny negative rounded away) is written `0.0`."""
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def format_number(value: float) -> str:
    """Up to 6 significant digits, thousands grouped, no trailing zeros: `1,450.55`, `0.7583`."""
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    decimals = max(0, 5 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _plain(text)


def _is_currency(unit: Optional[str]) -> bool:
    return unit is not None and len(unit) == 3 and unit.isascii() and unit.isalpha() and unit.isupper()


def with_unit(number: str, unit: Optional[str]) -> str:
    """A formatted number written in `unit`: `45.2%`, `$12,000`, `-$5k`, `12 CHF`, `540 s`."""
    if unit == "percent":
        return number + "%"
    if unit in CURRENCY_SYMBOLS:
        sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
        return sign + CURRENCY_SYMBOLS[unit] + digits
    if unit == "seconds":
        return number + " s"
    if unit in (None, "", "count", "ratio", "score"):
        return number
    return f"{number} {unit}"


def format_quantity(value: Optional[float], unit: Optional[str]) -> str:
    """A value for a table or a sentence: every significant digit kept (see `format_number`)."""
    return "—" if value is None else with_unit(format_number(value), unit)


def tick_label(value: float, step: float, unit: Optional[str], largest: float) -> str:
    """A value tick, compact (`$12.4M`, `1.5k`, `45%`) with as many decimals as the step needs."""
    divisor, suffix = 1.0, ""
    if unit != "percent":
        for divisor, suffix in ((1e9, "B"), (1e6, "M"), (1e4, "k"), (1.0, "")):
            if largest >= divisor:
                break
        if suffix == "k":
            divisor = 1e3
    decimals = max(0, -math.floor(math.log10(step / divisor) + 1e-9))
    text = _plain(f"{value / divisor:,.{decimals}f}") + suffix
    # Symbols only: a word (`months`, `s`) is said once, in the axis title.
    return with_unit(text, unit) if unit == "percent" or unit in CURRENCY_SYMBOLS else text


def nice_step(span: float, count: int) -> float:
    """1, 2 or 5 times a power of ten, the nearest to `span / count` (as d3's ticks choose)."""
    raw = span / count
    magnitude = 10.0 ** math.floor(math.log10(raw))
    error = raw / magnitude
    factor = 10 if error >= math.sqrt(50) else 5 if error >= math.sqrt(10) else 2 if error >= math.sqrt(2) else 1
    return factor * magnitude


def value_domain(values: Sequence[float], unit: Optional[str], count: int = 5) -> tuple:
    """(low, high, ticks, step): `values` widened to whole steps; percent kept within 0–100."""
    low, high = min(values), max(values)
    if high == low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    step = nice_step(high - low, count)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    nice_low, nice_high = first * step, last * step
    if unit == "percent":
        nice_low = max(nice_low, 0.0) if min(values) >= 0 else nice_low
        nice_high = min(nice_high, 100.0) if max(values) <= 100 else nice_high
    ticks = [round(k * step, 12) for k in range(first, last + 1)]
    ticks = [t for t in ticks if nice_low - 1e-9 * step <= t <= nice_high + 1e-9 * step]
    return nice_low, nice_high, ticks, step


# -- dates --------------------------------------------------------------------------------


def _month_starts(start: dt.date, end: dt.date, months: int) -> list:
    ticks, year, month = [], start.year, start.month
    while True:
        day = dt.date(year, month, 1)
        if day > end:
            return ticks
        if day >= start and (month - 1) % months == 0:
            ticks.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def date_ticks(start: dt.date, end: dt.date, most: int = 6) -> list:
    """(date, label) ticks within start..end: days, weeks (Mondays), months, or years.

    The finest spacing giving at most `most` ticks; labels are locale-free: `2026-11-30`,
    `Nov 2026`, `Jan 2027`, `Mar` (a month's year said on the first tick and in January), `2027`.
    """
    for days in (1, 2, 7, 14):
        # Day 1 of the proleptic calendar was a Monday: weekly ticks fall on Mondays.
        first = start + dt.timedelta(days=(1 - start.toordinal()) % days)
        count = (end - first).days // days + 1
        if count <= most:  # counted before the dates are made: a year's span would make 365
            return [(first + dt.timedelta(days=k * days), (first + dt.timedelta(days=k * days)).isoformat())
                    for k in range(max(count, 0))]
    for months in (1, 2, 3, 6):
        ticks = _month_starts(start, end, months)
        if len(ticks) <= most:
            # The year on the first tick and on each January, as a printed chart would have it.
            return [(day, MONTHS[day.month - 1] + (f" {day.year}" if k == 0 or day.month == 1 else ""))
                    for k, day in enumerate(ticks)]
    for years in _years():
        ticks = [dt.date(y, 1, 1) for y in range(start.year, end.year + 1) if y % years == 0 and dt.date(y, 1, 1) >= start]
        if len(ticks) <= most:
            return [(day, str(day.year)) for day in ticks]
    return []  # unreachable: some step of years gives at most `most` ticks


def _years():
    """1, 2, 5, 10, 20, 50, … years."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            yield factor * power
        power *= 10


# -- downsampling -------------------------------------------------------------------------


def downsample(points: Sequence[Point], most: int = MAX_POINTS) -> list:
    """At most `most` points: beyond, the last point of each of `most` equal slices of the span.

    The span runs from the first point's date to the last's; the last point is always kept.
    """
    points = list(points)
    if len(points) <= most:
        return points
    start = points[0][0]
    span = (points[-1][0] - start).days
    kept: dict = {}
    for point in points:
        kept[min(most - 1, (point[0] - start).days * most // span)] = point
    return [kept[k] for k in sorted(kept)]


# -- drawing ------------------------------------------------------------------------------

# How the marks look: one rule per class on the page (the template's <style>), not the same
# attributes on every mark of a thousand charts. The geometry stays in the SVG.
CSS = """\
.chart { display: block; width: 100%; max-width: 640px; height: auto; font: 12px sans-serif; }
.value-axis, .time-axis { fill: #3c4043; }
.value-axis { text-anchor: end; }
.time-axis { text-anchor: middle; }
.value-axis path { stroke: #e8eaed; }
.time-axis path { stroke: #80868b; }
.band { fill: #1F5FA8; fill-opacity: 0.15; stroke: #1F5FA8; stroke-dasharray: 6 4; }
.trajectory, .forecast, .actuals { fill: none; stroke-width: 2; }
.trajectory { stroke: #1F5FA8; stroke-dasharray: 6 4; }
.forecast { stroke: #5F6368; stroke-dasharray: 2 3; }
.actuals { stroke: #202124; marker: url(#dot); }
.target { fill: #ffffff; stroke: #1F5FA8; stroke-width: 2; }
.rule path { stroke-width: 1.5; }
.rule text { paint-order: stroke; stroke: #ffffff; stroke-width: 3; }
.chart .empty { paint-order: stroke; stroke: #ffffff; stroke-width: 4; }
.rule.deadline { stroke: #B3261E; fill: #B3261E; }
.rule.today { stroke: #202124; fill: #202124; }
"""

# Drawn the same in every chart, so defined once in the page (in an <svg> of no size: a marker
# in a `display: none` one is not drawn) rather than in each of a thousand charts: the dot at
# each actual, drawn at the vertices of the actuals' line (`marker` in CSS), a circle of radius
# 3 in the chart's units; and the plot area's frame, which every chart places with a <use>.
DEFS = ('<svg class="defs" width="0" height="0" aria-hidden="true"><defs><marker id="dot" viewBox="0 0 6 6" refX="3" '
        'refY="3" markerWidth="6" markerHeight="6" markerUnits="userSpaceOnUse"><circle cx="3" cy="3" r="3" '
        f'fill="#202124"/></marker><rect id="plot" x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{HEIGHT - TOP - BOTTOM}" fill="#ffffff" stroke="#dadce0"/></defs></svg>')


def _num(x: float) -> str:
    """A coordinate to the whole unit: the box is 640 units wide and shown at most 640 pixels
    wide, so a mark is at most half a pixel from where finer numbers would put it (the table
    beside the chart has the exact values)."""
    return str(round(x))  # an int: never `-0`


@dataclass(frozen=True)
class Frame:
    """Where dates and values land: the plot area inside the margins."""

    day0: int
    day1: int
    low: float
    high: float

    def x(self, day: dt.date) -> float:
        return LEFT + (day.toordinal() - self.day0) / (self.day1 - self.day0) * (WIDTH - LEFT - RIGHT)

    def y(self, value: float) -> float:
        return HEIGHT - BOTTOM - (value - self.low) / (self.high - self.low) * (HEIGHT - TOP - BOTTOM)


def _dates_and_values(chart: Chart, points: Sequence[Point]) -> tuple:
    dates = [p[0] for p in points]
    values = [p[1] for p in points]
    for line in (chart.trajectory, chart.forecast):
        if line:
            dates += [line[0][0], line[1][0]]
            values += [line[0][1], line[1][1]]
    if chart.band:
        values += [chart.band.low, chart.band.high]
        dates += [d for d in (chart.band.start, chart.band.end) if d]
    if chart.target:
        dates.append(chart.target[0])
        values.append(chart.target[1])
    dates += [d for d in (chart.deadline, chart.today) if d]
    return dates, values


def frame_for(chart: Chart, points: Sequence[Point]) -> tuple:
    """(Frame, value ticks, step) covering every date and value the chart draws."""
    dates, values = _dates_and_values(chart, points)
    if not dates:
        dates = [dt.date(1970, 1, 1)]
    day0, day1 = min(dates).toordinal(), max(dates).toordinal()
    if day0 == day1:
        day0, day1 = day0 - 1, day1 + 1
    low, high, ticks, step = value_domain(values or [0.0], chart.unit)
    return Frame(day0, day1, low, high), ticks, step



def path_data(frame: Frame, points: Sequence[Point]) -> str:
    """The points as a move to the first, then steps relative to it: `M64 232l280-96 280-96`;
    a lone point is a zero-length segment, `M64 232h0` (a path of a move alone is not drawn,
    nor its marker).

    Every point is rounded to the unit (`_num`) before the steps between them are taken, so the
    path ends where absolute coordinates would put it, with no drift, in half the bytes.
    """
    out, last = [], None
    for day, value in points:
        x, y = round(frame.x(day)), round(frame.y(value))
        if last is None:
            out.append(f"M{x} {y}")
        else:
            dx, dy = x - last[0], y - last[1]
            out.append(("l" if len(out) == 1 else " ") + f"{dx}{dy if dy < 0 else f' {dy}'}")  # the steps share one `l`
        last = (x, y)
    return "".join(out) + ("h0" if len(out) == 1 else "")


def _text(x: float, y: float, label: str, anchor: str = "middle", cls: str = "", inherited: str = "start") -> str:
    """A label, kept inside the box; `text-anchor` left out when it is the group's (`inherited`,
    the SVG's own default is `start`)."""
    width = len(label) * CHAR_WIDTH
    if anchor == "middle":
        if x - width / 2 < 0:
            anchor, x = "start", 0
        elif x + width / 2 > WIDTH:
            anchor, x = "end", WIDTH
    elif anchor == "end" and x - width < 0:
        anchor, x = "start", 0
    attrs = f' class="{cls}"' if cls else ""
    anchored = "" if anchor == inherited else f' text-anchor="{anchor}"'
    return f'<text{attrs} x="{_num(x)}" y="{_num(y)}"{anchored}>{escape(label)}</text>'


def _rule(frame: Frame, day: dt.date, label: str, row: int, cls: str) -> str:
    """A labelled vertical rule; its colour, the group's (`.rule.deadline` in CSS)."""
    x = frame.x(day)
    y = 14 + row * 13
    fits_right = x + 4 + len(label) * CHAR_WIDTH <= WIDTH
    anchor, tx = ("start", x + 4) if fits_right else ("end", x - 4)
    # A white outline (CSS) keeps the label legible where the other rule crosses it.
    return (f'<g class="rule {cls}"><path d="M{_num(x)} {_num(y + 3)}V{HEIGHT - BOTTOM}"/>'
            f'{_text(tx, y, label, anchor, inherited="start")}</g>')


def render_svg(chart: Chart) -> str:
    """The chart as an `<svg>` element, its look in `CSS`: text escaped, marks inside the box."""
    points = downsample(chart.points)
    frame, ticks, step = frame_for(chart, points)
    left, right, bottom = LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM
    largest = max(abs(t) for t in ticks) if ticks else 0.0
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(chart.label)}">',
        '<use href="#plot"/>',
    ]
    # Grid lines and tick marks as one path each, labels anchored by their group: the same
    # drawing in a third of the bytes of an element per line.
    grid = "".join(f"M{left} {_num(frame.y(tick))}H{right}" for tick in ticks)
    out.append('<g class="value-axis">')
    if grid:
        out.append(f'<path d="{grid}"/>')
    for tick in ticks:
        out.append(_text(left - 6, frame.y(tick) + 4, tick_label(tick, step, chart.unit, largest), anchor="end",
                         inherited="end"))
    out.append("</g>")
    days = date_ticks(dt.date.fromordinal(frame.day0), dt.date.fromordinal(frame.day1))
    out.append('<g class="time-axis">')
    if days:
        out.append(f'<path d="{"".join(f"M{_num(frame.x(day))} {bottom}v4" for day, _ in days)}"/>')
    for day, label in days:
        # A label centred on a tick near the left edge would run into the value labels
        # (`18%Jan 2026`): it starts at its tick instead.
        early = frame.x(day) - len(label) * CHAR_WIDTH / 2 < left
        out.append(_text(frame.x(day), bottom + 16, label, anchor="start" if early else "middle", inherited="middle"))
    out.append("</g>")
    if chart.unit:
        out.append(_text(4, 12, f"value ({chart.unit})", anchor="start", cls="unit"))
    if chart.band:
        band = chart.band
        x0 = frame.x(band.start) if band.start else left
        x1 = frame.x(band.end) if band.end else right
        y0, y1 = frame.y(band.high), frame.y(band.low)
        out.append(f'<rect class="band" x="{_num(x0)}" y="{_num(y0)}" width="{_num(x1 - x0)}" '
                   f'height="{_num(max(y1 - y0, 1.0))}"/>')
    if chart.trajectory:
        out.append(f'<path class="trajectory" d="{path_data(frame, chart.trajectory)}"/>')
    if chart.forecast:
        out.append(f'<path class="forecast" d="{path_data(frame, chart.forecast)}"/>')
    if chart.deadline:
        out.append(_rule(frame, chart.deadline, f"deadline {chart.deadline.isoformat()}", 0, "deadline"))
    if chart.today:
        out.append(_rule(frame, chart.today, f"today {chart.today.isoformat()}", 1, "today"))
    if chart.target:
        # Where the metric should be by D, when no trajectory says how it gets there (no S yet).
        x, y = frame.x(chart.target[0]), frame.y(chart.target[1])
        out.append(f'<circle class="target" cx="{_num(x)}" cy="{_num(y)}" r="4"/>')
    if points:
        # The line and, at each of its vertices, a dot (`DEFS`): the points plotted.
        out.append(f'<path class="actuals" d="{path_data(frame, points)}"/>')
    else:
        out.append(_text((left + right) / 2, (TOP + bottom) / 2, "no actuals yet", cls="empty"))
    out.append("</svg>")
    return "".join(out)  # between SVG elements a line break is one more byte, shown nowhere
