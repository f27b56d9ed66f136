"""metricspec diff's library core against real git repositories built by each test."""

from __future__ import annotations

import json
import os
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml

from metricspec import diff
from metricspec.diff import gitcli, report

GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, check=True, capture_output=True).stdout.decode()


def write(root, files):
    for path, text in files.items():
        full = root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            full.unlink()
        else:
            full.write_text(textwrap.dedent(text).lstrip("\n"))


def repo(tmp_path, base, head, commit_head=True):
    """A repository with BASE committed on main, then HEAD's files (committed, or left in the
    working tree); a file None at HEAD is deleted."""
    root = tmp_path / "repo"
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    write(root, base)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    write(root, {**{p: None for p in base if p not in head}, **head})
    if commit_head:
        git(root, "add", "-A")
        git(root, "commit", "-qm", "head", "--allow-empty")
    return root


def found(root, base="main", head=None):
    result = diff.run(base, head, [], str(root))
    return [(c.code, c.subject, c.side, c.line) for c in result.changes]


def spec(metrics, top="", node="o1"):
    return (f"metricspec: 1\n{top}objectives:\n  - id: {node}\n    title: Grow usage\n    metrics:\n"
            + textwrap.indent(textwrap.dedent(metrics).strip("\n"), "      ") + "\n")


M1 = """
- id: m1
  name: Weekly builders
  event: report_built
  target: {baseline: 1800, value: 2400, by: 2027-06-30, since: 2026-07-01}
"""


def with_target(target, extra=""):
    return spec(M1.replace("{baseline: 1800, value: 2400, by: 2027-06-30, since: 2026-07-01}", target) + extra)


@pytest.mark.parametrize("target, expected", [
    ("{baseline: 1800, value: 2200, by: 2027-06-30, since: 2026-07-01}", [("D001", "m1", "head", 9)]),
    ("{baseline: 1800, value: 2400, by: 2027-12-31, since: 2026-07-01}", [("D002", "m1", "head", 9)]),
    ("{baseline: 1800, value: 2400, since: 2026-07-01}", [("D002", "m1", "head", 9)]),
    ("{baseline: 1700, value: 2400, by: 2027-06-30, since: 2026-07-01}", [("D003", "m1", "head", 9)]),
    ("{baseline: 1800, value: 1500, by: 2027-06-30, since: 2026-07-01}", [("D004", "m1", "head", 9)]),
    ("{by: 2027-06-30}", [("D005", "m1", "head", 9)]),
    ("{baseline: 1800, value: 2600, by: 2027-06-30, since: 2026-07-01}", [("D006", "m1", "head", 9)]),
    ("{baseline: 1_800, value: 2_400, by: 2027-06-30, since: 2026-07-01}", []),  # as the format reads it
])
def test_target_codes(tmp_path, target, expected):
    root = repo(tmp_path, {"a.yaml": spec(M1)}, {"a.yaml": with_target(target)})
    assert found(root) == expected


def test_acknowledged_revision_is_info_with_the_reason(tmp_path):
    head = with_target("{baseline: 1800, value: 2200, by: 2027-06-30, since: 2026-07-01}", """
  history:
    - {baseline: 1800, value: 2400, by: 2027-06-30, since: 2026-07-01, status: revised, closed: 2026-10-02, reason: "EU launch moved to FY2028"}
""")
    root = repo(tmp_path, {"a.yaml": spec(M1)}, {"a.yaml": head})
    change, = diff.run("main", None, [], str(root)).changes
    assert (change.code, change.severity) == ("D001", "info")
    assert "EU launch moved to FY2028" in change.message
    assert change.acknowledged == {"status": "revised", "reason": "EU launch moved to FY2028", "line": 12}


def test_placeholder_reason_or_other_target_acknowledges_nothing(tmp_path):
    lowered = "{baseline: 1800, value: 2200, by: 2027-06-30, since: 2026-07-01}"
    todo = with_target(lowered, """
  history:
    - {baseline: 1800, value: 2400, by: 2027-06-30, since: 2026-07-01, status: revised, closed: 2026-10-02, reason: TODO}
""")
    other = with_target(lowered, """
  history:
    - {baseline: 1800, value: 2500, by: 2027-06-30, since: 2026-07-01, status: revised, closed: 2026-10-02, reason: moved}
""")
    for index, head in enumerate((todo, other)):
        root = repo(tmp_path / str(index), {"a.yaml": spec(M1)}, {"a.yaml": head})
        change, = diff.run("main", None, [], str(root)).changes
        assert (change.code, change.severity, change.acknowledged) == ("D001", "warning", None)


