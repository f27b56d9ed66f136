"""The V rules' phrase finder (vanity_terms.Phrases) finds what the regex it replaces found:
`(?<= )(?:phrases, longest first)(?= )` over words as kit.as_words writes them. Compiling that
regex for the names' phrases took 11 ms at every start; the finder needs no compiling, and
these tests hold the two to the same matches, phrase, start and end."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metricspec.rules import kit
from metricspec.rules import vanity_terms as terms

SETS = ["NAME_TERMS", "EVENT_TERMS", "FORMULA_TERMS", "RELATIVE_WORDS", "CUMULATIVE_WORDS", "NOT_COUNTS", "PERIOD_WORDS"]


def regex(phrases) -> re.Pattern[str]:
    ordered = sorted(set(phrases), key=lambda phrase: (-len(phrase), phrase))
    return re.compile(r"(?<= )(?:" + "|".join(re.escape(phrase) for phrase in ordered) + r")(?= )")


def found(matcher, words: str) -> list[tuple[str, int, int]]:
    return [(match.group(0), match.start(), match.end()) for match in matcher.finditer(words)]


@pytest.mark.parametrize("name", SETS)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_finder_matches_the_regex_on_its_own_words(name, data):
    phrases = getattr(terms, name)
    vocabulary = sorted({word for phrase in phrases.phrases for word in phrase.split(" ")} | {"per", "the", "x"})
    words = kit.as_words(" ".join(data.draw(st.lists(st.sampled_from(vocabulary), max_size=10))))
    assert found(phrases, words) == found(regex(phrases.phrases), words)
    first = phrases.search(words)
    assert (first and (first.group(0), first.start(), first.end())) == (found(phrases, words) or [None])[0]


@settings(max_examples=300, deadline=None)
@given(phrases=st.lists(st.lists(st.sampled_from("a b c ab".split()), min_size=1, max_size=3).map(" ".join),
                        min_size=1, max_size=6),
       words=st.lists(st.sampled_from("a b c ab d".split()), max_size=12))
def test_the_finder_matches_the_regex_on_any_phrases(phrases, words):
    # Phrases that share words and prefixes ("a", "a b", "a b c"): the longest at each word wins.
    text = kit.as_words(" ".join(words))
    assert found(terms.Phrases(phrases), text) == found(regex(phrases), text)


def test_examples():
    views = terms.Phrases(["page views", "views", "page"])
    assert found(views, " page views per visit ") == [("page views", 1, 11)]
    assert found(views, " reviews page ") == [("page", 9, 13)]
    assert found(views, " page") == []  # no space after it: not a whole word
    assert views.search(" none here ") is None
