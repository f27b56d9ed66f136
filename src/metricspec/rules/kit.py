"""The rule kit: what every family's messages share, so that one thing is named one way.

A metric is named `'id' ("name")`, a node `goal 'id' ("title")`, a document by its product (or
its path when it names none); findings about a whole document point at its `product:` key.
Families read text as whole lowercase words with `as_words`, never as substrings.
"""

from __future__ import annotations

import re
from typing import Optional, Union

from metricspec.workspace import DocItem, MetricItem, NodeItem

_WORD = re.compile(r"[a-z0-9]+")


def metric_name(metric: MetricItem) -> str:
    return f"'{metric.id}' (\"{metric.model.name}\")"


def node_name(node: NodeItem) -> str:
    return f"{node.level_name} '{node.id}' (\"{node.model.title}\")"


def doc_name(doc: DocItem) -> str:
    return f"'{doc.model.product}'" if doc.model.product else doc.display_path


def doc_anchor(doc: DocItem) -> tuple:
    """The field a finding about the whole document points at."""
    return ("product",) if doc.model.product is not None else ("metricspec",)


def retired(item: Union[NodeItem, MetricItem]) -> bool:
    """`status: deprecated`: retired items are not checked, and do not count for others."""
    return item.model.status == "deprecated"


def in_use(metric: MetricItem) -> bool:
    """An "active" metric, as every count in a message means it: `status: active` (the default).
    Proposed metrics are not measured yet, deprecated ones no longer (RULES.md)."""
    return metric.model.status == "active"


def counted(count: Union[int, float], noun: str) -> str:
    """The count and the noun, plural unless the count is one: "1 node", "3 nodes", "1.5 weekly
    review cycles" (a float prints without a trailing ".0")."""
    number = f"{count:g}" if isinstance(count, float) else f"{count}"
    return f"{number} {noun}{'' if count == 1 else 's'}"


def number(value: float) -> str:
    """A number as a target writes it: 1,200 and 0.5, never 1.2e+03."""
    return f"{value:,.0f}" if float(value).is_integer() and abs(value) < 1e15 else f"{value:,.6g}"