def test_closed_target_is_d007_and_early_miss_counts_as_revised(tmp_path):
    new = "{baseline: 2300, value: 2000, by: 2028-06-30, since: 2027-07-01, direction: increase}"
    met = with_target(new, """
  history:
    - {baseline: 1800, value: 2400, by: 2027-06-30, since: 2026-07-01, status: missed, result: 2300, closed: 2027-07-01}
""")
    early = with_target("{baseline: 1800, value: 2200, by: 2027-06-30, since: 2026-07-01}", """
  history:
    - {baseline: 1800, value: 2400, by: 2027-06-30, since: 2026-07-01, status: missed, result: 1900, closed: 2026-09-01}
""")
    root = repo(tmp_path / "a", {"a.yaml": spec(M1)}, {"a.yaml": met})
    assert found(root) == [("D007", "m1", "head", 12)]
    root = repo(tmp_path / "b", {"a.yaml": spec(M1)}, {"a.yaml": early})
    assert [(c.code, c.severity) for c in diff.run("main", None, [], str(root)).changes] == [("D001", "warning")]


def test_history_rewritten_and_contradicted(tmp_path):
    entry = "    - {baseline: 1500, value: 2000, by: 2026-06-30, status: missed, result: 1800, closed: 2026-07-01}\n"
    base = with_target("{baseline: 1800, value: 2400, by: 2027-06-30, since: 2026-07-01}", "  history:\n" + entry)
    rewritten = base.replace("status: missed, result: 1800", "status: met, result: 2100")
    assert found(repo(tmp_path / "a", {"a.yaml": base}, {"a.yaml": rewritten})) == [("D008", "m1", "head", 11)]
    second = "    - {baseline: 1800, value: 2400, by: 2027-06-30, since: 2026-07-01, status: met, result: 2000, closed: 2027-07-01}\n"
    contradicted = with_target("{baseline: 2000, value: 2500, by: 2028-06-30, since: 2027-07-01}",
                               "  history:\n" + entry + second)
    codes = found(repo(tmp_path / "b", {"a.yaml": base}, {"a.yaml": contradicted}))
    # the entry closes the BASE target (D007) and records a met it did not reach (D009)
    assert codes == [("D007", "m1", "head", 12), ("D009", "m1", "head", 12)]


M2 = """
- id: m2
  name: Report errors
  event: report_error
"""


def test_removed_deprecated_retired_and_added(tmp_path):
    base = {"a.yaml": spec(M1 + M2)}
    assert found(repo(tmp_path / "a", base, {"a.yaml": spec(M1)})) == [("D010", "m2", "base", 11)]
    deprecated = spec(M1 + M2 + "  status: deprecated\n")
    assert found(repo(tmp_path / "b", base, {"a.yaml": deprecated})) == [("D012", "m2", "head", 14)]
    assert found(repo(tmp_path / "c", {"a.yaml": deprecated}, {"a.yaml": spec(M1)})) == [("D013", "m2", "base", 11)]
    added = spec(M1 + M2 + "- id: m3\n  name: Shares\n  event: share\n")
    assert found(repo(tmp_path / "d", base, {"a.yaml": added})) == [("D016", "m3", "head", 14)]


def test_node_removed_folds_each_metric(tmp_path):
    base = spec(M1) + "  - id: o2\n    title: Retain\n    metrics:\n" + textwrap.indent(M2.strip("\n"), "      ") + "\n"
    assert found(repo(tmp_path, {"a.yaml": base}, {"a.yaml": spec(M1)})) == [
        ("D011", "o2", "base", 10), ("D010", "m2", "base", 13)]


def test_moved_and_split_files_are_no_change(tmp_path):
    base = {"specs/all.yaml": spec(M1 + M2)}
    head = {"other/one.yaml": spec(M1), "other/two.yaml": "metricspec: 1\ngoals:\n  - id: g1\n    title: Quality\n"
            "    parent: o1\n    metrics:\n" + textwrap.indent(M2.strip("\n"), "      ") + "\n"}
    root = repo(tmp_path, base, head)
    assert found(root) == []


def test_rename_followed_in_references(tmp_path):
    base = spec(M1 + "  guardrails: [m2]\n" + M2)
    head = spec(M1 + "  guardrails: [report-errors]\n" + M2.replace("id: m2", "id: report-errors"))
    assert found(repo(tmp_path, {"a.yaml": base}, {"a.yaml": head})) == [("D014", "report-errors", "head", 12)]


