"""The files beside the specs (config TOML, baseline JSON, `.pre-commit-config.yaml`) read with a
size cap, a depth cap and no alias expansion: every failure an AuxFileError naming the line."""

from __future__ import annotations

import json
import time

import pytest

from metricspec.auxfiles import MAX_DEPTH, AuxFileError, read_json, read_toml, read_yaml
from metricspec.fileio import MAX_READ_BYTES
from metricspec.scaffold.precommit import add_hook

from .robustness.conftest import run_cli


def alias_bomb(levels: int = 10) -> str:
    """About 500 bytes that expand to 9**levels scalars."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\nrepos:\n"


def error(read, path) -> AuxFileError:
    with pytest.raises(AuxFileError) as caught:
        read(path)
    return caught.value


@pytest.mark.parametrize("name, text, line", [
    ("deep.toml", "x = 1\ny = " + "[" * 2000 + "]" * 2000 + "\n", 2),
    ("deep.toml", "# [[[[\ns = \"[[[[\"\ny = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n", 3),
    ("deep.toml", "y = " + "{a = " * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1) + "\n", 1),
    ("deep.json", '{"a": "[[[[",\n "b": ' + "[" * 100_000 + "]" * 100_000 + "}", 2),
    ("deep.json", "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), 1),
    ("deep.yaml", "a: 1\nb: " + "[" * 5000 + "]" * 5000 + "\n", 2),
    ("deep.yaml", "a:\n" + "".join(" " * i + "- \n" for i in range(1, MAX_DEPTH + 3)), MAX_DEPTH + 1),
])
def test_nesting_past_the_cap_is_an_error_at_its_line(tmp_path, name, text, line):
    (tmp_path / name).write_text(text)
    read = {"toml": read_toml, "json": read_json, "yaml": read_yaml}[name.rsplit(".", 1)[1]]
    found = error(read, tmp_path / name)
    assert (found.kind, found.line, found.message) == ("too-deep", line, f"nested deeper than {MAX_DEPTH} levels")
    assert str(found) == f"{tmp_path / name}:{line}: nested deeper than {MAX_DEPTH} levels"


def test_nesting_up_to_the_cap_is_read(tmp_path):
    (tmp_path / "ok.json").write_text("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    (tmp_path / "ok.toml").write_text("a = " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))
    assert read_json(tmp_path / "ok.json") == eval("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert read_toml(tmp_path / "ok.toml")["a"] == eval("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))


def test_an_alias_bomb_is_refused_before_it_is_built(tmp_path):
    (tmp_path / "bomb.yaml").write_text(alias_bomb(levels=30))  # 9**30 scalars, were it expanded
    started = time.process_time()
    found = error(read_yaml, tmp_path / "bomb.yaml")
    assert time.process_time() - started < 1
    assert (found.kind, found.line, found.message) == ("alias", 2, "alias *a0 is not expanded")


def test_an_anchor_without_an_alias_is_read(tmp_path):
    (tmp_path / "a.yaml").write_text("repos: &r\n  - repo: local\n")
    assert read_yaml(tmp_path / "a.yaml") == {"repos": [{"repo": "local"}]}


@pytest.mark.parametrize("name, text, line, message", [
    ("bad.toml", "a = 1\nb = = 2\n", 2, "invalid TOML: Invalid value"),
    ("bad.toml", "a = [1,\n", 2, "invalid TOML: "),
    ("bad.json", '{"a": 1,\n "b": }', 2, "invalid JSON: Expecting value"),
    ("big.json", '{"a": ' + "9" * 5000 + "}", 1, "invalid JSON: a number with more digits than can be read"),
    ("bad.yaml", "a: 1\nb: [\n", 3, "invalid YAML: "),
    ("date.yaml", "a: 2027-02-30\n", None, "invalid YAML: day is out of range"),
    ("tag.yaml", "a: !!python/object/apply:os.system [ls]\n", 1, "invalid YAML: could not determine a constructor"),
    ("latin1.json", '{\n"a": "\xe9"}', 2, "not UTF-8 text (byte 0xe9)"),
])
def test_an_invalid_file_is_an_error_at_its_line(tmp_path, name, text, line, message):
    (tmp_path / name).write_bytes(text.encode("latin-1"))
    read = {"toml": read_toml, "json": read_json, "yaml": read_yaml}[name.rsplit(".", 1)[1]]
    found = error(read, tmp_path / name)
    assert found.line == line and found.message.startswith(message), found
    assert line is None or line <= text.count("\n") + 1


def test_missing_too_large_and_not_a_file(tmp_path):
    missing = error(read_toml, tmp_path / "none.toml")
    assert missing.missing and str(missing) == f"{tmp_path / 'none.toml'}: file not found"
    assert error(read_json, tmp_path).kind == "unreadable"
    with open(tmp_path / "big.json", "wb") as big:
        big.truncate(MAX_READ_BYTES + 1)  # sparse: refused from its size, never read
    found = error(read_json, tmp_path / "big.json")
    assert (found.kind, found.message) == ("unreadable", f"larger than {MAX_READ_BYTES:,} bytes; not read")


def test_a_byte_order_mark_is_dropped(tmp_path):
    (tmp_path / "c.toml").write_bytes(b"\xef\xbb\xbfa = 1\n")
    assert read_toml(tmp_path / "c.toml") == {"a": 1}


# -- init and .pre-commit-config.yaml ------------------------------------------------------


def test_add_hook_refuses_an_alias_bomb_at_once():
    started = time.process_time()
    edit = add_hook(alias_bomb())
    assert time.process_time() - started < 1
    assert (edit.status, edit.reason) == ("manual", "alias *a0 is not expanded (line 2)")


@pytest.mark.parametrize("name, text, reason", [
    # Comparing the tree before and after the edit walked 9**10 shared lists: minutes.
    ("bomb", alias_bomb(), ".pre-commit-config.yaml was left as it is: alias *a0 is not expanded (line 2)"),
    # The pure-Python composer recursed until a RecursionError: an internal error.
    ("flow", "repos: " + "[" * 5000 + "]" * 5000 + "\n",
     f".pre-commit-config.yaml was left as it is: nested deeper than {MAX_DEPTH} levels (line 1)"),
    ("block", "repos:\n" + "".join(" " * i + "- \n" for i in range(1, 2000)),
     f".pre-commit-config.yaml was left as it is: nested deeper than {MAX_DEPTH} levels (line {MAX_DEPTH + 1})"),
])
def test_init_with_a_hostile_pre_commit_config(tmp_path, name, text, reason):
    (tmp_path / ".pre-commit-config.yaml").write_text(text)
    result = run_cli("init", "--no-input", "--product", "Acme", cwd=tmp_path, timeout=30)
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert f"metricspec: {reason}; add this entry under its `repos:` yourself:" in stderr
    assert "internal error" not in stderr and "Traceback" not in stderr
    assert (tmp_path / ".pre-commit-config.yaml").read_text() == text
    assert (tmp_path / "metrics" / "acme.metrics.yaml").is_file()


def test_a_pre_commit_config_with_an_impossible_date_is_left_alone(tmp_path):
    text = "repos: []\ncreated: 2027-02-30\n"
    (tmp_path / ".pre-commit-config.yaml").write_text(text)
    result = run_cli("init", "--no-input", "--product", "Acme", cwd=tmp_path, timeout=30)
    assert result.returncode == 0, result.stderr.decode()
    assert "it is not valid YAML; add this entry" in result.stderr.decode()


def test_json_round_trips_what_it_reads(tmp_path):
    data = {"metricspec-baseline": 1, "findings": [{"path": "a.yaml", "code": "V001", "subject": None}]}
    (tmp_path / "b.json").write_text(json.dumps(data))
    assert read_json(tmp_path / "b.json") == data