def ids(items: list, limit: int = 4) -> str:
    """The first `limit` items' ids, quoted and separated by commas: "'a', 'b' and 3 more"."""
    shown = ", ".join(f"'{item.id}'" for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def join_words(words: list[str], last: str = "and") -> str:
    """Words as a sentence lists them: "a", "a and b", "a, b or c" (with `last="or"`)."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {last} " + words[-1]


def as_words(text: Optional[str]) -> str:
    """The text as lowercase words (runs of ASCII letters and digits) joined by single spaces and
    padded with one at each end, so that `" phrase " in as_words(text)` matches whole words only."""
    if not text:
        return " "
    return " " + " ".join(_WORD.findall(text.lower())) + " "


# -- the product's language: money, and the examples messages give ------------------------------

REVENUE_TERMS = (
    "revenue", "revenues", "arr", "mrr", "acv", "tcv", "arpu", "arpa", "arppu", "gmv", "gbv",
    "gross merchandise value", "gross booking value", "gross bookings", "booking value",
    "billings", "income", "lifetime value", "ltv", "clv", "paying", "paid customers",
    "paid accounts", "paid users", "paid subscribers", "monetization", "monetisation",
)
# A metric counted in money is revenue unless its words say it is a cost.
CURRENCIES = frozenset(
    "usd eur gbp jpy chf cad aud nzd cny inr brl mxn sek nok dkk pln czk huf sgd hkd krw zar "
    "ils aed sar dollars euros $ € £".split()
)
COST_WORDS = frozenset(
    "cost costs cac cpa spend spent spending expense expenses burn payback budget salary "
    "salaries refund refunds".split()
)
_REVENUE_WORDS = frozenset(term for term in REVENUE_TERMS if " " not in term)
_REVENUE_PHRASES = tuple(term for term in REVENUE_TERMS if " " in term)


def is_revenue(metric: MetricItem, words: Optional[str] = None) -> bool:
    """The metric measures money coming in: revenue words in its name or id, or a currency unit
    on a metric whose words do not say it is a cost. `words`: as_words of its name and id, when
    the caller has them already."""
    words = words or as_words(f"{metric.model.name} {metric.id}")
    if _REVENUE_WORDS.intersection(words.split()) or any(f" {p} " in words for p in _REVENUE_PHRASES):
        return True
    unit = (metric.model.unit or "").strip().lower()
    return unit in CURRENCIES and not COST_WORDS.intersection(words.split())


class Examples:
    """What a message may cite as an example, in the product's own language (RULES.md)."""

    __slots__ = ("value", "behavior", "result", "retention", "money", "segments", "goal", "guards")

    def __init__(self, value: str, behavior: str, result: str, retention: str, money: str,
                 segments: str, goal: str, guards: str) -> None:
        self.value = value  # a leading measure of delivered value (a north star)
        self.behavior = behavior  # a behavior measured as a share of those who could
        self.result = result  # lagging results that prove the business moved
        self.retention = retention  # one retention metric
        self.money = money  # the financial measures this kind of product lives on
        self.segments = segments  # a `segments:` list as written
        self.goal = goal  # a goal title that says how much and by when
        self.guards = guards  # counter-metrics


_BY_MODEL = {
    "b2b-saas": Examples(
        "weekly active report builders", "share of new seats that save a report in week one",
        "ARR, net revenue retention, logo churn", "90-day logo retention",
        "ARR, MRR, net revenue retention", "[plan_tier, user_type]",
        "Increase weekly active teams by 20% by Q4 2027", "report failure rate, support tickets per account"),
    "consumer-subscription": Examples(
        "weekly active subscribers who finish a session",
        "share of new subscribers who finish a first session in week one",
        "subscriber churn, revenue per subscriber", "month-3 subscriber retention",
        "revenue per subscriber, subscriber churn", "[plan, signup_cohort]",
        "Cut monthly subscriber churn from 5% to 4% by Q4 2027", "refund rate, cancellation complaints"),
    "marketplace": Examples(
        "completed orders per week", "share of new buyers who complete a first order in week one",
        "gross merchandise value, take rate, repeat buyer rate", "90-day repeat buyer rate",
        "take rate, gross merchandise value", "[buyer_or_seller, city]",
        "Raise weekly completed orders by 20% by Q4 2027", "cancellation rate, dispute rate"),
    "ecommerce": Examples(
        "weekly orders from returning customers", "share of first-time buyers who order again within 60 days",
        "revenue, gross margin per order, repeat purchase rate", "90-day repeat purchase rate",
        "gross margin per order, average order value", "[new_or_returning, channel]",
        "Raise the 90-day repeat purchase rate from 22% to 26% by Q4 2027", "return rate, delivery complaints"),
    "public-service": Examples(
        "applications completed online each week", "share of people who start an application and submit it",
        "digital take-up, completion rate, cost per transaction", "share of users who come back online for their next transaction",
        "cost per transaction, cost to serve, digital take-up", "[channel, region]",
        "Raise digital take-up from 60% to 75% by March 2027", "user satisfaction, calls to the helpline"),
    "nonprofit": Examples(
        "people completing a programme each month", "share of people referred who attend a first session",
        "outcomes achieved per participant, cost per participant", "share of participants still engaged after 3 months",
        "cost per participant, share of funds spent on programmes", "[programme, region]",
        "Raise programme completion from 40% to 55% by the end of 2027", "participant satisfaction, drop-out rate"),
    "internal-platform": Examples(
        "teams deploying through the platform each week", "share of newly onboarded services that deploy in week one",
        "adoption by teams, lead time for changes", "share of teams still on the platform after a quarter",
        "cost to serve per team, infrastructure cost per deploy", "[team, service_tier]",
        "Cut lead time for changes from 5 days to 2 by Q4 2027", "change failure rate, incidents per deploy"),
}
# Without a `model`: nothing assumes a kind of product, nor revenue the document does not measure.
_UNKNOWN = Examples(
    "weekly active users who complete the core task", "share of new users who complete the core task in week one",
    "retention, cost to serve", "90-day retention", "cost to serve per user", "[cohort, channel]",
    "Raise week-4 retention from 30% to 36% by Q4 2027", "complaint rate, error rate")
_UNKNOWN_PAID = Examples(
    _UNKNOWN.value, _UNKNOWN.behavior, "retention, revenue", _UNKNOWN.retention,
    "revenue per customer, gross margin", _UNKNOWN.segments, _UNKNOWN.goal, "refund rate, complaint rate")


def is_cost(metric: MetricItem) -> bool:
    """The metric's words say it is a cost (cost per transaction, CAC, spend)."""
    return bool(COST_WORDS.intersection(as_words(f"{metric.model.name} {metric.id}").split()))


def measures_revenue(doc: DocItem) -> bool:
    """Some metric of the document (not retired) measures money coming in."""
    cached = doc.__dict__.get("_measures_revenue")  # asked once per finding: scanned once per document
    if cached is None:
        cached = doc.__dict__["_measures_revenue"] = any(
            is_revenue(metric) for metric in doc.metrics if not retired(metric))
    return cached


def examples_for(doc: DocItem) -> Examples:
    """The examples a message about this document (or an item in it) gives: the document's
    `model`'s; without one, examples that assume revenue only when the document measures some."""
    model = getattr(doc.model, "model", None)
    if model in _BY_MODEL:
        return _BY_MODEL[model]
    return _UNKNOWN_PAID if measures_revenue(doc) else _UNKNOWN
