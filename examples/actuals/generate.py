"""Write the bundled examples' actuals: a year of made-up but realistic-looking data per product.

    python3 examples/actuals/generate.py      # rewrites examples/actuals/*.csv and broken/*.csv

Deterministic (one seeded random generator, stdlib only): the same script writes the same bytes,
and tests/test_examples_actuals.py checks the committed CSVs are what it writes. Each metric's
story is a few key points joined by straight lines, plus noise; the stories are chosen so that
`metricspec status examples/*.metrics.yaml --today 2026-12-01` shows every status and A001-A007
(see README.md, "Progress against targets"). The year runs from 2025-12-01 to 2026-11-30.

Cadence follows the metric's window, as a pipeline would report it: a 1-day window daily, a
7-day window weekly (the window's last day, a Sunday), a 28-day window every 28 days, and 30-day,
90-day, monthly and quarterly windows at each month's end (a trailing window).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIRST, LAST = dt.date(2025, 12, 1), dt.date(2026, 11, 30)
LAST_SUNDAY = dt.date(2026, 11, 29)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def dates(cadence: str, until: dt.date = LAST) -> list:
    if cadence == "daily":
        found = [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    elif cadence in ("weekly", "28d"):
        step = 7 if cadence == "weekly" else 28
        found = [LAST_SUNDAY - dt.timedelta(days=step * n) for n in range(364 // step)][::-1]
    else:  # month ends
        found = []
        year, month = 2025, 12
        while (year, month) <= (2026, 11):
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            found.append(following - dt.timedelta(days=1))
            year, month = following.year, following.month
    return [d for d in found if d <= until]


def path(points: list, at: dt.date) -> float:
    """The story's value on `at`: straight lines between the key points (flat beyond them)."""
    keys = [(day(d), v) for d, v in points]
    if at <= keys[0][0]:
        return keys[0][1]
    for (d0, v0), (d1, v1) in zip(keys, keys[1:]):
        if at <= d1:
            return v0 + (v1 - v0) * (at - d0).days / (d1 - d0).days
    return keys[-1][1]


# id: (cadence, key points, noise (a fraction of the value), decimals, optional last date).
# The comment on each line is the status and the A findings it is meant to show on 2026-12-01.
ACME = {
    "enterprise-arr": ("monthly", [("2025-12-31", 11_300_000), ("2026-06-30", 12_000_000),
                                   ("2026-11-30", 12_850_000)], 0.003, 0),      # on-track
    "cac-payback": ("monthly", [("2025-12-31", 18.0), ("2026-11-30", 15.9)], 0.008, 1),  # on-track
    "weekly-report-builders": ("weekly", [("2025-12-07", 8_500), ("2026-06-07", 8_900),
                                          ("2026-11-29", 9_650)], 0.006, 0),  # at-risk: pacing 0.85
    "account-retention": ("monthly", [("2025-12-31", 86.0), ("2026-11-30", 89.7)], 0.003, 1),  # on-track
    "report-failure-rate": ("weekly", [("2025-12-07", 3.5), ("2026-06-07", 2.6),
                                       ("2026-11-29", 1.36)], 0.012, 2),      # met before its deadline: A007
    "time-to-first-report": ("28d", [("2025-12-07", 540), ("2026-11-29", 372)], 0.01, 0),  # on-track
    "week-one-report-savers": ("weekly", [("2025-12-07", 22.0), ("2026-11-29", 31.1)], 0.012, 1),  # on-track
    "report-sharing-rate": ("weekly", [("2025-12-07", 18.0), ("2026-11-29", 25.4)], 0.012, 1),  # on-track
    "trial-to-paid-rate": ("monthly", [("2025-12-31", 17.0), ("2026-08-31", 17.8),
                                       ("2026-11-30", 16.1)], 0.008, 1),      # off-track: A001
    # The spec's baseline (31) came from a slide; the data says 26.5 at the start: A006.
    "day-one-dashboard-rate": ("monthly", [("2025-12-31", 26.5), ("2026-11-30", 39.4)], 0.006, 1),  # at-risk
    # The export of warehouse_connected broke in October: stale, A002.
    "warehouse-connection-rate": ("weekly", [("2025-12-07", 44.0), ("2026-10-04", 53.5)], 0.008, 1,
                                  day("2026-10-04")),
}
FIXLY = {
    "contribution-margin": ("monthly", [("2025-12-31", 18.0), ("2026-11-30", 20.6)], 0.006, 1),  # on-track
    # net-revenue-retention: no rows yet (the finance warehouse is not wired): no-data.
    "repeat-booking-rate": ("monthly", [("2025-12-31", 36.0), ("2026-11-30", 40.6)], 0.006, 1),  # on-track
    # Up on its own pace, but its guardrail refund-rate worsened: at-risk (demoted), A003.
    "reviewed-jobs-per-week": ("weekly", [("2025-12-07", 12_400), ("2026-06-07", 12_900),
                                          ("2026-11-29", 13_950)], 0.006, 0),
    # Due 2026-09-30 and moving the wrong way: missed, A001.
    "refund-rate": ("28d", [("2025-12-07", 2.6), ("2026-05-31", 2.65), ("2026-11-29", 3.05)], 0.008, 2),
    "on-site-within-48h-rate": ("28d", [("2025-12-07", 64.0), ("2026-11-29", 72.4)], 0.005, 1),  # on-track
    "pro-acceptance-rate": ("28d", [("2025-12-07", 71.0), ("2026-11-29", 76.1)], 0.003, 1),  # at-risk
    # Its target has no deadline yet: unpaced.
    "pro-rebooking-rate": ("monthly", [("2025-12-31", 27.0), ("2026-11-30", 32.7)], 0.008, 1),
}
PULSE = {
    "subscription-mrr": ("monthly", [("2025-12-31", 62_000), ("2026-06-30", 80_000),
                                     ("2026-11-30", 113_000)], 0.008, 0),     # on-track
    "week-8-retention": ("weekly", [("2025-12-07", 19.0), ("2026-11-29", 26.5)], 0.012, 1),  # on-track
    # The overall count is on track while advanced members fall by 30%: A004 (segments below).
    "weekly-habit-members": ("weekly", [("2025-12-07", 4_200), ("2026-11-29", 7_464)], 0.0, 0),
    "workout-injury-reports": ("28d", [("2025-12-07", 0.40), ("2026-11-29", 0.41)], 0.03, 2),  # on-track (maintain)
    # Climbed until September, then flat within its daily noise: on-track, A005.
    "day-one-activation-rate": ("daily", [("2025-12-01", 28.0), ("2026-09-15", 41.6),
                                          ("2026-11-30", 42.0)], 0.015, 1),
    "trial-start-rate": ("weekly", [("2025-12-07", 21.0), ("2026-11-29", 27.6)], 0.012, 1),  # on-track
    "starter-completion-rate": ("weekly", [("2025-12-07", 58.0), ("2026-11-29", 71.6)], 0.006, 1),  # on-track
    "next-workout-scheduling-rate": ("weekly", [("2025-12-07", 24.0), ("2026-11-29", 35.0)], 0.012, 1),  # on-track
}