def test_no_rename_when_a_third_shares_the_definition(tmp_path):
    twin = M2.replace("id: m2", "id: m9").replace("Report errors", "Report errors")
    base = spec(M1 + M2 + twin.replace("m9", "m8"))
    head = spec(M1 + twin.replace("m9", "m8") + twin)
    codes = {c[0] for c in found(repo(tmp_path, {"a.yaml": base}, {"a.yaml": head}))}
    assert codes == {"D010", "D016"}


def test_definition_guardrail_pair_owner_north_star_stage(tmp_path):
    base = spec(M1 + "  owner: ana\n  guardrails: [m2]\n  pairs_with: m2\n" + M2,
                top="product: acme\nstage: growth\nnorth_star: m1\n")
    head = spec(M1.replace("report_built", "report_saved") + M2, top="product: acme\nstage: maturity\nnorth_star: m2\n")
    codes = found(repo(tmp_path, {"a.yaml": base}, {"a.yaml": head}))
    # the guardrail, pair and owner keys went: each sits at m1's id; the changed event at its key
    assert codes == [("D024", None, "head", 3), ("D020", "m2", "head", 4), ("D021", "m1", "head", 9),
                     ("D022", "m1", "head", 9), ("D023", "m1", "head", 9), ("D015", "m1", "head", 11)]


def test_filling_in_unit_is_no_change_but_changing_it_is(tmp_path):
    filled = spec(M1 + "  unit: reports\n")
    assert found(repo(tmp_path / "a", {"a.yaml": spec(M1)}, {"a.yaml": filled})) == []
    changed = filled.replace("unit: reports", "unit: users").replace("value: 2400", "value: 10")
    assert found(repo(tmp_path / "b", {"a.yaml": filled}, {"a.yaml": changed})) == [("D015", "m1", "head", 10)]


def test_unreadable_file_at_one_side(tmp_path):
    broken = spec(M1).replace("title: Grow usage", "title: [Grow usage")
    root = repo(tmp_path / "a", {"a.yaml": spec(M1)}, {"a.yaml": broken})
    change, = diff.run("main", None, [], str(root)).changes
    assert (change.code, change.subject, change.side, change.severity) == ("D090", None, "head", "error")
    assert change.message.startswith("at HEAD, E001")
    root = repo(tmp_path / "b", {"a.yaml": broken}, {"a.yaml": spec(M1.replace("2400", "100"))})
    change, = diff.run("main", None, [], str(root)).changes
    assert (change.code, change.side, change.severity) == ("D090", "base", "info")


def test_working_tree_and_untracked_files_are_head(tmp_path):
    root = repo(tmp_path, {"a.yaml": spec(M1)}, {"a.yaml": spec(M1), "b.yaml": spec(M2, node="o2")},
                commit_head=False)
    assert found(root) == [("D016", "m2", "head", 6)]
    result = diff.run("main", None, [], str(root))
    # a.yaml is the same blob at both sides: hashed, not read again through git
    assert result.revisions.worktree and not any(c.startswith("git cat-file") for c in result.commands)


def test_ranges_and_default_base(tmp_path):
    root = repo(tmp_path, {"a.yaml": spec(M1 + M2)}, {"a.yaml": spec(M1)})
    assert found(root, "main...feature") == [("D010", "m2", "base", 11)]
    assert found(root, "main..feature") == [("D010", "m2", "base", 11)]
    assert found(root, None, "feature") == [("D010", "m2", "base", 11)]


def test_git_errors(tmp_path, monkeypatch):
    (tmp_path / "plain").mkdir()
    with pytest.raises(gitcli.GitError) as caught:
        diff.run("main", None, [], str(tmp_path / "plain"))
    assert str(caught.value) == ("metricspec diff: not a git repository; run it inside a clone "
                                 "(metricspec lint needs none)")
    root = repo(tmp_path, {"a.yaml": spec(M1)}, {"a.yaml": spec(M1)})
    with pytest.raises(gitcli.GitError) as caught:
        diff.run("origin/nope", None, [], str(root))
    assert str(caught.value) == "metricspec diff: unknown revision 'origin/nope'; check the name, or git fetch it"
    with pytest.raises(gitcli.UsageError):
        diff.run("--output=x", None, [], str(root))
    git(root, "branch", "-m", "main", "trunk")
    with pytest.raises(gitcli.GitError) as caught:
        diff.run(None, None, [], str(root))
    assert str(caught.value) == gitcli.NO_DEFAULT_BRANCH
    monkeypatch.setenv("PATH", str(tmp_path / "plain"))
    with pytest.raises(gitcli.GitError) as caught:
        diff.run("main", None, [], str(root))
    assert str(caught.value) == "metricspec diff: git not found on PATH; install git"


