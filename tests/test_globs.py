"""One reading of the config's globs (`include`, `exclude`, `per-file-ignores`), matched in
linear time: counted in matcher steps (globs.STEPS), never timed."""

from __future__ import annotations

import contextlib
import json
import os
import shutil

import pytest

from metricspec import globs
from metricspec.globs import Glob

# One E002 (unknown key 'ownr') on line 6, about the objective `subject`.
def broken(subject: str) -> str:
    return f"metricspec: 1\nproduct: Acme\nobjectives:\n  - id: {subject}\n    title: Grow {subject}\n    ownr: ana\n"


@pytest.mark.parametrize(("pattern", "path", "matches"), [
    # `*`, `?` and classes stay within a name; anchored at the config's folder once a `/` is in the glob.
    ("metrics/*.yaml", "metrics/a.metrics.yaml", True),
    ("metrics/*.yaml", "metrics/legacy/a.metrics.yaml", False),
    ("metrics/*.yaml", "other/metrics/a.metrics.yaml", False),
    ("metrics/?.yaml", "metrics/a.yaml", True),
    ("metrics/?.yaml", "metrics/ab.yaml", False),
    ("metrics/[!t]*.yaml", "metrics/top.yaml", False),
    ("metrics/[^t]*.yaml", "metrics/old.yaml", True),
    ("metrics/[a-c]*.yaml", "metrics/b.yaml", True),
    ("metrics/[a-c]*.yaml", "metrics/d.yaml", False),
    ("m*s/*.y?ml", "metrics/a.yaml", True),
    # `**` as a whole name spans folders, none included; inside a name it is a `*`.
    ("metrics/**/*.yaml", "metrics/a.yaml", True),
    ("metrics/**/*.yaml", "metrics/x/y/a.yaml", True),
    ("a/**/b/*.yaml", "a/b/x.yaml", True),
    ("a/**/b/*.yaml", "a/c/d/b/x.yaml", True),
    ("a/**/b/*.yaml", "a/c/x.yaml", False),
    ("**/fixtures/**", "x/y/fixtures/z/a.yaml", True),
    ("a/**/**/b", "a/b", True),
    ("metrics/**.yaml", "metrics/a.yaml", True),
    ("metrics/**.yaml", "metrics/legacy/a.yaml", False),
    # A glob without `/` names files and folders in any folder; `./` anchors it.
    ("*.draft.yaml", "teams/a/b.draft.yaml", True),
    ("top.yaml", "sub/top.yaml", True),
    ("./top.yaml", "sub/top.yaml", False),
    ("./top.yaml", "top.yaml", True),
    ("legacy", "metrics/legacy/a.yaml", True),
    ("legacy/", "metrics/legacy/a.yaml", True),
    ("legacy/*.yaml", "metrics/legacy/a.yaml", False),
    # A folder names everything under it.
    ("metrics/legacy", "metrics/legacy/old/a.yaml", True),
    ("metrics/legacy/", "metrics/legacy/a.yaml", True),
    ("metrics/leg", "metrics/legacy/a.yaml", False),
    ("./metrics/legacy/*.yaml", "metrics/legacy/a.yaml", True),
    ("other/**", "other/a.yaml", True),
    ("../legacy/*", "../legacy/a.yaml", True),
    # A class that is no class is plain text, the whole glob with it.
    ("[z-a]*", "[z-a]*", True),
    ("[z-a]*", "z", False),
    ("[[:alpha:]]", "a]", True),
    ("[[:alpha:]]", "metrics/top.yaml", False),
])
def test_the_reading(pattern, path, matches):
    assert Glob(pattern).matches(path) is matches


def test_an_absolute_glob_reads_absolute_paths_only():
    assert Glob("/srv/specs/*.yaml").matches("/srv/specs/a.yaml")
    assert not Glob("/srv/specs/*.yaml").matches("/srv/specs/x/a.yaml")
    assert not globs.any_match([Glob("/srv/specs/*.yaml")], ["srv/specs/a.yaml"])
    assert not globs.any_match([Glob("*.yaml")], ["/srv/specs/a.yaml"])
    assert globs.any_match([Glob("*.yaml")], ["/srv/specs/a.yaml", "specs/a.yaml"])


# -- linear time ------------------------------------------------------------------------------


def _steps(pattern: str, path: str) -> int:
    globs.STEPS = 0
    Glob(pattern).matches(path)
    return globs.STEPS


