"""lean_walk.SpanIndex finds each path's spans as positions_from_spans expands them all: over
every file of the bundled examples, the rule fixtures and a generated workspace, every path the
expansion holds, and paths it does not hold (absent keys, indexes past the end, a step into a
scalar)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from metricspec.lean_walk import SpanIndex, positions_from_spans
from metricspec.loader import read_file

PROJECT = Path(__file__).resolve().parent.parent


def _generated(tmp_path: Path) -> list[Path]:
    spec = importlib.util.spec_from_file_location("generate", PROJECT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_workspace(str(tmp_path), 30)
    return sorted(tmp_path.rglob("*.yaml"))


def _files(tmp_path: Path) -> list[Path]:
    found = sorted((PROJECT / "examples").rglob("*.yaml")) + sorted((PROJECT / "tests" / "rules").rglob("*.yaml"))
    return found + _generated(tmp_path)


def test_every_path_is_found_as_the_expansion_has_it(tmp_path):
    checked = 0
    for path in _files(tmp_path):
        loaded = read_file(str(path), str(path))
        if loaded.spans is None:
            continue  # the careful walk's file: its positions are a dict already
        expanded = positions_from_spans(loaded.data, loaded.spans)
        index = SpanIndex(loaded.data, loaded.spans)
        for where in reversed(list(expanded)):  # last first: the counts are built from the far end too
            assert index.entry(where) == expanded[where], (path, where)
            checked += 1
        for missing in [(), ("no-such-key",), ("objectives", 10_000), ("objectives", -1), ("metricspec", "x"),
                        ("objectives", 0, "id", 0), ("objectives", "0")]:
            assert index.entry(missing) is expanded.get(missing) is None, (path, missing)
    assert checked > 10_000


@pytest.mark.parametrize("text", ["a: 1\n", "- 1\n- [2, 3]\n- {b: {c: [4]}}\n", "[]\n", "{}\n", "7\n"])
def test_small_documents(tmp_path, text):
    file = tmp_path / "x.yaml"
    file.write_text(text)
    loaded = read_file(str(file), "x.yaml")
    expanded = positions_from_spans(loaded.data, loaded.spans) if loaded.spans is not None else {}
    index = SpanIndex(loaded.data, loaded.spans) if loaded.spans is not None else None
    for where, entry in expanded.items():
        assert index.entry(where) == entry
