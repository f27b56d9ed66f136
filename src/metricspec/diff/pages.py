"""The D codes' pages for `metricspec rules`, `metricspec rule D001` and docs/rules.md.

D codes are not lint rules: lint never runs them (they compare two revisions), so they are not
in the rule registry that lint selects from; rules.find_rule and docs.py add these pages to
what they show. Each page is the code's row of DIFF.md (what it flags, why it matters), an
example as BASE → HEAD, and the fix, written here rather than in rules/examples/ (whose files
are lint fixtures: each example must trigger a lint rule).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from metricspec.diagnostics import Severity
from metricspec.diff.catalog import CODES
from metricspec.rules import Rule, RuleDoc

FAMILY = "moved goalposts"
_T = "      - id: signups\n        name: Weekly signups\n"

# code -> (what it flags, why it matters, BASE, HEAD, fix: HEAD as it should be)
_PAGES: dict[str, tuple[str, str, str, str, str]] = {
    "D001": ("`value` moved the easier way for HEAD's direction: lower for `increase`, higher for `decrease`; "
             "under `maintain`, a wider `tolerance`.",
             "Lowering the bar mid-cycle turns a miss into a hit; nobody sees the team is behind.",
             _T + "        target: {baseline: 1800, value: 2400, by: 2027-06-30}",
             _T + "        target: {baseline: 1800, value: 2200, by: 2027-06-30}",
             _T + "        target: {baseline: 1800, value: 2200, by: 2027-06-30}\n        history:\n"
             "          - {baseline: 1800, value: 2400, by: 2027-06-30, status: revised, closed: 2026-10-02, "
             "reason: \"EU launch moved to FY2028\"}"),
    "D002": ("`by` later than at BASE, or removed.",
             "A later deadline restates a miss as \"not yet\"; without `by` a target can never be missed.",
             _T + "        target: {baseline: 1800, value: 2400, by: 2026-06-30}",
             _T + "        target: {baseline: 1800, value: 2400, by: 2026-12-31}",
             _T + "        target: {baseline: 2100, value: 2400, by: 2026-12-31, since: 2026-07-01}\n        history:\n"
             "          - {baseline: 1800, value: 2400, by: 2026-06-30, status: missed, result: 2100, closed: 2026-07-01}"),
    "D003": ("`baseline` changed or removed (filled in where there was none: D006).",
             "The promised gain was measured from the old baseline; re-basing rewrites how far the team has come.",
             _T + "        target: {baseline: 1800, value: 2400, by: 2027-06-30}",
             _T + "        target: {baseline: 2000, value: 2400, by: 2027-06-30}",
             _T + "        target: {baseline: 2000, value: 2400, by: 2027-06-30}\n        history:\n"
             "          - {baseline: 1800, value: 2400, by: 2027-06-30, status: revised, closed: 2026-10-02, "
             "reason: \"baseline re-measured after the tracking fix\"}"),
    "D004": ("The direction changed between `increase`, `decrease`, `maintain` (then D001 is not reported).",
             "What counted as success now counts as failure; all past progress reads inverted.",
             _T + "        target: {baseline: 1800, value: 2400}",
             _T + "        target: {baseline: 1800, value: 1500}",
             _T + "        target: {baseline: 1800, value: 2400}"),
    "D005": ("A metric not deprecated at HEAD whose BASE target had a `value` has none.",
             "A metric without a target cannot be missed: the quietest way to abandon a goal.",
             _T + "        target: {baseline: 1800, value: 2400, by: 2027-06-30}",
             _T,
             _T + "        history:\n          - {baseline: 1800, value: 2400, by: 2027-06-30, status: dropped, "
             "closed: 2026-10-02, reason: \"signups no longer a goal after the pricing change\"}"),
    "D006": ("Any other target change: a harder `value`, an earlier `by`, `since` changed, a baseline filled in, "
             "a target set on an existing metric, a narrower `tolerance`, a `value` changed under `maintain` or "
             "with no known direction.",
             "A raised bar changes what the team commits to; reviewers should see it too.",
             _T + "        target: {baseline: 1800, value: 2400}",
             _T + "        target: {baseline: 1800, value: 2600}",
             ""),
    "D007": ("HEAD's `history` closes the BASE target as `met` or `missed` with its `result`; the HEAD target "
             "is judged as new.",
             "The honest way to move on: the outcome is on record before the next target.",
             _T + "        target: {baseline: 1800, value: 2400, by: 2026-06-30}",
             _T + "        target: {baseline: 2450, value: 3000, by: 2027-06-30}\n        history:\n"
             "          - {baseline: 1800, value: 2400, by: 2026-06-30, status: met, result: 2450, closed: 2026-07-01}",
             ""),
    "D008": ("A `history` entry of BASE changed or removed at HEAD (entries are matched by position: history "
             "only grows at its end).",
             "History is the record of past promises; editing it moves the goalposts after the game.",
             _T + "        history:\n          - {value: 2400, status: missed, result: 2100, closed: 2026-07-01}",
             _T + "        history:\n          - {value: 2100, status: met, result: 2100, closed: 2026-07-01}",
             _T + "        history:\n          - {value: 2400, status: missed, result: 2100, closed: 2026-07-01}"),
    "D009": ("A `history` entry new at HEAD is `met` with a `result` short of its `value` in its direction, or "
             "`missed` with one that reaches it.",
             "A miss recorded as met is the same miss, hidden one level deeper.",
             _T + "        target: {baseline: 1800, value: 2400, by: 2026-06-30}",
             _T + "        history:\n          - {baseline: 1800, value: 2400, by: 2026-06-30, status: met, "
             "result: 2100, closed: 2026-07-01}",
             _T + "        history:\n          - {baseline: 1800, value: 2400, by: 2026-06-30, status: missed, "
             "result: 2100, closed: 2026-07-01}"),
    "D010": ("A metric `active` at BASE, gone from HEAD and not renamed: not deprecated first.",
             "Its trend line ends without notice; dashboards, reviews and partner metrics reading it break.",
             _T + "        status: active",
             "      # (removed)",
             _T + "        status: deprecated"),
    "D011": ("An objective, goal, outcome or behavior `active` at BASE, gone from HEAD and not renamed.",
             "An objective dropped mid-cycle is a goal abandoned without a decision anyone saw.",
             "  - id: grow-eu\n    title: Grow in the EU",
             "  # (removed)",
             "  - id: grow-eu\n    title: Grow in the EU\n    status: deprecated"),
    "D012": ("A metric or node whose `status` became `deprecated`.",
             "The visible first step of a retirement: readers are warned before the data stops.",
             _T + "        status: active", _T + "        status: deprecated", ""),
    "D013": ("A metric or node `deprecated` or `proposed` at BASE, gone from HEAD.",
             "The second step of a retirement that was announced.",
             _T + "        status: deprecated", "      # (removed)", ""),
    "D014": ("A metric or node under a new id: a metric only at BASE and one only at HEAD with the same "
             "definition, a node by level and title.",
             "Dashboards, queries and documents that name the old id must follow.",
             _T + "        event: signup_completed",
             "      - id: weekly-signups\n        name: Weekly signups\n        event: signup_completed", ""),
    "D015": ("`event`, `source`, `numerator`, `denominator`, `formula`, `window`, `aggregation`, `unit` or "
             "`query` changed or removed, or one of them other than `unit`, `source`, `event` filled in; with "
             "`unit` changed, `value` and `baseline` are not compared.",
             "The same name now measures something else: the trend line breaks and before/after comparisons mislead.",
             _T + "        event: signup_completed",
             _T + "        event: signup_started",
             _T + "        event: signup_completed\n        status: deprecated\n"
             "      - id: signup-starts\n        name: Weekly signup starts\n        event: signup_started"),
    "D016": ("An `active` metric new at HEAD (not a rename) with no target.",
             "A new metric with nothing to hit is a number to watch, not a goal.",
             "      # (none)", _T, _T + "        target: {baseline: 1800, value: 2400, by: 2027-06-30}"),
    "D020": ("A product's `north_star` names another metric, or none.",
             "The north star steers the whole product; changing it changes what success means for everyone.",
             "north_star: weekly-active-teams", "north_star: signups", "north_star: weekly-active-teams"),
    "D021": ("An id left a metric's `guardrails` while that guardrail metric is still there and not deprecated.",
             "Without its counter-metric, the metric can be gamed unseen.",
             _T + "        guardrails: [refund-rate]", _T, _T + "        guardrails: [refund-rate]"),
    "D022": ("A leading/lagging pair of BASE (either end's `pairs_with`) gone, both ends still there and not "
             "deprecated.",
             "The leading metric no longer answers to an outcome; the lagging one loses its early warning.",
             _T + "        pairs_with: paid-conversions", _T, _T + "        pairs_with: paid-conversions"),
    "D023": ("A metric or node with an owner (own, ancestor's, document's) at BASE and none at HEAD; once, where "
             "the `owner` key went, with the count left unowned.",
             "A metric nobody owns is one nobody acts on when it moves.",
             "owner: growth-team", "# (owner removed)", "owner: growth-team"),
    "D024": ("A product's `stage` changed or removed.",
             "A new stage changes which metrics matter (L001); targets should follow.",
             "stage: mvp", "stage: growth", ""),
    "D090": ("A file that is E001 or E007 at one side (side and lint's complaint named); its items, and the "
             "other side's in a file of that path, are not compared; `info` when only BASE's copy is unreadable.",
             "A change that breaks a file hides every goalpost in it.",
             "metricspec: 1\ngoals: []", "metricspec: 1\ngoals: [", "metricspec: 1\ngoals: []"),
}


@dataclass(frozen=True)
class DiffDoc(RuleDoc):
    """A D code's page: its example (BASE → HEAD) and fix are text, not lint fixtures."""

    base: str = ""
    head: str = ""
    fixed: str = ""
    advice: str = ""  # changes.CODES' help: what to do

    @property
    def example(self) -> str:
        return f"# BASE\n{self.base}\n# HEAD\n{self.head}\n"

    @property
    def fix(self) -> str:
        return f"{self.fixed}\n" if self.fixed else ""


@dataclass(frozen=True)
class DiffCode(Rule):
    """A D code, shown as a rule is; `metricspec diff` reports it, lint never runs it."""

    @property
    def family(self) -> str:
        return FAMILY


@functools.lru_cache(maxsize=None)
def diff_codes() -> dict[str, DiffCode]:
    """Every D code's page, in code order."""
    pages = {}
    for code, (name, severity, help_text) in CODES.items():
        what, why, base, head, fixed = _PAGES[code]
        doc = DiffDoc(what=what, why=why, code=code, base=base, head=head, fixed=fixed, advice=help_text)
        pages[code] = DiffCode(code=code, name=name, severity=Severity(severity), scope="diff",
                               summary=what.split(";")[0].rstrip("."), doc=doc)
    return pages
