"""L: lifecycle. What a product must prove changes with its stage, and so do the metrics.

Discovery validates the problem (interviews, problem score); an MVP proves activation and
retention; growth tunes acquisition efficiency (CAC payback, viral coefficient, feature
adoption); maturity lives on expansion and margin (net revenue retention, gross margin, market
share). A metric is read by the words of its name and id, whole words only ("retain" is not
found in "retainer-fee"), so a metric fits a stage by what it says it measures. Ambiguous words
stay out of the vocabulary: a "return rate" is product returns in a shop, not retention.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional

from metricspec.rules import Context, Finding, rule
from metricspec.rules.kit import as_words, counted, doc_name, join_words
from metricspec.workspace import DocItem, MetricItem

STAGES = ("discovery", "mvp", "growth", "maturity")

# Each stage's vocabulary: whole words or phrases, matched on the metric's name and id.
STAGE_TERMS: dict[str, tuple[str, ...]] = {
    "discovery": (
        "interview", "interviews", "interviewed", "interviewee", "interviewees",
        "problem score", "problem severity", "problem fit", "problem solution fit", "solution fit",
        "validation", "validated", "validate", "prototype", "prototypes", "usability test",
        "usability tests", "usability testing", "smoke test", "smoke tests", "fake door",
        "waitlist", "waitlists", "wait list", "waiting list", "willingness to pay", "willing to pay",
        "customer discovery", "discovery calls",
    ),
    "mvp": (
        "activation", "activations", "activated", "activate", "activates", "aha", "aha moment",
        "time to value", "time to first value", "first value", "onboarding completion",
        "completes onboarding", "onboarded", "retention", "retained", "retain", "retaining",
        "churn", "churned", "churns", "comes back", "come back",
        "repeat", "rebook", "rebooks", "rebooking", "product market fit", "pmf", "sean ellis",
        "very disappointed", "stickiness", "dau mau",
    ),
    "growth": (
        "cac", "customer acquisition cost", "acquisition cost", "acquisition costs",
        "cost per acquisition", "cpa", "cost per install", "payback", "ltv cac", "ltv to cac",
        "viral", "virality", "viral coefficient", "k factor", "referral", "referrals", "referred",
        "invites", "invite rate", "invitations", "feature adoption", "adoption", "adopted",
        "conversion", "conversions", "trial to paid", "acquisition", "acquired",
    ),
    "maturity": (
        "net revenue retention", "net dollar retention", "gross revenue retention", "nrr", "ndr",
        "grr", "expansion", "expand", "expanded", "upsell", "upsells", "up sell", "cross sell",
        "crosssell", "margin", "margins", "market share", "share of market", "share of wallet",
        "wallet share", "profit", "profitability", "ebitda", "operating income",
    ),
}
# "Net revenue retention" is expansion, not the retention an MVP must prove.
_NOT_MVP = ("net revenue retention", "net dollar retention", "gross revenue retention")

RETENTION_TERMS = (
    "retention", "retained", "retain", "retaining", "churn", "churned", "churns", "comes back",
    "come back", "repeat", "rebook", "rebooks", "rebooking",
    "renewal", "renewals", "renew", "renewed", "stickiness", "dau mau", "nrr", "ndr", "grr",
)
REVENUE_TERMS = (
    "revenue", "revenues", "arr", "mrr", "acv", "tcv", "arpu", "arpa", "arppu", "gmv", "gbv",
    "gross merchandise value", "gross booking value", "gross bookings", "booking value",
    "billings", "income", "lifetime value", "ltv", "clv", "paying", "paid customers",
    "paid accounts", "paid users", "paid subscribers", "monetization", "monetisation",
)
# A metric counted in money is revenue unless its words say it is a cost.
_CURRENCIES = frozenset(
    "usd eur gbp jpy chf cad aud nzd cny inr brl mxn sek nok dkk pln czk huf sgd hkd krw zar "
    "ils aed sar dollars euros $ € £".split()
)
_COST_WORDS = frozenset(
    "cost costs cac cpa spend spent spending expense expenses burn payback budget salary "
    "salaries refund refunds".split()
)

_LABELS = {
    "discovery": "a discovery-stage product",
    "mvp": "an MVP",
    "growth": "a growth-stage product",
    "maturity": "a mature product",
}
_FOCUS = {
    "discovery": "validation (problem interviews, problem score)",
    "mvp": "activation or retention",
    "growth": "acquisition efficiency (CAC payback, viral coefficient, feature adoption)",
    "maturity": "expansion or margin (net revenue retention, gross margin, market share)",
}
_MEASURES = {
    "discovery": "problem validation",
    "mvp": "activation and retention",
    "growth": "acquisition efficiency",
    "maturity": "expansion and margin",
}


def _has(text: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {phrase} " in text for phrase in phrases)


def _index(vocabularies: dict[str, tuple[str, ...]]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Each phrase of every vocabulary, as words, under its first word."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for label, phrases in vocabularies.items():
        for phrase in phrases:
            words = tuple(phrase.split())
            index.setdefault(words[0], []).append((words, label))
    return index


# All the vocabularies L001 reads, so that one pass over a metric's words finds every one used.
_VOCABULARY = _index({**STAGE_TERMS, "retention": RETENTION_TERMS, "revenue": REVENUE_TERMS})


def _used(words: str) -> set[str]:
    """The vocabularies (stages, "retention", "revenue") of which `words` holds a phrase.

    The same as `_has(words, phrases)` for each of them: `words` is single-spaced words, padded,
    and every phrase is such words, so " phrase " is in `words` exactly when the phrase's
    words follow one another in words.split(). One look-up per word instead of one search per
    vocabulary.
    """
    tokens = words.split()
    used = set()
    for start, token in enumerate(tokens):
        for phrase, label in _VOCABULARY.get(token, ()):
            if len(phrase) == 1 or tuple(tokens[start:start + len(phrase)]) == phrase:
                used.add(label)
    return used


def _metric_words(metric: MetricItem) -> str:
    return as_words(f"{metric.model.name} {metric.id}")


def _is_revenue(metric: MetricItem, words: str, used: set[str]) -> bool:
    if "revenue" in used:
        return True
    unit = (metric.model.unit or "").strip().lower()
    return unit in _CURRENCIES and not any(f" {word} " in words for word in _COST_WORDS)


def _fits(words: str, used: set[str]) -> list[str]:
    """The stages whose vocabulary the metric's words use (`used`: what _used(words) found)."""
    mvp = "mvp" in used
    if " retention " in words:  # every _NOT_MVP phrase ends in it: else there is nothing to take out
        text = words
        for phrase in _NOT_MVP:
            text = text.replace(f" {phrase} ", " ")
        mvp = _has(text, STAGE_TERMS["mvp"])
    return [stage for stage in STAGES if (mvp if stage == "mvp" else stage in used)]


