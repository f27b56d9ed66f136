"""The finding a rule or the loader produces, and the severity scale."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

Span = tuple[int, int, int, int]
"""(line, column, end_line, end_column), all 1-based, end exclusive."""


class Severity(str, Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Problem:
    """Something found in one file, before the engine stamps rule name and severity.

    The loader, the validator, the workspace and the rules all produce these; only the
    engine decides whether a problem is reported and how severe it is.
    """

    code: str
    message: str
    span: Span
    help: str = ""
    subject: str | None = None
    # The line of the subject's `id`: suppression comments there cover the whole item.
    subject_line: int | None = None


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A reported finding: what every reporter prints."""

    path: str
    line: int
    column: int
    code: str
    end_line: int = field(compare=False)
    end_column: int = field(compare=False)
    name: str = field(compare=False)
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    help: str = field(compare=False, default="")
    subject: str | None = field(compare=False, default=None)

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "help": self.help,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "subject": self.subject,
        }
