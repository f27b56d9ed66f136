"""A DiffResult as JSON (a dict), text and markdown (DIFF.md, Reports): pure functions, no I/O.

The markdown goes into pull-request comments, where GitHub refuses anything over 65,536
characters and renders whatever a spec's text holds: it stays under LIMIT by dropping details
first, then table rows (info, then warning, then error), and every piece of spec text is
escaped and defused so that a spec cannot ping anyone, link an issue or inject markup.
"""

from __future__ import annotations

import json
import re
from typing import Any, Optional

from metricspec import __version__
from metricspec.diagnostics import rule_url
from metricspec.diff.changes import Change

LIMIT = 60_000
SEVERITIES = ("error", "warning", "info")
_RANK = {"info": 0, "warning": 1, "error": 2}


def side_name(rev: Optional[str], sha: str, worktree: bool) -> str:
    if worktree:
        return "working tree"
    return named(rev, sha, "merge-base")


def named(rev: Optional[str], sha: str, default: str) -> str:
    """A revision as given with its short SHA; a SHA given (as the Action passes the base) once."""
    if rev and len(rev) >= 7 and sha.startswith(rev.lower()) and all(ch in "0123456789abcdefABCDEF" for ch in rev):
        return sha[:7]
    return f"{rev or default} ({sha[:7]})"


def _counted(counts: dict[str, int]) -> str:
    """`1 warning, 2 info`: the text and markdown summaries say it alike."""
    return ", ".join(f"{n} {s}{'s' if n > 1 and s != 'info' else ''}" for s, n in counts.items() if n)


def _summary(changes: list[Change]) -> dict[str, int]:
    counts = {severity: 0 for severity in SEVERITIES}
    for change in changes:
        counts[change.severity] += 1
    return counts


def fails(changes: list[Change], fail_on: str) -> bool:
    return any(_RANK[c.severity] >= _RANK[fail_on] for c in changes)


# -- json -----------------------------------------------------------------------------------------


def as_json(result: Any) -> dict:
    r = result.revisions
    return {
        "metricspec": __version__,
        "base": {"rev": r.base_rev, "sha": r.base_sha, "worktree": False},
        "head": {"rev": r.head_rev, "sha": r.head_sha, "worktree": r.worktree},
        "files": {"base": result.base_files, "head": result.head_files},
        "summary": _summary(result.changes),
        "changes": [change_json(c) for c in result.changes],
    }


def change_json(change: Change) -> dict:
    return {
        "code": change.code, "name": change.name, "severity": change.severity, "message": change.message,
        "help": change.help, "subject": change.subject, "side": change.side, "path": change.path,
        "line": change.line, "column": change.column,
        "url": rule_url(change.code, change.name),  # lint's: the code's section of docs/rules.md
        "related": list(change.related), "before": change.before, "after": change.after,
        "acknowledged": change.acknowledged,
    }


def json_text(result: Any) -> str:
    return json.dumps(as_json(result), indent=2, ensure_ascii=False) + "\n"


# -- text -----------------------------------------------------------------------------------------


def _value(value: Any) -> str:
    if value is None:
        return "none"
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def changed_only(before: Any, after: Any) -> tuple[Any, Any]:
    """`before` and `after` cut to the keys whose values differ, when both are mappings (a
    target whose `by` moved: `{"by": "2027-12-31"} → {"by": "2028-06-30"}`, not the whole
    target twice); anything else as it is. JSON and the markdown details keep them whole."""
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return before, after
    missing = object()
    keys = [key for key in dict.fromkeys([*before, *after]) if before.get(key, missing) != after.get(key, missing)]
    if not keys:
        return before, after
    return {k: before[k] for k in keys if k in before}, {k: after[k] for k in keys if k in after}


def _before_after(change: Change) -> str:
    before, after = changed_only(change.before, change.after)
    return f"{_value(before)} → {_value(after)}"


