"""The validated document as plain slotted objects, and a pure-Python validator for clean files.

model.py (pydantic) is the definition of the format: its JSON Schema, its error messages, the
repair of broken files. What the workspace and the rules hold, though, are these plain mirrors
of its classes, with the same field names, order and defaults:

- a pydantic instance costs over a kilobyte per metric (a `__dict__` and a set of the fields
  set); a slotted object a quarter of that, which is what keeps 100,000 metrics under 1 GB;
- `validate()` turns a well-formed document (the common case) into these objects without
  importing pydantic at all, which is most of the start-up time of linting one file. It only
  accepts what it can convert exactly as pydantic would (plain decimal numbers, ISO dates,
  slugs matching the pattern from end to end, ...) and returns None on anything else, and
  then validate.py asks pydantic, which reports and repairs, and `from_pydantic` converts.

tests/test_plain.py keeps the two in step: same fields and defaults, and for any input this
validator accepts, the same values as pydantic's.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable
from typing import Any, ClassVar, Optional

# The same patterns as model.py, anchored at both ends (pydantic's regex engine matches `$` only
# at the very end; Python's also before a final line break: such values go to pydantic).
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Decimal numbers without sign, exponent or spaces, with `_` between digits (1_000): Python's
# float() and pydantic read these alike; anything else is left to pydantic.
_NUMBER = re.compile(r"-?[0-9]+(?:_[0-9]+)*(?:\.[0-9]+(?:_[0-9]+)*)?")


class _Defer(Exception):
    """Raised by a field check that leaves the value to pydantic."""


class PlainModel:
    """Attribute access like the pydantic model it mirrors; `model_fields` names the fields in
    order (mapped to their defaults, a list default meaning a new empty list)."""

    __slots__ = ()
    model_fields: ClassVar[dict[str, Any]] = {}

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.model_fields)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the pydantic models

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.model_fields)
        return f"{self.__class__.__name__}({shown})"

    def model_dump(self) -> dict[str, Any]:
        return {name: _dump(getattr(self, name)) for name in self.model_fields}


def _dump(value: Any) -> Any:
    if isinstance(value, PlainModel):
        return value.model_dump()
    if isinstance(value, list):
        return [_dump(item) for item in value]
    return value


_LIST = object()  # the default of list fields: a new empty list


def _fields(*names: str, lists: tuple[str, ...] = (), defaults: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    found = {name: None for name in names}
    for name in lists:
        found[name] = _LIST
    found.update(defaults or {})
    return {name: found[name] for name in names}


class Target(PlainModel):
    model_fields = _fields("value", "baseline", "direction", "by", "since")
    __slots__ = tuple(model_fields)
    value: Optional[float]
    baseline: Optional[float]
    direction: Optional[str]
    by: Optional[dt.date]
    since: Optional[dt.date]


class Metric(PlainModel):
    model_fields = _fields(
        "id", "name", "description", "kind", "category", "perspective", "unit", "window", "aggregation",
        "numerator", "denominator", "formula", "event", "source", "owner", "segments", "pairs_with",
        "guardrails", "decision", "review", "last_reviewed", "status", "target", "tags", "lint_ignore",
        "lint_ignore_reason",
        lists=("segments", "pairs_with", "guardrails", "tags", "lint_ignore"),
        defaults={"status": "active"},
    )
    __slots__ = tuple(model_fields)
    id: str
    name: str
    description: Optional[str]
    kind: Optional[str]
    category: Optional[str]
    perspective: Optional[str]
    unit: Optional[str]
    window: Optional[str]
    aggregation: Optional[str]
    numerator: Optional[str]
    denominator: Optional[str]
    formula: Optional[str]
    event: Optional[str]
    source: Optional[str]
    owner: Optional[str]
    segments: list[str]
    pairs_with: list[str]
    guardrails: list[str]
    decision: Optional[str]
    review: Optional[str]
    last_reviewed: Optional[dt.date]
    status: str
    target: Optional[Target]
    tags: list[str]
    lint_ignore: list[str]
    lint_ignore_reason: Optional[str]


_NODE_FIELDS = ("id", "title", "description", "owner", "parent", "metrics", "status", "tags", "lint_ignore",
                "lint_ignore_reason")
_NODE_LISTS = ("metrics", "tags", "lint_ignore")


class _Node(PlainModel):
    model_fields = _fields(*_NODE_FIELDS, lists=_NODE_LISTS, defaults={"status": "active"})
    __slots__ = ()
    id: str
    title: str
    description: Optional[str]
    owner: Optional[str]
    parent: Optional[str]
    metrics: list[Metric]
    status: str
    tags: list[str]
    lint_ignore: list[str]
    lint_ignore_reason: Optional[str]


class Behavior(_Node):
    model_fields = _fields(*_NODE_FIELDS, lists=_NODE_LISTS, defaults={"status": "active"})
    __slots__ = tuple(model_fields)


class Outcome(_Node):
    model_fields = _fields(*_NODE_FIELDS, "behaviors", lists=(*_NODE_LISTS, "behaviors"), defaults={"status": "active"})
    __slots__ = tuple(model_fields)
    behaviors: list[Behavior]


class Goal(_Node):
    model_fields = _fields(*_NODE_FIELDS, "outcomes", lists=(*_NODE_LISTS, "outcomes"), defaults={"status": "active"})
    __slots__ = tuple(model_fields)
    outcomes: list[Outcome]


class Objective(_Node):
    model_fields = _fields(*_NODE_FIELDS, "goals", lists=(*_NODE_LISTS, "goals"), defaults={"status": "active"})
    __slots__ = tuple(model_fields)
    goals: list[Goal]


class Document(PlainModel):
    model_fields = _fields(
        "metricspec", "product", "stage", "north_star", "owner", "review", "objectives", "goals", "outcomes",
        "behaviors",
        lists=("objectives", "goals", "outcomes", "behaviors"),
    )
    __slots__ = tuple(model_fields)
    metricspec: int
    product: Optional[str]
    stage: Optional[str]
    north_star: Optional[str]
    owner: Optional[str]
    review: Optional[str]
    objectives: list[Objective]
    goals: list[Goal]
    outcomes: list[Outcome]
    behaviors: list[Behavior]


Node = _Node
CLASSES: tuple[type[PlainModel], ...] = (Document, Objective, Goal, Outcome, Behavior, Metric, Target)
# The node levels, top down, as in model.py: (list key, class).
LEVELS: tuple[tuple[str, type[_Node]], ...] = (
    ("objectives", Objective),
    ("goals", Goal),
    ("outcomes", Outcome),
    ("behaviors", Behavior),
)
LEVEL_OF_KEY = {key: index for index, (key, _) in enumerate(LEVELS)}
LEVEL_NAMES = ("objective", "goal", "outcome", "behavior")


# -- the validator ----------------------------------------------------------------------------


def validate(data: Any) -> Optional[Document]:
    """The document as plain objects, or None when pydantic must decide (or report)."""
    try:
        return _build(Document, data)
    except _Defer:
        return None


def _text(value: Any) -> Any:
    if value.__class__ is str:
        return value
    raise _Defer


def _title(value: Any) -> Any:
    # A blank title or name is E002 (validate._blank_names), found on the slow path.
    if value.__class__ is str and value and not value.isspace():
        return value
    raise _Defer


def _optional_text(value: Any) -> Any:
    if value is None or value.__class__ is str:
        return value
    raise _Defer


def _slug(value: Any) -> Any:
    if value.__class__ is str and _SLUG.fullmatch(value):
        return value
    raise _Defer


def _optional_slug(value: Any) -> Any:
    return None if value is None else _slug(value)


def _choice(*choices: str, optional: bool = True) -> Callable[[Any], Any]:
    allowed = frozenset(choices)

    def check(value: Any) -> Any:
        if value is None and optional:
            return None
        if value.__class__ is str and value in allowed:
            return value
        raise _Defer

    return check


def _number(value: Any) -> Any:
    if value is None:
        return None
    if value.__class__ is str and _NUMBER.fullmatch(value):
        return float(value)
    raise _Defer


def _date(value: Any) -> Any:
    if value is None:
        return None
    if value.__class__ is str and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise _Defer from None
    raise _Defer


def _texts(value: Any) -> Any:
    if value.__class__ is list and all(item.__class__ is str for item in value):
        return list(value)
    raise _Defer


def _slugs(value: Any) -> Any:
    if value.__class__ is list:
        return [_slug(item) for item in value]
    raise _Defer


def _one_or_many_slugs(value: Any) -> Any:
    return [_slug(value)] if value.__class__ is str else _slugs(value)


def _version(value: Any) -> Any:
    if value == "1" and value.__class__ is str:
        return 1
    raise _Defer


def _optional_model(cls: type[PlainModel]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else _build(cls, value)


def _models(cls: type[PlainModel]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value.__class__ is list:
            return [_build(cls, item) for item in value]
        raise _Defer

    return check


_STATUS = _choice("active", "proposed", "deprecated", optional=False)
_CADENCE = _choice("daily", "weekly", "biweekly", "monthly", "quarterly")
_NODE_CHECKS: dict[str, Callable[[Any], Any]] = {
    "id": _slug,
    "title": _title,
    "description": _optional_text,
    "owner": _optional_text,
    "parent": _optional_slug,
    "metrics": _models(Metric),
    "status": _STATUS,
    "tags": _texts,
    "lint_ignore": _texts,
    "lint_ignore_reason": _optional_text,
}
_CHECKS: dict[type[PlainModel], dict[str, Callable[[Any], Any]]] = {
    Target: {
        "value": _number,
        "baseline": _number,
        "direction": _choice("increase", "decrease", "maintain"),
        "by": _date,
        "since": _date,
    },
    Metric: {
        "id": _slug,
        "name": _title,
        "description": _optional_text,
        "kind": _choice("leading", "lagging"),
        "category": _choice("user", "business", "operational"),
        "perspective": _choice("financial", "customer", "internal", "learning"),
        "unit": _optional_text,
        "window": _optional_text,
        "aggregation": _choice("sum", "count", "unique", "average", "median", "p90", "rate", "cumulative"),
        "numerator": _optional_text,
        "denominator": _optional_text,
        "formula": _optional_text,
        "event": _optional_text,
        "source": _optional_text,
        "owner": _optional_text,
        "segments": _texts,
        "pairs_with": _one_or_many_slugs,
        "guardrails": _slugs,
        "decision": _optional_text,
        "review": _CADENCE,
        "last_reviewed": _date,
        "status": _STATUS,
        "target": _optional_model(Target),
        "tags": _texts,
        "lint_ignore": _texts,
        "lint_ignore_reason": _optional_text,
    },
    Behavior: _NODE_CHECKS,
    Outcome: {**_NODE_CHECKS, "behaviors": _models(Behavior)},
    Goal: {**_NODE_CHECKS, "outcomes": _models(Outcome)},
    Objective: {**_NODE_CHECKS, "goals": _models(Goal)},
    Document: {
        "metricspec": _version,
        "product": _optional_text,
        "stage": _choice("discovery", "mvp", "growth", "maturity"),
        "north_star": _optional_slug,
        "owner": _optional_text,
        "review": _CADENCE,
        "objectives": _models(Objective),
        "goals": _models(Goal),
        "outcomes": _models(Outcome),
        "behaviors": _models(Behavior),
    },
}
# (name, default, check) per class, in field order; a field without a default is required.
_REQUIRED = {"id", "name", "title", "metricspec"}
_PLAN = {
    cls: tuple((name, default, _CHECKS[cls][name], name in _REQUIRED) for name, default in cls.model_fields.items())
    for cls in CLASSES
}


def _build(cls: type[PlainModel], value: Any) -> Any:
    if value.__class__ is not dict:
        raise _Defer
    fields = cls.model_fields
    for key in value:
        if key not in fields:
            raise _Defer  # an unknown key: pydantic reports it
    model = cls.__new__(cls)
    for name, default, check, required in _PLAN[cls]:
        if name in value:
            setattr(model, name, check(value[name]))
        elif required:
            raise _Defer
        else:
            setattr(model, name, [] if default is _LIST else default)
    return model


# -- from pydantic, and compact transport between processes -------------------------------------


def from_pydantic(model: Any) -> Any:
    """The plain mirror of a validated pydantic model (or list of them), recursively."""
    if isinstance(model, list):
        return [from_pydantic(item) for item in model]
    cls = _BY_NAME.get(model.__class__.__name__)
    if cls is None:
        return model
    plain = cls.__new__(cls)
    for name in cls.model_fields:
        setattr(plain, name, from_pydantic(getattr(model, name)))
    return plain


_BY_NAME = {cls.__name__: cls for cls in CLASSES}
_INDEX = {cls: index for index, cls in enumerate(CLASSES)}


# Per class: all fields at once (attrgetter, in C), and which of them hold models.
_MODEL_LISTS = frozenset(("objectives", "goals", "outcomes", "behaviors", "metrics"))
_SHIP = {
    cls: (
        index,
        operator.attrgetter(*cls.model_fields),
        tuple(cls.model_fields),
        tuple((position, name in _MODEL_LISTS) for position, name in enumerate(cls.model_fields)
              if name in _MODEL_LISTS or name == "target"),
    )
    for index, cls in enumerate(CLASSES)
}
_UNSHIP = [(cls, names, nested) for cls, (_, _, names, nested) in _SHIP.items()]


def to_tuple(model: PlainModel) -> tuple:
    """(class index, field values...) with nested models as tuples: cheap to pickle."""
    index, fields, _, nested = _SHIP[model.__class__]
    values = fields(model)
    if not nested:
        return (index, *values)
    shipped = [index, *values]
    for position, many in nested:
        value = shipped[position + 1]
        if many:
            shipped[position + 1] = [to_tuple(item) for item in value]
        elif value is not None:
            shipped[position + 1] = to_tuple(value)
    return tuple(shipped)


def from_tuple(values: tuple) -> Any:
    cls, names, nested = _UNSHIP[values[0]]
    model = cls.__new__(cls)
    for name, value in zip(names, values[1:]):
        setattr(model, name, value)
    for position, many in nested:
        value = values[position + 1]
        if many:
            setattr(model, names[position], [from_tuple(item) for item in value])
        elif value is not None:
            setattr(model, names[position], from_tuple(value))
    return model
