"""The one description of the format (FORMAT.md) and of the configuration: every choice, pattern,
field and default, in the order the models declare them.

model.py builds the pydantic models from these tables (the JSON Schema and the messages users
see) and plain.py its fast validator, so a field or a choice is added here once and both
follow; config_model.py and config.py's plain reader are built from the configuration tables
below in the same way. tests/test_vocabulary.py fails when a side does not follow.

Standard library only: the fast paths import this module and must not import pydantic.
"""

from __future__ import annotations

from typing import Any

# -- choices -----------------------------------------------------------------------------------

STATUSES = ("active", "proposed", "deprecated")
CADENCES = ("daily", "weekly", "biweekly", "monthly", "quarterly")  # `review:`
# The length of each cadence in days: G003 counts review cycles in it, `status` a metric's period.
CADENCE_DAYS = {"daily": 1, "weekly": 7, "biweekly": 14, "monthly": 30, "quarterly": 91}
STAGES = ("discovery", "mvp", "growth", "maturity")
# `model:`, how the product creates value (named PRODUCT_MODELS: MODELS is a form, below).
PRODUCT_MODELS = (
    "b2b-saas", "consumer-subscription", "marketplace", "ecommerce", "public-service", "nonprofit",
    "internal-platform",
)
DIRECTIONS = ("increase", "decrease", "maintain")
HISTORY_STATUSES = ("met", "missed", "revised", "dropped")  # how a past target ended
KINDS = ("leading", "lagging")
CATEGORIES = ("user", "business", "operational")
PERSPECTIVES = ("financial", "customer", "internal", "learning")
AGGREGATIONS = ("sum", "count", "unique", "average", "median", "p90", "rate", "cumulative")

# The node levels, top down: the key of a level's list, and what one of its items is called.
LEVEL_KEYS = ("objectives", "goals", "outcomes", "behaviors")
LEVEL_NAMES = ("objective", "goal", "outcome", "behavior")
LEVEL_OF_KEY = {key: index for index, key in enumerate(LEVEL_KEYS)}

# -- patterns ----------------------------------------------------------------------------------

# An id, matched from end to end: plain.py uses it with fullmatch, the JSON Schema anchored
# (pydantic's regex engine matches `$` only at the very end; Python's also before a final line
# break, so the anchored form is never given to Python's `re`).
SLUG = r"[a-z0-9][a-z0-9_-]*"
SLUG_PATTERN = f"^{SLUG}$"
# A date as written: what "expected a date written YYYY-MM-DD" checks. A text that matches is
# then read by date.fromisoformat, which turns down a Unicode digit or a line break `\d` and `$`
# let through ("not a real date").
DATE = r"\d{4}-\d{2}-\d{2}"

# -- fields ------------------------------------------------------------------------------------

# The forms a field's value takes, each read the same way by model.py and plain.py.
ID = "id"  # a slug
TITLE = "title"  # text, not blank (blank is E002, reported by validate.py)
TEXT = "text"
NUMBER = "number"  # finite; also written as text, `1_000`
DATE_TEXT = "date"  # YYYY-MM-DD
CHOICE = "choice"  # one of `Field.choices`
TEXTS = "texts"  # a list of text
IDS = "ids"  # a list of slugs
ID_OR_IDS = "id-or-ids"  # a slug or a list of slugs
VERSION = "version"  # the format version: 1
QUERY = "query"  # text starting, after comments, with SELECT or WITH (else E002, validate.py)
MODEL = "model"  # a mapping read as the class `Field.holds`
MODELS = "models"  # a list of those
LIST_FORMS = frozenset((TEXTS, IDS, ID_OR_IDS, MODELS))  # default: a new empty list


class Field:
    """One key of a mapping of the format. Unless required, a field has a default: a new empty
    list for the list forms, else `default` (None when the key may be left out or written null)."""

    # A plain class, not a NamedTuple: creating one of those costs the start-up of every run.
    __slots__ = ("name", "form", "required", "default", "choices", "holds", "description")

    def __init__(self, name: str, form: str, *, required: bool = False, default: Any = None,
                 choices: tuple[str, ...] = (), holds: str = "", description: str = "") -> None:
        self.name = name
        self.form = form
        self.required = required
        self.default = default
        self.choices = choices
        self.holds = holds  # the class name, for MODEL and MODELS
        self.description = description  # shown in the JSON Schema

    def __repr__(self) -> str:
        return f"Field({self.name!r}, {self.form!r})"


def _optional(name: str, form: str, description: str = "") -> Field:
    return Field(name, form, description=description)


def _choice(name: str, choices: tuple[str, ...], default: Any = None, description: str = "") -> Field:
    return Field(name, CHOICE, default=default, choices=choices, description=description)


