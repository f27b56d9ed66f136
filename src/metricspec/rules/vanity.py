"""V: vanity metrics. Numbers that make a deck look good and tell the team nothing.

A vanity metric is a raw count of something that grows with marketing spend and time, not
with value delivered: downloads, sign-ups, page views, logins, followers. What makes such a
count meaningful is relating it to engagement: a denominator ("downloads per active account"),
a rate, percent or ratio ("share of sign-ups who create a chart in week one"), or a condition
that turns it into a count of engaged people ("sign-ups who create a chart"). A window
("monthly downloads") or segments alone do not.

The rules read words, never substrings: a metric's name, event and formula are split into
lowercase words (camelCase and snake_case events too), so "views" is not found in "reviews" and
"hits" is not found in "white-hits". Ids are not read at all: an id is a handle, not a claim
about what is measured.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Optional

from metricspec.rules import Context, Finding, rule
from metricspec.workspace import MetricItem

_HEAD = "metricspec: 1\nproduct: Acme Analytics\nowner: head-of-product\n"


# -- words ----------------------------------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_TOKEN = re.compile(r"[a-z0-9]+")
_DIVIDED_BY = re.compile(r"\bdivided\s+by\b|\bover\s+(?=count|sum|total)", re.IGNORECASE)


# A check reads the same name, unit or formula several times (V001 and V002 share _relation):
# the last few texts' words are kept. Few enough that nothing is shared between metrics' checks.
@functools.lru_cache(maxsize=64)
def _words(text: Optional[str], camel: bool = False) -> str:
    """The text as lowercase words joined by single spaces, padded with a space at each end.

    `%` reads as "percent" and `/` (and "divided by") as "per", so that "% of sign-ups" and
    "downloads / accounts" read like the phrases they stand for.
    """
    if not text:
        return " "
    if camel:
        text = _CAMEL.sub(" ", text)
    lower = text.lower()
    # Only text holding "divided" or "over" can be rewritten (in ASCII text; in other text the
    # case-insensitive pattern also matches letters such as the dotless ı).
    if not text.isascii() or "divided" in lower or "over" in lower:
        lower = _DIVIDED_BY.sub(" per ", text).lower()
    text = lower.replace("%", " percent ").replace("/", " per ")
    return " " + " ".join(_TOKEN.findall(text)) + " "


def _phrase_regex(phrases) -> re.Pattern[str]:
    ordered = sorted(set(phrases), key=lambda phrase: (-len(phrase), phrase))
    return re.compile(r"(?<= )(?:" + "|".join(re.escape(phrase) for phrase in ordered) + r")(?= )")


def _before(words: str, start: int) -> str:
    head = words[:start].split()
    return head[-1] if head else ""


def _after(words: str, end: int) -> str:
    tail = words[end:].split(maxsplit=1)
    return tail[0] if tail else ""


# "per day" is a window, not a denominator: these words after "per" do not relate a count to anything.
_TIME = frozenset(
    "second seconds sec secs minute minutes min mins hour hours hr hrs day days week weeks "
    "fortnight month months quarter quarters year years annum night nights period periods".split()
)
_TIME_SHORTHAND = re.compile(r"^\d+[hdwmqy]$")
# Words skipped between "per" and the thing it divides by: "per 1,000 visitors", "per count(...)".
_PER_FILLERS = frozenset(
    "a an the each every one single count sum distinct unique number of total thousand hundred million k "
    # "per weekly active user" divides by users; "per daily" alone divides by nothing.
    "daily weekly biweekly monthly quarterly yearly annual".split()
)


_PER = re.compile(r" per(?= )")


def _per_entity(words: str) -> Optional[str]:
    """The first thing the text divides by ("per active account"), ignoring "per day" and the like."""
    if " per " not in words:  # what _PER needs: most texts divide by nothing
        return None
    for match in _PER.finditer(words):
        for word in words[match.end():].split():
            if word in _PER_FILLERS or word.isdigit():
                continue
            if word in _TIME or _TIME_SHORTHAND.match(word):
                break
            return word
    return None


# Phrasing that relates a quantity to a base: a share, a rate, a ratio.
_RELATIVE_WORDS = _phrase_regex(
    (
        "share of", "percent", "percentage", "pct", "proportion", "fraction", "ratio", "ratios",
        "rate", "rates", "conversion", "click through", "ctr", "retention",
    )
)
_RELATIVE_UNITS = frozenset(
    "percent percentage pct ratio rate share proportion fraction bps".split()
)


def _relation(metric: MetricItem) -> Optional[str]:
    """What relates the metric to a base (so that it is no raw count), in a reviewer's words."""
    model = metric.model
    if model.denominator and model.denominator.strip():
        return f"its denominator ({model.denominator.strip()})"
    if model.aggregation == "rate":
        return "`aggregation: rate`"
    unit = _words(model.unit)
    if set(unit.split()) & _RELATIVE_UNITS:
        return f"its unit ({model.unit})"
    if _per_entity(unit):
        return f"its unit ({model.unit})"
    name = _words(model.name)
    found = _RELATIVE_WORDS.search(name)
    if found:
        return f"'{found.group(0)}' in its name"
    entity = _per_entity(name)
    if entity:
        return f"'per {entity}' in its name"
    for field in ("formula", "numerator"):
        text = _words(getattr(model, field), camel=True)
        entity = _per_entity(text)
        if entity:
            return f"its {field} divides by {entity}"
        found = _RELATIVE_WORDS.search(text)
        if found:
            return f"'{found.group(0)}' in its {field}"
    return None