# A backtracking matcher tries every way of spreading the a's over the stars: ~n^6 steps. Here
# each piece between stars is looked for once, from where the previous one ended.
@pytest.mark.parametrize(("pattern", "filler", "end"), [
    ("*a*a*a*a*a*a*b*c", "a", "c"),
    ("*a?a?a?a?a?b*c", "a", "c"),  # pieces with `?` are looked for character by character
    ("*[a]*[a]*[a]*[b]*c", "a", "c"),
    ("**/a/**/a/**/a/**/b/c", "a/", "c"),  # the same over folders
    ("**/a*a/**/a*a*b/**/c", "aa/", "c"),
])
def test_steps_grow_linearly_with_the_path(pattern, filler, end):
    small, large = _steps(pattern, filler * 2000 + end), _steps(pattern, filler * 4000 + end)
    assert small >= 2000  # the whole path is looked at: the counter counts the work
    assert large <= 2.1 * small


def test_a_glob_whose_end_cannot_match_looks_no_further():
    assert _steps("*a*a*a*a*a*a*c", "a" * 4000 + "b") < 10


def test_per_file_ignores_glob_is_linear_in_a_run(write, tmp_path, monkeypatch):
    """Through the engine: a hostile per-file-ignores glob against long file names."""
    from metricspec.api import LintOptions, lint
    from metricspec.config import load as load_config

    monkeypatch.chdir(tmp_path)
    counted = []
    for n in (100, 200):
        folder = tmp_path / f"run{n}"
        spec = folder / ("a" * n + ".metrics.yaml")
        spec.parent.mkdir()
        spec.write_text(broken("revenue"))
        (folder / "metricspec.toml").write_text('[per-file-ignores]\n"*a*a*a*a*a*a*b*.yaml" = ["E002"]\n')
        config = load_config(folder / "metricspec.toml")
        globs.STEPS = 0
        report = lint(LintOptions(paths=[str(spec)], config=config, select=["E"], cwd=str(folder)))
        counted.append(globs.STEPS)
        assert [(d.code, d.line) for d in report.diagnostics] == [("E002", 6)]  # no `b` in the name
    assert counted[0] >= 100 and counted[1] <= 2.1 * counted[0]


# -- exclude, include and per-file-ignores read globs alike ----------------------------------


def _paths(result) -> list[str]:
    return sorted(d["path"] for d in json.loads(result.stdout)["diagnostics"])


def test_exclude_stays_within_a_folder(run, write):
    """`metrics/*.yaml` excludes the files of metrics/, not those of metrics/legacy/ (fnmatch's
    `*` crossed folders: everything was excluded, and the run linted nothing)."""
    write("metrics/top.metrics.yaml", broken("top"))
    write("metrics/legacy/a.metrics.yaml", broken("old"))
    write("metricspec.toml", 'exclude = ["metrics/*.yaml"]\n')
    result = run("lint", "--select", "E", "--format", "json")
    assert (result.exit_code, _paths(result)) == (1, ["metrics/legacy/a.metrics.yaml"])


@pytest.mark.parametrize(("exclude", "kept"), [
    ("metrics/legacy", ["metrics/top.metrics.yaml", "teams/legacy/b.metrics.yaml"]),
    ("legacy", ["metrics/top.metrics.yaml"]),  # no `/`: a folder of that name anywhere
    ("metrics/**/a.metrics.yaml", ["metrics/top.metrics.yaml", "teams/legacy/b.metrics.yaml"]),
    ("*.metrics.yaml", []),
    ("./top.metrics.yaml", ["metrics/legacy/a.metrics.yaml", "metrics/top.metrics.yaml",
                            "teams/legacy/b.metrics.yaml"]),
])
def test_exclude_forms(run, write, exclude, kept):
    write("metrics/top.metrics.yaml", broken("top"))
    write("metrics/legacy/a.metrics.yaml", broken("old"))
    write("teams/legacy/b.metrics.yaml", broken("team"))
    write("metricspec.toml", f'exclude = ["{exclude}"]\n')
    result = run("lint", "--select", "E", "--format", "json")
    if not kept:  # everything excluded: no spec file found is exit 2, not a silent pass (CLI.md)
        assert (result.exit_code, result.stdout) == (2, "")
        assert "no spec file found in the current directory" in result.stderr
        return
    assert _paths(result) == kept


def test_exclude_on_the_command_line_from_a_subfolder(run, write, tmp_path, monkeypatch):
    write("metricspec.toml", 'select = ["E"]\n')
    write("metrics/top.metrics.yaml", broken("top"))
    write("metrics/legacy/a.metrics.yaml", broken("old"))
    monkeypatch.chdir(tmp_path / "metrics")
    result = run("lint", ".", "--exclude", "legacy/*", "--format", "concise")
    assert result.stdout == "top.metrics.yaml:6:5: E002 [error] unknown key 'ownr'; did you mean 'owner'?\n"


