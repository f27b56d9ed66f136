"""Validate loaded data against the models, turning pydantic's errors into E002 problems.

`validate_document` reads a LoadedFile and returns a Validation: the document as plain objects
(plain.py), the problems, and the paths of the values it took out. The loaded file is left as
read: its positions are the document's, since repairs replace items and take keys out without
moving anything that stays.

A well-formed document is converted by plain.validate without pydantic (the fast path, and
no pydantic import at all when every file is clean). Otherwise the whole document is validated
by pydantic in one call; when that fails, every error is reported at the YAML position of the
offending key or value, the offending values are taken out of a copy of the data, and
validation runs again, so that the rest of the file is still linted and its ids still resolve.
An id that is text but not a slug (`ARR`, `Goal One`) is read as its slug form (`arr`,
`goal-one`) wherever it is defined or named, so that the item, its children and the references
to it stay in the run: taking it out would make the rules report things that are not so ("no
`pairs_with`", "no lagging metric"). Items that cannot be saved (a metric with no id, say) are
replaced by placeholders that keep the list positions stable and are skipped by the workspace.
"""

from __future__ import annotations

import difflib
import marshal
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from metricspec import plain
from metricspec.diagnostics import Problem, Span
from metricspec.plain import LEVELS, Document, History, Metric, Target, _Node
from metricspec.vocabulary import LEVEL_KEYS, LEVEL_NAMES, LEVEL_OF_KEY

if TYPE_CHECKING:  # only annotations: `metricspec rules` need not import the YAML parser
    from metricspec.loader import LoadedFile

PLACEHOLDER_PREFIX = "0--metricspec-placeholder--"
_ITEM_LISTS = {*LEVEL_KEYS, "metrics"}
_TITLES = {"title", "name"}
_MAX_REPAIRS = 5

_NODE_FIELDS = sorted(
    set(_Node.model_fields) | {"goals", "outcomes", "behaviors"}
)
_FIELDS_BY_CONTAINER = {
    "document": sorted(Document.model_fields),
    "metrics": sorted(Metric.model_fields),
    "target": sorted(Target.model_fields),
    "history": sorted(History.model_fields),
}


Path_ = tuple  # a path into the data: keys and list indexes


@dataclass
class Validation:
    """What validation made of a loaded file."""

    # The document, repaired where it had errors; None when nothing could be saved.
    document: Document | None
    problems: list[Problem]
    # The paths, in the file as read, of the values taken out (an item replaced by a placeholder
    # stands for everything under it): E002 reported each, so a rule must not call it missing.
    removed: frozenset[Path_] = frozenset()


def validate_document(loaded: LoadedFile) -> Validation:
    """Validate `loaded.data`, a mapping with a `metricspec` key, without changing `loaded`."""
    fast = plain.validate(loaded.data)
    if fast is not None:
        return Validation(fast, [])  # plain.validate defers a blank title or name to the checks below
    from pydantic import ValidationError

    from metricspec.model import Document as Schema

    problems: list[Problem] = []
    removed: set[Path_] = set()
    placeholders = 0
    # Repairs change the data's shape: they are made on a copy (plain data: dicts, lists, text
    # and None, which marshal copies in C), and the file keeps the data its positions describe.
    data = marshal.loads(marshal.dumps(loaded.data))
    for attempt in range(_MAX_REPAIRS):
        try:
            document = plain.from_pydantic(Schema.model_validate(data))
            reported = {problem.span for problem in problems}  # `title:` with no value: said already
            problems += [p for p in _blank_names(loaded, document) if p.span not in reported]
            problems += _history_rules(loaded, document, removed)
            return Validation(document, problems, frozenset(removed))
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
        if attempt == 0:
            problems.extend(_problem(loaded, error) for error in errors)
        for error in errors:
            placeholders = _repair(data, tuple(error["loc"]), error["type"], placeholders, removed)
    return Validation(None, problems, frozenset(removed))


def _blank_names(loaded: LoadedFile, document: Document) -> list[Problem]:
    """E002 for a `title` or `name` written blank: required means something to read."""
    problems: list[Problem] = []
    for key, _ in LEVELS:
        for index, node in enumerate(getattr(document, key)):
            _check_node(loaded, node, (key, index), LEVEL_OF_KEY[key], problems)
    return problems