TARGET = (
    _optional("value", NUMBER, "The target value."),
    _optional("baseline", NUMBER, "Where the metric stands now."),
    _choice("direction", DIRECTIONS, description="Inferred from baseline -> value when absent."),
    _optional("by", DATE_TEXT, "The deadline, YYYY-MM-DD."),
    _optional("since", DATE_TEXT, "When the baseline was measured, YYYY-MM-DD."),
    _optional("tolerance", NUMBER, "Half-width of a maintain target's band, in the metric's unit; above 0, only with direction: maintain."),
)

# A past target (`history`, oldest first): the target's fields as they stood, and how it ended.
# Cross-field rules (`result` for met/missed, `reason` for revised/dropped, `closed` in order)
# are checked by validate.py (E002) and make plain.py defer to it.
HISTORY = (
    Field("value", NUMBER, required=True, description="The target's value as it stood."),
    *TARGET[1:],
    Field("status", CHOICE, required=True, choices=HISTORY_STATUSES,
          description="met/missed: the deadline came; revised: replaced before it; dropped: abandoned."),
    _optional("result", NUMBER, "The measured value when it closed; required for met and missed."),
    Field("closed", DATE_TEXT, required=True, description="The day it stopped being the target; not before the entry above."),
    _optional("reason", TEXT, "Why; required and not blank for revised and dropped."),
)

METRIC = (
    Field("id", ID, required=True),
    Field("name", TITLE, required=True),
    _optional("description", TEXT),
    _choice("kind", KINDS),
    _choice("category", CATEGORIES),
    _choice("perspective", PERSPECTIVES),
    _optional("unit", TEXT),
    _optional("window", TEXT),
    _choice("aggregation", AGGREGATIONS),
    _optional("numerator", TEXT),
    _optional("denominator", TEXT),
    _optional("formula", TEXT),
    _optional("event", TEXT),
    _optional("source", TEXT),
    _optional("query", QUERY, "SQL (one SELECT, or WITH ... SELECT) run against the metric's actuals source instead of its table."),
    _optional("owner", TEXT),
    _optional("segments", TEXTS),
    _optional("pairs_with", ID_OR_IDS, "An id or a list of ids."),
    _optional("guardrails", IDS),
    _optional("decision", TEXT),
    _choice("review", CADENCES),
    _optional("last_reviewed", DATE_TEXT),
    _choice("status", STATUSES, default="active"),
    Field("target", MODEL, holds="Target"),
    Field("history", MODELS, holds="History", description="Past targets, oldest first."),
    _optional("tags", TEXTS),
    _optional("lint_ignore", TEXTS),
    _optional("lint_ignore_reason", TEXT),
)

# The fields every node has; a level above the bottom one then holds the list of the next.
NODE = (
    Field("id", ID, required=True),
    Field("title", TITLE, required=True),
    _optional("description", TEXT),
    _optional("owner", TEXT),
    _optional("parent", ID),
    Field("metrics", MODELS, holds="Metric"),
    _choice("status", STATUSES, default="active"),
    _optional("tags", TEXTS),
    _optional("lint_ignore", TEXTS),
    _optional("lint_ignore_reason", TEXT),
)


def level_class(level: int) -> str:
    """The class name of a level's nodes: `Objective` for 0."""
    return LEVEL_NAMES[level].capitalize()


def level_fields(level: int) -> tuple[Field, ...]:
    """A level's fields: NODE, then the list of the level below, if any."""
    if level == len(LEVEL_KEYS) - 1:
        return NODE
    return (*NODE, Field(LEVEL_KEYS[level + 1], MODELS, holds=level_class(level + 1)))


DOCUMENT = (
    Field("metricspec", VERSION, required=True),
    _optional("product", TEXT),
    _choice("stage", STAGES),
    _choice("model", PRODUCT_MODELS, description="How the product creates value; L001 and the examples in messages read it."),
    _optional("north_star", ID),
    _optional("owner", TEXT),
    _choice("review", CADENCES),
    *(Field(key, MODELS, holds=level_class(level)) for level, key in enumerate(LEVEL_KEYS)),
)

# Every class of the format and its fields, each class after the ones it holds.
CLASSES: dict[str, tuple[Field, ...]] = {
    "Target": TARGET,
    "History": HISTORY,
    "Metric": METRIC,
    **{level_class(level): level_fields(level) for level in reversed(range(len(LEVEL_KEYS)))},
    "Document": DOCUMENT,
}

# -- the configuration -------------------------------------------------------------------------

SEVERITIES = ("error", "warning", "info")