# -- V001 vocabulary ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    """One vanity quantity: how names and events spell it, and what to measure instead."""

    label: str
    names: tuple[str, ...]  # plural forms: names, formulas and events
    events: tuple[str, ...] = ()  # singular forms an event is named by ("app_download")
    not_after: frozenset[str] = frozenset()  # "cache hits", "report downloads" are not vanity
    instead: str = ""
    # Singular nouns a name counts with a word after them: "download count", "sign-up volume".
    singulars: tuple[str, ...] = ()


_TERMS: tuple[_Term, ...] = (
    _Term(
        "downloads",
        ("downloads", "app downloads"),
        ("download", "downloaded", "app download", "app downloaded"),
        # Exporting one's own work is use of the product, not reach.
        frozenset("report reports csv pdf invoice invoices statement statements receipt receipts export exports".split()),
        "Measure what the downloads turn into: the share of new installs that complete onboarding "
        "in week one (`numerator`/`denominator`, `unit: percent`), or downloads per active account.",
        singulars=("download", "app download"),
    ),
    _Term(
        "installs",
        ("installs", "installations", "app installs"),
        ("install", "installed", "app install", "app installed", "installation"),
        frozenset(),
        "Measure what the installs turn into: the share of new installs still active after 7 days, "
        "or the share that reach the first key action (`unit: percent` with a `denominator`).",
        singulars=("install", "installation", "app install"),
    ),
    _Term(
        "registered users",
        (
            "registered users", "registered accounts", "registered members", "registered customers",
            "registrations", "sign ups", "signups", "new sign ups", "new signups",
        ),
        ("sign up", "signup", "signed up", "register", "registered", "registration", "user registered"),
        frozenset(),
        "Measure activation instead: the share of sign-ups who reach the first key action in week "
        "one (`numerator`, `denominator`, `unit: percent`), or the weekly active accounts doing it.",
        singulars=("registered user", "registered account", "registration", "sign up", "signup", "new sign up", "new signup"),
    ),
    _Term(
        "page views",
        ("page views", "pageviews", "screen views", "screenviews", "video views", "profile views", "post views"),
        ("page view", "pageview", "screen view", "page viewed", "screen viewed", "video view", "profile view"),
        frozenset(),
        "Measure what the views lead to: visit-to-sign-up conversion, or the share of sessions that "
        "reach the core action (`unit: percent` with a `denominator`).",
        singulars=("page view", "pageview", "screen view", "screenview", "video view", "profile view", "post view"),
    ),
    _Term(
        "hits",
        ("hits", "page hits", "site hits", "web hits", "website hits"),
        ("hit", "page hit"),
        frozenset("cache cached cdn search lookup index".split()),
        "Measure what the traffic achieves: conversion from visit to sign-up or purchase, or the "
        "share of visits that reach the core action (`unit: percent` with a `denominator`).",
        singulars=("hit", "page hit", "site hit", "web hit", "website hit"),
    ),
    _Term(
        "logins",
        ("logins", "log ins", "sign ins", "signins", "user logins"),
        ("login", "log in", "logged in", "sign in", "signed in", "signin", "user login"),
        frozenset(),
        "A login is not use: measure the weekly active accounts that do the core action, or the "
        "share of accounts that do it every week (`unit: percent` with a `denominator`).",
        singulars=("login", "log in", "sign in", "signin", "user login"),
    ),
    _Term(
        "followers",
        ("followers", "follower count"),
        ("follow", "followed", "follower", "user followed"),
        frozenset(),
        "Measure engagement instead: the share of followers who interact each week, or conversions "
        "from social per 1,000 followers (`denominator: followers`).",
        singulars=("follower",),
    ),
    _Term(
        "likes",
        ("likes", "like count"),
        ("like", "liked", "post liked"),
        frozenset(),
        "Measure engagement rate instead: likes per post or per active viewer (`denominator`), or "
        "the share of viewers who come back.",
        singulars=("like",),
    ),
    _Term(
        "impressions",
        ("impressions", "ad impressions"),
        ("impression", "ad impression"),
        frozenset("first".split()),
        "Measure what the impressions lead to: click-through rate, or cost per activated customer "
        "(`unit: percent` or a `denominator`).",
        singulars=("impression", "ad impression"),
    ),
    _Term(
        "visits",
        ("visits", "visitors", "site visits", "unique visitors", "website visits"),
        ("visit", "visited", "site visit", "page visit"),
        # A completed home or clinic visit is the service itself, not traffic.
        frozenset(
            "completed booked paid scheduled successful fulfilled billed home service patient clinic doctor "
            "onsite technician".split()
        ),
        "Measure what the visits lead to: visit-to-sign-up or visit-to-purchase conversion, or the "
        "share of visitors who return within 30 days (`unit: percent` with a `denominator`).",
        singulars=("visit", "visitor", "site visit", "site visitor", "unique visitor", "website visit", "website visitor"),
    ),
    _Term(
        "app opens",
        ("app opens", "app launches", "app starts", "app sessions"),
        ("app open", "app opened", "app launch", "app launched", "app start", "app started"),
        frozenset(),
        "An app open is not use: measure the weekly active users who do the core action, or the "
        "share of opens that lead to it (`unit: percent` with a `denominator`).",
        singulars=("app open", "app launch", "app start", "app session"),
    ),
)
# Singular words too common in prose or SQL to read in a formula (`where name LIKE ...`).
_AMBIGUOUS_IN_FORMULAS = frozenset(("like", "liked", "follow", "followed", "hit", "visit", "visited", "register", "registered"))