def text(result: Any) -> str:
    lines = []
    for severity in SEVERITIES:
        for c in (c for c in result.changes if c.severity == severity):
            lines.append(f"{c.path}:{c.line}:{c.column}: {c.code} {c.name} {c.subject or '-'}: {_one_line(c.message)}")
            if c.before is not None or c.after is not None:
                lines.append(f"    {_before_after(c)}")
            if c.acknowledged:
                lines.append(f"    acknowledged ({c.acknowledged['status']}): {_one_line(c.acknowledged['reason'])}")
    r = result.revisions
    counts = _summary(result.changes)
    shown = _counted(counts)
    files = result.head_files if r.worktree or result.head_files else result.base_files
    lines.append(f"metricspec diff: {side_name(r.base_rev, r.base_sha, False)} → "
                 f"{side_name(r.head_rev, r.head_sha, r.worktree)}: {files} file{'s' if files != 1 else ''}, "
                 f"{shown or 'no moved goalposts'}")
    return "\n".join(lines) + "\n"


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


# -- markdown -------------------------------------------------------------------------------------

_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_ISSUE = re.compile(r"#(?=[0-9])")


def escape(value: Any) -> str:
    """Spec text safe in a table cell or a paragraph: no markup, no line break, no ping."""
    out = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = out.replace("|", "&#124;").replace("`", "&#96;").replace("\\", "&#92;")
    out = out.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    for char in ("\u2028", "\u2029", "\x85"):
        out = out.replace(char, " ")
    # A zero-width joiner after `@` and `#` keeps the text readable but neither pings nor links.
    out = _MENTION.sub("@\u200d", out)
    return _ISSUE.sub("#\u200d", out)


# Inside a fenced code block GitHub interprets nothing: no markup, no HTML, no `@` mention, no
# `#123` link, so the YAML there is spec text as written, unescaped; only the fence must hold.
_DATE_KEYS = ("by", "since", "closed")  # the format's dates, written plain as in a spec
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Plain only what cannot read as structure: no indicator first, no `: ` or ` #`, nothing
# outside printable text (YAML's printable set, less the line and paragraph separators).
_PLAIN = re.compile(r"[A-Za-z0-9_(./$][^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]*")
_UNPRINTABLE = re.compile(r"[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
_BACKTICKS = re.compile(r"`+")


def _scalar(value: Any, key: Optional[str] = None) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if key in _DATE_KEYS and _ISO_DATE.fullmatch(text):
        return text
    if _PLAIN.fullmatch(text) and ": " not in text and " #" not in text and not text.endswith((":", " ")) \
            and _reads_as_text(text):
        return text
    # JSON's double-quoted string is YAML's, line breaks as `\n`: a value is always one line.
    quoted = json.dumps(text, ensure_ascii=False)
    return _UNPRINTABLE.sub(lambda found: f"\\u{ord(found[0]):04x}", quoted)


def _reads_as_text(text: str) -> bool:
    """Whether YAML reads the plain scalar back as this string (not a number, bool, null or date)."""
    import yaml  # lazily: only a markdown report writes YAML

    return yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"


def _entry(head: str, value: Any, indent: str, key: str) -> list[str]:
    """`head` (`key:` or `-`) with `value`: on its line if flat, else as a block indented below."""
    if not (isinstance(value, (dict, list)) and value):
        return [f"{head} {_flat(value, key)}"]
    inner = indent + "  "
    if isinstance(value, dict):
        lines = [line for name, item in value.items()
                 for line in _entry(f"{inner}{_scalar(name)}:", item, inner, str(name))]
    else:
        lines = [line for item in value for line in _entry(f"{inner}-", item, inner, key)]
    if head.endswith("-"):
        # An item that is a mapping or a list starts on the `- ` line (`- id: a`), as a spec writes it.
        return [f"{head} {lines[0].lstrip()}", *lines[1:]]
    return [head, *lines]


def _flat(value: Any, key: Optional[str]) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value, key)


def _yaml_block(before: Any, after: Any) -> str:
    """before and after as block YAML in a fence longer than any backtick run inside it (CommonMark
    closes a fence only with a run at least as long), so no spec text can end the code block."""
    lines = _entry("before:", before, "", "before") + _entry("after:", after, "", "after")
    body = "\n".join(lines)
    fence = "`" * max(3, 1 + max((len(run) for run in _BACKTICKS.findall(body)), default=0))
    return f"{fence}yaml\n{body}\n{fence}"