def _history_rules(loaded: LoadedFile, document: Document, removed: set[Path_]) -> list[Problem]:
    """E002 for a `history` entry breaking a rule across its fields; its path goes to `removed`
    (the entry stays in the document, where its position is the file's)."""
    problems: list[Problem] = []
    for path, metric in _metrics_with_history(document):
        closed = None
        for index, entry in enumerate(metric.history):
            where = path + ("history", index)
            if where in removed:  # a placeholder: its E002 is said
                continue
            span = loaded.value_span(where) or _nearest_span(loaded, where)
            found: tuple[str, str, Span] | None = None
            if entry.status in ("met", "missed") and entry.result is None:
                found = (f"a history entry with status '{entry.status}' is missing the required key 'result'",
                         "Add `result:`, the measured value when the target closed.", span)
            elif entry.status in ("revised", "dropped") and not (entry.reason and entry.reason.strip()):
                reason_span = loaded.value_span(where + ("reason",))
                found = (f"a history entry with status '{entry.status}' is missing the required key 'reason'"
                         if reason_span is None else "history.reason: is blank",
                         f"Say why the target was {entry.status}: it is what a reviewer reads.", reason_span or span)
            elif closed is not None and entry.closed < closed:
                found = (f"history.closed: {entry.closed.isoformat()} is before the entry above ({closed.isoformat()})",
                         "History lists past targets oldest first: each closed on or after the one above.",
                         loaded.value_span(where + ("closed",)) or span)
            if found is None or not found[0].startswith("history.closed"):
                closed = entry.closed
            if found is None:
                continue
            removed.add(where)
            id_span = loaded.value_span(path + ("id",))
            problems.append(Problem("E002", found[0], found[2], help=found[1], subject=metric.id,
                                    subject_line=id_span[0] if id_span else None))
    return problems


def _metrics_with_history(document: Document) -> list[tuple[tuple, Metric]]:
    found: list[tuple[tuple, Metric]] = []
    todo = [((key, index), node, LEVEL_OF_KEY[key]) for key, _ in LEVELS for index, node in enumerate(getattr(document, key))]
    while todo:
        path, node, level = todo.pop()
        found += [(path + ("metrics", index), metric) for index, metric in enumerate(node.metrics) if metric.history]
        if level < 3:
            child_key = LEVELS[level + 1][0]
            todo += [(path + (child_key, index), child, level + 1) for index, child in enumerate(getattr(node, child_key))]
    return sorted(found, key=lambda pair: pair[0])


def _check_node(loaded: LoadedFile, node: _Node, path: tuple, level: int, problems: list[Problem]) -> None:
    _check_name(loaded, node.id, node.title, path, "title", problems)
    for index, metric in enumerate(node.metrics):
        _check_name(loaded, metric.id, metric.name, path + ("metrics", index), "name", problems)
        _format_checks(loaded, metric, path + ("metrics", index), problems)
    if level < 3:
        child_key = LEVELS[level + 1][0]
        for index, child in enumerate(getattr(node, child_key)):
            _check_node(loaded, child, path + (child_key, index), level + 1, problems)


def _check_name(loaded: LoadedFile, item_id: str, text: str, path: tuple, field: str, problems: list[Problem]) -> None:
    if text.strip() or item_id.startswith(PLACEHOLDER_PREFIX):
        return
    span = loaded.value_span(path + (field,))
    if span is None:  # not written: a missing key, already reported
        return
    id_span = loaded.value_span(path + ("id",))
    problems.append(Problem(
        "E002", f"{field}: is blank", span,
        help=f"Write what the {'metric measures' if field == 'name' else 'node aims at'}: it is how people find it.",
        subject=item_id, subject_line=id_span[0] if id_span else None,
    ))


