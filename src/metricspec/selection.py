"""Which rules run: selectors are codes, code prefixes (`T`, `T00`), rule names, or `ALL`.

As in ruff, when a rule matches both a select and an ignore selector, the more specific one
wins, and on a tie the ignore does. The E family (the file's own structure) always runs
unless a selector ignores it by code or name: a file that does not parse is never silently
passed.
"""

from __future__ import annotations

from collections.abc import Iterable

from metricspec.rules import Rule, all_rules


class SelectorError(ValueError):
    pass


def check_selector(selector: str) -> None:
    """Raise SelectorError when the selector names no rule."""
    if _specificity(selector, None) is None:
        raise SelectorError(f"unknown rule code or name '{selector}'")


def _specificity(selector: str, rule: Rule | None) -> int | None:
    """How specifically `selector` names `rule` (None: not at all); with rule None, any rule."""
    text = selector.strip()
    if text.upper() == "ALL":
        return 0
    rules = [rule] if rule is not None else list(all_rules().values())
    for candidate in rules:
        if text.lower() == candidate.name:
            return 100
        if text and candidate.code.startswith(text.upper()):
            return len(text)
    return None


def _best(selectors: Iterable[str], rule: Rule) -> int:
    scores = [s for s in (_specificity(sel, rule) for sel in selectors) if s is not None]
    return max(scores, default=-1)


def selected_codes(select: list[str], ignore: list[str]) -> set[str]:
    chosen = set()
    for rule in all_rules().values():
        positive = _best(select, rule)
        negative = _best(ignore, rule)
        if rule.code.startswith("E") and negative < 4:
            chosen.add(rule.code)
        elif positive >= 0 and positive > negative:
            chosen.add(rule.code)
    return chosen


def resolve_codes(selectors: Iterable[str]) -> set[str]:
    """Every rule code the selectors name (for suppressions, per-file ignores, severities)."""
    return {rule.code for rule in all_rules().values() if _best(selectors, rule) >= 0}
