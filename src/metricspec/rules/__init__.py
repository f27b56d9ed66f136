"""The rule registry: every rule's code, name, family, default severity, scope and manual.

A rule is one function in its family's module, decorated with `@rule(...)` (V003, a
field-presence check, sits with the governance rules it resembles). It only finds things: it
yields `Finding`s and never decides its own severity, whether it is selected or suppressed, or
where its output goes; the engine does all of that. What the families share (how a metric, node
or document is named in a message, how text is read as words) is in rules/kit.py; each rule's
example and fix are files in rules/examples/.

Scopes say what the engine hands the check, so no rule re-walks the workspace:
- "metric": each metric of a reported document, `check(metric: MetricItem, ctx)`
- "node": each node, `check(node: NodeItem, ctx)`
- "document": each reported document, `check(doc: DocItem, ctx)`
- "workspace": once per run, `check(ctx)`; findings in unreported documents are dropped
- "engine": produced by the loader, validator, workspace or engine itself (E and M codes)
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from metricspec.diagnostics import Severity

FAMILIES = {
    "E": ("structure", "structure"),
    "H": ("hierarchy", "hierarchy"),
    "V": ("vanity", "vanity metrics"),
    "O": ("overload", "metric overload"),
    "P": ("pairs", "leading/lagging pairs"),
    "T": ("smart", "SMART targets"),
    "B": ("balance", "balance"),
    "G": ("governance", "governance"),
    "L": ("lifecycle", "lifecycle"),
    "M": ("hygiene", "the linter's own hygiene"),
}
SCOPES = ("metric", "node", "document", "workspace", "engine")
# Each rule's example and fix, as <CODE>.example.yaml and <CODE>.fix.yaml.
EXAMPLES = Path(__file__).parent / "examples"


@dataclass(frozen=True)
class RuleDoc:
    """The rule's page for `metricspec rule CODE` and docs/rules.md.

    Its example and fix are files, rules/examples/<CODE>.example.yaml and <CODE>.fix.yaml, that
    the fixture test also lints (the example must trigger the rule, the fix must not); they are
    read when a page shows them, never by a lint.
    """

    what: str
    why: str
    options: tuple[tuple[str, str], ...] = ()  # (config key, meaning and default)
    code: str = ""  # whose example and fix these are

    @property
    def example(self) -> str:
        """A YAML document that triggers the rule."""
        return example_text(self.code, "example")

    @property
    def fix(self) -> str:
        """The same document, fixed."""
        return example_text(self.code, "fix")


@functools.lru_cache(maxsize=None)
def example_text(code: str, kind: str) -> str:
    """The text of rules/examples/<code>.<kind>.yaml (`kind` "example" or "fix"); "" when there is none."""
    if not code:
        return ""
    try:
        return (EXAMPLES / f"{code}.{kind}.yaml").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    scope: str
    summary: str
    doc: RuleDoc
    check: Optional[Callable[..., Iterable["Finding"]]] = None

    @property
    def family(self) -> str:
        return FAMILIES[self.code[0]][1]


@dataclass
class Finding:
    """What a check yields: a message about an item, pointing at one of its fields."""

    item: Any  # DocItem | NodeItem | MetricItem
    message: str
    help: str = ""
    field: tuple = ()  # the path below the item to point at, e.g. ("target", "by")
    # The subject id when it is not the item's own (a document-level finding about a metric).
    subject: Optional[str] = None


@dataclass
class Context:
    """What checks may read besides their item: the workspace, today, and the thresholds."""

    workspace: Any
    today: dt.date
    thresholds: Any
    vanity_terms: tuple[str, ...] = ()
    # Counters of the work done, so tests can assert that rules stay linear.
    counters: dict[str, int] = field(default_factory=dict)


_REGISTRY: dict[str, Rule] = {}
_loaded = False


def rule(
    code: str,
    name: str,
    severity: str,
    scope: str,
    summary: str,
    *,
    what: str,
    why: str,
    options: tuple[tuple[str, str], ...] = (),
) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Register the decorated check (or, with scope "engine", only the rule's metadata)."""

    def register(check: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        if code in _REGISTRY:
            raise ValueError(f"rule {code} registered twice")
        assert scope in SCOPES, scope
        _REGISTRY[code] = Rule(
            code=code,
            name=name,
            severity=Severity(severity),
            scope=scope,
            summary=summary,
            doc=RuleDoc(what=what, why=why, options=options, code=code),
            check=None if scope == "engine" else check,
        )
        return check

    return register


def all_rules() -> dict[str, Rule]:
    """Every rule, by code, in code order. Family modules are imported on first use."""
    global _loaded
    if not _loaded:
        for module in dict.fromkeys(module for module, _ in FAMILIES.values()):
            try:
                importlib.import_module(f"metricspec.rules.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"metricspec.rules.{module}":
                    raise
        _loaded = True
        ordered = dict(sorted(_REGISTRY.items(), key=lambda kv: ("EHVOPTBGLM".index(kv[0][0]), kv[0])))
        _REGISTRY.clear()
        _REGISTRY.update(ordered)
    return _REGISTRY


def find_rule(code_or_name: str) -> Optional[Rule]:
    rules = all_rules()
    key = code_or_name.strip()
    if key.upper() in rules:
        return rules[key.upper()]
    for candidate in rules.values():
        if candidate.name == key.lower():
            return candidate
    from metricspec.actuals.codes import actual_codes  # `status`'s codes have pages too
    from metricspec.diff.pages import diff_codes  # and `metricspec diff`'s

    for candidate in (*diff_codes().values(), *actual_codes().values()):
        if key.upper() == candidate.code or candidate.name == key.lower():
            return candidate
    return None
