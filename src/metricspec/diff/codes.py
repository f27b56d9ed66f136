"""Which D codes a `metricspec diff` run reports, and at which severity (DIFF.md, Options,
configuration, exit codes): selectors are codes, prefixes, names or ALL, as lint's rules
(selection.py); the config's selectors naming no D code are dropped, so `select = ["T"]`
narrows lint, not diff. config.py asks `names_a_code` for a selector that names no lint rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from metricspec.diff.catalog import CODES
from metricspec.diff.gitcli import PREFIX

if TYPE_CHECKING:
    from metricspec.diff.changes import Change


class DiffUsageError(Exception):
    """A command-line or configuration mistake: its message is the one line to print."""


def _specificity(selector: str, code: str) -> int:
    """How specifically a selector names a D code (-1: not at all), as selection.py for rules."""
    text = selector.strip()
    if text.upper() == "ALL":
        return 0
    if text.lower() == CODES[code][0]:
        return len(code)
    if text and code.startswith(text.upper()):
        return len(text)
    return -1


def names_a_code(selector: str) -> bool:
    return any(_specificity(selector, code) >= 0 for code in CODES)


def _verdict(code: str, select: list[str], ignore: list[str]) -> Optional[bool]:
    positive = max((_specificity(s, code) for s in select), default=-1)
    negative = max((_specificity(s, code) for s in ignore), default=-1)
    if code == "D090" and negative < 4:
        negative = -1  # like the E family: only an ignore by code or name reaches it
    if positive < 0 and negative < 0:
        return None
    return positive > negative


def _layer(select: list[str], ignore: list[str]) -> set[str]:
    return {code for code in CODES if _verdict(code, select, ignore) or (
        _verdict(code, select, ignore) is None and code == "D090")}


def selected(config, request) -> set[str]:
    """The D codes the run reports: the config's selection over D codes (selectors naming none
    dropped, an emptied `select` meaning all), then the command line's on top, as lint's."""
    for selector in [*(request.select or []), *request.extend_select, *request.ignore, *request.extend_ignore]:
        if not names_a_code(selector):
            raise DiffUsageError(f"{PREFIX}'{selector}' names no D code; `metricspec rules` lists them")
    own = lambda selectors: [s for s in selectors or [] if names_a_code(s)]
    config_select = own(getattr(config, "select", None)) or ["ALL"]
    chosen = _layer([*config_select, *own(getattr(config, "extend_select", []))],
                    own(getattr(config, "ignore", [])) + own(getattr(config, "extend_ignore", [])))
    if request.select is not None:
        return _layer([*request.select, *request.extend_select], [*request.ignore, *request.extend_ignore])
    for code in CODES:
        verdict = _verdict(code, request.extend_select, [*request.ignore, *request.extend_ignore])
        if verdict is True:
            chosen.add(code)
        elif verdict is False:
            chosen.discard(code)
    return chosen


def configured(changes: list[Change], config, codes: set[str]) -> list[Change]:
    """The changes the run reports: selected, not ignored for their path (per-file-ignores'
    globs read as lint reads them: globs.forms), at the configured severity (an acknowledged
    change stays at info)."""
    import os

    from metricspec.globs import Glob, any_match, forms

    per_file = [([Glob(glob)], selectors) for glob, selectors in (getattr(config, "per_file_ignores", None) or {}).items()]
    severity = getattr(config, "severity", None) or {}
    cwd = os.getcwd()
    folder = str(config.root) if getattr(config, "source", None) else cwd
    kept = []
    for change in changes:
        if change.code not in codes:
            continue
        named = forms(change.path, folder, cwd) if per_file else []
        if any(any_match(globs, named) and any(_specificity(s, change.code) >= 0 for s in selectors)
               for globs, selectors in per_file):
            continue
        if change.acknowledged is None:
            best = max(((_specificity(s, change.code), level) for s, level in severity.items()
                        if _specificity(s, change.code) > 0), default=None)
            if best is not None:
                change.severity = best[1]
        kept.append(change)
    return kept
