"""The loader's lean walk against its careful walk.

A well-formed file is read by the lean walk (lean_walk.py), which records spans instead of
positions; anything else falls back to the careful walk (careful_walk.py). Whichever walk reads
a file, a user must see the same data, the same positions and the same problems, so every input
here is read both ways and the results compared.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metricspec.decoding import decode
from metricspec.loader import LoadedFile, load_text

from .conftest import PROJECT, shared_path
from .robustness.conftest import VALID_SPEC
from .robustness.test_fuzz import FUZZ, mutated_spec, yaml_like


def read_both_ways(text: str) -> LoadedFile:
    """Load `text` as a run does and assert the careful walk reads it the same; return the run's."""
    fast = load_text(text, "f.yaml")
    slow = load_text(text, "f.yaml", lean=False)
    assert slow.spans is None
    assert fast.data == slow.data
    assert type(fast.data) is type(slow.data)
    assert fast.positions == slow.positions
    assert fast.problems == slow.problems
    assert fast.unreadable == slow.unreadable
    assert fast.quoted == slow.quoted  # what tells a suppression comment from text in a value
    return fast


def _texts(paths) -> list[tuple[str, str]]:
    texts = []
    for path in paths:
        text, problem = decode(Path(path).read_bytes())
        if problem is None:
            texts.append((str(path), text))
    return texts


def _project_yaml() -> list[tuple[str, str]]:
    paths = sorted(PROJECT.glob("examples/**/*.yaml")) + sorted(PROJECT.glob("tests/**/*.yaml"))
    return _texts(paths)


def test_the_project_s_specs_read_the_same_both_ways_and_most_take_the_lean_walk():
    texts = _project_yaml()
    assert len(texts) > 100
    lean = 0
    for path, text in texts:
        loaded = read_both_ways(text)
        lean += loaded.spans is not None
    # The lean walk must be what reads ordinary files, or this test compares nothing.
    assert lean > len(texts) * 0.8, (lean, len(texts))


def test_the_examples_take_the_lean_walk():
    for path, text in _texts(sorted(PROJECT.glob("examples/*.yaml"))):
        loaded = read_both_ways(text)
        assert loaded.spans is not None, path
        assert loaded.positions, path


def test_every_yaml_test_suite_input_reads_the_same_both_ways():
    files = sorted(shared_path("corpora", "yaml-test-suite").glob("*/in.yaml"))
    assert len(files) > 300
    for path, text in _texts(files):
        read_both_ways(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "---\n...\n",
        "plain\n",
        "~\n",
        "[]\n",
        "a: 1\nb:\n  - x\n  - [y, {z: ~}]\n  -\n",
        "a: &x 1\nb: *x\n",
        "a: 1\na: 2\n",
        "<<: {a: 1}\n",
        "? [a]\n: 1\n",
        "a: !tag 1\n",
        "a: ! 1\n",
        "a: 1\n---\nb: 2\n",
        "x-a: 1\nx-a: 2\nx-b: {c: [1, 2]}\nd: 'null'\ne: null\n",
        "a: [1\n",
        "[" * 70 + "]" * 70 + "\n",
        "- " * 70 + "x\n",
        VALID_SPEC,
    ],
)
def test_edge_cases_read_the_same_both_ways(text):
    read_both_ways(text)


@settings(FUZZ)
@given(raw=st.one_of(yaml_like, mutated_spec()))
def test_random_input_reads_the_same_both_ways(raw):
    text, problem = decode(raw)
    if problem is None:
        read_both_ways(text)


@pytest.mark.parametrize("lean", [True, False])
def test_reading_a_file_and_its_positions_leaves_no_reference_cycle(lean):
    # lint runs with the collector off: a cycle made per file (a self-calling closure, say)
    # would keep that file's objects, its positions among them, until the process exits.
    text = (PROJECT / "examples" / "acme-analytics.metrics.yaml").read_text(encoding="utf-8")
    gc.collect()
    gc.disable()
    try:
        loaded = load_text(text, "acme.yaml", lean=lean)
        assert len(loaded.positions) > 50
        del loaded
        assert gc.collect() == 0
    finally:
        gc.enable()
