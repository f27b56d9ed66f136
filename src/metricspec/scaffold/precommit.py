"""Adding the metricspec hook to a `.pre-commit-config.yaml` by editing its text.

The user's file is never re-dumped: the hook entry is inserted at the end of the `repos:`
list, indented the way the file already indents its entries, and every existing byte and
comment stays where it was. Each edit is checked by reading the result back: if it does not
parse to the old configuration plus the one new entry, nothing is written and the user is
shown the block to add by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from metricspec import __version__
from metricspec.auxfiles import AuxFileError, parse_yaml

HOOK_ID = "metricspec"
HOOK_REPO = "https://github.com/metricspec/metricspec"
HOOK_REV = f"v{__version__}"

_REPOS_KEY = re.compile(r"^repos[ \t]*:(?P<rest>[^\r\n]*)", re.MULTILINE)
# What may follow `repos:` on its own line: nothing, an empty list or null, then a comment.
_REPOS_REST = re.compile(r"^(?P<value>[ \t]*(?:\[[ \t]*\]|null|Null|NULL|~)?)(?P<comment>[ \t]*(?:#.*)?)$")
_ITEM = re.compile(r"^(?P<indent> *)-(?P<gap> +|$)")
_HOOKS_KEY = re.compile(r"^(?P<indent> *)(?:- +)?hooks[ \t]*:[ \t]*(?:#.*)?$")


@dataclass
class HookEdit:
    """What adding the hook comes to: new text to write, or why nothing is written."""

    status: str  # "create", "add", "present" or "manual"
    text: Optional[str] = None
    reason: str = ""  # for "manual": why the file was not edited


def entry_block(indent: str = "  ", gap: str = " ", hooks_indent: str = "  ", hooks_gap: str = " ",
                rev: str = HOOK_REV, newline: str = "\n") -> str:
    """The `- repo:` entry, indented like its neighbours."""
    content = indent + " " + gap
    lines = [
        f"{indent}-{gap}repo: {HOOK_REPO}",
        f"{content}rev: {rev}",
        f"{content}hooks:",
        f"{content}{hooks_indent}-{hooks_gap}id: {HOOK_ID}",
    ]
    return newline.join(lines) + newline


def new_config(rev: str = HOOK_REV) -> str:
    return "# pre-commit hooks, run before every commit: https://pre-commit.com\nrepos:\n" + entry_block(rev=rev)


def add_hook(existing: Optional[str], rev: str = HOOK_REV) -> HookEdit:
    """Add the metricspec hook to the text of a pre-commit config (None: there is no file yet)."""
    if existing is None:
        return HookEdit("create", new_config(rev))
    try:
        # No alias is expanded and nothing nests past a cap: the old data is compared with the
        # new below, and comparing a 1 KB alias bomb with its copy would take minutes.
        data = parse_yaml(existing, ".pre-commit-config.yaml")
    except AuxFileError as exc:
        where = f" (line {exc.line})" if exc.line else ""
        if exc.kind == "invalid":
            return HookEdit("manual", reason=f"it is not valid YAML{where}")
        return HookEdit("manual", reason=f"{exc.message}{where}")  # an alias, nesting past the cap
    if data is not None and not isinstance(data, dict):
        return HookEdit("manual", reason="its top level is not a mapping")
    data = data or {}
    if has_hook(data):
        return HookEdit("present")
    repos = data.get("repos")
    if repos is not None and not isinstance(repos, list):
        return HookEdit("manual", reason="its `repos` is not a list")

    newline = "\r\n" if "\r\n" in existing else "\n"
    bom = "\ufeff" if existing.startswith("\ufeff") else ""  # kept, and out of the layout's way
    text = _insert(existing[len(bom):], newline, rev, "repos" in data)
    if text is None:
        return HookEdit("manual", reason="its `repos:` list is not written in a layout metricspec can extend")
    if not _adds_exactly_one_entry(data, text, rev):
        return HookEdit("manual", reason="adding the entry would change how the rest of the file reads")
    return HookEdit("add", bom + text)


def has_hook(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("repos"), list):
        return False
    for repo in data["repos"]:
        hooks = repo.get("hooks") if isinstance(repo, dict) else None
        if isinstance(hooks, list) and any(isinstance(h, dict) and h.get("id") == HOOK_ID for h in hooks):
            return True
    return False


def _insert(text: str, newline: str, rev: str, has_repos_key: bool) -> Optional[str]:
    if not has_repos_key:
        return _append(text, newline, "repos:" + newline + entry_block(rev=rev, newline=newline))
    matches = list(_REPOS_KEY.finditer(text))
    if len(matches) != 1:
        return None
    match = matches[0]
    rest = _REPOS_REST.match(match.group("rest"))
    if rest is None:
        return _insert_in_flow_list(text, match, rev)
    lines = re.split(r"(?<=\n)", text)
    key_line = text.count("\n", 0, match.start())
    style = _style(lines, key_line)
    block = entry_block(*style, rev=rev, newline=newline)
    if rest.group("value").strip():
        # `repos: []` or `repos: null`: the value goes, any comment after it stays.
        value_start = match.start("rest")
        value_end = value_start + len(rest.group("value"))
        comment = rest.group("comment")
        head = text[:match.start("rest")] + (comment if comment.strip() else "")
        after = text[value_end + len(comment):]
        line_end = after[: len(newline)] if after.startswith(newline) else ""
        return head + (line_end or newline) + block + after[len(line_end):]
    last = _last_line_of_list(lines, key_line)
    before = "".join(lines[: last + 1])
    after = "".join(lines[last + 1:])
    if not before.endswith("\n"):
        before += newline
    return before + block + after


def _append(text: str, newline: str, block: str) -> str:
    if text and not text.endswith("\n"):
        text += newline
    return text + block


def _last_line_of_list(lines: list[str], key_line: int) -> int:
    """The index of the last line that belongs to the block list under `repos:`."""
    last = key_line
    for index in range(key_line + 1, len(lines)):
        line = lines[index].rstrip("\r\n")
        stripped = line.strip()
        if not stripped:
            continue
        if line[0] in " \t":
            last = index  # indented content or an indented comment inside the list
        elif line.startswith("-") and not line.startswith("---"):
            last = index  # a list item written at column 0
        elif stripped.startswith("#"):
            continue  # a comment at column 0: it may introduce what follows the list
        else:
            break
    return last


def _style(lines: list[str], key_line: int) -> tuple[str, str, str, str]:
    """(item indent, gap after the dash, hooks-list indent below `hooks:`, its gap) the file uses."""
    indent, gap, hooks_indent, hooks_gap = "  ", " ", "  ", " "
    found_item = False
    for index in range(key_line + 1, len(lines)):
        line = lines[index].rstrip("\r\n")
        if line and line[0] not in " \t-#":
            break
        if not found_item:
            item = _ITEM.match(line)
            if item and not line.startswith("---"):
                indent, gap = item.group("indent"), item.group("gap") or " "
                found_item = True
        if _HOOKS_KEY.match(line) and index + 1 < len(lines):
            key_column = line.index("hooks")
            below = _ITEM.match(lines[index + 1].rstrip("\r\n"))
            if below and len(below.group("indent")) >= key_column:
                hooks_indent = " " * (len(below.group("indent")) - key_column)
                hooks_gap = below.group("gap") or " "
                break
    return indent, gap, hooks_indent, hooks_gap


def _insert_in_flow_list(text: str, match: re.Match, rev: str) -> Optional[str]:
    """`repos: [{...}]` on one line: add the entry before the closing bracket."""
    rest = match.group("rest")
    body = re.match(r"^([ \t]*\[.*\S)[ \t]*\]([ \t]*(?:#.*)?)$", rest)
    if body is None:
        return None
    entry = f"{{repo: {HOOK_REPO}, rev: {rev}, hooks: [{{id: {HOOK_ID}}}]}}"
    start = match.start("rest")
    return text[:start] + body.group(1) + ", " + entry + rest[len(body.group(1)):] + text[match.end("rest"):]


def _adds_exactly_one_entry(old: dict, text: str, rev: str) -> bool:
    try:
        new = parse_yaml(text, ".pre-commit-config.yaml")
    except AuxFileError:
        return False
    if not isinstance(new, dict):
        return False
    expected = dict(old)
    expected["repos"] = [*(old.get("repos") or []), {"repo": HOOK_REPO, "rev": rev, "hooks": [{"id": HOOK_ID}]}]
    return new == expected