def test_shallow_clone_names_the_fix(tmp_path):
    root = repo(tmp_path, {"a.yaml": spec(M1)}, {"a.yaml": spec(M1)})
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{root}", str(clone))
    with pytest.raises(gitcli.GitError) as caught:
        diff.run("HEAD~1", None, [], str(clone))
    assert str(caught.value) == ("metricspec diff: unknown revision 'HEAD~1'; this clone is shallow: fetch its "
                                 "history (actions/checkout: fetch-depth: 0)")


def test_blob_id_is_gits(tmp_path):
    (tmp_path / "f").write_bytes(b"metricspec: 1\n")
    assert gitcli.blob_id(b"metricspec: 1\n") == git(tmp_path, "hash-object", "f").strip()


HOSTILE = 'Builders | `rm -rf` <script>alert(1)</script> @someone #123 & co'


def test_hostile_spec_text_in_every_format(tmp_path):
    base = spec(M1)
    head = spec(M1.replace("report_built", "report_saved") + "  x-note: 1\n").replace(
        "title: Grow usage", "title: Grow usage")
    head = head.replace("event: report_saved", f"event: '{HOSTILE}'")
    result = diff.run("main", None, [], str(repo(tmp_path, {"a.yaml": base}, {"a.yaml": head})))
    assert [c.code for c in result.changes] == ["D015"]
    assert HOSTILE in report.text(result)
    assert json.loads(report.json_text(result))["changes"][0]["after"] == {"event": HOSTILE}
    md = report.markdown(result)
    # Outside the details' YAML everything is escaped and defused; inside, the fence shows it as written.
    fenced = re.findall(r"^```yaml\n(.*?)^```$", md, re.DOTALL | re.MULTILINE)
    assert fenced == [f'before:\n  event: report_built\nafter:\n  event: "{HOSTILE}"\n']
    outside = re.sub(r"^```yaml\n.*?^```$", "", md, flags=re.DOTALL | re.MULTILINE)
    for bad in ("<script>", "@someone", "#123", "| `rm"):
        assert bad not in outside
    assert "&lt;script&gt;" in outside and "@\u200dsomeone" in outside and "#\u200d123" in outside


# What a spec's author could type to break out of the details' YAML: a table pipe, backtick runs
# as long as a fence and longer, the details' own end tag, a script, a ping, an issue link, a line break.
BREAKOUT = "a | ``` ```` `x` </details> <script>alert(1)</script> & @someone #123\n```\n</details>"


