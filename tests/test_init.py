"""`metricspec init`: clean starter specs, the files it writes, and the files it refuses to touch."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from metricspec.schema import SCHEMA_ID
from metricspec.scaffold import DEFAULT_STAGES, TEMPLATES, InitOptions, init_project
from metricspec.scaffold.console import ask
from metricspec.scaffold.precommit import entry_data
from metricspec.scaffold.templates import add_months, quarter_end, render, slugify, yaml_string

from metricspec.api import LintOptions, lint
from metricspec.config import Config

from .conftest import findings, lint_paths


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_template_lints_clean_under_every_rule(run, tmp_path, template):
    result = run("init", "--no-input", "--template", template, "--product", "Acme Tasks")
    assert result.exit_code == 0, result.stderr
    spec = tmp_path / "metrics" / "acme-tasks.metrics.yaml"
    report = run("lint", str(spec), "--select", "ALL", "--fail-on", "info", "--format", "json")
    assert json.loads(report.stdout)["diagnostics"] == []
    assert report.exit_code == 0
    assert "it starts clean" in result.stdout and "finding" not in result.stdout


def test_another_stage_is_written_and_its_findings_explained(run, tmp_path):
    result = run("init", "--no-input", "--template", "minimal", "--stage", "discovery", "--product", "Acme")
    assert result.exit_code == 0
    assert yaml.safe_load((tmp_path / "metrics" / "acme.metrics.yaml").read_text())["stage"] == "discovery"
    assert "L001 metrics/acme.metrics.yaml:" in result.stdout
    assert "The minimal template is written for the mvp stage" in result.stdout
    assert "see what to adapt" in result.stdout
    assert "starts clean" not in result.stdout  # no promise of a clean spec above its findings


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("day", [dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2027, 8, 31), dt.date(2028, 2, 29),
                                 dt.date(2028, 12, 31)])
def test_templates_are_clean_on_any_day(write, template, day):
    spec = write(f"{template}.metrics.yaml", render(template, "Acme Tasks", DEFAULT_STAGES[template], day))
    report = lint_paths(spec, today=day, select=["ALL"])
    assert findings(report) == []


@pytest.mark.parametrize("template", TEMPLATES)
def test_templates_hold_a_complete_hierarchy(template):
    data = yaml.safe_load(render(template, "Acme", DEFAULT_STAGES[template], dt.date(2026, 6, 1)))
    objective = data["objectives"][0]
    behavior = objective["goals"][0]["outcomes"][0]["behaviors"][0]
    assert behavior["metrics"]
    metrics = _metrics(data)
    assert {m["kind"] for m in metrics} == {"leading", "lagging"}
    assert {m["category"] for m in metrics} == {"user", "business", "operational"}
    assert data["north_star"] in {m["id"] for m in metrics}


@pytest.mark.parametrize("template", TEMPLATES)
def test_templates_leave_a_third_of_every_overload_limit_free(write, template):
    """The first metrics a team adds must not trip O001-O003: each template stays within two
    thirds of every overload limit (a node holds at most 2 of 3, the file at most 8 of 12,
    an owner at most 4 of 6), checked by the rules themselves at those tighter limits."""
    day = dt.date(2026, 6, 1)
    spec = write(f"{template}.metrics.yaml", render(template, "Acme Tasks", DEFAULT_STAGES[template], day))
    config = Config()
    limits = config.thresholds
    defaults = (limits.max_metrics_per_node, limits.max_metrics_per_document, limits.max_metrics_per_owner)
    assert defaults == (3, 12, 6)
    limits.max_metrics_per_node, limits.max_metrics_per_document, limits.max_metrics_per_owner = (
        limit * 2 // 3 for limit in defaults)
    report = lint(LintOptions(paths=[str(spec)], config=config, select=["O001", "O002", "O003"], today=day))
    assert findings(report) == []
    assert len(_metrics(yaml.safe_load(spec.read_text()))) <= 8  # four more fit under the file's limit of 12


@pytest.mark.parametrize("template", TEMPLATES)
def test_templates_say_to_replace_their_metrics_not_add_beside_them(run, tmp_path, template):
    assert run("init", "--no-input", "--template", template, "--product", "Acme").exit_code == 0
    head = (tmp_path / "metrics" / "acme.metrics.yaml").read_text().split("\nmetricspec: 1\n")[0]
    assert "Replace these metrics with your own rather than adding yours beside them" in " ".join(
        line.lstrip("# ") for line in head.splitlines())


def _metrics(node: dict) -> list[dict]:
    found = list(node.get("metrics", []))
    for key in ("objectives", "goals", "outcomes", "behaviors"):
        for child in node.get(key, []):
            found.extend(_metrics(child))
    return found


def test_the_spec_init_writes(run, tmp_path):
    today = dt.date.today()
    result = run("init", "--no-input", "--product", "Acme Tasks")
    assert result.exit_code == 0
    spec = tmp_path / "metrics" / "acme-tasks.metrics.yaml"
    text = spec.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={SCHEMA_ID}"
    data = yaml.safe_load(text)
    assert data["metricspec"] == 1 and data["product"] == "Acme Tasks" and data["stage"] == "growth"
    targets = [m["target"] for m in _metrics(data)]
    assert {t["since"] for t in targets} == {today}
    for target in targets:
        # Quarter ends 6 to 12 months out: never passed, never distant.
        assert target["by"] == quarter_end(target["by"])
        assert add_months(today, 6) <= target["by"] <= quarter_end(add_months(today, 12))
    assert (tmp_path / "metricspec.toml").read_text().startswith("# metricspec configuration")
    # The tests run an editable install: not a release, so the hook runs the metricspec on PATH.
    assert yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())["repos"] == [entry_data("local")]


def test_output_names_the_files_and_the_next_commands(run):
    result = run("init", "--no-input", "--template", "minimal", "--product", "Acme")
    out = result.stdout
    for expected in ("metrics/acme.metrics.yaml", "metricspec.toml", ".pre-commit-config.yaml",
                     "minimal template, mvp stage", "metricspec lint", "metricspec tree", "pre-commit install"):
        assert expected in out
    assert result.stderr == ""


def test_product_stage_and_folder_defaults(run, tmp_path):
    assert run("init", "--no-input", "--stage", "maturity", "--template", "b2b", "--product", "Café Über").exit_code == 0
    data = yaml.safe_load((tmp_path / "metrics" / "cafe-uber.metrics.yaml").read_text(encoding="utf-8"))
    assert data["product"] == "Café Über" and data["stage"] == "maturity"
    # A folder that does not exist yet is created; the product is named after it.
    assert run("init", "acme-tasks", "--no-input").exit_code == 0
    spec = tmp_path / "acme-tasks" / "metrics" / "acme-tasks.metrics.yaml"
    assert yaml.safe_load(spec.read_text())["product"] == "Acme Tasks"


@pytest.mark.parametrize("name", ["Yes", "null", "Acme: Tasks", "a # b", 'He said "hi"', "  padded ", "-dash", "100", "東京"])
def test_any_product_name_reads_back_as_written(name, tmp_path):
    result = init_project(InitOptions(tmp_path, template="minimal", product=name))
    assert yaml.safe_load(result.spec.read_text(encoding="utf-8"))["product"] == name.strip()
    assert result.spec.name.endswith(".metrics.yaml") and re.match(r"^[a-z0-9-]+\.metrics\.yaml$", result.spec.name)


def test_slug_and_scalar():
    assert slugify("Acme Analytics!") == "acme-analytics"
    assert slugify("東京") == ""
    assert yaml_string("Acme Tasks") == "Acme Tasks"
    assert yaml_string("on") == '"on"'


def test_second_init_changes_nothing_and_names_what_exists(run, tmp_path):
    assert run("init", "--no-input", "--product", "Acme").exit_code == 0
    before = _snapshot(tmp_path)
    again = run("init", "--no-input", "--product", "Acme")
    assert again.exit_code == 1
    assert "metrics/acme.metrics.yaml already exists" in again.stderr
    assert "--force" in again.stderr
    assert _snapshot(tmp_path) == before


def test_existing_spec_blocks_every_write(run, tmp_path):
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "acme.metrics.yaml").write_text("mine\n")
    result = run("init", "--no-input", "--product", "Acme")
    assert result.exit_code == 1
    assert _snapshot(tmp_path) == {"metrics/acme.metrics.yaml": b"mine\n"}


def test_force_overwrites_the_spec_atomically_and_nothing_else(run, tmp_path):
    (tmp_path / "metrics").mkdir()
    spec = tmp_path / "metrics" / "acme.metrics.yaml"
    spec.write_text("mine\n")
    spec.chmod(0o640)
    (tmp_path / "metricspec.toml").write_text('fail-on = "error"\n')
    precommit = tmp_path / ".pre-commit-config.yaml"
    precommit.write_text("repos:\n- repo: https://github.com/metricspec/metricspec\n  rev: v0.0.9\n  hooks:\n  - id: metricspec\n")
    result = run("init", "--no-input", "--product", "Acme", "--force")
    assert result.exit_code == 0, result.stderr
    assert spec.read_text().startswith("# yaml-language-server:")
    assert spec.stat().st_mode & 0o777 == 0o640  # replaced in place, keeping its mode
    assert (tmp_path / "metricspec.toml").read_text() == 'fail-on = "error"\n'
    assert precommit.read_text().count("id: metricspec") == 1
    assert "overwrote" in result.stdout and "kept" in result.stdout
    assert not [p for p in (tmp_path / "metrics").iterdir() if p.name != "acme.metrics.yaml"]  # no temporary left


def test_hook_is_inserted_into_an_existing_config(run, tmp_path):
    old = "# ours\nrepos:\n-   repo: https://github.com/psf/black\n    rev: 24.4.2\n    hooks:\n    -   id: black  # fmt"
    (tmp_path / ".pre-commit-config.yaml").write_text(old)
    assert run("init", "--no-input", "--hook", "remote").exit_code == 0
    new = (tmp_path / ".pre-commit-config.yaml").read_text()
    assert new.startswith(old + "\n-   repo: https://github.com/metricspec/metricspec\n")
    assert run("init", "--no-input", "--product", "Other").exit_code == 0
    assert (tmp_path / ".pre-commit-config.yaml").read_text() == new  # the hook is there already


def test_a_config_it_cannot_edit_is_left_alone_with_the_block_to_add(run, tmp_path):
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: [\n")
    result = run("init", "--no-input")
    assert result.exit_code == 0
    assert (tmp_path / ".pre-commit-config.yaml").read_text() == "repos: [\n"
    assert "not valid YAML" in result.stderr and "id: metricspec" in result.stderr


def test_an_existing_configuration_is_kept(run, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.metricspec]\nfail-on = "error"\n')
    result = run("init", "--no-input")
    assert result.exit_code == 0
    assert not (tmp_path / "metricspec.toml").exists()
    assert "pyproject.toml" in result.stdout


def test_pre_commit_config_goes_to_the_repository_root(run, tmp_path):
    (tmp_path / ".git").mkdir()
    assert run("init", "services/billing", "--no-input").exit_code == 0
    assert (tmp_path / ".pre-commit-config.yaml").exists()
    assert (tmp_path / "services" / "billing" / "metrics" / "billing.metrics.yaml").exists()
    assert not (tmp_path / "services" / "billing" / ".pre-commit-config.yaml").exists()


def test_usage_errors(run, tmp_path):
    assert run("init", "--no-input", "--template", "crm").exit_code == 2
    assert run("init", "--no-input", "--stage", "scale").exit_code == 2
    bad_hook = run("init", "--no-input", "--hook", "global")
    assert bad_hook.exit_code == 2 and "global" in bad_hook.stderr
    assert not (tmp_path / "metrics").exists()
    (tmp_path / "afile").write_text("")
    result = run("init", "afile", "--no-input")
    assert result.exit_code == 2 and "not a directory" in result.stderr


def test_without_a_terminal_nothing_is_asked(run, tmp_path):
    # CliRunner's stdin is not a terminal: init takes the defaults instead of waiting for answers.
    result = run("init")
    assert result.exit_code == 0
    assert (tmp_path / "metrics" / f"{slugify(tmp_path.name)}.metrics.yaml").exists()


def test_prompts_offer_defaults_and_accept_answers(monkeypatch, tmp_path):
    console = Console(file=io.StringIO(), width=100)
    answers = iter(["", "", ""])
    monkeypatch.setattr("builtins.input", lambda *args: next(answers))
    product, template, stage = ask(console, tmp_path / "acme-tasks", None, None, None)
    assert (product, template, stage) == ("Acme Tasks", "saas", "growth")

    answers = iter(["Pulse", "marketplace", ""])
    assert ask(console, tmp_path, None, None, None) == ("Pulse", "marketplace", "mvp")
    # Whatever the command line gave is not asked again.
    answers = iter(["maturity"])
    assert ask(console, tmp_path, "Given", "b2b", None) == ("Given", "b2b", "maturity")
    shown = console.file.getvalue()
    assert "Product name" in shown and "Template" in shown and "Stage" in shown


@pytest.mark.parametrize("old", [
    "# Windows\r\nrepos:\r\n  - repo: https://example.com/a\r\n    rev: v1\r\n    hooks:\r\n      - id: a\r\n",
    "\ufeffrepos:\n  - repo: https://example.com/a\n    rev: v1\n    hooks:\n      - id: a\n",
])
def test_an_existing_pre_commit_config_keeps_its_line_ends_and_byte_order_mark(run, tmp_path, old):
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_bytes(old.encode())
    assert run("init", "--no-input").exit_code == 0
    new = config.read_bytes().decode()
    assert new.startswith(old) and "id: metricspec" in new
    if "\r\n" in old:
        assert new.count("\n") == new.count("\r\n")


def test_a_file_in_the_way_of_the_metrics_folder_is_named(run, tmp_path):
    (tmp_path / "metrics").write_text("not a folder")
    result = run("init", "--no-input")
    assert result.exit_code == 2
    assert "cannot write metrics: File exists" in result.stderr
    assert (tmp_path / "metrics").read_text() == "not a folder"


def test_a_product_name_with_control_characters_is_shown_escaped(run, tmp_path):
    result = run("init", "--no-input", "--product", "Acme\x1b]0;pwned\x07 \x1b[2J[bold]x")
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout
    assert r"Scaffolded metrics for Acme\x1b]0;pwned\x07 \x1b[2J[bold]x:" in result.stdout
    # The spec keeps the name as given (YAML escapes it); only what is shown is escaped.
    spec = next((tmp_path / "metrics").glob("*.metrics.yaml"))
    assert yaml.safe_load(spec.read_text())["product"] == "Acme\x1b]0;pwned\x07 \x1b[2J[bold]x"


def test_a_dangling_config_symlink_is_not_followed(run, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "metricspec.toml").symlink_to(tmp_path / "outside.toml")
    result = run("init", "--no-input", str(project))
    assert result.exit_code == 0, result.stderr
    assert not (tmp_path / "outside.toml").exists()
    assert (project / "metricspec.toml").is_symlink()
    assert "metricspec.toml  (a symlink to a missing file, not followed; no configuration was written)" in result.stdout
    assert (project / "metrics" / "project.metrics.yaml").is_file()


def _full_disk(monkeypatch):
    import errno

    from metricspec import fileio

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", no_space)


def test_a_full_disk_leaves_no_folder_behind(tmp_path, monkeypatch):
    _full_disk(monkeypatch)
    result = init_project(InitOptions(tmp_path / "new" / "project", product="Acme"))
    assert result.exit_code == 2
    assert "No space left on device" in result.error and "acme.metrics.yaml" in result.error
    assert list(tmp_path.iterdir()) == []  # new/, new/project/ and metrics/ were all created by this run


def test_a_full_disk_keeps_the_folders_that_were_there(tmp_path, monkeypatch):
    (tmp_path / "notes.txt").write_text("mine")
    _full_disk(monkeypatch)
    result = init_project(InitOptions(tmp_path, product="Acme"))
    assert result.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("product, kept", [
    ("Acme\x7f", "Acme\x7f"),  # DEL and the C1 controls: JSON leaves them raw, YAML refuses them
    ("Acme\x85 \x9b", "Acme\x85 \x9b"),
    ("Acme\u2028Tasks", "Acme\u2028Tasks"),  # a line break to YAML
    ("Acme\ufffe", "Acme\ufffe"),
    ("Acme\udcff", "Acme\ufffd"),  # a byte of the command line that is not UTF-8
])
def test_any_product_name_makes_a_valid_spec(tmp_path, product, kept):
    result = init_project(InitOptions(tmp_path, product=product))
    assert result.exit_code == 0 and result.findings == []
    assert yaml.safe_load(result.spec.read_text(encoding="utf-8"))["product"] == kept
