"""The configuration's pydantic model: what config.py falls back on for anything its plain
reader does not take as is, and what names the key and reason of a configuration error."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

SeverityName = Literal["error", "warning", "info"]


class _Kebab(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, alias_generator=lambda name: name.replace("_", "-"))


class Thresholds(_Kebab):
    # Strict: `true` is not 1 and `"3"` is not 3 (pydantic's lax mode takes both); a whole
    # number is still a number where a fraction is allowed.
    max_metrics_per_node: int = Field(3, ge=0, strict=True)
    max_metrics_per_document: int = Field(12, ge=0, strict=True)
    max_metrics_per_owner: int = Field(6, ge=0, strict=True)
    max_target_change: float = Field(3.0, gt=0, strict=True)
    max_deadline_days: int = Field(730, ge=0, strict=True)
    stale_review_cycles: float = Field(2, gt=0, strict=True)


class Vanity(_Kebab):
    extend_terms: list[str] = Field(default_factory=list)


class Config(_Kebab):
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    select: Optional[list[str]] = None
    extend_select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    extend_ignore: list[str] = Field(default_factory=list)
    fail_on: SeverityName = "warning"
    severity: dict[str, SeverityName] = Field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    vanity: Vanity = Field(default_factory=Vanity)

    @field_validator("include", "exclude", "select", "extend_select", "ignore", "extend_ignore", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value
