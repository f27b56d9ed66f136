"""One parametrised test over tests/rules/fixtures/<CODE>/: the fixtures are the rule tests.

Each fixture is a file named bad*.yaml / good*.yaml, or a folder bad*/ / good*/ of files linted
together (cross-file cases; a metricspec.toml inside is used as the config). In bad fixtures,
every line where a finding of CODE is expected ends with a marker comment

    name: Total registered users  # expect: V001 registered-users

(`# expect: CODE` alone when the finding has no subject). The test lints the fixture with only
CODE selected, on 2026-06-01, and asserts the findings of CODE are exactly the marked
(code, subject, line) set; good fixtures must yield no finding of CODE. Neither may hold a
structural (E) problem, so every fixture is a valid spec.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from metricspec import config as config_module
from metricspec.api import LintOptions, lint
from tests.conftest import TODAY

FIXTURES = Path(__file__).parent / "fixtures"
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


@pytest.mark.parametrize(("code", "case"), list(_cases()))
def test_fixture(code: str, case: Path) -> None:
    config_file = case / "metricspec.toml" if case.is_dir() else None
    settings = config_module.load(config_file if config_file and config_file.exists() else None)
    # The fixture is the whole workspace: never read the rest of this repository for context.
    folder = case if case.is_dir() else case.parent
    settings.source = folder / "metricspec.toml"
    settings.include = ["**/*.yaml"] if case.is_dir() else [case.name]
    report = lint(LintOptions(paths=[str(case)], select=[code], today=TODAY, config=settings))
    structural = [d for d in report.diagnostics if d.code.startswith("E") and not code.startswith("E")]
    assert structural == [], f"the fixture itself is not a valid spec: {structural}"
    actual = {(d.code, d.subject, Path(d.path).name, d.line) for d in report.diagnostics if d.code == code}
    expected = _expected(case, code)
    if case.name.startswith("good"):
        assert actual == set(), f"{code} fired on a good fixture"
    else:
        assert expected, f"bad fixture {case} marks no expected finding"
        assert actual == expected
    for diagnostic in report.diagnostics:
        assert diagnostic.help, f"{diagnostic.code} finding without a help line"
        assert diagnostic.message
