"""Which rules run: selectors are codes, code prefixes (`T`, `T00`), rule names, or `ALL`.

As in ruff, when a rule matches both a select and an ignore selector, the more specific one
wins, and on a tie the ignore does. The E family (the file's own structure) always runs
unless a selector ignores it by code or name: a file that does not parse is never silently
passed.

Also as in ruff, the command line is a second layer on top of the config (`layered_codes`): a
`--select` there starts afresh, replacing the config's select, extend-select, ignore and
extend-ignore; without one, `--extend-select` and `--ignore` change the config's selection
rule by rule (so `--extend-select T001` runs T001 even if the config ignores it).

The A codes (actuals/codes.py) are lint's with `--actuals` (`actuals=True`), and never without:
then a command-line selector naming only A codes is a usage error, and the config's selectors
that name none of the run's codes (only D codes, for `metricspec diff`; only A codes, for
`status`) are dropped, an emptied `select` meaning all (DIFF.md). Suppressions, per-file
ignores and severities may name A codes in any run (`resolve_codes`): without `--actuals` they
are not M001, since the engine reports unused suppressions of selected codes only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Optional

from metricspec.rules import Rule, all_rules


class SelectorError(ValueError):
    pass


def _universe(actuals: bool) -> list[Rule]:
    """The codes a run may select: lint's rules, and the A codes with `--actuals`."""
    if not actuals:
        return list(all_rules().values())
    from metricspec.actuals.codes import actual_codes

    return [*all_rules().values(), *actual_codes().values()]


def check_selector(selector: str, actuals: bool = False) -> None:
    """Raise SelectorError when the selector names no rule of the run (`actuals`: lint --actuals,
    whose A codes are selectable too)."""
    if _specificity(selector, None, actuals) is None:
        from metricspec.actuals.codes import names_a_code

        if not actuals and names_a_code(selector):
            raise SelectorError(f"'{selector}' names an A code, which lint reports only with --actuals")
        raise SelectorError(f"unknown rule code or name '{selector}'")


def names_a_rule(selector: str, actuals: bool = False) -> bool:
    """Whether the selector names a rule of the run (lint's; with `actuals`, also an A code)."""
    return _specificity(selector, None, actuals) is not None


def _specificity(selector: str, rule: Rule | None, actuals: bool = False) -> int | None:
    """How specifically `selector` names `rule` (None: not at all); with rule None, any rule of
    the run."""
    text = selector.strip()
    if text.upper() == "ALL":
        return 0
    rules = [rule] if rule is not None else _universe(actuals)
    for candidate in rules:
        if text.lower() == candidate.name:
            return len(candidate.code)  # a name is as specific as the full code: one rule
        if text and candidate.code.startswith(text.upper()):
            return len(text)
    return None


def _best(selectors: Iterable[str], rule: Rule) -> int:
    scores = [s for s in (_specificity(sel, rule) for sel in selectors) if s is not None]
    return max(scores, default=-1)


def _verdict(rule: Rule, select: list[str], ignore: list[str]) -> Optional[bool]:
    """Whether one layer's selectors run the rule; None when they do not name it."""
    positive = _best(select, rule)
    negative = _best(ignore, rule)
    if rule.code.startswith("E") and negative < 4:
        negative = -1  # only an ignore by code (4 characters) or by name reaches the E family
    if positive < 0 and negative < 0:
        return None
    return positive > negative


def selected_codes(select: list[str], ignore: list[str], actuals: bool = False) -> set[str]:
    """The rules one layer of selectors runs, from nothing (the E family runs unless ignored)."""
    chosen = set()
    for rule in _universe(actuals):
        verdict = _verdict(rule, select, ignore)
        if verdict or (verdict is None and rule.code.startswith("E")):
            chosen.add(rule.code)
    return chosen


def layered_codes(
    config_select: list[str],
    config_ignore: list[str],
    cli_select: Optional[list[str]],
    cli_extend_select: list[str],
    cli_ignore: list[str],
    *,
    config_extend_select: Iterable[str] = (),
    actuals: bool = False,
) -> set[str]:
    """The rules a run uses: the config's layer, then the command line's on top (as in ruff).

    `config_select` is the config's select (or ALL), `config_extend_select` its extend-select
    (older callers pass both in `config_select`); `config_ignore` its ignore with extend-ignore;
    `cli_ignore` the command line's --ignore with --extend-ignore. The config's selectors naming
    none of the run's codes are dropped (a `select` of D or A codes only means all); with
    `actuals`, the A codes are among the run's (lint --actuals).
    """
    universe = _universe(actuals)
    if cli_select is not None:
        return selected_codes([*cli_select, *cli_extend_select], cli_ignore, actuals)
    own = [s for s in config_select if names_a_rule(s, actuals)]
    if config_select and not own:
        own = ["ALL"]  # every selector named another command's codes: as if `select` were unset
    chosen = selected_codes([*own, *(s for s in config_extend_select if names_a_rule(s, actuals))],
                            [s for s in config_ignore if names_a_rule(s, actuals)], actuals)
    for rule in universe:
        verdict = _verdict(rule, cli_extend_select, cli_ignore)
        if verdict is True:
            chosen.add(rule.code)
        elif verdict is False:
            chosen.discard(rule.code)
    return chosen


def resolve_codes(selectors: Iterable[str]) -> set[str]:
    """Every rule or A code the selectors name (for suppressions, per-file ignores, severities)."""
    return {rule.code for rule in _universe(True) if _best(selectors, rule) >= 0}
