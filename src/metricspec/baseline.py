"""Baselines: adopt metricspec on a legacy spec and fail only on new problems.

Findings are matched on (path, subject, code), never on line or message, so editing the file
above a recorded finding does not bring it back. Each recorded entry absorbs one finding.

Paths are recorded relative to the baseline file's own folder, not to the working directory:
the same baseline then matches from any folder it is used in (`cd sub && metricspec lint
--baseline ../base.json ..`). A baseline at the root of the repository, written and read from
there, records exactly the paths a report shows.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Optional

from metricspec.auxfiles import AuxFileError, read_json
from metricspec.diagnostics import Diagnostic
from metricspec.fileio import stream_descriptor

FORMAT_VERSION = 1


class BaselineError(Exception):
    pass


def _key(path: str, subject: str | None, code: str) -> tuple[str, str, str]:
    return (path, subject or "", code)


def folder_of(baseline: Path) -> str:
    """The folder a baseline's paths are relative to: the one that holds the file, as the
    system sees it (a folder reached through a symlink is the same folder); the working
    directory for a stream or a device (`--write-baseline /dev/stdout > base.json`)."""
    if stream_descriptor(baseline) is not None or (os.path.exists(baseline) and not os.path.isfile(baseline)):
        return os.path.realpath(os.getcwd())
    return os.path.realpath(os.path.dirname(os.path.abspath(baseline)))


def recorded_path(path: str, cwd: str, folder: str) -> str:
    """`path` (as a report shows it: relative to `cwd`, or absolute) as a baseline records it.

    A file outside the baseline's folder is recorded with `..`, not as an absolute path: a
    baseline kept in, say, `ci/` then still matches in another checkout of the repository.
    """
    # The folder resolved like the baseline's (the working directory may be a symlinked one);
    # the file's own name kept.
    absolute = os.path.normpath(os.path.join(cwd, path))
    absolute = os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))
    try:
        return os.path.relpath(absolute, folder).replace(os.sep, "/")
    except ValueError:  # another drive (Windows): there is no relative path
        return absolute.replace(os.sep, "/")


def render(diagnostics: list[Diagnostic], baseline: Path, cwd: Optional[str] = None) -> str:
    """The baseline file that records every one of `diagnostics`, to be written at `baseline`."""
    cwd, folder = cwd or os.getcwd(), folder_of(baseline)
    entries = sorted(
        ({"path": recorded_path(d.path, cwd, folder), "subject": d.subject or "", "code": d.code, "message": d.message}
         for d in diagnostics),
        key=lambda e: (e["path"], e["subject"], e["code"], e["message"]),
    )
    return json.dumps({"metricspec-baseline": FORMAT_VERSION, "findings": entries}, indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> Counter:
    """The recorded findings, counted by key; paths relative to the baseline's folder."""
    try:
        data = read_json(path)  # never waits on a FIFO or /dev/zero; depth-capped
    except AuxFileError as exc:
        if exc.missing:
            raise BaselineError(f"{path}: baseline file not found") from None
        raise BaselineError(str(exc) if exc.kind == "unreadable" else f"{exc}; not a readable baseline") from None
    if not isinstance(data, dict) or data.get("metricspec-baseline") != FORMAT_VERSION:
        raise BaselineError(f"{path}: not a metricspec baseline (write one with --write-baseline)")
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(f"{path}: 'findings' must be a list")
    folder = folder_of(path)
    counts: Counter = Counter()
    for entry in findings:
        if not isinstance(entry, dict) or not {"path", "code"} <= entry.keys():
            raise BaselineError(f"{path}: every finding needs 'path' and 'code'")
        # Normalised as recorded_path writes it: an absolute path (outside the folder, in a
        # baseline written before paths were relative to it) or a hand-written `./a.yaml` match.
        where = recorded_path(str(entry["path"]), folder, folder)
        counts[_key(where, entry.get("subject") or None, str(entry["code"]))] += 1
    return counts


def apply(
    diagnostics: list[Diagnostic],
    recorded: Counter,
    baseline: Path,
    linted: Iterable[str],
    cwd: Optional[str] = None,
    *,
    suppressed: Iterable[Diagnostic] = (),
    checked: Optional[Callable[[str, str], bool]] = None,
) -> tuple[list[Diagnostic], list[dict]]:
    """The diagnostics not in the baseline, and the recorded findings that no longer occur.

    `linted` are the paths (as reported) of the files this run read: a recorded finding is
    listed as fixed only in one of them. A run on some of the files says nothing of the others,
    nor does a run that did not look for it: `checked(path, code)` says whether this run ran
    `code` on the file shown as `path` (selection, per-file-ignores). `suppressed` findings
    still occur: they keep their recorded entries.
    """
    cwd, folder = cwd or os.getcwd(), folder_of(baseline)
    shown = {recorded_path(path, cwd, folder): path for path in linted}
    remaining = Counter(recorded)
    for diagnostic in suppressed:
        key = _key(recorded_path(diagnostic.path, cwd, folder), diagnostic.subject, diagnostic.code)
        if remaining[key] > 0:
            remaining[key] -= 1
    new = []
    for diagnostic in diagnostics:
        key = _key(recorded_path(diagnostic.path, cwd, folder), diagnostic.subject, diagnostic.code)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            new.append(diagnostic)
    fixed = sorted(
        ({"path": shown[path], "subject": subject or None, "code": code}
         for (path, subject, code), count in remaining.items()
         if path in shown and (checked is None or checked(shown[path], code))
         for _ in range(count)),
        key=lambda e: (e["path"], e["subject"] or "", e["code"]),
    )
    return new, fixed
