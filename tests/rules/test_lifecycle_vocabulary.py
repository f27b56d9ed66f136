"""L001 reads a metric's words in one pass (lifecycle._used): it must find exactly what searching
for " phrase " in the padded words finds, vocabulary by vocabulary, as the rules describe."""

from __future__ import annotations

import random

from metricspec.rules import lifecycle
from metricspec.rules.kit import as_words

VOCABULARIES = {**lifecycle.STAGE_TERMS, "retention": lifecycle.RETENTION_TERMS}


def _reference_fits(words: str) -> list[str]:
    found = []
    for stage in lifecycle.STAGES:
        text = words
        if stage == "mvp":
            for phrase in lifecycle._NOT_MVP:
                text = text.replace(f" {phrase} ", " ")
        if any(f" {phrase} " in text for phrase in lifecycle.STAGE_TERMS[stage]):
            found.append(stage)
    return found


def _texts():
    yield from ("", "net revenue retention net revenue retention", "comes net revenue retention back",
                "gross revenue retention rate", "week 8 retention", "ltv to cac ratio", "$ arr", "the cac")
    rng = random.Random(5)
    words = sorted({word for phrases in VOCABULARIES.values() for phrase in phrases for word in phrase.split()})
    words += ["net", "gross", "dollar", "rate", "weekly", "users", "of", "the", "per", "7", "$"]
    for _ in range(3000):
        yield " ".join(rng.choice(words) for _ in range(rng.randint(1, 7)))


def test_one_pass_finds_what_the_phrase_searches_find():
    for text in _texts():
        words = as_words(text)
        used = lifecycle._used(words)
        expected = {label for label, phrases in VOCABULARIES.items() if any(f" {p} " in words for p in phrases)}
        assert used == expected, text
        assert lifecycle._fits(words, used) == _reference_fits(words), text
