"""The configuration's pydantic model: what config.py falls back on for anything its plain
reader does not take as is, and what names the key and reason of a configuration error.

Its keys, defaults and forms are vocabulary.SETTINGS, which config.py's plain reader is built
from too."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from metricspec import vocabulary as v

SeverityName = Literal[v.SEVERITIES]  # type: ignore[valid-type]


def _one_or_many(value: object) -> object:
    return [value] if isinstance(value, str) else value


class _Kebab(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, alias_generator=lambda name: name.replace("_", "-"))


# Numbers are strict: `true` is not 1 and `"3"` is not 3 (pydantic's lax mode takes both); a
# whole number is still a number where a fraction is allowed.
_TYPES: dict[str, Any] = {
    v.TEXTS: list[str],
    v.SEVERITY: SeverityName,
    v.SEVERITY_BY_CODE: dict[str, SeverityName],
    v.TEXTS_BY_GLOB: dict[str, list[str]],
    v.WHOLE: Annotated[int, Field(ge=0, strict=True)],
    v.POSITIVE: Annotated[float, Field(gt=0, strict=True)],
    v.CONFIG_TEXT: Optional[str],
    v.TEXT_BY_NAME: dict[str, str],
    v.STATUS_LEVEL: Optional[Literal[v.FAIL_STATUSES]],  # type: ignore[valid-type]
}


def _field(setting: v.Setting) -> tuple[Any, Any]:
    """(annotation, default) of a setting, as create_model takes them."""
    if setting.form == v.TABLE:
        table = _model(_class_name(setting.attribute), setting.holds)
        return table, Field(default_factory=table)
    if setting.form == v.TABLES_BY_GLOB:
        held = _model(_class_name(setting.attribute), setting.holds)
        return dict[str, held], Field(default_factory=dict)  # type: ignore[valid-type]
    if setting.form == v.TEXT_OR_TEXTS:
        kind: Any = list[str] if setting.default is not None else Optional[list[str]]
        kind = Annotated[kind, BeforeValidator(_one_or_many)]
    else:
        kind = _TYPES[setting.form]
    if isinstance(setting.default, (list, dict)):
        return kind, Field(default_factory=setting.new_default)
    return kind, setting.default


def _class_name(attribute: str) -> str:
    return "".join(part.capitalize() for part in attribute.split("_"))


def _model(name: str, settings: tuple[v.Setting, ...]) -> Any:
    return create_model(name, __base__=_Kebab, __module__=__name__,
                        **{setting.attribute: _field(setting) for setting in settings})


Config = _model("Config", v.SETTINGS)
Thresholds = Config.model_fields["thresholds"].annotation
Vanity = Config.model_fields["vanity"].annotation
Actuals = Config.model_fields["actuals"].annotation
Status = Config.model_fields["status"].annotation
