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
about what is measured. The words and the vocabulary are in vanity_terms.py; V003 (a metric with
no `decision`) is a field-presence check and lives in governance.py.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Optional

from metricspec.rules import Context, Finding, rule
from metricspec.rules.kit import metric_name
from metricspec.rules.vanity_terms import (
    BY_PHRASE,
    COUNTED,
    CUMULATIVE_WORDS,
    CURRENCY_CODE,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    DURATIONS,
    EVENT_TERMS,
    FORMULA_TERMS,
    LOSABLE_STATE,
    NAME_TERMS,
    NOT_A_COUNT,
    NOT_COUNTS,
    NOT_CURRENCY_CODES,
    PEOPLE,
    PERIOD_TO_DATE,
    PERIOD_WORDS,
    QUALIFIED_AFTER,
    QUALIFIED_BEFORE,
    RELATIVE_UNITS,
    RELATIVE_WORDS,
    SPELLING,
    Term,
    per_entity,
    Phrases,
    text_words,
    word_after,
    word_before,
)
from metricspec.workspace import MetricItem


def _relation(metric: MetricItem) -> Optional[str]:
    """What relates the metric to a base (so that it is no raw count), in a reviewer's words."""
    model = metric.model
    if model.denominator and model.denominator.strip():
        return f"its denominator ({model.denominator.strip()})"
    if model.aggregation == "rate":
        return "`aggregation: rate`"
    unit = text_words(model.unit)
    if set(unit.split()) & RELATIVE_UNITS:
        return f"its unit ({model.unit})"
    if per_entity(unit):
        return f"its unit ({model.unit})"
    name = text_words(model.name)
    found = RELATIVE_WORDS.search(name)
    if found:
        return f"'{found.group(0)}' in its name"
    entity = per_entity(name)
    if entity:
        return f"'per {entity}' in its name"
    for field in ("formula", "numerator"):
        text = text_words(getattr(model, field), camel=True)
        entity = per_entity(text)
        if entity:
            return f"its {field} divides by {entity}"
        found = RELATIVE_WORDS.search(text)
        if found:
            return f"'{found.group(0)}' in its {field}"
    return None


@functools.lru_cache(maxsize=8)
def _custom_terms(terms: tuple[str, ...]) -> tuple[Optional[Phrases], dict[str, str]]:
    """The config's extra terms (`[vanity] extend-terms`) as phrases, and each one's label."""
    labels = {}
    for term in terms:
        words = text_words(term).strip()
        if words:
            labels.setdefault(words, term.strip())
    return (Phrases(labels) if labels else None), labels


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


def _scan(words: str, phrases: Optional[Phrases], custom: bool, prose: bool) -> tuple[list, bool]:
    """Unqualified matches of `phrases` in `words`, and whether any match (qualified or not) occurred.

    In prose (a name) a clause after the term narrows it ("sign-ups who ..."); in a formula or an
    event "where" is a filter of any kind, so only the word before the term is read there.
    """
    if phrases is None:
        return [], False
    found, seen = [], False
    for match in phrases.finditer(words):
        phrase = match.group(0)
        before, after = word_before(words, match.start()), word_after(words, match.end())
        counted = None if custom else COUNTED.get(phrase)
        if counted is not None and after in NOT_A_COUNT:
            continue  # "visit total duration": not a count of visits
        seen = True
        term = None if custom else counted[0] if counted else BY_PHRASE.get(phrase)
        if before in QUALIFIED_BEFORE or (prose and after in QUALIFIED_AFTER):
            continue
        if term is not None and before in term.not_after:
            continue
        found.append((phrase, term))
    return found, seen


