"""The words the V rules read: how a metric's text is split into words, and the vocabulary of
vanity quantities (V001), of relations to a base, of money, and of ever-growing totals (V002).

A name, unit or formula is read as lowercase words (kit.as_words) after `%` is read as "percent" and
`/` or "divided by" as "per"; camelCase events are split first. Phrases are matched as whole
words, so "views" is not found in "reviews".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterator, NamedTuple, Optional

from metricspec.rules import kit


# -- words ----------------------------------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_DIVIDED_BY = re.compile(r"\bdivided\s+by\b|\bover\s+(?=count|sum|total)", re.IGNORECASE)


# A check reads the same name, unit or formula several times (V001 and V002 share _relation):
# the last few texts' words are kept. Few enough that nothing is shared between metrics' checks.
@functools.lru_cache(maxsize=64)
def text_words(text: Optional[str], camel: bool = False) -> str:
    """The text as kit.as_words reads it (lowercase words, padded with a space at each end), after
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
    return kit.as_words(lower.replace("%", " percent ").replace("/", " per "))


class PhraseMatch(NamedTuple):
    """A phrase found in words, read as a regex match is: `group(0)`, `start()`, `end()`."""

    text: str
    at: int
    to: int

    def group(self, _: int = 0) -> str:
        return self.text

    def start(self) -> int:
        return self.at

    def end(self) -> int:
        return self.to


class Phrases:
    """Whole-word phrases found in words (kit.as_words: single spaces, padded): left to right,
    the longest phrase at each word, never overlapping. What the regex `(?<= )(?:longest|...|
    short)(?= )` finds, without compiling one: the names' 600 phrases took 11 ms to compile at
    every start, an eighth of linting one file (tests/test_vanity_terms.py holds the two equal)."""

    def __init__(self, phrases) -> None:
        self.phrases = frozenset(phrases)
        self.first_words = frozenset(phrase.split(" ", 1)[0] for phrase in self.phrases)
        self.most_words = max((phrase.count(" ") + 1 for phrase in self.phrases), default=0)

    def finditer(self, words: str) -> Iterator[PhraseMatch]:
        tokens = words.split(" ")
        if self.first_words.isdisjoint(tokens):
            return  # most texts: no phrase starts at any of its words
        starts, at = [], 0
        for token in tokens:
            starts.append(at)
            at += len(token) + 1
        k = 1  # a phrase follows a space: the first word, before any, is never one's start
        while k < len(tokens):
            if tokens[k] in self.first_words:
                # A phrase's last word is followed by a space: the string's last word never ends one.
                for last in range(min(k + self.most_words, len(tokens) - 1), k, -1):
                    text = words[starts[k]:starts[last] - 1]
                    if text in self.phrases:
                        yield PhraseMatch(text, starts[k], starts[last] - 1)
                        k = last  # the next phrase starts after this one's space
                        break
                else:
                    k += 1
            else:
                k += 1

    def search(self, words: str) -> Optional[PhraseMatch]:
        return next(self.finditer(words), None)


def word_before(words: str, start: int) -> str:
    head = words[:start].split()
    return head[-1] if head else ""


def word_after(words: str, end: int) -> str:
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


def per_entity(words: str) -> Optional[str]:
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
RELATIVE_WORDS = Phrases(
    (
        "share of", "percent", "percentage", "pct", "proportion", "fraction", "ratio", "ratios",
        "rate", "rates", "conversion", "click through", "ctr", "retention",
    )
)
RELATIVE_UNITS = frozenset(
    "percent percentage pct ratio rate share proportion fraction bps".split()
)



# -- V001 vocabulary ------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One vanity quantity: how names and events spell it, and what to measure instead."""

    label: str
    names: tuple[str, ...]  # plural forms: names, formulas and events
    events: tuple[str, ...] = ()  # singular forms an event is named by ("app_download")
    not_after: frozenset[str] = frozenset()  # "cache hits", "report downloads" are not vanity
    instead: str = ""
    # Singular nouns a name counts with a word after them: "download count", "sign-up volume".
    singulars: tuple[str, ...] = ()


