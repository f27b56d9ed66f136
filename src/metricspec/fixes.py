"""The safe fixes of `lint --fix` (CLI.md, "Safe fixes"): text edits at exact spans. Never prints.

`plan(report)` reads a lint run's findings and the files as the loader read them (their text and
the span of every key and value) and returns, per file, the text with its fixes applied. Only
the characters an edit replaces change: comments, blank lines, quoting, line breaks (CRLF) and
a byte-order mark stay as they were. Each fix is one an author cannot disagree with, since the
spec means the same afterwards:

- an unknown key that is a known synonym of a key of its mapping (`type:` -> `kind:`), or that
  has exactly one close match among them (`tagret:` -> `target:`; `tags` is less alike than
  _CLOSE), the new key not yet there;
- an id that is not a slug -> its slug (`ARR` -> `arr`), where it is defined and wherever the run
  names it (`pairs_with`, `guardrails`, `north_star`, `parent`): validation already reads it so;
- a `direction` that contradicts baseline -> value (T006) taken out, so that the numbers say it;
- a partner's missing back-link: when metric A names B, of the other kind and in another file, in
  its `pairs_with` and B does not name A, A is added to B's `pairs_with` (a pair counts for both
  ends, so nothing changes but the text). Within one file a reader sees both ends, and a lagging
  metric listing its leading ones is how specs are written: that is left alone, or `--diff` would
  fail on clean specs.

Every fix but the last answers a reported finding (E002, T006): a suppressed or unselected finding
is not fixed. A file that did not load cleanly (E001, or any other finding of the loader: an
alias, a duplicate key) is never edited, nor one that is not UTF-8. Edits that overlap are not
applied together: the first is, and the re-lint reports what the others would have fixed.
"""

from __future__ import annotations

import codecs
import difflib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator, Optional

from metricspec import vocabulary as v
from metricspec.yaml_events import LINE_BREAKS, NULLS

if TYPE_CHECKING:
    from metricspec.api import Report
    from metricspec.loader import LoadedFile

_REFERENCE_FORMS = (v.ID, v.IDS, v.ID_OR_IDS)
_FIELDS = {name: {f.name: f for f in fields} for name, fields in v.CLASSES.items()}
_SLUG = re.compile(v.SLUG_PATTERN)
_CLOSE = 0.7  # how alike a misspelled key and the one key it is fixed to are (difflib's ratio)


@dataclass(frozen=True)
class Edit:
    start: int  # offsets into the file's text, in characters, end exclusive
    end: int
    text: str


@dataclass
class FileFix:
    """One file's fixes: its text as read and as fixed, and how many edits made the difference."""

    path: str  # as the report shows it
    original: str
    fixed: str
    applied: int


@dataclass
class _File:
    loaded: LoadedFile
    lines: list[int]  # the offset where each line starts
    reported: set[tuple[str, int, int]]  # (code, line, column) of each reported finding
    edits: list[Edit] = field(default_factory=list)

    def offset(self, line: int, column: int) -> int:
        if line > len(self.lines):  # where a collection ends at the end of a file with no final break
            return len(self.loaded.text)
        return self.lines[line - 1] + column - 1

    def span(self, span: tuple[int, int, int, int]) -> tuple[int, int]:
        return self.offset(span[0], span[1]), self.offset(span[2], span[3])

    def line_of(self, offset: int) -> int:
        import bisect

        return bisect.bisect_right(self.lines, offset)

    def line_end(self, line: int) -> tuple[int, int]:
        """Where line `line` (1-based) ends before its line break, and where the next starts."""
        text = self.loaded.text
        next_start = self.lines[line] if line < len(self.lines) else len(text)
        end = next_start
        while end > self.lines[line - 1] and text[end - 1] in "\r\n":
            end -= 1
        return end, next_start

    def line_break(self, line: int) -> str:
        end, next_start = self.line_end(line)
        found = self.loaded.text[end:next_start]
        if found:
            return found
        first = LINE_BREAKS.search(self.loaded.text)
        return first.group() if first else "\n"


def plan(report: Report) -> list[FileFix]:
    """The files of `report` that have something to fix, with their fixed text, in path order."""
    files = _fixable_files(report)
    if not files:
        return []
    _fix_keys(files)
    _fix_ids(files)
    _fix_directions(files)
    _add_back_links(files, report)
    fixes = []
    for path in sorted(files):
        file = files[path]
        if not file.edits:
            continue
        fixed, applied = _apply(file.loaded.text, file.edits)
        if applied:
            fixes.append(FileFix(path, file.loaded.text, fixed, applied))
    return fixes