_BY_PHRASE: dict[str, _Term] = {}
for _term in _TERMS:
    for _phrase in _term.names + _term.events:
        _BY_PHRASE[_phrase] = _term
_EVENT_TERMS = _phrase_regex(_BY_PHRASE)
_FORMULA_TERMS = _phrase_regex(phrase for phrase in _BY_PHRASE if phrase not in _AMBIGUOUS_IN_FORMULAS)

# How a matched phrase is written back in a message ("sign ups" was read from "sign-ups").
_SPELLING = {
    "sign ups": "sign-ups", "new sign ups": "new sign-ups", "log ins": "log-ins", "sign ins": "sign-ins",
}

# A name counts a singular noun with the word after it: "download count", "sign-up volume".
_COUNT_WORDS = ("count", "counts", "number", "numbers", "volume", "volumes", "total", "totals")
# Words after such a phrase that make it a measure of something else: "visit total duration".
_NOT_A_COUNT = frozenset("time duration length latency size value revenue cost costs spend amount".split())


def _plural(singular: str) -> str:
    plural = singular + ("es" if singular.endswith(("ch", "sh", "s", "x")) else "s")
    return _SPELLING.get(plural, plural)


# Each phrase, the term it counts and how the message names what it counts ("sign-ups").
_COUNTED: dict[str, tuple[_Term, str]] = {
    f"{singular} {word}": (term, _plural(singular))
    for term in _TERMS
    for singular in term.singulars
    for word in _COUNT_WORDS
}
_NAME_TERMS = _phrase_regex([phrase for term in _TERMS for phrase in term.names] + list(_COUNTED))