@pytest.mark.parametrize(("include", "read"), [
    ("metrics/*.yaml", ["metrics/top.metrics.yaml"]),
    ("metrics/**/*.yaml", ["metrics/legacy/a.metrics.yaml", "metrics/legacy/deep/c.metrics.yaml",
                           "metrics/top.metrics.yaml"]),
    ("metrics/**/deep/*.yaml", ["metrics/legacy/deep/c.metrics.yaml"]),
    ("**/legacy/*.yaml", ["metrics/legacy/a.metrics.yaml", "teams/legacy/b.metrics.yaml"]),
    ("legacy", ["metrics/legacy/a.metrics.yaml", "metrics/legacy/deep/c.metrics.yaml",
                "teams/legacy/b.metrics.yaml"]),
    ("top.metrics.yaml", ["metrics/top.metrics.yaml"]),
    ("metrics/legacy", ["metrics/legacy/a.metrics.yaml", "metrics/legacy/deep/c.metrics.yaml"]),
    ("teams/legacy/b.metrics.yaml", ["teams/legacy/b.metrics.yaml"]),
    ("./metrics", ["metrics/legacy/a.metrics.yaml", "metrics/legacy/deep/c.metrics.yaml",
                   "metrics/top.metrics.yaml"]),
])
def test_include_forms(run, write, include, read):
    for index, path in enumerate(("metrics/top.metrics.yaml", "metrics/legacy/a.metrics.yaml",
                                  "metrics/legacy/deep/c.metrics.yaml", "teams/legacy/b.metrics.yaml",
                                  "node_modules/legacy/x.metrics.yaml")):
        write(path, broken(f"s{index}"))
    write("metricspec.toml", f'include = ["{include}"]\n')
    result = run("lint", "--select", "E", "--format", "json")
    assert _paths(result) == read


def test_an_include_walk_leaves_out_what_git_ignores(run, write):
    write("metrics/top.metrics.yaml", broken("top"))
    write("metrics/generated/a.metrics.yaml", broken("old"))
    write("metrics/.gitignore", "generated/\n")
    write("metricspec.toml", 'include = ["metrics/**/*.yaml"]\n')
    assert _paths(run("lint", "--select", "E", "--format", "json")) == ["metrics/top.metrics.yaml"]
    # A path without wildcards is read as named.
    write("metricspec.toml", 'include = ["metrics/generated/a.metrics.yaml"]\n')
    assert _paths(run("lint", "--select", "E", "--format", "json")) == ["metrics/generated/a.metrics.yaml"]


def test_include_and_exclude_together(run, write):
    write("metrics/top.metrics.yaml", broken("top"))
    write("metrics/archive/a.metrics.yaml", broken("old"))
    write("metricspec.toml", 'include = ["metrics/**/*.yaml"]\nexclude = ["metrics/archive/**"]\n')
    result = run("lint", "--select", "E", "--format", "json")
    assert _paths(result) == ["metrics/top.metrics.yaml"]


def test_an_include_walk_outlives_a_folder_that_disappears(run, write, tmp_path, monkeypatch):
    """A folder removed between its parent's listing and its own (a build cleaning up) is
    simply gone: no FileNotFoundError, no problem reported, the other files read."""
    write("metrics/top.metrics.yaml", broken("top"))
    write("metrics/gone/a.metrics.yaml", broken("old"))
    write("metricspec.toml", 'include = ["metrics/**/*.yaml"]\n')
    real_scandir = os.scandir

    def scandir(path):
        if not isinstance(path, str):  # shutil.rmtree's own listing, by descriptor
            return real_scandir(path)
        entries = list(real_scandir(path))
        if os.path.basename(os.path.normpath(path)) == "metrics":
            shutil.rmtree(tmp_path / "metrics" / "gone")
        return contextlib.nullcontext(entries)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run("lint", "--select", "E", "--format", "concise")
    assert (result.exit_code, result.stdout) == (
        1, "metrics/top.metrics.yaml:6:5: E002 [error] unknown key 'ownr'; did you mean 'owner'?\n")


def test_per_file_ignores_name_a_folder_anywhere(run, write):
    write("metrics/top.metrics.yaml", broken("top"))
    write("metrics/legacy/a.metrics.yaml", broken("old"))
    write("metricspec.toml", '[per-file-ignores]\n"legacy" = ["E002"]\n')
    result = run("lint", "--select", "E", "--format", "json")
    assert _paths(result) == ["metrics/top.metrics.yaml"]