def unified_diff(fixes: list[FileFix]) -> str:
    """The fixes as one unified diff, `a/PATH` and `b/PATH` as git writes them."""
    chunks = []
    for fix in fixes:
        before, after = _LINES.findall(fix.original), _LINES.findall(fix.fixed)
        for line in difflib.unified_diff(before, after, f"a/{fix.path}", f"b/{fix.path}"):
            chunks.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)


# Lines as YAML 1.2 and editors break them (str.splitlines would also break at U+2028 and more).
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class StaleFile(Exception):
    """The file changed on disk since the run read it (or is not UTF-8): not written."""


def encoded_as_read(fs_path: str, fix: FileFix) -> str:
    """The fixed text to write over `fs_path`: its byte-order mark kept. StaleFile when the file
    no longer holds the text the fixes were made on."""
    try:
        with open(fs_path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise StaleFile(f"cannot read {fix.path}: {exc.strerror or exc}") from None
    bom = raw.startswith(codecs.BOM_UTF8)
    try:
        text = raw[len(codecs.BOM_UTF8):].decode("utf-8") if bom else raw.decode("utf-8")
    except UnicodeDecodeError:
        raise StaleFile(f"{fix.path} is not UTF-8: not fixed") from None
    if text != fix.original:
        raise StaleFile(f"{fix.path} changed while it was linted: not fixed")
    return ("\ufeff" if bom else "") + fix.fixed


# -- which files, and what was reported in them -----------------------------------------------


def _fixable_files(report: Report) -> dict[str, _File]:
    reported: dict[str, set[tuple[str, int, int]]] = {}
    for diagnostic in report.diagnostics:
        for finding in (diagnostic, *diagnostic.related):
            reported.setdefault(finding.path, set()).add((finding.code, finding.line, finding.column))
    files = {}
    for path, loaded in report.sources.items():
        found = reported.get(path, set())
        if loaded.unreadable or loaded.problems or not isinstance(loaded.data, dict) or any(
            code == "E001" for code, _, _ in found
        ):
            continue
        starts = [0] + [match.end() for match in LINE_BREAKS.finditer(loaded.text)]
        files[path] = _File(loaded, starts, found)
    return files


def _mappings(data: Any) -> Iterator[tuple[tuple, dict, str]]:
    """Every mapping of the document the format describes: (path, mapping, class name)."""
    todo: list[tuple[tuple, Any, str]] = [((), data, "Document")]
    while todo:
        path, mapping, name = todo.pop()
        yield path, mapping, name
        fields = _FIELDS[name]
        for key, value in mapping.items():
            known = fields.get(key)
            if known is None or not known.holds:
                continue
            if known.form == v.MODEL and isinstance(value, dict):
                todo.append((path + (key,), value, known.holds))
            elif known.form == v.MODELS and isinstance(value, list):
                todo += [(path + (key, index), item, known.holds)
                         for index, item in enumerate(value) if isinstance(item, dict)]


# -- E002: synonyms and misspelled keys -------------------------------------------------------


def _fix_keys(files: dict[str, _File]) -> None:
    for file in files.values():
        loaded = file.loaded
        for path, mapping, name in _mappings(loaded.data):
            fields = _FIELDS[name]
            taken = set(mapping)
            for key in list(mapping):
                # A list of nodes at the wrong level is misplaced, not misspelled: moving it is the author's call.
                if not isinstance(key, str) or key in fields or key.startswith("x-") or key in v.LEVEL_OF_KEY:
                    continue
                where = loaded.positions.get(path + (key,))
                if (where is None or where[0] is None or where[0][0] != where[0][2]
                        or ("E002", where[0][0], where[0][1]) not in file.reported):
                    continue
                meant = _meant(key, fields, name)
                if meant is None or meant in taken:
                    continue
                taken.add(meant)
                start, end = file.span(where[0])
                file.edits.append(Edit(start, end, _requoted(loaded.text[start:end], meant)))


def _meant(key: str, fields: dict, mapping: str) -> Optional[str]:
    """The key of this mapping (the class `mapping`) that `key` stands for: its synonym (a
    metric's `title` is its `name`), else its one close match."""
    level = "node" if mapping.lower() in v.LEVEL_NAMES else mapping.lower()  # `Objective`: a node
    synonym = v.COUNTERPART_KEYS.get(level, {}).get(key) or v.KEY_SYNONYMS.get(key)
    if synonym in fields:
        return synonym
    # Stricter than E002's "did you mean" (0.6): one key this close, none other.
    close = difflib.get_close_matches(key, list(fields), n=2, cutoff=_CLOSE)
    return close[0] if len(close) == 1 else None


def _requoted(written: str, new: str) -> str:
    """`new` in place of the scalar `written`, in the same quotes if it had any."""
    if written[:1] in ("'", '"') and written[-1:] == written[:1]:
        return written[0] + new + written[0]
    return f'"{new}"' if new in NULLS else new


# -- ids that are not slugs -------------------------------------------------------------------


def _fix_ids(files: dict[str, _File]) -> None:
    from metricspec.validate import _as_id  # the slug validation reads the id as

    occurrences: list[tuple[_File, tuple, str, bool]] = []  # (file, path, value, a definition)
    for file in files.values():
        for path, mapping, name in _mappings(file.loaded.data):
            for key, value in mapping.items():
                known = _FIELDS[name].get(key)
                if known is None or known.form not in _REFERENCE_FORMS:
                    continue
                if isinstance(value, str):
                    occurrences.append((file, path + (key,), value, known.form == v.ID and key == "id"))
                elif isinstance(value, list) and known.form != v.ID:
                    occurrences += [(file, path + (key, index), item, False)
                                    for index, item in enumerate(value) if isinstance(item, str)]
    defined = {value for _, _, value, definition in occurrences if definition}
    renames: dict[str, str] = {}
    for file, path, value, definition in occurrences:
        span = file.loaded.value_span(path)
        if (_SLUG.match(value) or span is None or span[0] != span[2]
                or ("E002", span[0], span[1]) not in file.reported):
            continue
        slug = _as_id(value)
        # Not onto an id the run already defines: that would make two items one.
        if slug is not None and not any(other != value and (other == slug or _as_id(other) == slug)
                                        for other in defined):
            renames[value] = slug
    for file, path, value, _ in occurrences:
        span = file.loaded.value_span(path) if value in renames else None
        if span is not None and span[0] == span[2]:
            start, end = file.span(span)
            file.edits.append(Edit(start, end, _requoted(file.loaded.text[start:end], renames[value])))


# -- T006: a direction the numbers contradict --------------------------------------------------


def _fix_directions(files: dict[str, _File]) -> None:
    for file in files.values():
        if not any(code == "T006" for code, _, _ in file.reported):
            continue
        loaded = file.loaded
        for path, mapping, name in _mappings(loaded.data):
            if name != "Target" or path[-1:] != ("target",) or "direction" not in mapping:
                continue
            where = loaded.positions.get(path + ("direction",))
            if where is None or where[0] is None or ("T006", where[1][0], where[1][1]) not in file.reported:
                continue
            file.edits.append(_removal(file, file.offset(*where[0][:2]), file.offset(*where[1][2:])))


def _removal(file: _File, start: int, end: int) -> Edit:
    """Take `key: value` at start..end out: its whole line when nothing else stands on it; in a
    flow mapping, with the comma that separates it from its neighbour."""
    text = file.loaded.text
    line = file.line_of(start)
    line_start = file.lines[line - 1]
    line_end, next_start = file.line_end(file.line_of(end))
    before, after = text[line_start:start], text[end:line_end]
    if not before.strip() and not after.strip():
        return Edit(line_start, next_start, "")
    if not before.strip() and after.lstrip().startswith("#"):  # the comment stays, on its own
        return Edit(start, end + len(after) - len(after.lstrip()), "")
    if before.rstrip().endswith(","):
        return Edit(line_start + len(before.rstrip()) - 1, end, "")
    if after.lstrip().startswith(","):
        rest = after.lstrip()[1:]
        return Edit(start, end + len(after) - len(rest.lstrip()), "")
    return Edit(start, end, "")


# -- a partner's missing back-link -------------------------------------------------------------


def _add_back_links(files: dict[str, _File], report: Report) -> None:
    from metricspec.workspace import MetricItem

    workspace = report.workspace
    if workspace is None:
        return
    wanted: dict[int, list[str]] = {}  # partner's id() -> the ids to add, in the order met
    partners: dict[int, Any] = {}
    for doc in workspace.docs:
        if not doc.reported or doc.loaded.path not in files:
            continue
        for metric in doc.metrics:
            if not _pairable(metric, workspace):
                continue
            raw = _raw(metric)
            if raw is None or raw.get("id") != metric.id:
                continue  # an id being renamed: the re-lint's run adds its back-link
            for ref in metric.model.pairs_with:
                partner = workspace.by_id.get(ref)
                if (not isinstance(partner, MetricItem) or partner.doc is metric.doc
                        or not _pairable(partner, workspace) or partner.model.kind == metric.model.kind
                        or metric.id in partner.model.pairs_with or partner.doc.loaded.path not in files
                        or partner.rejected("pairs_with")):
                    continue
                missing = wanted.setdefault(id(partner), [])
                partners[id(partner)] = partner
                if metric.id not in missing:
                    missing.append(metric.id)
    for key, ids in wanted.items():
        partner = partners[key]
        edit = _back_link(files[partner.doc.loaded.path], partner, ids)
        if edit is not None:
            files[partner.doc.loaded.path].edits.append(edit)


def _pairable(metric: Any, workspace: Any) -> bool:
    """An active metric with a kind, the one its id names in the run."""
    return metric.active and metric.model.kind is not None and workspace.by_id.get(metric.id) is metric


def _raw(metric: Any) -> Optional[dict]:
    from metricspec.validate import value_at

    found = value_at(metric.doc.loaded.data, metric.path)
    return found if isinstance(found, dict) else None


def _back_link(file: _File, partner: Any, ids: list[str]) -> Optional[Edit]:
    loaded, text = file.loaded, file.loaded.text
    raw = _raw(partner)
    if raw is None or any(isinstance(key, str) and key not in _FIELDS["Metric"] and not key.startswith("x-")
                          for key in raw):
        return None  # an unknown key may be a misspelled `pairs_with`: fixed first, then this
    path = partner.path + ("pairs_with",)
    if "pairs_with" not in raw:
        return _new_pairs_with(file, partner.path, ids)
    value = raw["pairs_with"]
    span = loaded.value_span(path)
    if span is None or value is None or span[0] != span[2] and not isinstance(value, list):
        return None
    start, end = file.span(span)
    if isinstance(value, str):
        return Edit(start, end, f"[{text[start:end]}, {', '.join(ids)}]")
    if text[start] == "[":
        close = text.rindex("]", start, end)
        written = text[start + 1:close].rstrip()
        separator = "" if not value else " " if written.endswith(",") else ", "  # `[a, ]` has its comma
        return Edit(close, close, separator + ", ".join(ids))
    last = loaded.value_span(path + (len(value) - 1,))
    if last is None:
        return None
    item_start = file.offset(*last[:2])
    line_start = file.lines[last[0] - 1]
    prefix = text[line_start:item_start]
    dash = prefix.rstrip().rfind("-")
    if dash < 0 or prefix[:dash].strip() or prefix[dash + 1:].strip():
        return None
    line_end, next_start = file.line_end(last[2])
    brk = file.line_break(last[2])
    lines = "".join(f"{prefix}{item}{brk}" for item in ids)
    if next_start == line_end:  # the last line of a file with no final line break
        return Edit(line_end, line_end, brk + lines[: -len(brk)])
    return Edit(next_start, next_start, lines)


def _new_pairs_with(file: _File, metric_path: tuple, ids: list[str]) -> Optional[Edit]:
    """`pairs_with: <ids>` on its own line after the metric's `id` (or `kind`) line, at its keys'
    indentation; in a flow mapping, after the `id` entry."""
    loaded, text = file.loaded, file.loaded.text
    written = ids[0] if len(ids) == 1 else f"[{', '.join(ids)}]"
    anchors = [loaded.positions.get(metric_path + (key,)) for key in ("id", "kind")]
    anchors = [where for where in anchors if where is not None and where[0] is not None]
    if not anchors:
        return None
    id_key = anchors[0][0]
    key_start = file.offset(*id_key[:2])
    prefix = text[file.lines[id_key[0] - 1]:key_start]
    if prefix.strip(" -") or "\t" in prefix:  # a flow mapping: `- {id: a, ...}`
        end = file.offset(*anchors[0][1][2:])
        return Edit(end, end, f", pairs_with: {written}")
    column = id_key[1]
    block = [where for where in anchors if where[0][1] == column and where[1][0] == where[1][2]]
    if not block:
        return None
    anchor = max(block, key=lambda where: where[1][2])
    line_end, next_start = file.line_end(anchor[1][2])
    brk = file.line_break(anchor[1][2])
    line = " " * (column - 1) + f"pairs_with: {written}"
    if next_start == line_end:
        return Edit(line_end, line_end, brk + line)
    return Edit(next_start, next_start, line + brk)


# -- applying ---------------------------------------------------------------------------------


def _apply(text: str, edits: list[Edit]) -> tuple[str, int]:
    """`text` with the edits that do not overlap an earlier one applied, and how many were."""
    parts: list[str] = []
    position = 0
    last: Optional[Edit] = None
    applied = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < position or (last is not None and edit.start == edit.end == last.start == last.end):
            continue
        parts += [text[position:edit.start], edit.text]
        position, last = edit.end, edit
        applied += 1
    parts.append(text[position:])
    return "".join(parts), applied


__all__ = ["Edit", "FileFix", "StaleFile", "encoded_as_read", "plan", "unified_diff"]
