"""The plain data actuals work on, built by the caller from its workspace and configuration.

Nothing here knows YAML, pydantic or the workspace: the command line builds a `MetricInfo` per
metric (the cadence and direction already resolved as the spec reads them) and hands them, with
rows from a source, to `status` and `findings`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Mapping, NamedTuple, Optional

OVERALL = ""  # the segment of an overall row, as the embedded store keeps it


@dataclass(frozen=True)
class Target:
    """A metric's target as written: every field may be missing."""

    value: Optional[float] = None
    baseline: Optional[float] = None
    by: Optional[dt.date] = None
    since: Optional[dt.date] = None
    tolerance: Optional[float] = None
    direction: Optional[str] = None  # as stated: `increase`, `decrease`, `maintain` or None


@dataclass(frozen=True)
class MetricInfo:
    """One metric as status judges it."""

    id: str
    name: str = ""
    unit: Optional[str] = None
    window: Optional[str] = None
    review: Optional[str] = None  # the metric's review cadence, else its document's
    kind: Optional[str] = None  # `leading`, `lagging` or None
    status: str = "active"
    target: Optional[Target] = None
    segments: tuple[str, ...] = ()
    guardrails: tuple[str, ...] = ()
    pairs_with: tuple[str, ...] = ()
    query: Optional[str] = None

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class Row:
    """One actual: `segment` is `''` for the overall value, else `dimension=value`."""

    metric: str
    at: dt.date
    value: float
    segment: str = OVERALL


class Point(NamedTuple):
    """A dated value of one series (one metric, one segment): a tuple, as a year of daily
    values for a thousand metrics is made of them."""

    at: dt.date
    value: float


Series = tuple  # tuple[Point, ...], oldest first, one point a day


@dataclass(frozen=True)
class Thresholds:
    """The thresholds ACTUALS.md names, as fractions, with their defaults."""

    stale_windows: float = 2
    on_track_pacing: float = 0.95
    at_risk_pacing: float = 0.75
    partner_worsening: float = 0.10
    forecast_points: int = 8
    flatline_change: float = 0.02
    flatline_cycles: float = 2
    segment_decline: float = 0.20
    baseline_mismatch: float = 0.10
    maintain_tolerance: float = 0.05

    @classmethod
    def from_config(cls, values: Mapping[str, float]) -> "Thresholds":
        """From `[tool.metricspec.thresholds]` keys (`stale-windows`, ...); others are ignored."""
        known = {f.name.replace("_", "-"): f.name for f in fields(cls)}
        return cls(**{known[key]: value for key, value in values.items() if key in known})


@dataclass(frozen=True)
class AFinding:
    """What an A rule found: the caller turns it into a diagnostic (path, line, severity).

    `subject` is a metric id, or for A008/A009 the source's label (a CSV file, a database path,
    a masked URL) with `line` the CSV line when there is one.
    """

    code: str
    subject: str
    message: str
    line: Optional[int] = None
    data: Mapping[str, object] = field(default_factory=dict)