def _listed_ids(items: list, limit: int = 3) -> str:
    """Up to `limit` ids as a sentence lists them: "'a', 'b' and 'c'", "'a', 'b', 'c' and 2 more"."""
    shown = [f"'{item.id}'" for item in items[:limit]]
    if len(items) > limit:
        shown.append(f"{len(items) - limit} more")
    return join_words(shown)


def _best_other(declared: str, fits: dict[str, list[MetricItem]]) -> Optional[str]:
    others = [stage for stage in STAGES if stage != declared and fits[stage]]
    if not others:
        return None
    # Most evidence wins; on a tie the later stage (scaling too early is the costlier mistake).
    return max(others, key=lambda stage: (len(fits[stage]), STAGES.index(stage)))


def _target_text(metric: MetricItem) -> str:
    target = metric.model.target
    if target is None or target.value is None:
        return "no value yet"
    value = f"{target.value:,.0f}" if float(target.value).is_integer() else f"{target.value:,}"
    unit = f" {metric.model.unit}" if metric.model.unit and metric.model.unit != "count" else ""
    by = f" by {target.by.isoformat()}" if target.by else ""
    return f"{value}{unit}{by}"


@rule(
    "L001", "stage-mismatch", "info", "document", "the metrics fit another stage than the declared `stage`",
    what="A document whose metrics fit another lifecycle stage than its `stage` says, read from "
    "the words of each metric's name and id: discovery counts validation (interviews, problem "
    "score), an MVP activation and retention, growth acquisition efficiency (CAC payback, viral "
    "coefficient, feature adoption), maturity expansion and margin (net revenue retention, gross "
    "margin, market share). It fires when no metric fits the declared stage but some fit another "
    "one; on every revenue metric with a target in a discovery-stage document; and on a growth "
    "or maturity document with no retention or revenue metric at all. Documents without `stage` "
    "are not checked.",
    why="Each stage has one question to answer, and measuring the wrong one is how products "
    "die. Revenue targets in discovery push a team to sell before it knows the problem is real; "
    "an MVP that tracks CAC and virality is scaling acquisition before proving people stay "
    "(premature scaling); a growth-stage product with no retention or revenue metric is "
    "buying users it cannot keep or monetise. When the metrics fit another stage, either the "
    "declared stage is wrong or the team is answering yesterday's question.",
)
def check_stage_mismatch(doc: DocItem, ctx: Context) -> Iterator[Finding]:
    declared = doc.model.stage
    if declared is None:
        return
    active = [metric for metric in doc.metrics if metric.active]
    if not active:
        return
    fits: dict[str, list[MetricItem]] = {stage: [] for stage in STAGES}
    stays_or_pays = False
    for metric in active:
        words = _metric_words(metric)
        used = _used(words)
        for stage in _fits(words, used):
            fits[stage].append(metric)
        revenue = _is_revenue(metric, words, used)
        stays_or_pays = stays_or_pays or revenue or "retention" in used
        if declared == "discovery" and revenue and metric.model.target is not None:
            yield Finding(
                metric,
                f"'{metric.id}' (\"{metric.model.name}\") sets a revenue target ({_target_text(metric)}) in "
                f"{_LABELS['discovery']} ({doc_name(doc)}): before the problem is validated, a "
                "revenue goal pushes the team to sell instead of learn",
                help="Drop the revenue target (keep the metric without one if you must watch it) "
                "and set targets on validation: problem interviews, problem score, willingness to "
                "pay. If the problem is validated, set `stage: mvp`.",
                field=("target", "value"),
            )

    label = _LABELS[declared]
    no_core = declared in ("growth", "maturity") and not stays_or_pays
    other = None if fits[declared] else _best_other(declared, fits)
    if not no_core and other is None:
        return
    count = counted(len(active), "metric")
    parts = []
    if no_core:
        parts.append(
            f"{doc_name(doc)} is {label} with no retention or revenue metric: none of its {count} "
            "shows whether customers stay or pay"
        )
    if other is not None:
        evidence = (
            f"{_listed_ids(fits[other])} measure{'s' if len(fits[other]) == 1 else ''} "
            f"{_MEASURES[other]}, and none measures {_FOCUS[declared]}"
        )
        if no_core:
            parts.append(f"its metrics fit {_LABELS[other]}: {evidence}")
        else:
            parts.append(f"{doc_name(doc)} is declared {label}, but its metrics fit {_LABELS[other]}: {evidence}")
    helps = []
    if other is not None:
        helps.append(
            f"If that is where the product is, set `stage: {other}`; otherwise measure what "
            f"{label} must prove: {_FOCUS[declared]}."
        )
    if no_core:
        helps.append(
            "Add a retention metric (e.g. 90-day logo retention) or a revenue metric (ARR, MRR, "
            "net revenue retention): growth that does not stay or pay is not growth."
        )
    yield Finding(doc, "; ".join(parts), help=" ".join(helps), field=("stage",))
