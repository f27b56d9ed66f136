"""The JSON Schema checks files as editors read them (yaml-language-server: YAML 1.2's core
schema), and agrees with the linter: every file metricspec reads without E002 or E006 is valid
for the schema, so no editor puts a red line under a valid spec."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml

from metricspec.rules import all_rules
from metricspec.scaffold import TEMPLATES
from metricspec.scaffold.templates import render

from .conftest import lint_paths

jsonschema = pytest.importorskip("jsonschema")
ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "metricspec.schema.json").read_text(encoding="utf-8"))


class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2's core schema, as editors read plain scalars: no dates, no yes/no, no 1_000."""


Yaml12Loader.yaml_implicit_resolvers = {}
for tag, pattern, first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    ("float", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
     "-+0123456789."),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
):
    Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(f"^(?:{pattern})$"), list(first))


def _errors(text: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(yaml.load(text, Yaml12Loader))]


def _valid_specs() -> list[tuple[str, str]]:
    specs = [(path.name, path.read_text(encoding="utf-8")) for path in sorted((ROOT / "examples").glob("*.metrics.yaml"))]
    specs += [(f"init {name}", render(name, "Acme", "growth", dt.date(2026, 6, 1))) for name in TEMPLATES]
    specs += [(f"{code} fix", rule.doc.fix) for code, rule in sorted(all_rules().items()) if rule.doc.fix]
    specs.append(("editor-read values", EDITOR_READ))
    return specs


# Valid for metricspec, and read by YAML 1.2 as numbers, booleans or text where it reads otherwise.
EDITOR_READ = """metricspec: 1
product: 42
owner: 007
x-team: growth
objectives:
  - id: 2027
    title: 2027
    tags: [2027, q3, true]
    x-note: {anything: [1, 2]}
    metrics:
      - id: arr
        name: ARR
        unit: USD
        window: 30
        pairs_with: weekly-builders
        segments: [2024]
        target: {baseline: 12_000_000, value: 14_400_000, by: 2027-06-30, x-source: board deck}
      - {id: weekly-builders, name: Weekly builders, kind: leading, pairs_with: [arr]}
"""


@pytest.mark.parametrize(("name", "text"), _valid_specs(), ids=[name for name, _ in _valid_specs()])
def test_what_metricspec_reads_without_e002_the_schema_accepts(name, text, tmp_path):
    path = tmp_path / "spec.metrics.yaml"
    path.write_text(text, encoding="utf-8")
    assert not [d for d in lint_paths(path, select=["E"]).diagnostics if d.code in ("E002", "E006")]
    assert _errors(text) == []


@pytest.mark.parametrize("text", [
    "metricspec: 1\nproduct: A\ncolour: red\n",
    "metricspec: 1\nstage: scale\n",
    "metricspec: 1\nobjectives:\n  - {id: a, title: ''}\n",
    "metricspec: 1\nobjectives:\n  - {id: Bad Id, title: A}\n",
    "metricspec: 1\nobjectives:\n  - {id: a, title: A, outcomes: []}\n",
    "metricspec: 1\nobjectives:\n  - {id: a, title: A, metrics: [{id: m, name: M, target: {value: 20%}}]}\n",
    "metricspec: 2\n",
])
def test_what_e002_or_e006_rejects_the_schema_rejects(text, tmp_path):
    path = tmp_path / "spec.metrics.yaml"
    path.write_text(text, encoding="utf-8")
    assert [d for d in lint_paths(path, select=["E"]).diagnostics if d.code in ("E002", "E006")]
    assert _errors(text)
