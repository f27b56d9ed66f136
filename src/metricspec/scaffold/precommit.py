"""Adding the metricspec hook to a `.pre-commit-config.yaml` by editing its text.

The entry is one of two kinds. `remote` names this repository and the running version's tag, so
pre-commit installs that release in an environment of its own; it only works for a version that
was released (tagged). `local` is a `repo: local` hook with `language: system`: it runs the
`metricspec` already on PATH, whatever version that is, and so works from a checkout too.
`default_hook()` picks `remote` for a released install and `local` otherwise.

The user's file is never re-dumped: the hook entry is inserted at the end of the `repos:`
list, indented the way the file already indents its entries, and every existing byte and
comment stays where it was. Each edit is checked by reading the result back: if it does not
parse to the old configuration plus the one new entry, nothing is written and the user is
shown the block to add by hand.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Optional

from metricspec import __version__
from metricspec.auxfiles import AuxFileError, parse_yaml

HOOK_ID = "metricspec"
HOOK_REPO = "https://github.com/metricspec/metricspec"
HOOK_REV = f"v{__version__}"
HOOK_KINDS = ("remote", "local")
# The package index name: `metricspec` there is another project's (the command and the import stay `metricspec`).
DISTRIBUTION = "metricspec-lint"
# The hook of `.pre-commit-hooks.yaml`, run with the `metricspec` on PATH instead of an environment of its own.
LOCAL_HOOK = {
    "id": HOOK_ID,
    "name": "metricspec",
    "entry": "metricspec lint --skip-unrecognized",
    "language": "system",
    "types": ["yaml"],
    "require_serial": True,
}
_RELEASE = re.compile(r"\d+(\.\d+)*")  # no pre-release, dev or local part: a version that has a tag

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


def is_release(version: str = __version__) -> bool:
    """Whether the running metricspec is a released version, whose tag the remote hook can name:
    a plain version (no `.dev`, `rc` or `+local` part) not installed from a folder (an editable
    install or `pip install .` of a checkout, which may be ahead of its tag)."""
    if not _RELEASE.fullmatch(version):
        return False
    from importlib import metadata

    try:
        direct_url = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return False  # run from a source tree, not installed
    try:
        return "dir_info" not in json.loads(direct_url or "{}")
    except ValueError:
        return False


def default_hook() -> str:
    return "remote" if is_release() else "local"


def entry_data(hook: str = "remote", rev: str = HOOK_REV) -> dict:
    """The `repos:` entry as pre-commit reads it."""
    if hook == "local":
        return {"repo": "local", "hooks": [dict(LOCAL_HOOK)]}
    return {"repo": HOOK_REPO, "rev": rev, "hooks": [{"id": HOOK_ID}]}


def entry_block(indent: str = "  ", gap: str = " ", hooks_indent: str = "  ", hooks_gap: str = " ",
                rev: str = HOOK_REV, newline: str = "\n", hook: str = "remote") -> str:
    """The `- repo:` entry, indented like its neighbours."""
    content = indent + " " + gap
    hook_item = f"{content}{hooks_indent}-{hooks_gap}"
    if hook == "local":
        hook_keys = " " * len(hook_item)
        lines = [f"{indent}-{gap}repo: local", f"{content}hooks:"]
        for number, (key, value) in enumerate(LOCAL_HOOK.items()):
            lines.append(f"{hook_item if number == 0 else hook_keys}{key}: {_flow(value)}")
    else:
        lines = [
            f"{indent}-{gap}repo: {HOOK_REPO}",
            f"{content}rev: {rev}",
            f"{content}hooks:",
            f"{hook_item}id: {HOOK_ID}",
        ]
    return newline.join(lines) + newline


def _flow(value: Any) -> str:
    """A value of LOCAL_HOOK written as YAML (each is a plain word, a sentence without `: `, a list or true)."""
    if value is True:
        return "true"
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return str(value)


def new_config(rev: str = HOOK_REV, hook: str = "remote") -> str:
    return ("# pre-commit hooks, run before every commit: https://pre-commit.com\nrepos:\n"
            + entry_block(rev=rev, hook=hook))


def add_hook(existing: Optional[str], rev: str = HOOK_REV, hook: str = "remote") -> HookEdit:
    """Add the metricspec hook to the text of a pre-commit config (None: there is no file yet)."""
    if existing is None:
        return HookEdit("create", new_config(rev, hook))
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
    text = _insert(existing[len(bom):], newline, rev, "repos" in data, hook)
    if text is None:
        return HookEdit("manual", reason="its `repos:` list is not written in a layout metricspec can extend")
    if not _adds_exactly_one_entry(data, text, entry_data(hook, rev)):
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


def _insert(text: str, newline: str, rev: str, has_repos_key: bool, hook: str) -> Optional[str]:
    if not has_repos_key:
        return _append(text, newline, "repos:" + newline + entry_block(rev=rev, newline=newline, hook=hook))
    matches = list(_REPOS_KEY.finditer(text))
    if len(matches) != 1:
        return None
    match = matches[0]
    rest = _REPOS_REST.match(match.group("rest"))
    if rest is None:
        return _insert_in_flow_list(text, match, rev, hook)
    lines = re.split(r"(?<=\n)", text)
    key_line = text.count("\n", 0, match.start())
    style = _style(lines, key_line)
    block = entry_block(*style, rev=rev, newline=newline, hook=hook)
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


def _insert_in_flow_list(text: str, match: re.Match, rev: str, hook: str) -> Optional[str]:
    """`repos: [{...}]` on one line: add the entry before the closing bracket."""
    rest = match.group("rest")
    body = re.match(r"^([ \t]*\[.*\S)[ \t]*\]([ \t]*(?:#.*)?)$", rest)
    if body is None:
        return None
    if hook == "local":
        keys = ", ".join(f"{key}: {_flow(value)}" for key, value in LOCAL_HOOK.items())
        entry = f"{{repo: local, hooks: [{{{keys}}}]}}"
    else:
        entry = f"{{repo: {HOOK_REPO}, rev: {rev}, hooks: [{{id: {HOOK_ID}}}]}}"
    start = match.start("rest")
    return text[:start] + body.group(1) + ", " + entry + rest[len(body.group(1)):] + text[match.end("rest"):]


def _adds_exactly_one_entry(old: dict, text: str, entry: dict) -> bool:
    try:
        new = parse_yaml(text, ".pre-commit-config.yaml")
    except AuxFileError:
        return False
    if not isinstance(new, dict):
        return False
    expected = dict(old)
    expected["repos"] = [*(old.get("repos") or []), entry]
    return new == expected