# The forms of a configuration value, each read the same way by config_model.py and config.py.
TEXT_OR_TEXTS = "text-or-texts"  # a text is a list of one
# TEXTS (above): a list of text
SEVERITY = "severity"  # one of SEVERITIES
SEVERITY_BY_CODE = "severity-by-code"  # a table of those
TEXTS_BY_GLOB = "texts-by-glob"  # a table of lists of text
WHOLE = "whole"  # a whole number, 0 or more (`true` and `"3"` are not numbers)
POSITIVE = "positive"  # a number above 0, whole or not
TABLE = "table"  # a table of the settings `Setting.holds`
CONFIG_TEXT = "config-text"  # one text
TEXT_BY_NAME = "text-by-name"  # a table of text
TABLES_BY_GLOB = "tables-by-glob"  # a table of tables of the settings `Setting.holds`, by glob
STATUS_LEVEL = "status-level"  # one of FAIL_STATUSES, or absent

# The statuses `status --fail-on` takes, least bad first (ACTUALS.md).
FAIL_STATUSES = ("at-risk", "off-track", "missed")


class Setting:
    """One key of the configuration, written in kebab-case; `attribute` is its Python name."""

    __slots__ = ("key", "form", "default", "holds", "attribute")

    def __init__(self, key: str, form: str, default: Any = None, holds: tuple[Setting, ...] = ()) -> None:
        self.key = key
        self.form = form
        self.default = default  # a list or a table stands for a new copy of it
        self.holds = holds  # for TABLE and TABLES_BY_GLOB
        self.attribute = key.replace("-", "_")

    def __repr__(self) -> str:
        return f"Setting({self.key!r}, {self.form!r})"

    def new_default(self) -> Any:
        return self.default.copy() if isinstance(self.default, (list, dict)) else self.default


THRESHOLDS = (
    Setting("max-metrics-per-node", WHOLE, 3),
    Setting("max-metrics-per-document", WHOLE, 12),
    Setting("max-metrics-per-owner", WHOLE, 6),
    Setting("max-target-change", POSITIVE, 3.0),
    Setting("max-deadline-days", WHOLE, 730),
    Setting("stale-review-cycles", POSITIVE, 2),
    # ACTUALS.md's, read by `status` and the A rules.
    Setting("stale-windows", POSITIVE, 2),
    Setting("on-track-pacing", POSITIVE, 0.95),
    Setting("at-risk-pacing", POSITIVE, 0.75),
    Setting("partner-worsening", POSITIVE, 0.10),
    Setting("forecast-points", WHOLE, 8),
    Setting("flatline-cycles", POSITIVE, 2),
    Setting("flatline-change", POSITIVE, 0.02),
    Setting("segment-decline", POSITIVE, 0.20),
    Setting("baseline-mismatch", POSITIVE, 0.10),
    Setting("maintain-tolerance", POSITIVE, 0.05),
)
VANITY = (Setting("extend-terms", TEXTS, []),)
# Where a metric's actuals are read from (ACTUALS.md, Sources); `source` None is metricspec.db.
PER_METRIC = (
    Setting("source", TEXT_OR_TEXTS, None),
    Setting("table", CONFIG_TEXT, None),
    Setting("columns", TEXT_BY_NAME, {}),
)
ACTUALS = (
    Setting("source", TEXT_OR_TEXTS, None),
    Setting("table", CONFIG_TEXT, "actuals"),
    Setting("columns", TEXT_BY_NAME, {}),
    Setting("timeout", POSITIVE, 30),
    Setting("lock-timeout", POSITIVE, 5),
    Setting("per-metric", TABLES_BY_GLOB, {}, holds=PER_METRIC),
)
STATUS = (Setting("fail-on", STATUS_LEVEL, None),)
SETTINGS = (
    Setting("include", TEXT_OR_TEXTS, []),
    Setting("exclude", TEXT_OR_TEXTS, []),
    Setting("select", TEXT_OR_TEXTS, None),  # None: the default selection; [] selects nothing
    Setting("extend-select", TEXT_OR_TEXTS, []),
    Setting("ignore", TEXT_OR_TEXTS, []),
    Setting("extend-ignore", TEXT_OR_TEXTS, []),
    Setting("fail-on", SEVERITY, "warning"),
    Setting("severity", SEVERITY_BY_CODE, {}),
    Setting("per-file-ignores", TEXTS_BY_GLOB, {}),
    Setting("thresholds", TABLE, holds=THRESHOLDS),
    Setting("vanity", TABLE, holds=VANITY),
    Setting("actuals", TABLE, holds=ACTUALS),
    Setting("status", TABLE, holds=STATUS),
)

# Keys users write for ours (E002's "did you mean", --fix): synonym -> our key.
KEY_SYNONYMS = {"type": "kind", "desc": "description", "deadline": "by", "goal": "value", "target_value": "value", "owners": "owner", "unit_of_measure": "unit"}
# A metric is named by `name` and a node by `title`: each is written for the other, on the
# item's own level. Read so (not as the other level's key, misplaced) when the item lacks it.
COUNTERPART_KEYS = {"metric": {"title": "name"}, "node": {"name": "title"}}
