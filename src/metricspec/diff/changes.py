"""The D codes: what moved between two sides (DIFF.md, Codes and Acknowledged changes).

`compare(base, head)` returns every change, sorted by path, line, column, code. It only finds:
which changes the run reports, at which configured severity, is the caller's (as the engine is
for lint). One root cause, one change: a removed metric's lost pairs and guardrails are not
reported apart from its D010 (they need both ends still there), a metric deprecated at HEAD
gets D012 only, and D004 stands in for D001.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Optional

from metricspec.diff import values as v
from metricspec.diff.catalog import CODES
from metricspec.diff.matching import DEFINITION, Matching, match
from metricspec.diff.snapshot import Item, Snapshot

_DEFINITION_CHANGED = tuple(name for name in DEFINITION if name != "name") + ("query",)
_FILLING_DOCUMENTS = ("unit", "source", "event")  # filling these in is T008/G002's fix, no change


@dataclass
class Change:
    code: str
    severity: str
    message: str
    subject: Optional[str]
    side: str  # "head" or "base": where path, line and column point
    path: str
    line: int
    column: int
    before: Any = None
    after: Any = None
    acknowledged: Optional[dict] = None
    related: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return CODES[self.code][0]

    @property
    def help(self) -> str:
        return CODES[self.code][2]

    def sort_key(self) -> tuple:
        return self.path, self.line, self.column, self.code


def _at(code: str, item: Item, keys: tuple, message: str, side: str = "head", **more: Any) -> Change:
    line, column = item.at(*keys)
    return Change(code, CODES[code][1], message, item.id, side, item.path, line, column, **more)


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(x)}" for k, x in value.items()) + "}" if value else "none"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(x) for x in value) + "]"
    return str(value)


def compare(base: Snapshot, head: Snapshot) -> list[Change]:
    matching = match(base, head)
    changes: list[Change] = []
    changes += _unreadable(base, head)
    for old, new in matching.metrics:
        changes += _metric(old, new, matching)
    for old, new in matching.nodes:
        if old.id != new.id:
            changes.append(_at("D014", new, (), f"{new.kind} '{old.id}' is now '{new.id}'",
                               before={"id": old.id}, after={"id": new.id}))
        if new.status == "deprecated" and old.status != "deprecated":
            changes.append(_at("D012", new, ("status",), f"{new.kind} '{new.id}' is now deprecated",
                               before={"id": old.id}, after={"id": new.id}))
    for item in matching.removed_metrics:
        changes.append(_removed(item, "D010" if item.status == "active" else "D013"))
    for item in matching.removed_nodes:
        changes.append(_removed(item, "D011" if item.status == "active" else "D013"))
    for item in matching.added_metrics:
        if item.status == "active" and v.target(item.model.target, item.raw.get("target"),
                                                lambda key: item.failed("target", key)).get("value") is None:
            changes.append(_at("D016", item, (), f"new metric '{item.id}' has no target",
                               before=None, after={"id": item.id}))
    changes += _links(base, head, matching)
    changes += _owners(base, head, matching)
    changes += _products(base, head, matching)
    return sorted(changes, key=Change.sort_key)


def _removed(item: Item, code: str) -> Change:
    what = {"D010": "removed while active: deprecate it first", "D011": "removed while active",
            "D013": f"removed after being {item.status}"}[code]
    return _at(code, item, (), f"{item.kind} '{item.id}' {what}", side="base", before={"id": item.id}, after=None)


def _unreadable(base: Snapshot, head: Snapshot) -> list[Change]:
    changes = []
    for path, bad in sorted(head.unreadable.items()):
        changes.append(Change("D090", "error", f"at HEAD, {bad.code}: {bad.message}; its changes are not compared",
                              None, "head", path, bad.line, bad.column))
    for path, bad in sorted(base.unreadable.items()):
        if path not in head.unreadable:
            changes.append(Change("D090", "info", f"at BASE, {bad.code}: {bad.message}; its changes are not compared",
                                  None, "base", path, bad.line, bad.column))
    return changes


# -- a matched metric ---------------------------------------------------------------------------


def _target(item: Item) -> dict:
    return v.target(item.model.target, item.raw.get("target"), lambda key: item.failed("target", key))


def _metric(old: Item, new: Item, matching: Matching) -> list[Change]:
    changes: list[Change] = []
    if old.id != new.id:
        changes.append(_at("D014", new, (), f"metric '{old.id}' is now '{new.id}'",
                           before={"id": old.id}, after={"id": new.id}))
    if new.status == "deprecated":
        if old.status != "deprecated":
            changes.append(_at("D012", new, ("status",), f"metric '{new.id}' is now deprecated",
                               before={"id": old.id}, after={"id": new.id}))
        return changes
    if old.raw == new.raw and not old.removed and not new.removed:
        # Written alike, validated whole at both sides: the same definition, target and history
        # (most metrics of a changed file). Only what depends on other items is left to compare.
        return changes + _lists(old, new, matching)
    unit_changed = False
    definition = _definition(old, new)
    if definition is not None:
        changes.append(definition)
        unit_changed = "unit" in definition.after or "unit" in definition.before
    changes += _targets(old, new, unit_changed)
    changes += _history(old, new)
    changes += _lists(old, new, matching)
    return changes


def _field(item: Item, name: str) -> Optional[str]:
    if name == "query":
        return v.text(item.raw.get("query"))
    if item.failed(name):
        return None
    return v.text(getattr(item.model, name, None))


def _definition(old: Item, new: Item) -> Optional[Change]:
    before, after, keys = {}, {}, []
    for name in _DEFINITION_CHANGED:
        if name != "query" and (old.failed(name) or new.failed(name)):
            continue
        was, now = _field(old, name), _field(new, name)
        if was == now or (was is None and name in _FILLING_DOCUMENTS):
            continue
        before[name], after[name] = was, now
        keys.append(name)
    if not keys:
        return None
    parts = ", ".join(f"{k} {_shown(before[k])} → {_shown(after[k])}" for k in keys)
    return _at("D015", new, (keys[0],), f"definition of '{new.id}' changed: {parts}", before=before, after=after)


def _acknowledgement(old_target: dict, new: Item) -> Optional[tuple[dict, int]]:
    """The newest HEAD history entry that records the BASE target, and its index."""
    entries = v.history(new) or []
    for index in reversed(range(len(entries))):
        entry = entries[index]
        if entry is not None and v.records(entry, old_target):
            return entry, index
    return None


def _targets(old: Item, new: Item, unit_changed: bool) -> list[Change]:
    was, now = _target(old), _target(new)
    if unit_changed:  # another unit: value and baseline no longer compare
        was = {k: x for k, x in was.items() if k not in ("value", "baseline")}
        now = {k: x for k, x in now.items() if k not in ("value", "baseline")}
    if was == now:
        return []
    found = _acknowledgement(was, new) if was else None
    ack: Optional[dict] = None
    if found is not None:
        entry, index = found
        status = entry["status"]
        if status == "missed" and "by" in was and entry["closed"] < was["by"]:
            status = "revised"  # a miss declared before its deadline is a revision in disguise
        line = new.at("history", index)[0]
        if status in ("met", "missed"):
            return [_at("D007", new, ("history", index), f"the target of '{new.id}' was closed as {status} "
                        f"with result {_shown(entry['result'])}", before=was, after=entry)]
        if v.good_reason(entry.get("reason")):
            ack = {"status": status, "reason": entry["reason"], "line": line}
    before, after = was, now
    if "value" in was and "value" not in now:
        return [_target_change("D005", old, new, ("target",), f"the target of '{new.id}' was removed "
                               f"(it was {_shown(was.get('value'))})", before, after, ack)]
    changes: list[Change] = []
    other: list[str] = []
    old_way, new_way = v.direction(was), v.direction(now)
    flipped = old_way is not None and new_way is not None and old_way != new_way
    if flipped:
        changes.append(_target_change("D004", old, new, ("target", "direction") if "direction" in now else
                                      ("target", "value"), f"the direction of '{new.id}' flipped from {old_way} "
                                      f"to {new_way}", before, after, None))
    if not was:
        other.append("value")
    elif not flipped:
        if was.get("value") != now.get("value") and "value" in now:
            easier = (new_way == "increase" and now["value"] < was["value"]) or (
                new_way == "decrease" and now["value"] > was["value"])
            if easier:
                changes.append(_target_change("D001", old, new, ("target", "value"), f"the target of '{new.id}' "
                               f"was lowered from {_shown(was['value'])} to {_shown(now['value'])} ({new_way})",
                                              before, after, ack))
            else:
                other.append("value")
        if new_way == "maintain" and "value" in was and "value" in now:
            wider = (v.tolerance(now) or 0) > (v.tolerance(was) or 0)
            if wider and was.get("value") == now.get("value") and was.get("tolerance") != now.get("tolerance"):
                changes.append(_target_change("D001", old, new, ("target", "tolerance"), f"the tolerance of "
                               f"'{new.id}' widened from {_shown(v.tolerance(was))} to {_shown(v.tolerance(now))}",
                                              before, after, ack))
            elif was.get("tolerance") != now.get("tolerance") and "value" not in other:
                other.append("tolerance")
    if was and was.get("by") != now.get("by") and "by" in was:
        if "by" not in now or now["by"] > was["by"]:
            changes.append(_target_change("D002", old, new, ("target", "by") if "by" in now else ("target",),
                                          f"the deadline of '{new.id}' moved from {was['by']} to "
                                          f"{_shown(now.get('by'))}", before, after, ack))
        else:
            other.append("by")
    elif was and "by" in now and "by" not in was:
        other.append("by")
    if was and "baseline" in was and was.get("baseline") != now.get("baseline"):
        changes.append(_target_change("D003", old, new, ("target", "baseline") if "baseline" in now else ("target",),
                                      f"the baseline of '{new.id}' moved from {_shown(was['baseline'])} to "
                                      f"{_shown(now.get('baseline'))}", before, after, ack))
    elif was and "baseline" in now and "baseline" not in was:
        other.append("baseline")
    if was and was.get("since") != now.get("since"):
        other.append("since")
    if other:
        key = ("target", other[0]) if other[0] in now else ("target",)
        changes.append(_target_change("D006", old, new, key, f"the target of '{new.id}' changed: "
                                      f"{', '.join(other)}", before, after, None))
    return changes


def _target_change(code: str, old: Item, new: Item, keys: tuple, message: str, before: dict, after: dict,
                   ack: Optional[dict]) -> Change:
    change = _at(code, new, keys, message, before=before or None, after=after or None)
    if ack is not None and code in ("D001", "D002", "D003", "D005"):
        change.severity = "info"
        change.message += f"; acknowledged in history ({ack['status']}): \"{ack['reason']}\""
        change.acknowledged = ack
    return change


def _history(old: Item, new: Item) -> list[Change]:
    was, now = v.history(old), v.history(new)
    if was is None or now is None:
        return []  # `history` itself failed E002 at one side: not compared
    changes = []
    for index, entry in enumerate(was):
        if entry is None:
            continue  # not compared: it fails its checks
        if index >= len(now) or now[index] != entry:
            keys = ("history", index) if index < len(now) else ("history",)
            what = "changed" if index < len(now) else "removed"
            changes.append(_at("D008", new, keys, f"history entry {index + 1} of '{new.id}' was {what}",
                               before=entry, after=now[index] if index < len(now) else None))
    for index in range(len(was), len(now)):
        entry = now[index]
        if entry is None or entry["status"] not in ("met", "missed"):
            continue
        reached = v.reaches(entry["result"], entry)
        if reached is None or reached == (entry["status"] == "met"):
            continue
        how = "short of" if entry["status"] == "met" else "reaching"
        changes.append(_at("D009", new, ("history", index), f"history entry {index + 1} of '{new.id}' is "
                           f"{entry['status']} with result {_shown(entry['result'])}, {how} its value "
                           f"{_shown(entry['value'])}", before=None, after=entry))
    return changes


def _lists(old: Item, new: Item, matching: Matching) -> list[Change]:
    """D021: guardrails that left while the guardrail metric is still there and not deprecated."""
    if old.failed("guardrails") or new.failed("guardrails"):
        return []
    was = [matching.head_id(g) for g in old.model.guardrails or []]
    now = list(new.model.guardrails or [])
    heads = matching.matched_heads()
    lost = [g for g in was if g not in now and g in heads and heads[g].status != "deprecated"]
    if not lost:
        return []
    return [_at("D021", new, ("guardrails",), f"'{new.id}' lost its guardrail{'s' if len(lost) > 1 else ''} "
                + ", ".join(f"'{g}'" for g in lost), before=list(old.model.guardrails or []), after=now)]


# -- across items -------------------------------------------------------------------------------


def _links(base: Snapshot, head: Snapshot, matching: Matching) -> list[Change]:
    """D022: leading/lagging pairs of BASE gone at HEAD, both ends still there and not deprecated."""
    heads = {n.id: n for _, n in matching.metrics}
    olds = {n.id: o for o, n in matching.metrics}

    def pairs(items: dict, to_head) -> dict[frozenset, str]:
        found: dict[frozenset, str] = {}
        for item in items.values():
            if item.failed("pairs_with"):
                continue
            for other in item.model.pairs_with or []:
                key = frozenset((to_head(item.id), to_head(other)))
                if len(key) == 2:
                    found.setdefault(key, to_head(item.id))
        return found

    was = pairs({o.id: o for o, _ in matching.metrics}, matching.head_id)
    now = pairs(heads, lambda x: x)
    changes = []
    for key, holder in sorted(was.items(), key=lambda pair: sorted(pair[0])):
        if key in now or not all(end in heads and heads[end].status != "deprecated" for end in key):
            continue
        other = next(end for end in key if end != holder)
        item = heads[holder]
        changes.append(_at("D022", item, ("pairs_with",), f"'{holder}' and '{other}' are no longer paired",
                           before=list(olds[holder].model.pairs_with or []), after=list(item.model.pairs_with or [])))
    return changes


def _owners(base: Snapshot, head: Snapshot, matching: Matching) -> list[Change]:
    """D023, once per place an `owner` key went, with the count of items left unowned."""
    left: dict[tuple, list[str]] = defaultdict(list)
    owners: dict[tuple, str] = {}
    for old, new in matching.metrics + matching.nodes:
        if new.status == "deprecated":
            continue
        owner, source = base.owner(old)
        if owner is None or head.owner(new)[0] is not None:
            continue
        left[source].append(new.id)
        owners[source] = owner
    changes = []
    for source, ids in left.items():
        count = f"{len(ids)} item{'s' if len(ids) > 1 else ''} left unowned"
        if source[0] == "item":
            kind, old_id = source[1], source[2]
            new_id = matching.head_id(old_id)
            item = (head.metrics if kind == "metric" else head.nodes).get(new_id)
            if item is None:
                item = (base.metrics if kind == "metric" else base.nodes)[old_id]
                where = _at("D023", item, ("owner",), "", side="base")
            else:
                where = _at("D023", item, ("owner",), "")
        else:
            doc = next((d for d in head.docs if d.path == source[1]), None)
            if doc is None:
                continue
            line, column = doc.at("owner")
            where = Change("D023", "warning", "", None, "head", doc.path, line, column)
        where.message = f"owner '{owners[source]}' was removed: {count} (" + ", ".join(sorted(ids)[:4]) + (
            ", …)" if len(ids) > 4 else ")")
        where.before, where.after = {"owner": owners[source]}, {"owner": None}
        changes.append(where)
    return changes


def _products(base: Snapshot, head: Snapshot, matching: Matching) -> list[Change]:
    """D020 and D024, per product (the documents B001 groups: no `product`, one group)."""
    def groups(snap: Snapshot) -> dict:
        found: dict = {}
        for doc in snap.docs:
            if doc.path in base.unreadable or doc.path in head.unreadable:
                continue
            group = found.setdefault(doc.product, {"docs": [], "north_star": None, "stage": None,
                                                   "star_doc": None, "stage_doc": None})
            group["docs"].append(doc)
            if doc.north_star and group["north_star"] is None and "north_star" not in {k[0] for k in doc.removed}:
                group["north_star"], group["star_doc"] = doc.north_star, doc
            if doc.stage and group["stage"] is None:
                group["stage"], group["stage_doc"] = doc.stage, doc
        return found

    was, now = groups(base), groups(head)
    changes = []
    for product in sorted(was.keys() & now.keys(), key=lambda p: (p is not None, p or "")):
        old, new = was[product], now[product]
        star = matching.head_id(old["north_star"])
        if old["north_star"] is not None and star != new["north_star"]:
            doc = new["star_doc"] or new["docs"][0]
            line, column = doc.at("north_star")
            changes.append(Change("D020", "warning", f"the north star of {_product(product)} changed from "
                                  f"'{star}' to {_quoted(new['north_star'])}", new["north_star"], "head", doc.path,
                                  line, column, before={"north_star": old["north_star"]},
                                  after={"north_star": new["north_star"]}))
        if old["stage"] is not None and old["stage"] != new["stage"]:
            doc = new["stage_doc"] or new["docs"][0]
            line, column = doc.at("stage")
            changes.append(Change("D024", "info", f"the stage of {_product(product)} changed from {old['stage']} to "
                                  f"{new['stage'] or 'none'}", None, "head", doc.path, line, column,
                                  before={"stage": old["stage"]}, after={"stage": new["stage"]}))
    return changes


def _product(product: Optional[str]) -> str:
    return f"product '{product}'" if product else "the workspace"


def _quoted(value: Optional[str]) -> str:
    return f"'{value}'" if value else "none"
