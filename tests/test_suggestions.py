"""workspace.closest answers exactly what difflib.get_close_matches(word, candidates, n=1) does."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from metricspec.workspace import closest

_IDS = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,14}", fullmatch=True) | st.text(max_size=8)


def _difflib(word, candidates, cutoff):
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
    return found[0] if found else None


@settings(max_examples=500, deadline=None)
@given(word=_IDS, candidates=st.lists(_IDS, max_size=30), cutoff=st.sampled_from([0.0, 0.5, 0.75, 0.9, 1.0]))
def test_the_same_suggestion_as_difflib(word, candidates, cutoff):
    # Near misses of the word itself make close scores and ties likely.
    candidates = candidates + [word[:-1], word + "s", word[::-1], word.replace("e", "a")]
    assert closest(word, candidates, cutoff) == _difflib(word, candidates, cutoff)
    assert closest(word, dict.fromkeys(candidates), cutoff) == _difflib(word, dict.fromkeys(candidates), cutoff)


def test_typical_typos():
    ids = [f"t{i:05d}-{area}-{what}" for i in range(200) for area in ("reports", "search")
           for what in ("revenue", "churn", "activation")]
    for typo in ("t00008-reports-revnue", "t00199-serch-churn", "weekly-users", ""):
        assert closest(typo, ids) == _difflib(typo, ids, 0.75)