# Segment stories: (metric, dimension, {value: key points}, noise). The overall rows of these
# counts are the sum of their segments, as the pipeline would compute them.
SEGMENTS = {
    "enterprise-arr": ("region", {
        "na": [("2025-12-31", 6_300_000), ("2026-11-30", 7_100_000)],
        "emea": [("2025-12-31", 3_400_000), ("2026-11-30", 3_900_000)],
        "apac": [("2025-12-31", 1_600_000), ("2026-11-30", 1_850_000)],
    }, 0.004),
    "reviewed-jobs-per-week": ("region", {
        "northeast": [("2025-12-07", 3_950), ("2026-06-07", 4_110), ("2026-11-29", 4_450)],
        "south": [("2025-12-07", 3_480), ("2026-06-07", 3_620), ("2026-11-29", 3_920)],
        "midwest": [("2025-12-07", 2_740), ("2026-06-07", 2_850), ("2026-11-29", 3_080)],
        "west": [("2025-12-07", 2_230), ("2026-06-07", 2_320), ("2026-11-29", 2_500)],
    }, 0.008),
    "weekly-habit-members": ("fitness_level", {
        "beginner": [("2025-12-07", 2_000), ("2026-11-29", 4_284)],
        "intermediate": [("2025-12-07", 1_300), ("2026-11-29", 2_550)],
        "advanced": [("2025-12-07", 900), ("2026-05-31", 880), ("2026-11-29", 630)],
    }, 0.012),
}


def rows_for(metrics: dict, rng: random.Random) -> list:
    rows = []
    for metric, (cadence, points, noise, decimals, *until) in metrics.items():
        segment_rows = {}
        if metric in SEGMENTS:
            dimension, stories, seg_noise = SEGMENTS[metric]
            for name, story in stories.items():
                for at in dates(cadence):
                    value = round(path(story, at) * (1 + rng.gauss(0, seg_noise)), decimals)
                    segment_rows.setdefault(at, []).append(value)
                    rows.append((metric, at, value, f"{dimension}={name}"))
        for at in dates(cadence, *until):
            if at in segment_rows:
                value = round(sum(segment_rows[at]), decimals)
            else:
                value = round(path(points, at) * (1 + rng.gauss(0, noise)), decimals)
            rows.append((metric, at, value, ""))
    return rows


def plain(value: float) -> str:
    """A number as a pipeline would export it: no exponent, no trailing `.0` on whole counts."""
    return f"{value:.0f}" if float(value).is_integer() and abs(value) >= 100 else f"{value:g}"


def write(path: Path, rows: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["metric", "at", "value", "segment"])
        for metric, at, value, segment in sorted(rows, key=lambda r: (r[0], r[3], r[1])):
            writer.writerow([metric, at.isoformat(), value if isinstance(value, str) else plain(value), segment])


# A warehouse export gone wrong, for `--source 'examples/actuals/broken/*.csv'`: rows under a
# misspelt id and an undeclared segment dimension (A008), and unusable rows (A009).
BROKEN = [
    ("weekly-habit-member", day("2026-11-15"), 7_301, ""),
    ("weekly-habit-member", day("2026-11-22"), 7_388, ""),
    ("weekly-habit-member", day("2026-11-29"), 7_455, ""),
    ("week-8-retention", day("2026-11-29"), 26.4, "country=de"),
    ("week-8-retention", day("2026-11-29"), 26.3, ""),
    ("week-8-retention", day("2026-11-22"), "n/a", ""),
    ("trial-start-rate", day("2026-11-29"), 27.0, ""),
    ("trial-start-rate", day("2026-11-29"), 27.4, ""),
]


def main(out: Path = HERE) -> None:
    rng = random.Random(19)  # issue 19
    for name, metrics in (("acme-analytics", ACME), ("fixly-marketplace", FIXLY), ("pulse-fitness", PULSE)):
        write(out / f"{name}.csv", rows_for(metrics, rng))
    write(out / "broken" / "warehouse-export.csv", BROKEN)


if __name__ == "__main__":
    main()
