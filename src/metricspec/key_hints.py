"""What E002 says of a key the mapping holding it does not take (RULES.md, "One root cause, one
finding"): where the key belongs when it is another mapping's, the key a synonym stands for,
or the closest key; only when none of these is found, that `x-` keys are free.

A key at the wrong indentation is the commonest cause of an unknown key in a spec edited by
hand (`target:` lined up with a node's keys instead of its metric's): a "did you mean" on it
would be a guess at a typo that is not one. Every answer is derived from vocabulary.py's field
tables, so a field added there is placed here too. Imported only when a file has E002s.
"""

from __future__ import annotations

import difflib

from metricspec.vocabulary import (
    COUNTERPART_KEYS, DOCUMENT, HISTORY, KEY_SYNONYMS, LEVEL_KEYS, LEVEL_NAMES, LEVEL_OF_KEY, METRIC, NODE, TARGET,
)

# The mappings of the format, how deep each stands (a deeper one is indented under the one
# above), the keys each takes and how a message names it as a key's home. The node lists are
# placed apart: which of them a node takes depends on its level.
_DEPTH = {"document": 0, "node": 1, "metric": 2, "target": 3, "history": 3}
_KEYS = {
    "document": frozenset(field.name for field in DOCUMENT) - set(LEVEL_KEYS),
    "node": frozenset(field.name for field in NODE),
    "metric": frozenset(field.name for field in METRIC),
    "target": frozenset(field.name for field in TARGET),
    "history": frozenset(field.name for field in HISTORY),
}
_HOME = {
    "document": "at the top level of the file",
    "node": "on a node (an objective, goal, outcome or behavior)",
    "metric": "on a metric",
    "target": "in a metric's `target:`",
    "history": "in a `history` entry",
}
# The key a deeper home is written under: what the question asks the key to be indented under.
_UNDER = {"node": "an item of `objectives:`", "metric": "`metrics:`", "target": "`target:`", "history": "`history:`"}
# Where a synonym may stand for a key of the mapping one level down (a metric's `deadline:` is
# its target's `by`); a synonym for a key of any other mapping is no answer.
_CHILD = {"metric": "target"}
GENERIC_HELP = "Keys starting with 'x-' are free for your own extensions."
_MOVE_HELP = "Indentation decides which item a key belongs to: line it up with that item's keys."


def container_of(container_loc: tuple) -> str:
    """Which mapping of the format stands at `container_loc` (a pydantic error's location)."""
    for step in reversed(container_loc):
        if isinstance(step, str):
            if step in LEVEL_OF_KEY:
                return "node"
            return {"metrics": "metric", "target": "target", "history": "history"}.get(step, "document")
    return "document"


def unknown_key(key: str, container: str, known: list[str], present: frozenset = frozenset()
                ) -> tuple[str, str, str | None, str | None]:
    """(message, help, the key meant, its home) for `key` in a `container` whose keys are
    `known` and which holds the keys `present`. The key meant is the known key this one stands for, when one is found: renamed in
    place (a synonym or a close match, home None), or moved to the one other mapping that takes
    it (home: "document", "node", "metric", "target" or "history"). The fold reads both: the
    findings the key's absence causes on the item it was meant for are this one's follow-ons."""
    counterpart = COUNTERPART_KEYS.get(container, {}).get(key.lower())
    if counterpart is not None and counterpart not in present:
        return (f"unknown key '{key}'; did you mean '{counterpart}'? A {container}'s {key.lower()} is its "
                f"`{counterpart}`", _rename_help(counterpart), counterpart, None)
    misplaced = _misplaced(key, container)
    if misplaced is not None:
        return misplaced
    synonym = KEY_SYNONYMS.get(key.lower())
    if synonym in _KEYS[container]:
        return f"unknown key '{key}'; did you mean '{synonym}'?", _rename_help(synonym), synonym, None
    child = _CHILD.get(container)
    if child is not None and synonym in _KEYS[child]:
        return (f"unknown key '{key}'; did you mean '{synonym}', {_HOME[child]}?",
                f"Write it under `{child}:` as `{synonym}:`.", synonym, child)
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    # A typo of another mapping's key (`tagret:` on a node) is both: its closest key here is a
    # worse match (`parent`) than the key it was written for.
    elsewhere = difflib.get_close_matches(key, sorted(set().union(*_KEYS.values()) - set(known)), n=1, cutoff=0.6)
    if elsewhere and (not close or _likeness(key, elsewhere[0]) > _likeness(key, close[0])):
        homes = _homes(elsewhere[0], container)
        if homes:
            return (f"unknown key '{key}'; did you mean '{elsewhere[0]}'? It belongs {_where(homes)}",
                    _MOVE_HELP, *_moved(elsewhere[0], homes))
    if close:
        return f"unknown key '{key}'; did you mean '{close[0]}'?", _rename_help(close[0]), close[0], None
    return f"unknown key '{key}'", GENERIC_HELP, None, None


def _rename_help(meant: str) -> str:
    return f"Rename it `{meant}`: a key the format does not know is not read."


def _likeness(key: str, other: str) -> float:
    return difflib.SequenceMatcher(None, key, other).ratio()


def _homes(key: str, container: str) -> list[str]:
    """The mappings other than `container` taking `key`; a `history` entry only when no other
    does (it repeats a target's keys, and is rarely what was meant)."""
    homes = [name for name in _KEYS if key in _KEYS[name] and name != container]
    return [name for name in homes if name != "history"] or homes


def _where(homes: list[str]) -> str:
    return " or ".join(_HOME[name] for name in homes)


def _moved(key: str, homes: list[str]) -> tuple[str | None, str | None]:
    """(the key meant, its home) of a key another mapping takes: only when exactly one does (a
    key with two homes, `review` on a node, names no item it was meant for)."""
    return (key, homes[0]) if len(homes) == 1 else (None, None)


def _misplaced(key: str, container: str) -> tuple[str, str, str | None, str | None] | None:
    """'x' belongs elsewhere, for a key that is another mapping's."""
    here = _DEPTH[container]
    if key in LEVEL_OF_KEY:  # a node list: at the top level, or on the level above its own
        wanted = LEVEL_OF_KEY[key]
        holder = LEVEL_NAMES[wanted - 1] if wanted else ""
        above = f"on {'an' if holder[:1] in 'aeiou' else 'a'} {holder} or " if holder else ""
        return f"'{key}' belongs {above}at the top level of the file: is it indented too far?", _MOVE_HELP, None, None
    homes = _homes(key, container)
    if not homes:
        return None
    where = _where(homes)
    deeper = [name for name in homes if _DEPTH[name] > here]
    if len(deeper) == len(homes):
        nearest = min(deeper, key=_DEPTH.__getitem__)
        return f"'{key}' belongs {where}: is it indented under {_UNDER[nearest]}?", _MOVE_HELP, *_moved(key, homes)
    if not deeper:
        return f"'{key}' belongs {where}: is it indented too far?", _MOVE_HELP, *_moved(key, homes)
    return f"'{key}' belongs {where}", _MOVE_HELP, None, None
