"""Values as the format reads them, for comparing two sides, and `history` entries checked.

Numbers compare as numbers (`1_000` is `1000`), text with each run of white space one space and
none at the ends, dates as dates. What is returned is JSON-ready: a whole number as an int, a
date as its ISO text, so that a change's `before` and `after` are what the reports print.

`history` entries are read from the validated model: one that fails E002 (validate.py) is not
compared.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Optional

from metricspec.rules.governance import find_placeholder
from metricspec.vocabulary import DATE, DIRECTIONS

_NUMBER = re.compile(r"-?[0-9]+(?:_[0-9]+)*(?:\.[0-9]+(?:_[0-9]+)*)?(?:[eE][-+]?[0-9]+)?")
_DATE = re.compile(DATE)
TARGET_KEYS = ("value", "baseline", "direction", "by", "since", "tolerance")
DEFAULT_TOLERANCE = 0.05  # ACTUALS.md's maintain-tolerance


def number(value: Any) -> Optional[float | int]:
    """A number as the format reads it, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        result = float(value)
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        result = float(value.strip().replace("_", ""))
    else:
        return None
    if result != result or result in (float("inf"), float("-inf")):
        return None
    return int(result) if result.is_integer() and abs(result) < 2**53 else result


def date(value: Any) -> Optional[str]:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return None
    return None


def text(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        return None
    return " ".join(str(value).split())


def target(item_target: Any, raw_target: Any, failed) -> dict:
    """The target as the format reads it: present keys only; `failed(key)` says a value failed E002."""
    if item_target is None:
        return {}
    read: dict = {}
    for key in ("value", "baseline"):
        if not failed(key) and getattr(item_target, key) is not None:
            read[key] = number(getattr(item_target, key))
    if not failed("direction") and item_target.direction:
        read["direction"] = item_target.direction
    for key in ("by", "since"):
        if not failed(key) and getattr(item_target, key) is not None:
            read[key] = date(getattr(item_target, key))
    if isinstance(raw_target, dict):  # ACTUALS.md's tolerance, not in the format's models yet
        tolerance = number(raw_target.get("tolerance"))
        if tolerance is not None and tolerance > 0:
            read["tolerance"] = tolerance
    return read


def direction(values: dict) -> Optional[str]:
    """The stated direction, else the one baseline -> value implies."""
    if values.get("direction") in DIRECTIONS:
        return values["direction"]
    value, baseline = values.get("value"), values.get("baseline")
    if value is None or baseline is None:
        return None
    return "increase" if value > baseline else "decrease" if value < baseline else "maintain"


def tolerance(values: dict) -> Optional[float]:
    if "tolerance" in values:
        return values["tolerance"]
    value = values.get("value")
    return None if value is None else DEFAULT_TOLERANCE * abs(value)


def history_entry(entry: Any) -> dict:
    """A validated `history` entry as the format reads it: present keys only."""
    read: dict = {}
    for key in ("value", "baseline", "result", "tolerance"):  # tolerance: ACTUALS.md's, if the format has it
        if getattr(entry, key, None) is not None:
            read[key] = number(getattr(entry, key))
    for key in ("direction", "status"):
        if getattr(entry, key, None):
            read[key] = getattr(entry, key)
    for key in ("by", "since", "closed"):
        if getattr(entry, key, None) is not None:
            read[key] = date(getattr(entry, key))
    if entry.reason is not None:
        read["reason"] = text(entry.reason)
    return read


def history(item: Any) -> Optional[list[Optional[dict]]]:
    """Every entry of a metric's `history` (an Item of diff.snapshot), None for one that failed
    E002 (validate.py keeps its position); None for the whole when `history` itself failed."""
    if item.failed("history"):
        return None
    return [None if item.failed("history", index) else history_entry(entry)
            for index, entry in enumerate(item.model.history or [])]


def target_part(entry: dict) -> dict:
    return {key: entry[key] for key in TARGET_KEYS if key in entry}


def records(entry: dict, base_target: dict) -> bool:
    """Whether a history entry records this BASE target: the same target fields, absent as
    absent, and the same direction, stated or inferred."""
    recorded = target_part(entry)
    plain = {key: value for key, value in recorded.items() if key != "direction"}
    wanted = {key: value for key, value in base_target.items() if key != "direction"}
    return plain == wanted and direction(recorded) == direction(base_target)


def good_reason(reason: Optional[str]) -> bool:
    return bool(reason and reason.strip()) and find_placeholder(reason) is None


def reaches(result: float, entry: dict) -> Optional[bool]:
    """Whether a result reaches an entry's value in its direction; None when none is known."""
    way = direction(entry)
    value = entry["value"]
    if way == "increase":
        return result >= value
    if way == "decrease":
        return result <= value
    if way == "maintain":
        return abs(result - value) <= (tolerance(entry) or 0)
    return None
