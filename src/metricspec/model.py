"""The pydantic models of FORMAT.md: document, the four node levels, metrics and targets.

Their fields and choices are vocabulary.py's tables, which plain.py's fast validator is built
from too; what this module adds is what each form of value is to pydantic, and so the JSON
Schema and the messages of a broken file. Values arrive from the loader as the text the user
wrote; the annotated types below decide what is a number, a date or a choice, so the same rules
apply whichever YAML loader produced the text.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, create_model
from pydantic_core import PydanticCustomError

from metricspec import vocabulary as v

SLUG_PATTERN = v.SLUG_PATTERN
_DATE = re.compile(f"^{v.DATE}$")


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

# What each form of vocabulary.py is, as a pydantic type.
_TYPES: dict[str, Any] = {
    v.ID: Slug,
    v.TITLE: str,
    v.TEXT: str,
    v.QUERY: str,  # whether it starts as a query is E002 from validate.py, not a schema error
    v.NUMBER: Number,
    v.DATE_TEXT: Date,
    v.TEXTS: list[str],
    v.IDS: list[Slug],
    v.ID_OR_IDS: Annotated[list[Slug], BeforeValidator(_one_or_many)],
    v.VERSION: Annotated[Literal[1], BeforeValidator(_version)],
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, revalidate_instances="never")


class _Document(_Strict):
    model_config = ConfigDict(
        title="metricspec document",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )


def _field(field: v.Field) -> tuple[Any, Any]:
    """(annotation, default) of a field of the vocabulary, as create_model takes them."""
    if field.form == v.CHOICE:
        kind: Any = Literal[field.choices]
    elif field.form == v.MODEL:
        kind = _CLASSES[field.holds]
    elif field.form == v.MODELS:
        kind = list[_CLASSES[field.holds]]  # type: ignore[index]
    else:
        kind = _TYPES[field.form]
    extra = {"description": field.description} if field.description else {}
    if field.required:
        return kind, Field(..., **extra)
    if field.form in v.LIST_FORMS:
        return kind, Field(default_factory=list, **extra)
    return (kind if field.default is not None else Optional[kind]), Field(field.default, **extra)


_CLASSES: dict[str, Any] = {}


def _model(name: str, base: type[BaseModel], doc: Optional[str], fields: tuple[v.Field, ...]) -> Any:
    """A model of the format; its docstring is its description in the JSON Schema."""
    definitions = {field.name: _field(field) for field in fields}
    _CLASSES[name] = create_model(name, __base__=base, __doc__=doc, __module__=__name__, **definitions)
    return _CLASSES[name]


def _level(level: int, doc: str) -> Any:
    return _model(v.level_class(level), _Node, doc, v.level_fields(level)[len(v.NODE):])


# Each class after the ones it holds.
Target = _model("Target", _Strict, "The SMART target: where the metric stands, where it should be, and by when.",
                v.TARGET)
History = _model("History", _Strict, "A past target: its fields as they stood, and how it ended.", v.HISTORY)
Metric = _model("Metric", _Strict, "A metric definition attached to a node.", v.METRIC)
_Node = _model("_Node", _Strict, None, v.NODE)
Behavior = _level(3, "User Behavior: the thing users do that shows the outcome.")
Outcome = _level(2, "User Outcome.")
Goal = _level(1, "Product Goal that supports a business objective.")
Objective = _level(0, "Business Objective: a financial or market goal.")
Document = _model("Document", _Document, "A metricspec file (format version 1).", v.DOCUMENT)
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
