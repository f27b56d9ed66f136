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
from metricspec.rules.kit import as_words, counted, doc_name, examples_for, is_revenue, join_words
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
# What a product without revenue lives on (a public service, a non-profit, an internal
# platform): people taking the service up and completing it, and what it costs to deliver.
SERVICE_TERMS = (
    "take up", "takeup", "uptake", "digital take up", "completion", "completions", "completed",
    "completion rate", "cost per transaction", "cost to serve", "cost per", "unit cost",
    "satisfaction", "csat", "adoption", "adopted", "usage", "reach",
)
# Without a `model`, the words that can only mean a service's take-up or cost (not "adoption"
# of a feature, which a growth-stage app measures too).
_TAKE_UP_OR_COST = ("take up", "takeup", "uptake", "cost per transaction", "cost to serve", "unit cost")
# Measures that show a stage of a kind of product, beyond the shared vocabulary: net MRR churn
# is expansion; a marketplace matures on liquidity and take rate.
_MODEL_TERMS: dict[str, dict[str, tuple[str, ...]]] = {
    "b2b-saas": {"maturity": ("net mrr churn", "net revenue churn", "net churn", "net mrr")},
    "consumer-subscription": {"maturity": ("arpu", "revenue per subscriber", "revenue per user", "ltv")},
    "marketplace": {
        "growth": ("liquidity", "fill rate", "match rate", "gmv"),
        "maturity": ("liquidity", "take rate", "fill rate", "gmv", "gross merchandise value"),
    },
    "ecommerce": {"maturity": ("average order value", "aov", "gross margin", "contribution margin")},
    "public-service": {"growth": SERVICE_TERMS, "maturity": SERVICE_TERMS},
    "nonprofit": {"growth": SERVICE_TERMS, "maturity": SERVICE_TERMS},
    "internal-platform": {"growth": SERVICE_TERMS, "maturity": SERVICE_TERMS},
}
# Products without revenue, whose growth and maturity show in take-up and cost, not in money in.
_NO_REVENUE = ("public-service", "nonprofit", "internal-platform")
# Products paid for again and again: at growth and maturity, revenue without retention hides churn.
_SUBSCRIPTION = ("b2b-saas", "consumer-subscription")

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
# What a stage must prove, where the kind of product changes it.
_MODEL_FOCUS = {
    ("consumer-subscription", "maturity"): "retention, churn and revenue per subscriber",
    ("marketplace", "maturity"): "liquidity and take rate (fill rate, take rate, repeat buyers)",
    **{(model, "growth"): "take-up and completion (digital take-up, completion rate)" for model in _NO_REVENUE},
    **{(model, "maturity"): "take-up, completion and cost to serve (cost per transaction, satisfaction)"
       for model in _NO_REVENUE},
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
_VOCABULARY = _index({**STAGE_TERMS, "retention": RETENTION_TERMS})


def _used(words: str) -> set[str]:
    """The vocabularies (stages, "retention") of which `words` holds a phrase.

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


def _sustains(model: Optional[str], words: str, used: set[str], revenue: bool) -> bool:
    """The metric shows what a growth or mature product of this kind lives on."""
    if "retention" in used:
        return True
    if model in _SUBSCRIPTION:
        return False  # revenue alone: a subscription can grow its revenue while it churns
    if model in _NO_REVENUE:
        return _has(words, SERVICE_TERMS)
    return revenue or (model is None and _has(words, _TAKE_UP_OR_COST))


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
    "margin, market share). The document's `model` changes what fits: a public service, a "
    "non-profit or an internal platform has no revenue and grows and matures on take-up, "
    "completion and cost to serve; a consumer subscription matures on retention, churn and "
    "revenue per subscriber; a marketplace on liquidity and take rate. Churn and retention "
    "count for a growth or mature product, never as evidence of an MVP. It fires when no "
    "metric fits the declared stage but some fit another one; on every revenue metric with a "
    "target in a discovery-stage document; and on a growth or maturity document that misses "
    "what its kind of product lives on: a retention metric for a subscription (revenue alone "
    "does not do), take-up, completion or cost for a product without revenue, retention or a "
    "financial measure otherwise. It never advises declaring a lower stage. Documents without "
    "`stage` are not checked.",
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
    model = doc.model.model
    extra = _MODEL_TERMS.get(model, {}).get(declared, ())
    later = declared in ("growth", "maturity")
    fits: dict[str, list[MetricItem]] = {stage: [] for stage in STAGES}
    sustained = False
    for metric in active:
        words = _metric_words(metric)
        used = _used(words)
        stages = _fits(words, used)
        # Churn and retention are a retention-minded product's signs at growth and maturity,
        # never evidence of an MVP.
        if later and ("retention" in used or (extra and _has(words, extra))):
            stages = [stage for stage in stages if stage != "mvp"] + [declared]
        for stage in dict.fromkeys(stages):
            fits[stage].append(metric)
        revenue = is_revenue(metric, words)
        sustained = sustained or _sustains(model, words, used, revenue)
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
    focus = _MODEL_FOCUS.get((model, declared), _FOCUS[declared])
    no_core = later and not sustained
    other = None if fits[declared] else _best_other(declared, fits)
    if not no_core and other is None:
        return
    examples = examples_for(doc)
    count = counted(len(active), "metric")
    parts = []
    helps = []
    if no_core:
        if model in _SUBSCRIPTION:
            who = "subscribers" if model == "consumer-subscription" else "customers"
            lacks, shows = "no retention metric", f"whether {who} stay"
            helps.append(f"Add a retention metric (e.g. {examples.retention}): a subscription "
                         "that grows while it churns is filling a leaking bucket.")
        elif model in _NO_REVENUE:
            lacks, shows = "no take-up, completion or cost metric", "whether people use it or what it costs to deliver"
            helps.append(f"Add what the service lives on (e.g. {examples.money}): a service that grows "
                         "without being taken up, or at any cost, is not succeeding.")
        else:
            lacks, shows = "no retention or financial metric", "whether customers stay, or what the product earns or costs"
            helps.append(f"Add a retention metric (e.g. {examples.retention}) or the financial measure "
                         f"the product lives on (e.g. {examples.money}): growth that does not last is not growth.")
        parts.append(f"{doc_name(doc)} is {label} with {lacks}: none of its {count} shows {shows}")
    if other is not None:
        evidence = (
            f"{_listed_ids(fits[other])} measure{'s' if len(fits[other]) == 1 else ''} "
            f"{_MEASURES[other]}, and none measures {focus}"
        )
        if no_core:
            parts.append(f"its metrics fit {_LABELS[other]}: {evidence}")
        else:
            parts.append(f"{doc_name(doc)} is declared {label}, but its metrics fit {_LABELS[other]}: {evidence}")
        # Never a lower stage: a team does not go back to being an MVP to satisfy a linter.
        advice = f"Measure what {label} must prove: {focus}."
        if STAGES.index(other) > STAGES.index(declared):
            advice = f"If that is where the product is, set `stage: {other}`; otherwise measure what {label} must prove: {focus}."
        helps.insert(0, advice)
    yield Finding(doc, "; ".join(parts), help=" ".join(helps), field=("stage",))
