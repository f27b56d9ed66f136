"""The finding a rule or the loader produces, and the severity scale."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from metricspec import __version__

RULES_DOC = "https://github.com/metricspec/metricspec/blob/v{version}/docs/rules.md"

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
    # For an unknown key (E002) with a "did you mean": the known key it was most likely meant
    # as. The findings that key's absence causes fold into this one (engine.UNREAD_KEY_CAUSES).
    meant: str | None = None
    # ...and, when that key belongs in another mapping (a `target:` on a node), which one
    # (key_hints: "document", "node", "metric", "target", "history"): the fold looks for its
    # follow-ons on the item the key was meant for, not on the one it stands in.
    home: str | None = None
    # For E002's "missing the required key": the key. An unknown key meant as it, in the same
    # item (`title:` for a metric's `name:`), is the root this one folds into.
    missing: str | None = None


def rule_url(code: str, name: str) -> str:
    """The rule's section of docs/rules.md at the running version's tag (its heading
    `## V001 vanity-metric` is the anchor `#v001-vanity-metric`)."""
    return f"{RULES_DOC.format(version=__version__)}#{code.lower()}-{name}"


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
    # The follow-on findings folded into this one (RULES.md, "One root cause, one finding"),
    # in the catalog's order of codes, then by place; reported here instead of on their own.
    related: tuple["Diagnostic", ...] = field(compare=False, default=())

    @property
    def url(self) -> str:
        return rule_url(self.code, self.name)

    def related_codes(self) -> str:
        """The folded codes for one line of text, `P001, B003`, a repeated code once with its
        count (`H002 (3)`)."""
        counts: dict[str, int] = {}
        for entry in self.related:
            counts[entry.code] = counts.get(entry.code, 0) + 1
        return ", ".join(code if count == 1 else f"{code} ({count})" for code, count in counts.items())

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
            "url": self.url,
            "related": [
                {"code": entry.code, "subject": entry.subject, "path": entry.path, "line": entry.line,
                 "column": entry.column}
                for entry in self.related
            ],
        }
