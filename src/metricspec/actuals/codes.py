"""The A codes (ACTUALS.md, "A — actuals"): one catalog of name, default severity, what each
flags, why it matters, and its example, read by `status`, `report`, `lint --actuals`, the
config check, `metricspec rules`/`rule` and docs/rules.md.

A codes are not in lint's rule registry: lint runs them only with `--actuals` (actuals/lint.py),
as it never runs the D codes; rules.find_rule and docs.py add their pages to what they show.
Each example is a spec and a CSV of actuals with the `--today` it is judged on, kept as files in
actuals/examples/ (<CODE>.example.yaml, <CODE>.actuals.csv, and for the page's "not flagged"
case <CODE>.fix.yaml and/or <CODE>.fix.csv, each defaulting to the example's); not in
rules/examples/, whose files are lint fixtures. tests/test_actuals_rules.py runs every example
through `metricspec status`. Importing this module loads no actuals machinery.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from metricspec.diagnostics import Severity
from metricspec.rules import Rule, RuleDoc

FAMILY = "actuals"
EXAMPLES = Path(__file__).parent / "examples"
# The day every example is judged on: `metricspec status --today 2026-12-01`.
EXAMPLE_TODAY = dt.date(2026, 12, 1)

_OPTION = {
    "stale-windows": "periods (a metric's `window`, else its review cycle) without an actual before it is stale; default 2",
    "partner-worsening": "how far a partner must move against its target, relative to its start, to count as worsened; default 0.10",
    "flatline-change": "the overall change, relative to its start, that still counts as holding steady (A004), and the "
                       "smallest trend worth a move (A005); default 0.02",
    "segment-decline": "how far a declared segment must fall, relative to its start; default 0.20",
    "flatline-cycles": "review cycles looked back over; default 2",
    "baseline-mismatch": "how far the baseline may differ from the actual nearest `since`, relative to it; default 0.10",
    "on-track-pacing": "pacing at or above which a target is on-track; default 0.95",
    "at-risk-pacing": "pacing at or above which a target is at-risk, below it off-track; default 0.75",
}

# code -> (name, default severity, what it flags, why it matters, its thresholds)
CODES: dict[str, tuple[str, str, str, str, tuple[str, ...]]] = {
    "A001": ("off-track-target", "warning",
             "A target whose status is `off-track` or `missed`.",
             "A target drifting off its trajectory is cheapest to rescue now; at the deadline it is a post-mortem.",
             ("on-track-pacing", "at-risk-pacing")),
    "A002": ("stale-actuals", "warning",
             "An active metric whose latest actual is more than `stale-windows` (2) periods old.",
             "A number nobody refreshes steers nothing, and a dashboard that stopped moving looks calm.",
             ("stale-windows",)),
    "A003": ("metric-myopia", "warning",
             "A metric that progressed over its span (p > 0) while a guardrail, or for a leading metric a lagging "
             "partner, worsened over it (Demotion).",
             "Optimising one number invites gaming it: onboarding got faster while 30-day retention dropped, so the "
             "win is likely a loss.",
             ("partner-worsening",)),
    "A004": ("masked-segment-decline", "warning",
             "Over the span, the overall value got worse by no more than `flatline-change` (2%; better counts as not "
             "worse) while a declared segment got worse by `segment-decline` (20%) or more, both relative to their "
             "start values (worse: against the target's direction; a fall without an `increase` or `decrease` "
             "target); one finding per metric, segments worst first.",
             "An overall number averages different users: a stable daily-active count can hide a 35% fall in power "
             "users.",
             ("flatline-change", "segment-decline")),
    "A005": ("flatlined-metric", "info",
             "Over the last `flatline-cycles` (2) review cycles up to tL, the change of the least-squares line across "
             "them is at most the larger of the residuals' standard deviation and `flatline-change` (2%) of the "
             "mean; needs 4 points, one in each cycle; never for `maintain` targets.",
             "A metric unmoved for two reviews drives no decision: what would a 20% move trigger? If nothing, "
             "retire it.",
             ("flatline-cycles", "flatline-change")),
    "A006": ("baseline-mismatch", "warning",
             "A `baseline` that differs by more than `baseline-mismatch` (10%) from the actual nearest S within one "
             "period (else 7 days), the earlier on a tie; any difference when the baseline is 0.",
             "A baseline the data does not bear out makes every progress figure wrong: the target may be met "
             "already, or out of reach.",
             ("baseline-mismatch",)),
    "A007": ("target-already-met", "info",
             "A target `met` before its deadline.",
             "A met target no longer stretches the team: close it in `history` as met and set the next one.",
             ()),
    "A008": ("unknown-actuals", "warning",
             "Actuals for an id the whole workspace (the config's `include`, not only the PATHs named) does not "
             "define, or for a segment dimension its metric does not declare; one finding per id or dimension, "
             "with the row count.",
             "Data under an unknown id is usually a renamed or misspelt metric: its numbers go nowhere while the "
             "real one shows no data.",
             ()),
    "A009": ("invalid-actuals", "warning",
             "Rows a reading command cannot use (a value null, non-numeric, NaN or infinite; a bad `at` or "
             "segment), or repeats of one (metric, at, segment): left out, repeats taken as their mean, and counted.",
             "Most dashboards drop a broken pipeline's rows without a word; counting them gets the pipeline fixed.",
             ()),
}

# The A codes' names and default severities, as status_command reads them.
A_RULES: dict[str, tuple[str, str]] = {code: (entry[0], entry[1]) for code, entry in CODES.items()}


def example_file(code: str, kind: str) -> str:
    """The text of actuals/examples/<code>.<kind> (`example.yaml`, `actuals.csv`, `fix.yaml`,
    `fix.csv`); "" when there is none."""
    try:
        return (EXAMPLES / f"{code}.{kind}").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


@dataclass(frozen=True)
class ActualsDoc(RuleDoc):
    """An A code's page: its example is a spec and a CSV judged on EXAMPLE_TODAY."""

    @property
    def example(self) -> str:
        return example_file(self.code, "example.yaml")

    @property
    def actuals(self) -> str:
        return example_file(self.code, "actuals.csv")

    @property
    def fix(self) -> str:
        """The spec that is not flagged: the fix's, else the example's when only the data changes."""
        return example_file(self.code, "fix.yaml")

    @property
    def fixed_actuals(self) -> str:
        return example_file(self.code, "fix.csv")

    @property
    def today(self) -> dt.date:
        return EXAMPLE_TODAY


@dataclass(frozen=True)
class ActualsCode(Rule):
    """An A code, shown as a rule is; `status`, `report` and `lint --actuals` report it."""

    @property
    def family(self) -> str:
        return FAMILY


@functools.lru_cache(maxsize=None)
def actual_codes() -> dict[str, ActualsCode]:
    """Every A code's page, in code order."""
    pages = {}
    for code, (name, severity, what, why, options) in CODES.items():
        doc = ActualsDoc(what=what, why=why, code=code,
                         options=tuple((key, _OPTION[key]) for key in options))
        summary = _first_clause(what)
        pages[code] = ActualsCode(code=code, name=name, severity=Severity(severity), scope="actuals",
                                  summary=summary[0].lower() + summary[1:], doc=doc)
    return pages


def _first_clause(text: str) -> str:
    """The text up to its first `;` outside parentheses, for the rules table's one line."""
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth == 0:
            return text[:index]
    return text.rstrip(".")


def names_a_code(selector: str) -> bool:
    """Whether a selector (a code, a prefix, a name, ALL) names an A code."""
    text = selector.strip()
    return text.upper() == "ALL" or any(
        text.lower() == name or (text and code.startswith(text.upper())) for code, (name, _) in A_RULES.items())
