"""The pydantic models of FORMAT.md: document, the four node levels, metrics and targets.

Values arrive from the loader as the text the user wrote; the annotated types below decide what
is a number, a date or a choice, so the same rules apply whichever YAML loader produced the text.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_date(value: Any) -> Any:
    if isinstance(value, str):
        if not _DATE.match(value):
            raise PydanticCustomError("date_format", "expected a date written YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise PydanticCustomError("date_invalid", "not a real date ({reason})", {"reason": str(exc)})
    return value


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _version(value: Any) -> Any:
    return 1 if value in ("1", 1) else value


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Number = Annotated[float, Field(allow_inf_nan=False)]
Date = Annotated[dt.date, BeforeValidator(_parse_date)]
Status = Literal["active", "proposed", "deprecated"]
Cadence = Literal["daily", "weekly", "biweekly", "monthly", "quarterly"]
Stage = Literal["discovery", "mvp", "growth", "maturity"]
IdList = Annotated[list[Slug], BeforeValidator(_one_or_many)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, revalidate_instances="never")


class Target(_Strict):
    """The SMART target: where the metric stands, where it should be, and by when."""

    value: Optional[Number] = Field(None, description="The target value.")
    baseline: Optional[Number] = Field(None, description="Where the metric stands now.")
    direction: Optional[Literal["increase", "decrease", "maintain"]] = Field(
        None, description="Inferred from baseline -> value when absent."
    )
    by: Optional[Date] = Field(None, description="The deadline, YYYY-MM-DD.")
    since: Optional[Date] = Field(None, description="When the baseline was measured, YYYY-MM-DD.")


class Metric(_Strict):
    """A metric definition attached to a node."""

    id: Slug
    name: str
    description: Optional[str] = None
    kind: Optional[Literal["leading", "lagging"]] = None
    category: Optional[Literal["user", "business", "operational"]] = None
    perspective: Optional[Literal["financial", "customer", "internal", "learning"]] = None
    unit: Optional[str] = None
    window: Optional[str] = None
    aggregation: Optional[
        Literal["sum", "count", "unique", "average", "median", "p90", "rate", "cumulative"]
    ] = None
    numerator: Optional[str] = None
    denominator: Optional[str] = None
    formula: Optional[str] = None
    event: Optional[str] = None
    source: Optional[str] = None
    owner: Optional[str] = None
    segments: list[str] = Field(default_factory=list)
    pairs_with: IdList = Field(default_factory=list, description="An id or a list of ids.")
    guardrails: list[Slug] = Field(default_factory=list)
    decision: Optional[str] = None
    review: Optional[Cadence] = None
    last_reviewed: Optional[Date] = None
    status: Status = "active"
    target: Optional[Target] = None
    tags: list[str] = Field(default_factory=list)
    lint_ignore: list[str] = Field(default_factory=list)
    lint_ignore_reason: Optional[str] = None


class _Node(_Strict):
    id: Slug
    title: str
    description: Optional[str] = None
    owner: Optional[str] = None
    parent: Optional[Slug] = None
    metrics: list[Metric] = Field(default_factory=list)
    status: Status = "active"
    tags: list[str] = Field(default_factory=list)
    lint_ignore: list[str] = Field(default_factory=list)
    lint_ignore_reason: Optional[str] = None


class Behavior(_Node):
    """User Behavior: the thing users do that shows the outcome."""


class Outcome(_Node):
    """User Outcome."""

    behaviors: list[Behavior] = Field(default_factory=list)


class Goal(_Node):
    """Product Goal that supports a business objective."""

    outcomes: list[Outcome] = Field(default_factory=list)


class Objective(_Node):
    """Business Objective: a financial or market goal."""

    goals: list[Goal] = Field(default_factory=list)


class Document(_Strict):
    """A metricspec file (format version 1)."""

    model_config = ConfigDict(
        title="metricspec document",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    metricspec: Annotated[Literal[1], BeforeValidator(_version)]
    product: Optional[str] = None
    stage: Optional[Stage] = None
    north_star: Optional[Slug] = None
    owner: Optional[str] = None
    review: Optional[Cadence] = None
    objectives: list[Objective] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    behaviors: list[Behavior] = Field(default_factory=list)


# The node levels, top down: (list key, model, the level its parent must be).
LEVELS: tuple[tuple[str, type[_Node]], ...] = (
    ("objectives", Objective),
    ("goals", Goal),
    ("outcomes", Outcome),
    ("behaviors", Behavior),
)
LEVEL_OF_KEY = {key: index for index, (key, _) in enumerate(LEVELS)}
LEVEL_NAMES = ("objective", "goal", "outcome", "behavior")
Node = _Node


# A number as the linter reads one written as text: YAML 1.2 (an editor's YAML language server)
# reads `1_000` and `+12` as text, which the models read as numbers.
_NUMBER_TEXT = r"^[+-]?[0-9]+(?:_[0-9]+)*(?:\.[0-9]+(?:_[0-9]+)*)?(?:[eE][+-]?[0-9]+)?$"


def json_schema() -> dict[str, Any]:
    """The models' JSON Schema, made to check files as editors read them: YAML 1.2 reads `2027`
    or `true` as a number or a boolean where metricspec reads text, `1_000` as text where it
    reads a number, and `x-` keys are free everywhere."""
    schema = _for_editors(Document.model_json_schema())
    metric = schema["$defs"]["Metric"]["properties"]
    pairs = metric["pairs_with"]
    metric["pairs_with"] = {
        "description": pairs["description"], "title": pairs["title"], "default": pairs.get("default", []),
        "anyOf": [pairs["items"], pairs],
    }
    for name, level in (("Metric", "name"), *((node, "title") for node in ("Objective", "Goal", "Outcome", "Behavior"))):
        schema["$defs"][name]["properties"][level]["pattern"] = r"\S"  # not blank (E002)
    return schema


def _for_editors(node: Any) -> Any:
    if isinstance(node, list):
        return [_for_editors(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _for_editors(value) for key, value in node.items()}
    if node.get("additionalProperties") is False:
        node["patternProperties"] = {"^x-": {}}
    kind = node.get("type")
    if kind == "number":
        rest = {key: value for key, value in node.items() if key != "type"}
        return {**rest, "anyOf": [{"type": "number"}, {"type": "string", "pattern": _NUMBER_TEXT}]}
    if kind == "string" and not {"enum", "const", "format"} & node.keys():
        if "pattern" in node:  # an id: `2027` is one, read as a number by YAML 1.2
            rest = {key: value for key, value in node.items() if key not in ("type", "pattern")}
            return {**rest, "anyOf": [{"type": "string", "pattern": node["pattern"]}, {"type": "integer", "minimum": 0}]}
        node["type"] = ["string", "number", "boolean"]  # free text
    return node
