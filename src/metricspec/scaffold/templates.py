"""The starter specs `metricspec init` writes, rendered for a product, a stage and a day.

Each template is a YAML file beside this module with `{{token}}` placeholders: the product
name, the stage, and dates computed from the day `init` runs (deadlines fall on quarter ends
6, 9 and 12 months ahead, so a fresh spec never holds a passed or distant deadline).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
import unicodedata
from importlib import resources

from metricspec.schema import SCHEMA_ID

TEMPLATES = ("saas", "b2b", "ecommerce", "marketplace", "minimal")
STAGES = ("discovery", "mvp", "growth", "maturity")

# What each template is, and the stage its metrics are chosen for.
DESCRIPTIONS = {
    "saas": "self-serve B2B SaaS: trials, team activation, recurring revenue",
    "b2b": "enterprise B2B platform: expansion, multi-team adoption, gross margin",
    "ecommerce": "online store: conversion, repeat purchases, contribution margin",
    "marketplace": "two-sided marketplace: liquidity, repeat bookings, supply retention",
    "minimal": "the smallest complete hierarchy: one objective, goal, outcome and behavior",
}
DEFAULT_STAGES = {
    "saas": "growth",
    "b2b": "maturity",
    "ecommerce": "growth",
    "marketplace": "mvp",
    "minimal": "mvp",
}

_TOKEN = re.compile(r"\{\{(\w+)\}\}")
# Names that some YAML readers (YAML 1.1) take for booleans or null when written plain.
_AMBIGUOUS = re.compile(r"^(y|n|yes|no|on|off|true|false|null|~)$", re.IGNORECASE)
_PLAIN_SAFE = re.compile(r"^[A-Za-z][A-Za-z0-9 .&'()+/-]*$")
# JSON leaves these raw; YAML refuses them in a file, or takes them for line breaks (U+0085, U+2028, U+2029).
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def slugify(name: str) -> str:
    """`Acme Analytics!` -> `acme-analytics`, `Café` -> `cafe`: the spec's file name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60].rstrip("-")


def yaml_string(text: str) -> str:
    """`text` as a YAML scalar that every YAML reader takes for that exact string."""
    if _PLAIN_SAFE.match(text) and not _AMBIGUOUS.match(text) and not text.endswith(" ") and " #" not in text:
        return text
    # A JSON string is a valid YAML double-quoted scalar with the same value, once the characters
    # YAML does not allow in a file (DEL, C1 controls, U+FFFE) or reads as line breaks are escaped.
    return _NOT_YAML_PRINTABLE.sub(lambda match: f"\\u{ord(match.group()):04x}", json.dumps(text, ensure_ascii=False))


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quarter_end(day: dt.date) -> dt.date:
    last_month = (day.month - 1) // 3 * 3 + 3
    return dt.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])


def _quarter_label(day: dt.date) -> str:
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def tokens(product: str, stage: str, today: dt.date) -> dict[str, str]:
    values = {"product": yaml_string(product), "stage": stage, "since": today.isoformat()}
    for months in (6, 9, 12):
        deadline = quarter_end(add_months(today, months))
        values[f"by_{months}m"] = deadline.isoformat()
        values[f"q_{months}m"] = _quarter_label(deadline)
    return values


def template_text(name: str) -> str:
    return resources.files("metricspec.scaffold").joinpath("templates", f"{name}.metrics.yaml").read_text(encoding="utf-8")


def render(name: str, product: str, stage: str, today: dt.date) -> str:
    """The spec `init` writes: the schema line, then the template filled in."""
    if name not in TEMPLATES:
        raise ValueError(f"unknown template {name!r}")
    values = tokens(product, stage, today)
    body = _TOKEN.sub(lambda match: values[match.group(1)], template_text(name))
    return f"# yaml-language-server: $schema={SCHEMA_ID}\n{body}"
