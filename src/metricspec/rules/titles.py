"""T007's reading of an objective's or goal's title: does it say how much ("by 20%", "a third") or
only when ("in Q3 2027")? T007 is judged by that missing amount; the vague verb a clause opens
with ("Increase engagement", "Retain and grow ...") only words the message.

A title is split into tokens that keep the separators between its clauses (":", ",", " - "), since
a clause may open with its own verb; numbers are read as amounts only when they say how much: a
year, quarter or date says when, digits inside a name (B2B, P95) and a window (30-day retention)
are no amount.
"""

from __future__ import annotations

import re
from typing import Optional

_VAGUE_VERBS = (
    "increase", "reduce", "improve", "boost", "grow", "enhance", "optimize", "optimise", "drive",
    "maximize", "maximise", "minimize", "minimise", "decrease", "raise", "lower", "expand",
    "accelerate", "strengthen", "deepen", "lift", "elevate", "advance", "foster",
)


def _forms(verb: str) -> tuple[str, ...]:
    stem = verb[:-1] if verb.endswith("e") else verb
    return (verb, verb + "s", stem + "ing")


_VAGUE_FORMS = {form: verb for verb in _VAGUE_VERBS for form in _forms(verb)}
# Words a title may open with before its verb: "Q3: Continue to improve", "We will grow ...".
_LEAD_IN = {"to", "we", "will", "must", "should", "also", "further", "continue", "lets", "let's", "let’s",
            "us", "keep", "help"}
# Conjunctions open a new clause: "Retain and grow enterprise accounts".
_CONJUNCTIONS = {"and", "or", "then", "but", "while"}
_NUMBER_WORDS = {
    "double", "doubles", "doubling", "triple", "tripling", "quadruple", "twice", "thrice", "half",
    "halve", "halving", "twofold", "threefold", "fivefold", "tenfold", "percent", "two", "three",
    "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen", "twenty",
    "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand",
    "million", "billion", "dozen",
}
# Separators start a new clause; everything else is a run of other characters (linear to split).
_TOKEN = re.compile(r"[:;,/&()]|\s[-\u2013\u2014]\s|[^\s:;,/&()]+")
_SEPARATORS = {":", ";", ",", "/", "&", "(", ")", "-", "\u2013", "\u2014"}
_PUNCTUATION = "()[]{}.,;:!?\"'\u201c\u201d\u2018\u2019"
# Numbers that only say *when*: years, fiscal years, quarters, halves, dates.
_TIME = re.compile(
    r"(?:(?:fy|cy)'?)?(?:19|20)\d{2}|(?:fy|cy)'?\d{2}|[qh][1-4](?:'\d{2})?|(?:19|20)\d{2}-\d{2}(?:-\d{2})?"
)


# A standalone quantity: 20%, +20%, $1M, 14.4m, 10,000 (read as 10 and 000), 2x, 5min, 200ms, 3rd.
# Digits inside a name (B2B, P95, v2, 3D, G2, L2, S3, 2FA) are no amount.
_AMOUNT = re.compile(
    r"[~+\u00b1\u2248<>\u2264\u2265]*[$\u20ac\u00a3\u00a5]?\d[\d.,_]*"
    r"(?:%|x|\u00d7|k|m|mm|bn|b|pp|pts?|ms|s|secs?|mins?|h|hrs?|st|nd|rd|th)?"
)
_HYPHEN = re.compile(r"[-\u2013]")
# Fractions said in words: "by a third", "one-third", "two-fifths".
_FRACTIONS = {"third", "thirds", "quarter", "quarters", "fifth", "fifths", "tenth", "tenths", "half"}
# A window or a cohort day names a metric ("30-day retention", "day-7", "week 4"); it says how
# much only after "to", "by", "under" ... ("cut delivery to 3-day").
_WINDOW = re.compile(r"\d+-(?:day|week|month|year|hour|minute)s?|(?:day|week|month|year)-\d+")
_WINDOW_UNITS = {"day", "week", "month", "year", "d", "w", "m"}
_TARGET_WORDS = {"to", "by", "under", "within", "below", "above", "over", "than", "from"}
# Idioms that hold digits but no amount.
_IDIOMS = re.compile(r"\b(?:24/7|1:1|one-on-one)\b")


def _tokens(title: str) -> list[str]:
    return [token.strip() for token in _TOKEN.findall(title.lower())]


def vague_verb(title: str) -> Optional[str]:
    """The vague verb a clause of the title opens with ("Increase ...", "Retain and grow ...")."""
    at_start = True
    for token in _tokens(title):
        word = token.strip(_PUNCTUATION)
        if token in _SEPARATORS or word in _CONJUNCTIONS:
            at_start = True
            continue
        if word in _LEAD_IN or (word.endswith("ly") and word.isalpha()):
            continue  # "and", "to", adverbs: the clause has not reached its verb yet
        if at_start and word in _VAGUE_FORMS:
            return word
        at_start = False
    return None


def _is_time(token: str) -> bool:
    if _TIME.fullmatch(token):
        return True
    parts = re.split(r"[-/]", token)
    return len(parts) > 1 and all(part.isalpha() or _TIME.fullmatch(part) for part in parts if part)


def has_time(title: str) -> bool:
    return any(
        any(char.isdigit() for char in word) and _is_time(word)
        for word in (token.strip(_PUNCTUATION) for token in _tokens(title))
    )


def _is_amount(word: str) -> bool:
    """A word that is a quantity ("20%", "$1m", "3-day"), not a name holding digits ("b2b", "p95")."""
    return any(_AMOUNT.fullmatch(part) for part in _HYPHEN.split(word))


def has_number(title: str) -> bool:
    """A number that says how much: a standalone quantity that is not a year, quarter, date or
    window, or a number said in words."""
    words = [token.strip(_PUNCTUATION) for token in _tokens(_IDIOMS.sub(" ", title.lower()))]
    for index, word in enumerate(words):
        before = words[index - 1] if index else ""
        if word in _NUMBER_WORDS or word == "one" or (word in _FRACTIONS and before in ("a", "one")):
            return True
        parts = _HYPHEN.split(word)
        if len(parts) > 1 and all(part in _NUMBER_WORDS or part in _FRACTIONS or part == "one" for part in parts):
            return True  # "one-third", "two-fifths"
        if not any(char.isdigit() for char in word) or _is_time(word):
            continue
        if (_WINDOW.fullmatch(word) or before in _WINDOW_UNITS) and before not in _TARGET_WORDS:
            continue  # "30-day retention", "week 4 retention"
        if _is_amount(word):
            return True
    return False
