"""Battery item 9: tabs and unclosed flow collections give E001 at the same line and column
(and the same message) whichever parser reads the file; files both accept give the same data."""

from __future__ import annotations

import pytest
import yaml

from metricspec import yaml_events
from metricspec.loader import load_text

from .conftest import VALID_SPEC, found, lint_here, messages

TAB = "invalid YAML: a tab character where YAML allows only spaces"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("metricspec: 1\n\tproduct: Acme\n", 2, 1),  # a tab indenting a key
        ("metricspec: 1\nobjectives:\n  - id: a\n\t title: A\n", 4, 1),
        ("metricspec: 1\nobjectives:\n  - id: a\n \ttitle: A\n", 4, 2),  # after a space
        ("metricspec: 1\nobjectives:\n-\tid: a\n", 3, 2),  # after a '-'
        ("metricspec: 1\nproduct: Acme\n\t\nowner: ana\n", 3, 1),  # a line holding only a tab
    ],
    ids=["key", "item-key", "after-space", "after-dash", "tab-line"],
)
def test_a_tab_that_indents(tmp_path, monkeypatch, text, line, column):
    (tmp_path / "a.metrics.yaml").write_text(text)
    report = lint_here(tmp_path, monkeypatch, "a.metrics.yaml")
    assert found(report) == [("a.metrics.yaml", "E001", line, column)]
    assert messages(report, "E001") == [TAB]
    assert report.diagnostics[0].help == "YAML indents with spaces: replace the tab with spaces."


@pytest.mark.parametrize(
    "text",
    [
        "a:\tb\n",  # after a key's ':'
        "a: b\t# comment\n",
        "a: b\t\n",
        "a: [\t1,\t2]\n",
        "a: {\tx: 1}\n",
        "a: [\n\t1]\n",
        "a: x\ty\n",
        "key\t: value\n",
        "a: 'x\ty'\n",
        "a: |\t# comment\n  text\n",
        "a: !!str\tb\n",
    ],
)
def test_tabs_that_separate_are_accepted_by_both_parsers(text):
    loaded = load_text(text, "x.yaml")
    assert [p.code for p in loaded.problems] in ([], ["E007"])
    assert isinstance(loaded.data, dict)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("metricspec: 1\nsegments: [a, b\nowner: ana\n", 3, 6,
         "expected ',' or ']' after an item of the '[' opened at line 2, column 11"),
        ("metricspec: 1\nx-extra: {a: 1\nowner: ana\n", 3, 6,
         "expected ',' or '}' after an item of the '{' opened at line 2, column 10"),
        ("metricspec: 1\nsegments: [a, b", 2, 16,
         "expected ',' or ']' after an item of the '[' opened at line 2, column 11"),
        ("metricspec: 1\nsegments: [a, b\n", 3, 1,
         "expected ',' or ']' after an item of the '[' opened at line 2, column 11"),
        ("metricspec: 1\nobjectives:\n  - id: a\n    tags: [x, [y, z]\n    title: A\n", 5, 5,
         "expected ',' or ']' after an item of the '[' opened at line 4, column 11"),
    ],
    ids=["sequence", "mapping", "at-end-without-newline", "at-end", "nested"],
)
def test_an_unclosed_flow_collection(tmp_path, monkeypatch, text, line, column, message):
    (tmp_path / "a.metrics.yaml").write_text(text)
    report = lint_here(tmp_path, monkeypatch, "a.metrics.yaml")
    assert found(report) == [("a.metrics.yaml", "E001", line, column)]
    assert messages(report, "E001") == [f"invalid YAML: {message}"]


SAMPLES = [
    VALID_SPEC,
    VALID_SPEC.replace("  - id: revenue", "  - id: revenue\n\t"),
    VALID_SPEC.replace("title: Grow revenue", "title: 'Grow revenue"),
    VALID_SPEC.replace("title: Grow revenue", 'title: "Grow \\q revenue"'),
    VALID_SPEC.replace("owner: ana", "owner: ana: bob"),
    VALID_SPEC.replace("    metrics:", "   metrics:"),
    VALID_SPEC + "...\nmore: 1\n",
    VALID_SPEC + "- a\n",
    "a: b\n c: d\n",
    "{a: 1, b\n",
    "[a, b: - c]\n",
    "- a\n-\tb\n",
    "a:\n\t b\n",
    "? a\n: b\n",
    ": a\n",
    "a: 'x\n",
    'a: "x\n',
    "a: |\n  x\n y\n",
    "a: &x\n",
    "a: *x\n",
    "a: !x\n",
    "%YAML 1.2\n---\na: 1\n",
    "é: [1,\n  2",
    "a: é\r\nb: [\r\n",
    "a: 1\rb: [\r",
    "a: 1\x85b: [\n",
    "\ufeffa: [\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_both_parsers_agree(text):
    results = []
    parsers = [yaml_events.PureParser]
    if getattr(yaml, "__with_libyaml__", False):
        from yaml.cyaml import CParser

        parsers.append(CParser)
    for parser in parsers:
        original = yaml_events.EventParser
        yaml_events.EventParser = parser
        try:
            loaded = load_text(text, "x.yaml")
        finally:
            yaml_events.EventParser = original
        spans = [(p.code, p.span) for p in loaded.problems]
        normalised = [p.message for p in loaded.problems if p.message.startswith((TAB, "invalid YAML: expected ','", "invalid YAML: unknown escape"))]
        results.append((spans, normalised, loaded.data))
    assert all(result == results[0] for result in results)
