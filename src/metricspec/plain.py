"""The validated document as plain slotted objects, and a pure-Python validator for clean files.

Both this module and model.py (pydantic: the JSON Schema, the error messages, the repair of
broken files) are built from the tables of vocabulary.py. What the workspace and the rules hold
are these plain classes, with the fields, order and defaults of vocabulary.CLASSES:

- a pydantic instance costs over a kilobyte per metric (a `__dict__` and a set of the fields
  set); a slotted object a quarter of that, which is what keeps 100,000 metrics under 1 GB;
- `validate()` turns a well-formed document (the common case) into these objects without
  importing pydantic at all, which is most of the start-up time of linting one file. It only
  accepts what it can convert exactly as pydantic would (plain decimal numbers, ISO dates,
  slugs matching the pattern from end to end, ...) and returns None on anything else, and
  then validate.py asks pydantic, which reports and repairs, and `from_pydantic` converts.

tests/test_vocabulary.py checks that both follow the tables (same fields, defaults and choices),
and tests/test_plain.py that for any input this validator accepts, it makes the same values as
pydantic does.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import sys
from collections.abc import Callable
from typing import Any, ClassVar, Optional

from metricspec import vocabulary as v

# The same patterns as model.py, matched from end to end (pydantic's regex engine matches `$`
# only at the very end; Python's also before a final line break: such values go to pydantic).
_SLUG = re.compile(v.SLUG)
_DATE = re.compile(v.DATE)
# Decimal numbers without sign, exponent or spaces, with `_` between digits (1_000): Python's
# float() and pydantic read these alike; anything else is left to pydantic.
_NUMBER = re.compile(r"-?[0-9]+(?:_[0-9]+)*(?:\.[0-9]+(?:_[0-9]+)*)?")
_LARGEST = sys.float_info.max
# A metric's `query` starts, after blanks and comments (`-- ...`, `/* ... */`), with SELECT or
# WITH. The alternatives cannot match the same text, so a failing match stays linear.
_QUERY_START = re.compile(r"(?:\s|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*(?:select|with)\b", re.IGNORECASE | re.DOTALL)


def is_query(text: str) -> bool:
    """Whether a `query` starts as one (FORMAT: else E002, validate.py); lint never runs it."""
    return _QUERY_START.match(text) is not None


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


def _fields(fields: tuple[v.Field, ...]) -> dict[str, Any]:
    """The names of vocabulary fields, in order, mapped to their defaults (None if required)."""
    return {field.name: _LIST if field.form in v.LIST_FORMS else field.default for field in fields}


class Target(PlainModel):
    model_fields = _fields(v.TARGET)
    __slots__ = tuple(model_fields)


class History(PlainModel):
    model_fields = _fields(v.HISTORY)
    __slots__ = tuple(model_fields)


class Metric(PlainModel):
    model_fields = _fields(v.METRIC)
    __slots__ = tuple(model_fields)


class _Node(PlainModel):
    """A node of any level: id, title, metrics... (vocabulary.NODE)."""

    model_fields = _fields(v.NODE)
    __slots__ = ()


class Behavior(_Node):
    model_fields = _fields(v.level_fields(3))
    __slots__ = tuple(model_fields)


class Outcome(_Node):
    model_fields = _fields(v.level_fields(2))
    __slots__ = tuple(model_fields)


class Goal(_Node):
    model_fields = _fields(v.level_fields(1))
    __slots__ = tuple(model_fields)


class Objective(_Node):
    model_fields = _fields(v.level_fields(0))
    __slots__ = tuple(model_fields)


class Document(PlainModel):
    model_fields = _fields(v.DOCUMENT)
    __slots__ = tuple(model_fields)


Node = _Node
CLASSES: tuple[type[PlainModel], ...] = (Document, Objective, Goal, Outcome, Behavior, Metric, Target, History)
# The node levels, top down: (list key, class).
LEVELS: tuple[tuple[str, type[_Node]], ...] = tuple(zip(v.LEVEL_KEYS, (Objective, Goal, Outcome, Behavior)))


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


def _query(value: Any) -> Any:
    if value is None or (value.__class__ is str and is_query(value)):
        return value
    raise _Defer  # validate._format_checks reports it


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

    check.choices = allowed  # type: ignore[attr-defined]  # for tests/test_vocabulary.py
    return check


def _number(value: Any) -> Any:
    if value is None:
        return None
    if value.__class__ is str and _NUMBER.fullmatch(value):
        number = float(value)
        # Digits beyond what a float holds read as infinity: pydantic says E002 on the value,
        # as for `1e309`, so that no rule meets a number it cannot compute with.
        if len(value) < 300 or -_LARGEST <= number <= _LARGEST:
            return number
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


def _required_number(value: Any) -> Any:
    if value is None:
        raise _Defer
    return _number(value)


def _required_date(value: Any) -> Any:
    if value is None:
        raise _Defer
    return _date(value)


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
    after = _AFTER.get(cls.__name__)
    if after is None:
        return lambda value: None if value is None else _build(cls, value)
    return lambda value: None if value is None else after(_build(cls, value))


def _target(target: Any) -> Any:
    # A band is only a `maintain` target's, and has a width (validate._format_checks says so).
    if target.tolerance is not None and (target.tolerance <= 0 or target.direction != "maintain"):
        raise _Defer
    return target


# Checks across the fields of an item, made once it is built.
_AFTER: dict[str, Callable[[Any], Any]] = {"Target": _target}


def _models(cls: type[PlainModel]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value.__class__ is list:
            return [_build(cls, item) for item in value]
        raise _Defer

    return check


def _history(value: Any) -> Any:
    """A metric's `history`; an entry breaking a rule across its fields (validate.py reports
    them: E002) is left to the slow path."""
    entries = _models(History)(value)
    closed = None
    for entry in entries:
        if entry.status in ("met", "missed") and entry.result is None:
            raise _Defer
        if entry.status in ("revised", "dropped") and not (entry.reason and entry.reason.strip()):
            raise _Defer
        if closed is not None and entry.closed < closed:
            raise _Defer
        closed = entry.closed
    return entries


# The check of each form of value (vocabulary.py), required or not; a combination missing here
# is a KeyError on import, so a new form cannot be forgotten.
_FORM_CHECKS: dict[tuple[str, bool], Callable[[Any], Any]] = {
    (v.ID, True): _slug,
    (v.ID, False): _optional_slug,
    (v.TITLE, True): _title,
    (v.TEXT, False): _optional_text,
    (v.QUERY, False): _query,
    (v.NUMBER, False): _number,
    (v.NUMBER, True): _required_number,
    (v.DATE_TEXT, False): _date,
    (v.DATE_TEXT, True): _required_date,
    (v.TEXTS, False): _texts,
    (v.IDS, False): _slugs,
    (v.ID_OR_IDS, False): _one_or_many_slugs,
    (v.VERSION, True): _version,
}
_BY_NAME = {cls.__name__: cls for cls in CLASSES}


def _check(field: v.Field) -> Callable[[Any], Any]:
    if field.form == v.CHOICE:
        return _choice(*field.choices, optional=field.default is None and not field.required)
    if field.form == v.MODEL and not field.required:
        return _optional_model(_BY_NAME[field.holds])
    if field.form == v.MODELS and field.holds == "History":
        return _history
    if field.form == v.MODELS:
        return _models(_BY_NAME[field.holds])
    return _FORM_CHECKS[field.form, field.required]


# (name, default, check, required) per class, in field order.
_PLAN = {
    cls: tuple((field.name, cls.model_fields[field.name], _check(field), field.required)
               for field in v.CLASSES[cls.__name__])
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


# Per class: all fields at once (attrgetter, in C), and which of them hold models (a list or one).
_SHIP = {
    cls: (
        index,
        operator.attrgetter(*cls.model_fields),
        tuple(cls.model_fields),
        tuple((position, field.form == v.MODELS) for position, field in enumerate(v.CLASSES[cls.__name__])
              if field.form in (v.MODEL, v.MODELS)),
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