def _evidence(metric: MetricItem, ctx: Context) -> Optional[_Evidence]:
    model = metric.model
    custom_phrases, labels = _custom_terms(tuple(ctx.vanity_terms))
    name = text_words(model.name)

    def first(words: str, builtin: Phrases, prose: bool = False) -> tuple[Optional[tuple[str, Optional[Term]]], bool]:
        hits, seen = _scan(words, builtin, False, prose)
        extra, extra_seen = _scan(words, custom_phrases, True, prose)
        hits += [(labels[phrase], None) for phrase, _ in extra]
        return (hits[0] if hits else None), seen or extra_seen

    found, seen = first(name, NAME_TERMS, prose=True)
    if found:
        phrase, term = found
        if term is None:
            label = phrase
        elif phrase in COUNTED:
            label = COUNTED[phrase][1]
        else:
            label = SPELLING.get(phrase, phrase)
        return _Evidence(label, "", "name", term.instead if term else _CUSTOM_HELP)
    if seen:
        return None  # the name qualifies the term ("sign-ups who create a chart"): it knows what it counts
    if model.aggregation == "unique" or PEOPLE.search(name):
        return None  # distinct active people, marked by whatever event: not a count of events
    event = text_words(model.event, camel=True)
    found, _ = first(event, EVENT_TERMS)
    if found:
        phrase, term = found
        label = term.label if term else phrase
        return _Evidence(label, f" (its event `{model.event}`)", "event", term.instead if term else _CUSTOM_HELP)
    for field in ("formula", "numerator"):
        text = text_words(getattr(model, field), camel=True)
        if PEOPLE.search(text):
            continue
        found, _ = first(text, FORMULA_TERMS)
        if found:
            phrase, term = found
            label = term.label if term else phrase
            return _Evidence(label, f" (in its {field})", field, term.instead if term else _CUSTOM_HELP)
    return None


def _currency(unit: Optional[str]) -> bool:
    """True when the unit is money: a sum of money is not a raw count of a vanity quantity."""
    if not unit:
        return False
    if any(code not in NOT_CURRENCY_CODES for code in CURRENCY_CODE.findall(unit)):
        return True
    return bool(CURRENCY_SYMBOLS.intersection(unit)) or bool(CURRENCY_WORDS.intersection(text_words(unit).split()))


def _shrinking(metric: MetricItem) -> bool:
    """A target that heads down: the count is a problem to reduce, not applause."""
    target = metric.model.target
    if target is None:
        return False
    if target.direction:
        return target.direction == "decrease"
    return target.value is not None and target.baseline is not None and target.value < target.baseline


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
    period = PERIOD_WORDS.search(text_words(model.name))
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
        f"{metric_name(metric)} counts {evidence.label}{evidence.where} with {missing}",
        help=evidence.instead,
        field=(evidence.field,),
    )


# -- V002 -----------------------------------------------------------------------------------


def _cumulative_words(metric: MetricItem) -> Optional[str]:
    """The word of the name that makes it an ever-growing count, if it is one."""
    model = metric.model
    name = text_words(model.name)
    if NOT_COUNTS.search(name) or model.aggregation in ("average", "median", "p90"):
        return None
    if _relation(metric) is not None:
        return None
    for match in CUMULATIVE_WORDS.finditer(name):
        word = match.group(0)
        before = word_before(name, match.start())
        if word in ("to date", "todate") and before in PERIOD_TO_DATE:
            continue  # year-to-date starts again every year; up-to-date is not a count
        if word in ("total", "totals"):
            # A total over a window is a sum in that window, not a count that can only grow.
            if model.window or PERIOD_WORDS.search(name):
                continue
            if (model.unit or "").strip().lower() in DURATIONS:
                continue
            if set(name.split()) & LOSABLE_STATE:
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
        f"{metric_name(metric)} is a cumulative count ({' and '.join(evidence)}): it can only go up, so it "
        "keeps rising while users leave and cannot show growth slowing",
        help="Measure the flow in a window instead (new ones per week with `window: 7d`) or a stock "
        "that can shrink (weekly active accounts, retention); keep the running total on a dashboard, "
        "not in the spec.",
        field=("aggregation",) if declared else ("name",),
    )


def flagged(metric: MetricItem, ctx: Context) -> Optional[str]:
    """"V001" or "V002" when that rule flags the metric (its target then says nothing a team can
    steer by: T007 does not count it), else None."""
    if not metric.active:
        return None
    if metric.model.aggregation == "cumulative" or _cumulative_words(metric) is not None:
        return "V002"
    if _shrinking(metric) or _currency(metric.model.unit) or _relation(metric) is not None:
        return None
    return "V001" if _evidence(metric, ctx) is not None else None
