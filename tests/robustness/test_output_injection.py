"""Battery item 13 end to end: names holding markup, escapes, workflow commands and newlines,
read from a real file by either parser, come out inert in every format (the reporters' own
tests check each format's escaping in detail)."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from metricspec.cli import app
from metricspec.reporters import FORMATS

from .conftest import VALID_SPEC

HOSTILE = '"[/bold]\\e[31m::error::boom\\nnext\\r::warning file=x::y,%0A"'


@pytest.mark.parametrize("format", FORMATS)
def test_hostile_names_are_inert_in_every_format(tmp_path, monkeypatch, format):
    spec = VALID_SPEC.replace("title: Grow revenue", f"title: {HOSTILE}") + f"{HOSTILE}: 1\n"
    (tmp_path / "a.metrics.yaml").write_text(spec)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["lint", "a.metrics.yaml", "--select", "E", "--format", format])
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
    output = result.stdout
    assert "\x1b" not in output and "\r" not in output
    if format == "junit":  # a newline inside XML text is data: the document must parse
        ElementTree.fromstring(output)
    else:  # each finding stays on its lines: the user's newline is shown, not obeyed
        assert not any(line.startswith(("next", "::warning")) for line in output.splitlines())
    if format in ("json", "sarif"):
        json.loads(output)
    if format in ("text", "concise"):
        assert "[/bold]" in output
