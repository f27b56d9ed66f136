"""Fuzzing: random YAML-like bytes and random mutations of a valid spec through the loader, the
library and the command line. Only findings may come out: never an exception, never an internal
error. METRICSPEC_FUZZ_EXAMPLES=5000 runs a longer search; the default run is short and
derandomized so that CI is stable.
"""

from __future__ import annotations

import codecs
import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from metricspec.api import LintOptions, lint
from metricspec.cli import app
from metricspec.loader import load_bytes

from .conftest import VALID_SPEC, run_cli

EXAMPLES = int(os.environ.get("METRICSPEC_FUZZ_EXAMPLES", "50"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Pieces of YAML, of metricspec and of trouble.
TOKENS = [
    "metricspec: 1", "metricspec", ":", ": ", "- ", "-", "? ", "[", "]", "{", "}", ",", "#", "# metricspec: ignore[E002]",
    "&a ", "*a", "<<: ", "!!python/object/apply:os.system ", "!Ref ", "!<tag:x> ", "! ", "---", "...", "%YAML 1.2",
    "%TAG ! tag:x,1:", "|", ">-", "|+2", "'", '"', '"\\e[31m"', "\\", "\n", "\r\n", "\r", "\t", " ", "  ", "    ",
    "id", "id: a", "title: T", "objectives:", "goals:", "metrics:", "target:", "value: 1", "by: 2027-02-30",
    "pairs_with: [a, b]", "parent: a", "owner: ana", "NO", "on", "1:30", "010", "0o17", "~", "null", "é", "\u2028",
    "\x85", "\ufeff", "\x00", "\x1b", "\ud7ff", "\U0001f600", "x-ext: 1", "lint_ignore: [V001]", "[/bold]", "::error::",
]
BYTE_TOKENS = [b"\xff", b"\xe9", b"\xc3", b"\x80", b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe", b"\x00\x00", b"\x89PNG"]


def encode(piece: str) -> bytes:
    return piece.encode("utf-8", errors="surrogatepass")


yaml_like = st.lists(
    st.one_of(st.sampled_from(TOKENS).map(encode), st.sampled_from(BYTE_TOKENS), st.text(max_size=5).map(encode)),
    max_size=60,
).map(b"".join)


@st.composite
def mutated_spec(draw) -> bytes:
    text = VALID_SPEC
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        operation = draw(st.sampled_from(["insert", "delete", "replace", "duplicate-line", "swap-lines", "indent"]))
        if operation == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]
        elif operation == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        elif operation == "replace":
            text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at + 1:]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if operation == "duplicate-line":
                lines.insert(j, lines[i])
            elif operation == "swap-lines":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines[i] = draw(st.sampled_from([" ", "  ", "\t", "- "])) + lines[i]
            text = "\n".join(lines)
    raw = encode(text)
    return draw(st.sampled_from([lambda r: r, lambda r: codecs.BOM_UTF8 + r, lambda r: r.replace(b"\n", b"\r\n")]))(raw)


def check_loader(raw: bytes) -> None:
    loaded = load_bytes(raw, "fuzz.yaml")
    lines = max(1, len(loaded.source_lines()))
    for problem in loaded.problems:
        assert problem.code in {"E001", "E002", "E005", "E006", "E007"}, problem
        line, column, end_line, end_column = problem.span
        assert 1 <= line <= lines + 1 and column >= 1, (problem, lines)
        assert (end_line, end_column) >= (line, column), problem
    if loaded.problems and any(p.code == "E001" for p in loaded.problems):
        assert loaded.data is None or loaded.unreadable


def check_lint(tmp_path, raw: bytes) -> None:
    path = tmp_path / "fuzz.metrics.yaml"
    path.write_bytes(raw)
    report = lint(LintOptions(paths=[str(path)], cwd=str(tmp_path)))
    assert report.internal_errors == []
    assert report.files == 1


@FUZZ
@given(raw=st.one_of(yaml_like, st.binary(max_size=200)))
def test_random_bytes_through_the_loader(raw):
    check_loader(raw)


@FUZZ
@given(raw=mutated_spec())
def test_mutated_specs_through_the_loader(raw):
    check_loader(raw)


@FUZZ
@given(raw=st.one_of(yaml_like, mutated_spec()))
def test_random_input_through_the_whole_lint(tmp_path, raw):
    check_lint(tmp_path, raw)


@settings(FUZZ, max_examples=max(5, EXAMPLES // 10))
@given(raw=st.one_of(yaml_like, mutated_spec()), format=st.sampled_from(["text", "concise", "json", "sarif", "github", "junit"]))
def test_random_input_through_the_command_line(tmp_path, monkeypatch, raw, format):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fuzz.metrics.yaml").write_bytes(raw)
    result = CliRunner().invoke(app, ["lint", "fuzz.metrics.yaml", "--format", format])
    assert result.exit_code in (0, 1), result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr == ""


def test_a_batch_of_random_files_through_the_real_command_line(tmp_path):
    """One subprocess over many generated files: the console script end to end."""
    rng = random.Random(6)
    for n in range(40):
        pieces = [rng.choice(TOKENS) for _ in range(rng.randint(0, 40))]
        if n % 2:
            at = rng.randint(0, len(VALID_SPEC))
            raw = encode(VALID_SPEC[:at] + "".join(pieces) + VALID_SPEC[at:])
        else:
            raw = encode("".join(pieces)) + rng.choice(BYTE_TOKENS + [b""])
        (tmp_path / f"f{n:02}.metrics.yaml").write_bytes(raw)
    result = run_cli("lint", ".", "--format", "concise", cwd=tmp_path, timeout=60)
    assert result.returncode in (0, 1)
    assert result.stderr == b"", result.stderr.decode()[:2000]


# Numbers of any size: beyond what a float holds they are an E002 on the value (no rule may meet
# infinity: T002, T003, T005 and T008 raised OverflowError on a 310-digit target).
huge_number = st.builds(
    lambda sign, digits, fraction, exponent: sign + digits + fraction + exponent,
    st.sampled_from(["", "-"]),
    st.integers(1, 5200).map(lambda n: "9" * n) | st.integers(300, 320).map(lambda n: "1" + "0" * n),
    st.sampled_from(["", ".5", "_0"]),
    st.sampled_from(["", "e309", "e-400", "e308"]),
)


@settings(FUZZ, max_examples=max(10, EXAMPLES // 2))
@given(value=huge_number, baseline=huge_number | st.sampled_from(["", "10"]), unit=st.sampled_from(["USD", ""]),
       command=st.sampled_from(["lint", "tree"]))
def test_huge_numbers_in_a_target(tmp_path, monkeypatch, value, baseline, unit, command):
    monkeypatch.chdir(tmp_path)
    text = VALID_SPEC.replace("value: 1200000", f"value: {value}").replace("baseline: 1000000", f"baseline: {baseline}")
    text = text.replace("unit: USD", f"unit: {unit}")
    (tmp_path / "fuzz.metrics.yaml").write_text(text)
    result = CliRunner().invoke(app, [command, "fuzz.metrics.yaml"])
    assert result.exit_code in ((0, 1) if command == "lint" else (0,)), result.output[-2000:]
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr == ""
    assert "internal error" not in result.output
