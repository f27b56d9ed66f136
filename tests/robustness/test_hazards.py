"""Battery items 4-8: tags, aliases and bombs, deep nesting, huge files, odd documents.

Each is an E007 at the offending token, found in milliseconds, with nothing constructed.
"""

from __future__ import annotations

import os
import threading

import pytest

from metricspec import loader, yaml_events
from metricspec.loader import MAX_FILE_BYTES, load_text
from metricspec.yaml_events import MAX_DEPTH, MAX_HAZARDS

from .conftest import VALID_SPEC, found, lint_here, messages, run_cli


def hazards(text: str) -> list[tuple[str, int, int, str]]:
    loaded = load_text(text, "x.yaml")
    return [(p.code, p.span[0], p.span[1], p.message) for p in loaded.problems]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("!!python/object/apply:os.system [id]", "!!python/object/apply:os.system"),
        ("!!python/object/apply:os.system\n  - id", "!!python/object/apply:os.system"),
        ("!!timestamp x", "!!timestamp"),
        ("!!bool x", "!!bool"),
        ('!!int ""', "!!int"),
        ("!Ref x", "!Ref"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!set {a, b}", "!!set"),
        ("!<tag:yaml.org,2002:str> x", "!<tag:yaml.org,2002:str>"),
        ("&anchor !!str x", "!!str"),
    ],
)
def test_explicit_tags_are_reported_as_written_and_never_constructed(tmp_path, monkeypatch, value, written):
    spec = VALID_SPEC.replace("product: Acme", f"product: {value}")
    (tmp_path / "a.metrics.yaml").write_text(spec)
    report = lint_here(tmp_path, monkeypatch, "a.metrics.yaml")
    tags = [d for d in report.diagnostics if "tag" in d.message]
    assert [(d.code, d.line, d.column) for d in tags] == [("E007", 2, 10)]
    assert f"explicit tag {written} is not part of the format" in tags[0].message
    assert "tag:yaml.org" not in tags[0].message or written.startswith("!<")