def _commonmark(md):
    """The markdown as GitHub's parser reads it (CommonMark and its tables), through markdown-it."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")
    return parser.parse(md), parser.render(md)


def test_hostile_formula_stays_inside_its_yaml_fence(tmp_path):
    base = spec(M1.replace("event: report_built", "formula: builders / users"))
    head = spec(M1.replace("event: report_built", f"formula: {json.dumps(BREAKOUT)}"))
    result = diff.run("main", None, [], str(repo(tmp_path, {"a.yaml": base}, {"a.yaml": head})))
    assert [(c.code, c.subject, c.line) for c in result.changes] == [("D015", "m1", 8)]
    md = report.markdown(result)
    tokens, html = _commonmark(md)
    fences = [t for t in tokens if t.type == "fence"]
    # One code block, longer than the longest backtick run inside, holding the whole YAML, which
    # reads back as the change's before and after (the format reads the line break as a space).
    assert [(f.markup, f.info) for f in fences] == [("`````", "yaml")]
    assert yaml.safe_load(fences[0].content) == {"before": {"formula": "builders / users"},
                                                 "after": {"formula": " ".join(BREAKOUT.split())}}
    assert fences[0].content == ('before:\n  formula: builders / users\nafter:\n'
                                 f'  formula: "{" ".join(BREAKOUT.split())}"\n')
    # The only HTML GitHub would see is the report's own: one details element, opened and closed.
    blocks = [t.content.strip() for t in tokens if t.type == "html_block"]
    assert blocks == ["<details><summary>D015 definition-changed m1 (a.yaml:8)</summary>", "</details>"]
    assert not [t for t in tokens if t.type == "inline" and any(c.type == "html_inline" for c in t.children)]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # Text outside code neither pings nor links: `@` and `#` carry a zero-width joiner there.
    prose = " ".join(t.content for t in tokens if t.type == "inline")
    assert "@someone" not in prose and "#123" not in prose and "@\u200dsomeone" in prose


def test_markdown_stays_under_its_limit(tmp_path):
    metrics = "".join(M2.replace("m2", f"m{n}").replace("report_error", f"e{n}") for n in range(2, 402))
    root = repo(tmp_path, {"a.yaml": spec(M1 + metrics)}, {"a.yaml": spec(M1)})
    result = diff.run("main", None, [], str(root))
    assert len(result.changes) == 400
    md = report.markdown(result)
    assert len(md) <= report.LIMIT
    last = md.rstrip("\n").splitlines()[-1]
    assert last.startswith("the details of ") or " of 400 changes not shown" in last
    # HEAD is the working tree: only BASE has a SHA to name
    assert last.endswith(f"full report: metricspec diff --format json {result.revisions.base_sha}, or the job log")
    small = report.markdown(result, limit=3_000)
    assert len(small) <= 3_000 and "### error (400)" in small


def test_markdown_cap_leaves_out_the_fewest_pieces_in_order(tmp_path):
    """Every limit gets the fullest report that fits, cutting details (info, warning, error), then
    rows in the same order, with whole YAML blocks: the bisection in report.markdown must pick what
    cutting one piece at a time would."""
    base = "".join(M2.replace("m2", f"m{n}").replace("report_error", f"e{n}") for n in range(2, 14))
    head = "".join(M2.replace("m2", f"n{n}").replace("report_error", f"f{n}") for n in range(2, 8))
    root = repo(tmp_path, {"a.yaml": spec(M1 + base)}, {"a.yaml": spec(M1.replace("2400", "2000") + head)})
    result = diff.run("main", None, [], str(root))
    assert sorted({(c.code, c.severity) for c in result.changes}) == [
        ("D001", "warning"), ("D010", "error"), ("D016", "info")]
    full = report.markdown(result)
    shown = []
    for limit in [*range(300, len(full), 7), len(full)]:
        md = report.markdown(result, limit=limit)
        assert len(md) <= limit
        # The cap never cuts inside a detail: every YAML fence opened is closed.
        assert md.count("```yaml\n") == md.count("\n```\n\n</details>")
        details = [c.code for c in result.changes if f"<summary>{c.code} {c.name} {c.subject} " in md]
        rows = md.count("\n| D0")
        shown.append((len(details), rows))
        if md != full and rows:
            # The fullest that fits: this report needs every character it has (unless all is cut,
            # and a report of the summary alone is what any smaller limit gets).
            assert report.markdown(result, limit=len(md)) == md
            assert report.markdown(result, limit=len(md) - 1) != md
            assert md.rstrip("\n").splitlines()[-1].endswith(", or the job log")
        # Details go before rows, info's first, errors' last.
        if rows < len(result.changes):
            assert details == []
        kept = {c.severity for c in result.changes if f"<summary>{c.code} {c.name} {c.subject} " in md}
        assert not kept or "info" not in kept or kept == {"info", "warning", "error"}
    assert shown == sorted(shown)  # a larger limit never shows less
    assert shown[-1] == (len(result.changes), len(result.changes))


def test_json_shape(tmp_path):
    root = repo(tmp_path, {"a.yaml": spec(M1)}, {"a.yaml": with_target(
        "{baseline: 1800, value: 2200, by: 2027-06-30, since: 2026-07-01}")}, commit_head=False)
    data = report.as_json(diff.run(None, None, [], str(root)))
    assert data["base"]["rev"] is None and data["head"] == {
        "rev": None, "sha": git(root, "rev-parse", "HEAD").strip(), "worktree": True}
    assert data["summary"] == {"error": 0, "warning": 1, "info": 0}
    change = data["changes"][0]
    assert list(change) == ["code", "name", "severity", "message", "help", "subject", "side", "path", "line",
                            "column", "url", "related", "before", "after", "acknowledged"]
    assert change["before"] == {"value": 2400, "baseline": 1800, "by": "2027-06-30", "since": "2026-07-01"}
    assert change["after"]["value"] == 2200 and change["path"] == "a.yaml"
    # url is lint's: the code's section of docs/rules.md at the running version's tag.
    assert change["url"].endswith("/docs/rules.md#d001-target-lowered") and "/blob/v" in change["url"]
    assert "## D001 target-lowered" in (Path(__file__).parent.parent / "docs" / "rules.md").read_text()