TERMS: tuple[Term, ...] = (
    Term(
        "downloads",
        ("downloads", "app downloads"),
        ("download", "downloaded", "app download", "app downloaded"),
        # Exporting one's own work is use of the product, not reach.
        frozenset("report reports csv pdf invoice invoices statement statements receipt receipts export exports".split()),
        "Measure what the downloads turn into: the share of new installs that complete onboarding "
        "in week one (`numerator`/`denominator`, `unit: percent`), or downloads per active account.",
        singulars=("download", "app download"),
    ),
    Term(
        "installs",
        ("installs", "installations", "app installs"),
        ("install", "installed", "app install", "app installed", "installation"),
        frozenset(),
        "Measure what the installs turn into: the share of new installs still active after 7 days, "
        "or the share that reach the first key action (`unit: percent` with a `denominator`).",
        singulars=("install", "installation", "app install"),
    ),
    Term(
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
    Term(
        "page views",
        ("page views", "pageviews", "screen views", "screenviews", "video views", "profile views", "post views"),
        ("page view", "pageview", "screen view", "page viewed", "screen viewed", "video view", "profile view"),
        frozenset(),
        "Measure what the views lead to: visit-to-sign-up conversion, or the share of sessions that "
        "reach the core action (`unit: percent` with a `denominator`).",
        singulars=("page view", "pageview", "screen view", "screenview", "video view", "profile view", "post view"),
    ),
    Term(
        "hits",
        ("hits", "page hits", "site hits", "web hits", "website hits"),
        ("hit", "page hit"),
        frozenset("cache cached cdn search lookup index".split()),
        "Measure what the traffic achieves: conversion from visit to sign-up or purchase, or the "
        "share of visits that reach the core action (`unit: percent` with a `denominator`).",
        singulars=("hit", "page hit", "site hit", "web hit", "website hit"),
    ),
    Term(
        "logins",
        ("logins", "log ins", "sign ins", "signins", "user logins"),
        ("login", "log in", "logged in", "sign in", "signed in", "signin", "user login"),
        frozenset(),
        "A login is not use: measure the weekly active accounts that do the core action, or the "
        "share of accounts that do it every week (`unit: percent` with a `denominator`).",
        singulars=("login", "log in", "sign in", "signin", "user login"),
    ),
    Term(
        "followers",
        ("followers", "follower count"),
        ("follow", "followed", "follower", "user followed"),
        frozenset(),
        "Measure engagement instead: the share of followers who interact each week, or conversions "
        "from social per 1,000 followers (`denominator: followers`).",
        singulars=("follower",),
    ),
    Term(
        "likes",
        ("likes", "like count"),
        ("like", "liked", "post liked"),
        frozenset(),
        "Measure engagement rate instead: likes per post or per active viewer (`denominator`), or "
        "the share of viewers who come back.",
        singulars=("like",),
    ),
    Term(
        "impressions",
        ("impressions", "ad impressions"),
        ("impression", "ad impression"),
        frozenset("first".split()),
        "Measure what the impressions lead to: click-through rate, or cost per activated customer "
        "(`unit: percent` or a `denominator`).",
        singulars=("impression", "ad impression"),
    ),
    Term(
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
    Term(
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

BY_PHRASE: dict[str, Term] = {}
for _term in TERMS:
    for _phrase in _term.names + _term.events:
        BY_PHRASE[_phrase] = _term
EVENT_TERMS = Phrases(BY_PHRASE)
FORMULA_TERMS = Phrases(phrase for phrase in BY_PHRASE if phrase not in _AMBIGUOUS_IN_FORMULAS)

# How a matched phrase is written back in a message ("sign ups" was read from "sign-ups").
SPELLING = {
    "sign ups": "sign-ups", "new sign ups": "new sign-ups", "log ins": "log-ins", "sign ins": "sign-ins",
}

# A name counts a singular noun with the word after it: "download count", "sign-up volume".
_COUNT_WORDS = ("count", "counts", "number", "numbers", "volume", "volumes", "total", "totals")
# Words after such a phrase that make it a measure of something else: "visit total duration".
NOT_A_COUNT = frozenset("time duration length latency size value revenue cost costs spend amount".split())


def _plural_of(singular: str) -> str:
    plural = singular + ("es" if singular.endswith(("ch", "sh", "s", "x")) else "s")
    return SPELLING.get(plural, plural)


# Each phrase, the term it counts and how the message names what it counts ("sign-ups").
COUNTED: dict[str, tuple[Term, str]] = {
    f"{singular} {word}": (term, _plural_of(singular))
    for term in TERMS
    for singular in term.singulars
    for word in _COUNT_WORDS
}
NAME_TERMS = Phrases([phrase for term in TERMS for phrase in term.names] + list(COUNTED))

# A word before the term that makes it a problem to shrink or an engaged population, not reach.
QUALIFIED_BEFORE = frozenset(
    "failed failing unsuccessful rejected blocked fraudulent fraud fake bot bots spam duplicate "
    "duplicated abandoned suspicious bounced invalid active engaged activated retained converted "
    "returning paying".split()
)
# A clause after the term that narrows it to people who did something: "sign-ups who create a chart".
QUALIFIED_AFTER = frozenset("who that which whose where".split())
# Words saying the metric counts distinct people, whatever event marks them.
PEOPLE = re.compile(r" (?:active|unique|distinct|dau|wau|mau) ")



# A unit in money: an ISO 4217-like code ("USD", "kEUR", "USD/month"), a currency word, a symbol.
CURRENCY_CODE = re.compile(r"(?<![A-Za-z])[km]?([A-Z]{3})(?![A-Za-z])")
# Three capitals that name no currency: counts of people or things, scores.
NOT_CURRENCY_CODES = frozenset("DAU WAU MAU CNT QTY NUM PCS NPS KPI PCT BPS".split())
CURRENCY_WORDS = frozenset(
    "currency usd eur gbp jpy chf cad aud nzd cny inr brl mxn sek nok dkk pln czk huf sgd hkd krw zar "
    "ils aed sar dollar dollars euro euros cents".split()
)
CURRENCY_SYMBOLS = frozenset("$€£¥₹")



# -- V002 vocabulary ---------------------------------------------------------------------------

CUMULATIVE_WORDS = Phrases(
    (
        "total", "totals", "cumulative", "cumulatively", "all time", "alltime", "lifetime",
        "to date", "todate", "since launch", "since inception", "since start", "running total",
        "grand total",
    )
)
PERIOD_TO_DATE = frozenset("year quarter month week season fiscal up".split())
NOT_COUNTS = Phrases(
    (
        "lifetime value", "customer lifetime", "user lifetime", "account lifetime", "member lifetime",
        "subscriber lifetime", "client lifetime", "ltv", "clv", "cltv", "total cost of ownership",
        "tco", "total addressable market", "tam", "cumulative layout shift", "total contract value",
        "total order value", "total basket value", "total time", "total duration",
    )
)
PERIOD_WORDS = Phrases(
    (
        "daily", "weekly", "biweekly", "monthly", "quarterly", "yearly", "annual", "annually",
        "this week", "this month", "this quarter", "this year", "last week", "last month",
        "last quarter", "last year", "in week", "in the first", "first week", "first month",
        "per day", "per week", "per month", "per quarter", "per year", "a day", "a week", "a month",
        "each week", "each month", "each day", "7d", "28d", "30d", "90d", "1d",
    )
)
# A total of people or things in a state they can leave is a stock that can shrink, not a running count.
LOSABLE_STATE = frozenset(
    "active paying current open live subscribed engaged retained enabled outstanding pending "
    "concurrent remaining".split()
)
DURATIONS = frozenset("second seconds s ms minute minutes min hour hours h day days week weeks month months".split())