def _location(c: Change, result: Any, server: Optional[str], repository: Optional[str]) -> str:
    where = f"{escape(c.path)}:{c.line}"
    r = result.revisions
    sha = r.base_sha if c.side == "base" else (None if r.worktree else r.head_sha)
    if server and repository and sha:
        from urllib.parse import quote

        return f"[{where}]({server.rstrip('/')}/{repository}/blob/{sha}/{quote(c.path)}#L{c.line})"
    return where


def markdown(result: Any, fail_on: str = "warning", server: Optional[str] = None,
             repository: Optional[str] = None, limit: int = LIMIT) -> str:
    r = result.revisions
    changes = result.changes
    counts = _summary(changes)
    shown = _counted(counts) or "no moved goalposts"
    failing = fails(changes, fail_on)
    head = named(r.head_rev, r.head_sha, "HEAD") + (" + working tree" if r.worktree else "")
    summary = (f"**metricspec diff**: {escape(named(r.base_rev, r.base_sha, 'merge-base'))} → {escape(head)}: "
               f"{shown}; {'fails' if failing else 'passes'} at `--fail-on {fail_on}`")
    rows = {s: [c for c in changes if c.severity == s] for s in SEVERITIES}
    row_text = {id(c): f"| {c.code} {c.name} | {escape(c.subject or '-')} | "
                f"{escape(_before_after(c))} | "
                f"{_location(c, result, server, repository)} |" for c in changes}
    detail_text = {id(c): _detail(c) for c in changes}
    # What is left out, in order: details (info, warning, error), then rows in the same order.
    order = [c for s in reversed(SEVERITIES) for c in reversed(rows[s])]
    queue = [("detail", c) for c in order] + [("row", c) for c in order]

    def render(cuts: int) -> str:
        """The report less the first `cuts` pieces of the queue, and a note saying so."""
        kept_details = {id(c) for c in changes} - {id(c) for kind, c in queue[:cuts] if kind == "detail"}
        kept_rows = {id(c) for c in changes} - {id(c) for kind, c in queue[:cuts] if kind == "row"}
        parts = [summary, ""]
        for severity in SEVERITIES:
            present = [c for c in rows[severity] if id(c) in kept_rows]
            if not present:
                continue
            table = ["| code | subject | before → after | where |", "| --- | --- | --- | --- |"]
            table += [row_text[id(c)] for c in present]
            title = f"{severity} ({len(rows[severity])})"
            if severity == "info":
                parts += [f"<details><summary>{title}</summary>", "", *table, "", "</details>", ""]
            else:
                parts += [f"### {title}", "", *table, ""]
        for c in changes:
            if id(c) in kept_details:
                parts += [detail_text[id(c)], ""]
        if cuts:
            hidden = len(changes) - len(kept_rows)
            what = f"{hidden} of {len(changes)} changes" if hidden else (
                f"the details of {len(changes) - len(kept_details)} of {len(changes)} changes")
            again = f"{r.base_sha} {r.head_sha}" if not r.worktree else r.base_sha
            parts.append(f"{what} not shown; full report: metricspec diff --format json {again}, or the job log")
        return "\n".join(parts).rstrip("\n") + "\n"

    # The fewest cuts that fit, by bisection: each cut drops a detail or a row (tens of characters
    # or more) while the note changes by a digit at most, so the length falls with every cut, and
    # a report of thousands of changes is not rendered once per piece left out.
    low, high = 0, len(queue)
    while low < high:
        middle = (low + high) // 2
        if len(render(middle)) <= limit:
            high = middle
        else:
            low = middle + 1
    return render(low)


def _detail(c: Change) -> str:
    lines = [f"<details><summary>{c.code} {c.name} {escape(c.subject or '')} ({escape(c.path)}:{c.line})</summary>",
             "", escape(c.message), ""]
    if c.acknowledged:
        lines += [f"> {escape(c.acknowledged['reason'])}", ""]
    lines += [_yaml_block(c.before, c.after), "", "</details>"]
    return "\n".join(lines)
