"""Fuzzing the commands besides lint (`tree`, `init`, `rules`, `rule`, `schema`) and the files
beside the specs, with the oracle of the spec fuzzing (tests/robustness/test_fuzz.py): an exit
code in {0, 1, 2}, never a traceback or an internal error, valid JSON where JSON is asked, and,
as every command must, no character from a file or the command line written to the terminal
unescaped. METRICSPEC_FUZZ_EXAMPLES sets the number of examples, as there.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from metricspec.auxfiles import AuxFileError, parse_json, parse_toml, parse_yaml
from metricspec.cli import app
from metricspec import docs
from metricspec.scaffold import _unicode, default_product
from metricspec.terminal import escape_controls

from .robustness.conftest import VALID_SPEC
from .robustness.test_fuzz import BYTE_TOKENS, EXAMPLES, FUZZ, TOKENS, encode, mutated_spec, yaml_like

FEW = settings(FUZZ, max_examples=max(5, EXAMPLES // 5))  # each example is a whole command


@contextlib.contextmanager
def fresh_folder(base: Path):
    """A new working folder for each example (a fixture's folder is shared by all of them)."""
    folder = Path(tempfile.mkdtemp(dir=base))
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield folder
    finally:
        os.chdir(before)


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output[-2000:]
    return result


def printable(output: str) -> bool:
    return all(line.isprintable() for line in output.split("\n"))


# Text a title, a product or a file name may hold: anything, controls and escapes most of all.
hostile_text = st.lists(
    st.one_of(st.characters(), st.sampled_from(["\x1b[2J", "\x1b]0;title\x07", "\x9b31m", "\u202e", "\n", "\r", "\x7f", "\x85", "\u2028", "\udcff", "[/bold]",
                                                "#", '"', "<"])),
    max_size=12,
).map("".join)


@st.composite
def spec_with_a_title(draw) -> bytes:
    """The valid spec with a title (as a YAML double-quoted string: any text) and a product."""
    title = json.dumps(draw(hostile_text))
    product = json.dumps(draw(hostile_text))
    text = VALID_SPEC.replace("title: Grow revenue", f"title: {title}").replace("product: Acme", f"product: {product}")
    return encode(text)


@FEW
@given(raw=st.one_of(spec_with_a_title(), mutated_spec(), yaml_like), format=st.sampled_from(["text", "mermaid"]),
       name=st.sampled_from(["spec", "spec\x1b[2J", "spec\u202e", "spec\x07"]))
def test_tree(tmp_path, raw, format, name):
    with fresh_folder(tmp_path) as folder:
        (folder / f"{name}.metrics.yaml").write_bytes(raw)
        result = invoke("tree", "--format", format, "--today", "2026-06-01")
        assert result.exit_code == 0, result.stderr
        assert printable(result.stdout), result.stdout


@FEW
@given(
    product=hostile_text,
    template=st.sampled_from(["saas", "b2b", "minimal", "marketplace", "ecommerce", "nope"]),
    stage=st.sampled_from([None, "mvp", "discovery", "maturity", "later"]),
    precommit=st.one_of(st.none(), yaml_like, st.sampled_from(TOKENS).map(lambda t: encode(f"repos:\n  - {t}\n"))),
    config=st.sampled_from([None, "dangling", "folder", "garbage"]),
    force=st.booleans(),
)
def test_init(tmp_path, product, template, stage, precommit, config, force):
    with fresh_folder(tmp_path) as folder:
        if precommit is not None:
            (folder / ".pre-commit-config.yaml").write_bytes(precommit)
        if config == "dangling":
            (folder / "metricspec.toml").symlink_to(folder / "elsewhere.toml")
        elif config == "folder":
            (folder / "metricspec.toml").mkdir()
        elif config == "garbage":
            (folder / "metricspec.toml").write_bytes(b"include = [[[\xff")
        args = ["init", "--no-input", f"--product={product}", "--template", template]
        args += ["--stage", stage] if stage else []
        args += ["--force"] if force else []
        result = invoke(*args)
        assert printable(result.stdout + result.stderr), result.stdout + result.stderr
        assert not (folder / "elsewhere.toml").exists()
        if template == "nope" or stage == "later":
            assert result.exit_code == 2
            return
        assert result.exit_code == 0, result.stderr
        specs = list((folder / "metrics").glob("*.metrics.yaml"))
        assert len(specs) == 1
        written = yaml.safe_load(specs[0].read_text(encoding="utf-8"))
        assert written["product"] == _unicode(product.strip() or default_product(folder))
        assert not [p for p in folder.rglob("*.tmp")]


RULES = list(docs.documented().values())  # the lint rules, then `metricspec diff`'s D codes
RULE_NAMES = [name for rule in RULES for name in (rule.code, rule.name)]


@FEW
@given(
    command=st.sampled_from(["rules", "rule", "schema"]),
    format=st.one_of(st.sampled_from(["text", "json"]), st.text(st.characters(categories=["L", "N", "P"]), max_size=8)),
    code=st.one_of(st.sampled_from(RULE_NAMES), st.sampled_from(RULE_NAMES).map(str.lower), st.text(max_size=12),
                   hostile_text),
)
def test_rules_rule_and_schema(tmp_path, command, format, code):
    with fresh_folder(tmp_path):
        if command == "rules":
            result = invoke("rules", f"--format={format}")
            assert result.exit_code == (0 if format in ("text", "json") else 2)
            if format == "json":
                assert {entry["code"] for entry in json.loads(result.stdout)} == {rule.code for rule in RULES}
        elif command == "rule":
            result = invoke("rule", "--", code)
            known = code.strip().upper() in RULE_NAMES or code.strip().lower() in RULE_NAMES
            assert result.exit_code == (0 if known else 2)
            assert result.stdout if known else result.stderr.startswith(f"metricspec: error: unknown rule '{escape_controls(code)}'")
        else:
            result = invoke("schema")
            assert result.exit_code == 0
            assert json.loads(result.stdout)["$schema"]
        assert printable(result.stdout + result.stderr)


# -- the files beside the specs, parsed directly ----------------------------------------------

toml_like = st.lists(st.sampled_from(["a", " = ", "[", "]", "{", "}", ",", '"', "'", '"""', "'''", "#", "\n", "1",
                                      "x.y", "[[t]]", "[t]", "\\", "true", "1979-05-27", "é"]), max_size=60).map("".join)
json_like = st.one_of(
    st.lists(st.sampled_from(["[", "]", "{", "}", ",", ":", '"', '"a"', "1", "9" * 5000, "-", "1e999", "null", "\\",
                              "\\u", "\n", " ", "true", "NaN"]), max_size=60).map("".join),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                 max_leaves=20).map(json.dumps),
)


def check_aux(parse, text: str) -> None:
    try:
        parse(text, "f")
    except AuxFileError as exc:
        assert exc.path == "f" and exc.message
        assert exc.line is None or 1 <= exc.line <= text.count("\n") + 1 + text.count("\r"), (exc, text)


@FUZZ
@given(text=st.one_of(yaml_like.map(lambda raw: raw.decode("utf-8", "replace")),
                      st.sampled_from(BYTE_TOKENS + [b""]).map(lambda raw: raw.decode("latin-1")),
                      st.integers(0, 3000).map(lambda n: "a: " + "[" * n + "]" * n),
                      st.integers(0, 3000).map(lambda n: "a:\n" + "".join(" " * i + "- \n" for i in range(n)))))
def test_yaml_beside_the_specs(text):
    check_aux(parse_yaml, text)


@FUZZ
@given(text=st.one_of(toml_like, st.integers(0, 3000).map(lambda n: "a = " + "[" * n + "]" * n)))
def test_toml_beside_the_specs(text):
    check_aux(parse_toml, text)


@FUZZ
@given(text=st.one_of(json_like, st.integers(0, 100_000).map(lambda n: "[" * n + "]" * n)))
def test_json_beside_the_specs(text):
    check_aux(parse_json, text)