# A word before the term that makes it a problem to shrink or an engaged population, not reach.
_QUALIFIED_BEFORE = frozenset(
    "failed failing unsuccessful rejected blocked fraudulent fraud fake bot bots spam duplicate "
    "duplicated abandoned suspicious bounced invalid active engaged activated retained converted "
    "returning paying".split()
)
# A clause after the term that narrows it to people who did something: "sign-ups who create a chart".
_QUALIFIED_AFTER = frozenset("who that which whose where".split())
# Words saying the metric counts distinct people, whatever event marks them.
_PEOPLE = re.compile(r" (?:active|unique|distinct|dau|wau|mau) ")


@functools.lru_cache(maxsize=8)
def _custom_terms(terms: tuple[str, ...]) -> tuple[Optional[re.Pattern[str]], dict[str, str]]:
    """The config's extra terms (`[vanity] extend-terms`) as one regex, and each one's label."""
    labels = {}
    for term in terms:
        words = _words(term).strip()
        if words:
            labels.setdefault(words, term.strip())
    return (_phrase_regex(labels) if labels else None), labels




@dataclass
class _Evidence:
    label: str
    where: str  # where the term was found, when not in the name: " (its event `login`)"
    field: str
    instead: str


_CUSTOM_HELP = (
    "Relate the count to engagement: divide it by the people it should reach (`denominator`) "
    "or measure the share who act on it (`unit: percent`)."
)


def _scan(words: str, regex: Optional[re.Pattern[str]], custom: bool, prose: bool) -> tuple[list, bool]:
    """Unqualified matches of `regex` in `words`, and whether any match (qualified or not) occurred.

    In prose (a name) a clause after the term narrows it ("sign-ups who ..."); in a formula or an
    event "where" is a filter of any kind, so only the word before the term is read there.
    """
    if regex is None:
        return [], False
    found, seen = [], False
    for match in regex.finditer(words):
        phrase = match.group(0)
        before, after = _before(words, match.start()), _after(words, match.end())
        counted = None if custom else _COUNTED.get(phrase)
        if counted is not None and after in _NOT_A_COUNT:
            continue  # "visit total duration": not a count of visits
        seen = True
        term = None if custom else counted[0] if counted else _BY_PHRASE.get(phrase)
        if before in _QUALIFIED_BEFORE or (prose and after in _QUALIFIED_AFTER):
            continue
        if term is not None and before in term.not_after:
            continue
        found.append((phrase, term))
    return found, seen


def _evidence(metric: MetricItem, ctx: Context) -> Optional[_Evidence]:
    model = metric.model
    custom_regex, labels = _custom_terms(tuple(ctx.vanity_terms))
    name = _words(model.name)

    def first(words: str, builtin: re.Pattern[str], prose: bool = False) -> tuple[Optional[tuple[str, Optional[_Term]]], bool]:
        hits, seen = _scan(words, builtin, False, prose)
        extra, extra_seen = _scan(words, custom_regex, True, prose)
        hits += [(labels[phrase], None) for phrase, _ in extra]
        return (hits[0] if hits else None), seen or extra_seen

    found, seen = first(name, _NAME_TERMS, prose=True)
    if found:
        phrase, term = found
        if term is None:
            label = phrase
        elif phrase in _COUNTED:
            label = _COUNTED[phrase][1]
        else:
            label = _SPELLING.get(phrase, phrase)
        return _Evidence(label, "", "name", term.instead if term else _CUSTOM_HELP)
    if seen:
        return None  # the name qualifies the term ("sign-ups who create a chart"): it knows what it counts
    if model.aggregation == "unique" or _PEOPLE.search(name):
        return None  # distinct active people, marked by whatever event: not a count of events
    event = _words(model.event, camel=True)
    found, _ = first(event, _EVENT_TERMS)
    if found:
        phrase, term = found
        label = term.label if term else phrase
        return _Evidence(label, f" (its event `{model.event}`)", "event", term.instead if term else _CUSTOM_HELP)
    for field in ("formula", "numerator"):
        text = _words(getattr(model, field), camel=True)
        if _PEOPLE.search(text):
            continue
        found, _ = first(text, _FORMULA_TERMS)
        if found:
            phrase, term = found
            label = term.label if term else phrase
            return _Evidence(label, f" (in its {field})", field, term.instead if term else _CUSTOM_HELP)
    return None