def _format_checks(loaded: LoadedFile, metric: Metric, path: tuple, problems: list[Problem]) -> None:
    """E002 for what the schema types take but the format does not: a `query` that is not one,
    a `tolerance` not above 0 or on a target that is not `maintain` (plain.py defers these)."""
    if metric.id.startswith(PLACEHOLDER_PREFIX):
        return
    found = []
    if metric.query is not None and not plain.is_query(metric.query):
        found.append((("query",), "query: must start with SELECT or WITH (after comments)",
                      "Write one SELECT returning `at`, `value` and optionally `segment`, filtered by :start and :end."))
    target = metric.target
    if target is not None and target.tolerance is not None:
        if target.tolerance <= 0:
            found.append((("target", "tolerance"), f"target.tolerance: must be above 0, not {_number(target.tolerance)}",
                          "It is the half-width of the band around the value, in the metric's unit."))
        elif target.direction != "maintain":
            found.append((("target", "tolerance"), "target.tolerance: only a `maintain` target has a band",
                          "Add `direction: maintain`, or take `tolerance` out: other targets are reached at their value."))
    id_span = loaded.value_span(path + ("id",)) if found else None
    for where, message, help in found:
        span = loaded.value_span(path + where) or _nearest_span(loaded, path + where)
        problems.append(Problem("E002", message, span, help=help, subject=metric.id,
                                subject_line=id_span[0] if id_span else None))


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _as_id(text: str) -> str | None:
    """The slug a PM most likely meant by an id that is not one: `ARR` -> `arr`,
    `Goal One` -> `goal-one`, `Café_Visits` -> `cafe_visits`; None when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-_")
    return slug or None


_NOT_SLUG = re.compile(r"[^a-z0-9_-]+")


def _read_id_as_slug(data: Any, loc: tuple) -> bool:
    """Replace the id at `loc` (a definition or a reference) by its slug form, if it has one."""
    holder: Any = None
    key: Any = None
    current = data
    for step in loc:
        if isinstance(current, dict) and step in current or (
            isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current)
        ):
            holder, key, current = current, step, current[step]
        elif not (isinstance(current, str) and step == 0):  # `pairs_with: ARR`, one id for a list
            return False
    slug = _as_id(current) if isinstance(current, str) else None
    if holder is None or slug is None:
        return False
    holder[key] = slug
    return True


def _repair(data: Any, loc: tuple, error_type: str, placeholders: int, removed: set[Path_]) -> int:
    """Take the value at `loc` out of the data, or replace the item holding it by a placeholder;
    add the path of what was taken out to `removed`."""
    if error_type == "string_pattern_mismatch" and _read_id_as_slug(data, loc):
        return placeholders
    parent, key, key_depth = None, None, 0
    current = data
    item_parent, item_index, item_depth = None, None, 0
    for index, step in enumerate(loc):
        if isinstance(current, dict) and step in current:
            # A list of items on the way is never taken out for an error inside it; a list that
            # is itself the error (misplaced, or not a list) is.
            if not (isinstance(step, str) and step in _ITEM_LISTS) or index == len(loc) - 1:
                parent, key, key_depth = current, step, index + 1
            current = current[step]
        elif isinstance(current, list) and isinstance(step, int) and step < len(current):
            if index > 0 and loc[index - 1] in _ITEM_LISTS:
                item_parent, item_index, parent, key = current, step, None, None
                item_depth = index + 1
            current = current[step]
        else:
            break
    field = loc[-1] if loc else None
    if _replace_history_entry(data, loc, error_type, removed):
        return placeholders
    item = item_parent[item_index] if item_parent is not None else None
    if item_parent is not None and (
        not isinstance(item, dict) or (field == "id" and len(loc) == item_depth + 1)
    ):
        # An item with no usable id cannot be referenced or reported on: keep its slot only.
        level_key = [step for step in loc if isinstance(step, str) and step in _ITEM_LISTS][-1]
        title_key = "name" if level_key == "metrics" else "title"
        item_parent[item_index] = {"id": f"{PLACEHOLDER_PREFIX}{placeholders}", title_key: ""}
        removed.add(loc[:item_depth])
        return placeholders + 1
    if isinstance(item, dict) and field in _TITLES and (parent is item or error_type == "missing"):
        item[field] = ""  # keep the item: its other fields are still worth linting
    elif parent is not None and key in parent:
        del parent[key]
        removed.add(loc[:key_depth])
    return placeholders


# What stands in for a `history` entry that cannot be read: it keeps the later entries at their
# positions (D008 matches entries by position) and is in `removed`, so nothing reads it.
HISTORY_PLACEHOLDER = {"value": 0, "status": "dropped", "closed": "0001-01-01", "reason": PLACEHOLDER_PREFIX}


def _replace_history_entry(data: Any, loc: tuple, error_type: str, removed: set[Path_]) -> bool:
    """For an entry of `history` missing a key or not a mapping, a placeholder in its place."""
    if "history" not in loc:
        return False
    at = loc.index("history")
    if len(loc) < at + 2 or not isinstance(loc[at + 1], int) or (error_type != "missing" and len(loc) > at + 2):
        return False
    current = value_at(data, loc[: at + 1])
    if not isinstance(current, list) or not 0 <= loc[at + 1] < len(current):
        return False
    current[loc[at + 1]] = dict(HISTORY_PLACEHOLDER)
    removed.add(loc[: at + 2])
    return True


def _problem(loaded: LoadedFile, error: dict) -> Problem:
    loc = tuple(error["loc"])
    error_type = error["type"]
    value = error.get("input")
    field = _field_name(loc)
    subject, subject_line = _subject(loaded, loc)
    help = ""
    meant = home = None
    if error_type == "extra_forbidden":
        key = loc[-1]
        span = loaded.key_span(loc) or _nearest_span(loaded, loc)
        level = _node_level(loc[:-1])
        if level is not None and key in LEVEL_OF_KEY:
            message, help = _misplaced_level(key, level)
        else:
            from metricspec import key_hints

            known = _known_fields(loc[:-1])
            if level is not None:  # of the node lists, only the next level down
                known = [name for name in known if name not in LEVEL_OF_KEY]
                known += [LEVELS[level + 1][0]] if level < 3 else []
            message, help, meant, home = key_hints.unknown_key(str(key), key_hints.container_of(loc[:-1]), known,
                                                               _keys_at(loaded, loc[:-1]))
    elif error_type == "missing":
        span = _nearest_span(loaded, loc[:-1])
        span = (span[0], span[1], span[0], span[1] + 1)
        message = f"{_container_name(loc[:-1])} is missing the required key '{field}'"
        help = f"Add `{field}:` to it."
    else:
        span = loaded.value_span(loc) or _nearest_span(loaded, loc)
        message, help = _describe(field, error_type, value, error)
    return Problem("E002", message, span, help=help, subject=subject, subject_line=subject_line, meant=meant,
                   home=home, missing=field if error_type == "missing" else None)


def _describe(field: str, error_type: str, value: Any, error: dict) -> tuple[str, str]:
    shown = _show(value)
    if error_type == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        choices = [c.strip(" '") for c in expected.replace(" or ", ", ").split(",") if c.strip(" '")]
        message = f"{field}: {shown} is not one of {', '.join(choices)}"
        if isinstance(value, str):
            close = difflib.get_close_matches(value.lower(), choices, n=1, cutoff=0.6)
            if close:
                message += f"; did you mean '{close[0]}'?"
        return message, f"Allowed values: {', '.join(choices)}."
    if error_type == "string_pattern_mismatch":
        rule = "Ids are slugs: lowercase letters, digits, '-' and '_', starting with a letter or digit."
        slug = _as_id(value) if isinstance(value, str) else None
        if slug is None:
            return f"{field}: {shown} is not a valid id", rule
        return (
            f"{field}: {shown} is not a valid id; did you mean '{slug}'?",
            f"{rule} The rest of this run reads it as '{slug}'.",
        )
    if error_type.startswith("float") or error_type.startswith("int") or error_type == "finite_number":
        if value is None:
            return f"{field}: expected a number, found an empty value", ""
        return f"{field}: expected a number, found {shown}", "Write numbers like 12, 12.5 or 1_000."
    if error_type in ("date_format", "date_invalid"):
        if value is None:
            return f"{field}: expected a date, found an empty value", "Write dates as YYYY-MM-DD."
        if error_type == "date_format":
            return f"{field}: expected a date written YYYY-MM-DD, found {shown}", "Write dates as YYYY-MM-DD, e.g. 2027-06-30."
        return f"{field}: {shown} is {error['msg']}", "Write dates as YYYY-MM-DD, e.g. 2027-06-30."
    if error_type == "string_type":
        if value is None:
            return (
                f"{field}: expected text, found an empty value",
                "If you meant the word null or ~, write it in quotes.",
            )
        return f"{field}: expected text, found {_kind(value)}", "If you meant text, write it in quotes."
    if error_type == "list_type":
        return f"{field}: expected a list, found {_kind(value)}", "Write a list as '- item' lines or [a, b]."
    if error_type in ("model_type", "dict_type", "model_attributes_type"):
        return f"{field}: expected a mapping of keys, found {_kind(value)}", "Write it as indented `key: value` lines."
    return f"{field}: {error['msg']}", "See docs/format.md for what this field takes."


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    return _kind(value)


def _kind(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"the text {_show(value)}" if isinstance(value, str) else type(value).__name__


def _field_name(loc: tuple) -> str:
    names = [str(step) for step in loc if isinstance(step, str)]
    return ".".join(names[-2:]) if len(names) > 1 and names[-2] in ("target", "history") else (names[-1] if names else "document")


def _container_name(loc: tuple) -> str:
    for step in reversed(loc):
        if isinstance(step, str):
            return {
                "objectives": "an objective",
                "goals": "a goal",
                "outcomes": "an outcome",
                "behaviors": "a behavior",
                "metrics": "a metric",
                "target": "the target",
                "history": "a history entry",
            }.get(step, f"'{step}'")
    return "the document"


def _node_level(container_loc: tuple) -> int | None:
    """The level (0 objective .. 3 behavior) of the node at `container_loc`, or None."""
    if len(container_loc) >= 2 and isinstance(container_loc[-1], int):
        return LEVEL_OF_KEY.get(container_loc[-2])
    return None


def _misplaced_level(key: str, level: int) -> tuple[str, str]:
    """A list of nodes under a node of the wrong level: say where it belongs."""
    here, wanted = LEVEL_NAMES[level], LEVEL_OF_KEY[key]
    holds = f"{with_article(here)} holds `{LEVELS[level + 1][0]}`" if level < 3 else f"{here}s are the bottom level"
    if wanted == 0:
        return (f"'{key}' cannot stand under {with_article(here)}: {holds}",
                "Objectives stand at the top level of a file.")
    holder = LEVEL_NAMES[wanted - 1]
    return (
        f"'{key}' cannot stand under {with_article(here)}: {holds}, and {key} belong under {with_article(holder)}",
        f"Move them under {with_article(holder)}, or to the top level of the file with `parent: <{holder} id>`.",
    )


def with_article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _known_fields(container_loc: tuple) -> list[str]:
    for step in reversed(container_loc):
        if isinstance(step, str):
            if step in LEVEL_OF_KEY:
                return _NODE_FIELDS
            return _FIELDS_BY_CONTAINER.get(step, [])
    return _FIELDS_BY_CONTAINER["document"]


def _subject(loaded: LoadedFile, loc: tuple) -> tuple[str | None, int | None]:
    """The id of the innermost node or metric holding `loc`, and the line of that id."""
    current = loaded.data
    best: tuple[str | None, int | None] = (None, None)
    for index, step in enumerate(loc):
        try:
            current = current[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(step, int) and index > 0 and loc[index - 1] in _ITEM_LISTS and isinstance(current, dict):
            item_id = current.get("id")
            if isinstance(item_id, str) and not item_id.startswith(PLACEHOLDER_PREFIX):
                span = loaded.value_span(loc[: index + 1] + ("id",))
                best = (item_id, span[0] if span else None)
    return best


def value_at(data: Any, path: tuple) -> Any:
    """The value at `path` in a file's data, None where the path leads nowhere."""
    current = data
    for step in path:
        try:
            current = current[step]
        except (KeyError, IndexError, TypeError):
            return None
    return current


def _keys_at(loaded: LoadedFile, loc: tuple) -> frozenset:
    """The keys of the mapping at `loc` in the file's data (none when there is no mapping)."""
    mapping = value_at(loaded.data, loc)
    return frozenset(mapping) if isinstance(mapping, dict) else frozenset()


def _nearest_span(loaded: LoadedFile, loc: tuple) -> Span:
    for end in range(len(loc), -1, -1):
        span = loaded.value_span(loc[:end])
        if span:
            return span
    return (1, 1, 1, 1)


__all__ = ["Validation", "validate_document", "PLACEHOLDER_PREFIX", "with_article"]