def test_a_python_tag_executes_nothing(tmp_path, monkeypatch):
    marker = tmp_path / "executed"
    (tmp_path / "a.metrics.yaml").write_text(
        VALID_SPEC + f"x-hook: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    report = lint_here(tmp_path, monkeypatch, "a.metrics.yaml")
    assert found(report) == [("a.metrics.yaml", "E007", 16, 9)]
    assert not marker.exists()


def alias_bomb(levels: int = 9) -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        name, previous = chr(ord("a") + i), chr(ord("a") + i - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int = 8) -> str:
    lines = ["a: &a {x: 1, y: 2}"]
    for i in range(1, levels + 1):
        name, previous = chr(ord("a") + i), chr(ord("a") + i - 1)
        lines.append(f"{name}: &{name}\n  <<: [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text", [alias_bomb(), merge_bomb()], ids=["alias-bomb", "merge-bomb"])
def test_bombs_are_reported_not_expanded(text):
    # Nothing is expanded, so the work is the file's few hundred events: the 100 MB test below
    # and the aliases read as empty values show it without timing anything.
    assert len(text) < 600
    problems = hazards(text)
    assert problems[0] == ("E007", 1, 4, "anchor &a is not part of the format")
    assert problems[1][:3] == ("E007", 2, 4)
    assert all(code == "E007" for code, *_ in problems)
    # A bomb is reported, not listed: the first few one by one, then one line for the rest.
    assert len(problems) == MAX_HAZARDS + 1
    assert problems[-1][3].startswith(f"more anchors, aliases, merge keys or tags from here on; only the first {MAX_HAZARDS}")


def test_a_merge_key_is_reported_at_the_key():
    assert hazards("a: &a {x: 1}\nb:\n  <<: *a\n  y: 2\n") == [
        ("E007", 1, 4, "anchor &a is not part of the format"),
        ("E007", 3, 7, "alias *a is not part of the format and is not expanded"),
        ("E007", 3, 3, "merge key '<<' is not part of the format and is not expanded"),
    ]


def test_a_self_referencing_alias():
    loaded = load_text("a: &x [*x]\n", "x.yaml")
    assert [(p.code, p.span[:2]) for p in loaded.problems] == [("E007", (1, 4)), ("E007", (1, 8))]
    assert loaded.data == {"a": [None]}


def test_a_bomb_in_a_spec_is_linted_like_any_other_file(tmp_path, monkeypatch):
    (tmp_path / "bomb.metrics.yaml").write_text(VALID_SPEC + "x-bomb:\n" + "".join("  " + line + "\n" for line in alias_bomb().splitlines()))
    (tmp_path / "good.metrics.yaml").write_text(VALID_SPEC.replace("revenue", "growth").replace("arr", "mrr"))
    report = lint_here(tmp_path, monkeypatch, "bomb.metrics.yaml", "good.metrics.yaml")
    assert {path for path, *_ in found(report)} == {"bomb.metrics.yaml"}
    assert found(report)[0] == ("bomb.metrics.yaml", "E007", 17, 6)
    assert report.files == 2


DEEP_FLOW = "[" * 100_000
DEEP_BLOCK = "".join("  " * i + "-\n" for i in range(1_100))


@pytest.mark.parametrize(
    ("text", "where"),
    [(DEEP_FLOW, (1, MAX_DEPTH + 1)), ("{a: " * 100_000, (1, 4 * MAX_DEPTH + 1)), (DEEP_BLOCK, (MAX_DEPTH + 1, 2 * MAX_DEPTH + 1))],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_deep_nesting_stops_at_the_limit(text, where):
    loaded = load_text(text, "x.yaml")
    assert [(p.code, p.span[:2]) for p in loaded.problems] == [("E007", where)]
    assert loaded.problems[0].message == f"nesting deeper than {MAX_DEPTH} levels; the rest of the file is not read"
    assert loaded.data is None


def test_deep_nesting_in_a_thread_with_a_small_stack():
    """libyaml's own loader segfaults at ~2,000 levels in such a thread; events need no stack."""
    results = []
    previous = threading.stack_size(256 * 1024)
    try:
        thread = threading.Thread(target=lambda: results.append(load_text(DEEP_FLOW, "x.yaml").problems))
        thread.start()
        thread.join(timeout=10)
    finally:
        threading.stack_size(previous)
    assert not thread.is_alive()
    assert [(p.code, p.span[:2]) for p in results[0]] == [("E007", (1, MAX_DEPTH + 1))]


def test_deep_nesting_through_the_command_line(tmp_path):
    (tmp_path / "deep.yaml").write_text(DEEP_FLOW)
    (tmp_path / "blocks.yaml").write_text(DEEP_BLOCK)
    (tmp_path / "good.metrics.yaml").write_text(VALID_SPEC)
    result = run_cli("lint", "deep.yaml", "blocks.yaml", "good.metrics.yaml", "--format", "concise", "--select", "E", cwd=tmp_path, timeout=30)
    assert result.returncode == 1, result.stderr
    assert result.stdout.decode().splitlines() == [
        f"blocks.yaml:{MAX_DEPTH + 1}:{2 * MAX_DEPTH + 1}: E007 [error] nesting deeper than {MAX_DEPTH} levels; the rest of the file is not read",
        f"deep.yaml:1:{MAX_DEPTH + 1}: E007 [error] nesting deeper than {MAX_DEPTH} levels; the rest of the file is not read",
    ]
    assert b"Traceback" not in result.stderr


# The production cap fits a 10,000-metric file (about 300,000 nodes); the mechanism is tested
# with a smaller cap so that the hostile case stays cheap.
SMALL_NODE_CAP = 50_000
MANY_VALUES = "- a\n" * (SMALL_NODE_CAP + 10)


@pytest.fixture
def small_node_cap(monkeypatch):
    monkeypatch.setattr(yaml_events, "MAX_NODES", SMALL_NODE_CAP)


def test_many_values_are_cut_off_before_they_cost_memory(small_node_cap):
    loaded = load_text(MANY_VALUES, "x.yaml")
    assert [(p.code, p.span[:2]) for p in loaded.problems] == [("E007", (SMALL_NODE_CAP, 3))]
    assert loaded.problems[0].message.startswith(f"more than {SMALL_NODE_CAP:,} keys and values")
    assert loaded.data is None


def test_the_node_cap_leaves_room_for_a_10000_metric_file():
    assert yaml_events.MAX_NODES >= 400_000


def test_a_10_mb_file_is_refused_from_its_size_without_being_read(tmp_path, monkeypatch):
    big = tmp_path / "big.metrics.yaml"
    with open(big, "wb") as handle:  # sparse: no 10 MB written to disk
        handle.truncate(10 * 1024 * 1024)
    (tmp_path / "good.metrics.yaml").write_text(VALID_SPEC)
    read_from = []
    real_read = os.read

    def read(fd, size):
        read_from.append(os.path.basename(os.readlink(f"/proc/self/fd/{fd}")))
        return real_read(fd, size)

    monkeypatch.setattr(os, "read", read)
    report = lint_here(tmp_path, monkeypatch, "big.metrics.yaml", "good.metrics.yaml")
    assert found(report) == [("big.metrics.yaml", "E007", 1, 1)]
    assert messages(report, "E007") == [
        f"the file is 10,485,760 bytes, over the limit of {MAX_FILE_BYTES:,}; not read"
    ]
    assert set(read_from) == {"good.metrics.yaml"}, "the big file is never read"


def test_a_file_that_grows_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    """Size from stat can lie (a file being written, /proc): the read itself is bounded too."""
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n")
    real_fstat = os.fstat
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 0, *real_fstat(fd)[7:])))
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 4)
    loaded = loader.read_file(str(path), "a.yaml")
    assert [(p.code, p.message) for p in loaded.problems] == [
        ("E007", "the file is more than 4 bytes, over the limit of 4; not read")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("E006", 1, 1, "empty file: not a metricspec document")),
        ("# only a comment\n\n# and another\n", ("E006", 1, 1, "empty file: not a metricspec document")),
        ("- metricspec: 1\n", ("E006", 1, 1, "the top level is a list, not a mapping: not a metricspec document")),
        ("metricspec\n", ("E006", 1, 1, "the top level is a single value, not a mapping: not a metricspec document")),
        ("product: Acme\n", ("E006", 1, 1, "no top-level `metricspec:` key: not a metricspec document")),
    ],
    ids=["empty", "comments", "list", "scalar", "no-key"],
)
def test_files_that_are_not_metricspec_documents(tmp_path, monkeypatch, text, expected):
    (tmp_path / "a.yaml").write_text(text)
    report = lint_here(tmp_path, monkeypatch, "a.yaml")
    assert [(d.code, d.line, d.column, d.message) for d in report.diagnostics] == [expected]


def test_a_second_document_is_reported_and_not_read(tmp_path, monkeypatch):
    (tmp_path / "a.metrics.yaml").write_text(VALID_SPEC + "---\nmetricspec: 1\nproduct: [unclosed\n")
    report = lint_here(tmp_path, monkeypatch, "a.metrics.yaml")
    assert found(report) == [("a.metrics.yaml", "E007", 16, 1)]
    assert messages(report, "E007") == ["a second YAML document; only the first is read"]


@pytest.mark.parametrize(
    "text",
    [alias_bomb(), merge_bomb(), DEEP_FLOW, DEEP_BLOCK, MANY_VALUES],
    ids=["alias-bomb", "merge-bomb", "deep-flow", "deep-block", "many-values"],
)
def test_hostile_inputs_stay_within_100_mb(text, yaml_parser, small_node_cap):
    import tracemalloc

    if text is MANY_VALUES and yaml_parser == "pure":
        pytest.skip("the memory is the tree's, the same for both parsers; tracing the pure one is slow")
    tracemalloc.start()
    try:
        load_text(text, "x.yaml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 1024 * 1024