# A unit in money: an ISO 4217-like code ("USD", "kEUR", "USD/month"), a currency word, a symbol.
_CURRENCY_CODE = re.compile(r"(?<![A-Za-z])[km]?([A-Z]{3})(?![A-Za-z])")
# Three capitals that name no currency: counts of people or things, scores.
_NOT_CURRENCY_CODES = frozenset("DAU WAU MAU CNT QTY NUM PCS NPS KPI PCT BPS".split())
_CURRENCY_WORDS = frozenset(
    "currency usd eur gbp jpy chf cad aud nzd cny inr brl mxn sek nok dkk pln czk huf sgd hkd krw zar "
    "ils aed sar dollar dollars euro euros cents".split()
)
_CURRENCY_SYMBOLS = frozenset("$€£¥₹")


def _currency(unit: Optional[str]) -> bool:
    """True when the unit is money: a sum of money is not a raw count of a vanity quantity."""
    if not unit:
        return False
    if any(code not in _NOT_CURRENCY_CODES for code in _CURRENCY_CODE.findall(unit)):
        return True
    return bool(_CURRENCY_SYMBOLS.intersection(unit)) or bool(_CURRENCY_WORDS.intersection(_words(unit).split()))


def _shrinking(metric: MetricItem) -> bool:
    """A target that heads down: the count is a problem to reduce, not applause."""
    target = metric.model.target
    if target is None:
        return False
    if target.direction:
        return target.direction == "decrease"
    return target.value is not None and target.baseline is not None and target.value < target.baseline


def _name(metric: MetricItem) -> str:
    return f"'{metric.id}' (\"{metric.model.name}\")"


