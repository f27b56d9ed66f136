"""One parametrised test over tests/rules/fixtures/<CODE>/: the fixtures are the rule tests.

Each fixture is a file named bad*.yaml / good*.yaml, or a folder bad*/ / good*/ of files linted
together (cross-file cases; a metricspec.toml inside is used as the config). In bad fixtures,
every line where a finding of CODE is expected ends with a marker comment

    name: Total registered users  # expect: V001 registered-users

(`# expect: CODE` alone when the finding has no subject). The test lints the fixture with only
CODE selected, on 2026-06-01, and asserts the findings of CODE are exactly the marked
(code, subject, line) set; good fixtures must yield no finding of CODE. Neither may hold a
structural (E) problem, so every fixture is a valid spec; only the bad fixtures of an E code
hold the problem they are about.

Each rule's documented example and fix (rules/examples/<CODE>.example.yaml and .fix.yaml, shown
by `metricspec rule CODE`) are a bad/good pair too: the example must trigger CODE, the fix must
not. And every code of the catalog (RULES.md) has fixtures, bad and good.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from metricspec import config as config_module
from metricspec.api import LintOptions, lint
from metricspec.rules import EXAMPLES, all_rules
from tests.conftest import TODAY, shared_path

FIXTURES = Path(__file__).parent / "fixtures"
RULES = all_rules()
_MARKER = re.compile(r"#\s*expect:\s*(?P<code>[A-Z]\d{3})(?:[ \t]+(?P<subject>[a-z0-9][a-z0-9_-]*))?")


def _cases():
    for code_dir in sorted(p for p in FIXTURES.glob("*") if p.is_dir()):
        for case in sorted(code_dir.iterdir()):
            if case.name.startswith(("bad", "good")):
                yield pytest.param(code_dir.name, case, id=f"{code_dir.name}/{case.name}")


def _expected(case: Path, code: str) -> set[tuple[str, str | None, str, int]]:
    files = sorted(case.rglob("*.yaml")) if case.is_dir() else [case]
    expected = set()
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            for match in _MARKER.finditer(line):
                if match["code"] == code:
                    expected.add((code, match["subject"], file.name, number))
    return expected


def _lint(code: str, case: Path, bad: bool) -> set[tuple[str, str | None, str, int]]:
    """The (code, subject, file name, line) of each finding of `code` in the fixture."""
    config_file = case / "metricspec.toml" if case.is_dir() else None
    settings = config_module.load(config_file if config_file and config_file.exists() else None)
    # The fixture is the whole workspace: never read the rest of this repository for context.
    folder = case if case.is_dir() else case.parent
    settings.source = folder / "metricspec.toml"
    settings.include = ["**/*.yaml"] if case.is_dir() else [case.name]
    report = lint(LintOptions(paths=[str(case)], select=[code], today=TODAY, config=settings))
    structural = [d for d in report.diagnostics if d.code.startswith("E") and not (bad and code.startswith("E"))]
    assert structural == [], f"the fixture itself is not a valid spec: {structural}"
    for diagnostic in report.diagnostics:
        assert diagnostic.help, f"{diagnostic.code} finding without a help line"
        assert diagnostic.message
    return {(d.code, d.subject, Path(d.path).name, d.line) for d in report.diagnostics if d.code == code}


@pytest.mark.parametrize(("code", "case"), list(_cases()))
def test_fixture(code: str, case: Path) -> None:
    bad = case.name.startswith("bad")
    actual = _lint(code, case, bad)
    expected = _expected(case, code)
    if not bad:
        assert actual == set(), f"{code} fired on a good fixture"
    else:
        assert expected, f"bad fixture {case} marks no expected finding"
        assert actual == expected


@pytest.mark.parametrize("code", list(RULES), ids=list(RULES))
def test_documented_example_triggers_and_fix_does_not(code: str) -> None:
    example, fix = EXAMPLES / f"{code}.example.yaml", EXAMPLES / f"{code}.fix.yaml"
    assert _lint(code, example, bad=True), f"the example of {code} ({example.name}) does not trigger it"
    assert _lint(code, fix, bad=False) == set(), f"the fix of {code} ({fix.name}) still triggers it"


def test_the_examples_folder_holds_an_example_and_a_fix_of_each_rule_and_nothing_else() -> None:
    assert sorted(path.name for path in EXAMPLES.iterdir()) == sorted(
        f"{code}.{kind}.yaml" for code in RULES for kind in ("example", "fix")
    )


# Codes RULES.md lists that no rule implements yet (a later issue brings them, with fixtures).
PENDING: set[str] = set()


def test_every_code_of_the_catalog_has_bad_and_good_fixtures() -> None:
    catalog = set(re.findall(r"^\| ([A-Z]\d{3}) \|", shared_path("spec", "RULES.md").read_text(encoding="utf-8"), re.M))
    assert catalog - set(RULES) == PENDING, "a pending rule landed (give it fixtures, drop it from PENDING) or a listed one is gone"
    assert set(RULES) <= catalog, f"registered but not in RULES.md: {sorted(set(RULES) - catalog)}"
    folders = {path.name: path for path in FIXTURES.iterdir() if path.is_dir()}
    assert set(folders) == set(RULES), (
        f"without fixtures: {sorted(set(RULES) - set(folders))}; fixtures of no rule: {sorted(set(folders) - set(RULES))}"
    )
    for code, folder in folders.items():
        kinds = {case.name.split("-")[0].split(".")[0] for case in folder.iterdir()}
        assert {"bad", "good"} <= kinds, f"{code} needs a bad and a good fixture"