@rule(
    "V001", "vanity-metric", "warning", "metric",
    "a raw count of a vanity quantity (downloads, sign-ups, page views, logins, ...) unrelated to engagement",
    what="A metric whose name, event or formula counts a vanity quantity (downloads, installs, "
    "registered users and sign-ups, page views, hits, logins, followers, likes, impressions, "
    "visits, app opens, plus the config's extra terms) as a raw count: nothing relates it to "
    "engagement. A singular with a count word reads like the plural (\"download count\", \"sign-up "
    "volume\", \"number of downloads\" all count downloads). Words are matched whole, never inside "
    "other words (`views` is not in `reviews`), and ids are not read. The metric is not flagged "
    "when it has a `denominator`, a rate, percent or ratio `unit`, `aggregation: rate`, or says "
    "so in its name (\"share of\", \"% of\", \"rate\", "
    "\"per active account\"); when its name narrows the count to engaged people (\"sign-ups who "
    "create a chart\", \"activated sign-ups\") or to a problem (\"failed logins\"); when it counts "
    "distinct active people and the vanity word is only its event (\"weekly active users\" marked "
    "by `login`); when its `unit` is a currency (`USD`, `EUR`, `currency`), since it then "
    "measures money, not a count; when its target heads down; or when it is deprecated. A "
    "`window`, \"per day\" or `segments` alone do not make a download count meaningful.",
    why="Raw counts of reach only go up with marketing spend and time, so they look good in every "
    "review while saying nothing about whether anyone gets value: a million downloads with 2% "
    "still active in week two is a leaky bucket, not traction. They cannot guide a decision, and "
    "teams that chase them buy reach instead of building value. Relating the count to engagement "
    "(the share of sign-ups who reach the aha moment, downloads per active account) turns applause "
    "into a number that can fall when the product gets worse.",
    example=_HEAD + """goals:
  - id: mobile-reach
    title: Bring analytics to mobile
    metrics:
      - id: app-downloads
        name: App downloads
        unit: count
        window: monthly
        source: app-store-connect
""",
    fix=_HEAD + """goals:
  - id: mobile-reach
    title: Bring analytics to mobile
    metrics:
      - id: mobile-activation-rate
        name: Share of new app installs that open a dashboard in week one
        unit: percent
        window: monthly
        numerator: new installs that open a dashboard within 7 days
        denominator: new installs
        source: amplitude
""",
    options=(
        ("vanity.extend-terms", "extra words or phrases that count as vanity quantities, matched as "
         "whole words in names, events and formulas (e.g. `[\"stars\", \"clones\"]`); default none"),
    ),
)
def check_vanity_metric(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    if not metric.active or _shrinking(metric) or _currency(metric.model.unit) or _relation(metric) is not None:
        return
    evidence = _evidence(metric, ctx)
    if evidence is None:
        return
    model = metric.model
    narrowing = []
    if model.window:
        narrowing.append(f"its {model.window} window")
    period = _PERIOD_WORDS.search(_words(model.name))
    if period:
        narrowing.append(f"'{period.group(0)}' in its name")
    if model.segments:
        narrowing.append("its segments")
    if narrowing:
        verb = "does" if len(narrowing) == 1 and not model.segments else "do"
        missing = (
            f"no denominator, rate or ratio: {' and '.join(narrowing)} alone {verb} not relate it "
            "to engagement"
        )
    else:
        # Not "no window or segment": RULES.md, a window or segments alone do not make it meaningful.
        missing = "no denominator, rate or ratio: a raw number that grows with reach, not with value delivered"
    yield Finding(
        metric,
        f"{_name(metric)} counts {evidence.label}{evidence.where} with {missing}",
        help=evidence.instead,
        field=(evidence.field,),
    )


# -- V002 -----------------------------------------------------------------------------------

_CUMULATIVE_WORDS = _phrase_regex(
    (
        "total", "totals", "cumulative", "cumulatively", "all time", "alltime", "lifetime",
        "to date", "todate", "since launch", "since inception", "since start", "running total",
        "grand total",
    )
)
_PERIOD_TO_DATE = frozenset("year quarter month week season fiscal up".split())
_NOT_COUNTS = _phrase_regex(
    (
        "lifetime value", "customer lifetime", "user lifetime", "account lifetime", "member lifetime",
        "subscriber lifetime", "client lifetime", "ltv", "clv", "cltv", "total cost of ownership",
        "tco", "total addressable market", "tam", "cumulative layout shift", "total contract value",
        "total order value", "total basket value", "total time", "total duration",
    )
)
_PERIOD_WORDS = _phrase_regex(
    (
        "daily", "weekly", "biweekly", "monthly", "quarterly", "yearly", "annual", "annually",
        "this week", "this month", "this quarter", "this year", "last week", "last month",
        "last quarter", "last year", "in week", "in the first", "first week", "first month",
        "per day", "per week", "per month", "per quarter", "per year", "a day", "a week", "a month",
        "each week", "each month", "each day", "7d", "28d", "30d", "90d", "1d",
    )
)
# A total of people or things in a state they can leave is a stock that can shrink, not a running count.
_LOSABLE_STATE = frozenset(
    "active paying current open live subscribed engaged retained enabled outstanding pending "
    "concurrent remaining".split()
)
_DURATIONS = frozenset("second seconds s ms minute minutes min hour hours h day days week weeks month months".split())


def _cumulative_words(metric: MetricItem) -> Optional[str]:
    """The word of the name that makes it an ever-growing count, if it is one."""
    model = metric.model
    name = _words(model.name)
    if _NOT_COUNTS.search(name) or model.aggregation in ("average", "median", "p90"):
        return None
    if _relation(metric) is not None:
        return None
    for match in _CUMULATIVE_WORDS.finditer(name):
        word = match.group(0)
        before = _before(name, match.start())
        if word in ("to date", "todate") and before in _PERIOD_TO_DATE:
            continue  # year-to-date starts again every year; up-to-date is not a count
        if word in ("total", "totals"):
            # A total over a window is a sum in that window, not a count that can only grow.
            if model.window or _PERIOD_WORDS.search(name):
                continue
            if (model.unit or "").strip().lower() in _DURATIONS:
                continue
            if set(name.split()) & _LOSABLE_STATE:
                continue
        return word
    return None


@rule(
    "V002", "cumulative-metric", "warning", "metric",
    "a total / cumulative / all-time / to-date count that can only go up",
    what="A metric declared `aggregation: cumulative`, or whose name says it counts everything so "
    "far: total, cumulative, all-time, lifetime, to-date, since launch. A total over a window "
    "(`window: monthly`, \"monthly total revenue\") is a sum in that window and is not flagged, "
    "and neither are value and cost figures such as customer lifetime value, total cost of "
    "ownership or total addressable market, averages, rates and ratios, or period-to-date figures "
    "(year-to-date revenue starts again every year), nor a total of things in a state they can "
    "leave (\"total paying customers\", \"total open tickets\"): that stock can shrink. Deprecated "
    "metrics are not checked.",
    why="A cumulative count can only go up: it rises in the month the product loses half its "
    "users, so it never tells the team anything went wrong. The chart always looks like success, "
    "which is why it is the favourite number of launch decks and the least useful one in a "
    "planning meeting. What moves decisions is the flow (new sign-ups this week) and the stock "
    "that can shrink (weekly active accounts, retention).",
    example=_HEAD + """goals:
  - id: audience-growth
    title: Grow the analyst community
    metrics:
      - id: total-registered-analysts
        name: Total registered analysts
        unit: count
        aggregation: cumulative
        source: postgres
""",
    fix=_HEAD + """goals:
  - id: audience-growth
    title: Grow the analyst community
    metrics:
      - id: weekly-active-analysts
        name: Weekly active analysts
        unit: count
        window: 7d
        aggregation: unique
        source: amplitude
""",
)
def check_cumulative_metric(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    if not metric.active:
        return
    model = metric.model
    word = _cumulative_words(metric)
    declared = model.aggregation == "cumulative"
    if not declared and word is None:
        return
    evidence = []
    if declared:
        evidence.append("`aggregation: cumulative`")
    if word is not None:
        evidence.append(f"'{word}' in its name")
    yield Finding(
        metric,
        f"{_name(metric)} is a cumulative count ({' and '.join(evidence)}): it can only go up, so it "
        "keeps rising while users leave and cannot show growth slowing",
        help="Measure the flow in a window instead (new ones per week with `window: 7d`) or a stock "
        "that can shrink (weekly active accounts, retention); keep the running total on a dashboard, "
        "not in the spec.",
        field=("aggregation",) if declared else ("name",),
    )


# -- V003 -----------------------------------------------------------------------------------


@rule(
    "V003", "no-decision", "info", "metric", "a metric with no `decision`",
    what="An active or proposed metric with no `decision`: no sentence saying what the team would "
    "do if the number moved 20% tomorrow. Deprecated metrics are not checked.",
    why="A metric earns its place by changing what the team does. If nobody can say which "
    "decision a 20% swing would trigger (pause a launch, move budget, staff a fix), the number "
    "is reported but never acted on: the purest form of a vanity metric, whatever it counts. "
    "Writing the decision down up front also stops post-hoc stories when the number moves.",
    example=_HEAD + """goals:
  - id: analytics-adoption
    title: Make custom reports a weekly habit
    metrics:
      - id: weekly-report-builders
        name: Weekly active report builders
        unit: count
""",
    fix=_HEAD + """goals:
  - id: analytics-adoption
    title: Make custom reports a weekly habit
    metrics:
      - id: weekly-report-builders
        name: Weekly active report builders
        unit: count
        decision: A 20% drop pauses feature work until we know which teams stopped building and why.
""",
)
def check_no_decision(metric: MetricItem, ctx: Context) -> Iterator[Finding]:
    if not metric.active or (metric.model.decision and metric.model.decision.strip()):
        return
    yield Finding(
        metric,
        f"{_name(metric)} has no `decision`: nothing says what the team would do if it moved 20% tomorrow",
        help="Add `decision:` with the action a 20% move would trigger (e.g. \"A 20% drop pauses the "
        "launch until we know why\"); if there is none, retire the metric with `status: deprecated`.",
        field=("id",),
    )
