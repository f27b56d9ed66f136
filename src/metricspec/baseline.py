"""Baselines: adopt metricspec on a legacy spec and fail only on new problems.

Findings are matched on (path, subject, code), never on line or message, so editing the file
above a recorded finding does not bring it back. Each recorded entry absorbs one finding.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from metricspec.diagnostics import Diagnostic
from metricspec.fileio import read_text

FORMAT_VERSION = 1


class BaselineError(Exception):
    pass


def _key(path: str, subject: str | None, code: str) -> tuple[str, str, str]:
    return (path, subject or "", code)


def render(diagnostics: list[Diagnostic]) -> str:
    entries = sorted(
        ({"path": d.path, "subject": d.subject or "", "code": d.code, "message": d.message} for d in diagnostics),
        key=lambda e: (e["path"], e["subject"], e["code"], e["message"]),
    )
    return json.dumps({"metricspec-baseline": FORMAT_VERSION, "findings": entries}, indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> Counter:
    try:
        data = json.loads(read_text(path))  # never waits on a FIFO or /dev/zero
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"{path}: not a readable baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("metricspec-baseline") != FORMAT_VERSION:
        raise BaselineError(f"{path}: not a metricspec baseline (write one with --write-baseline)")
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(f"{path}: 'findings' must be a list")
    counts: Counter = Counter()
    for entry in findings:
        if not isinstance(entry, dict) or not {"path", "code"} <= entry.keys():
            raise BaselineError(f"{path}: every finding needs 'path' and 'code'")
        counts[_key(str(entry["path"]), entry.get("subject") or None, str(entry["code"]))] += 1
    return counts


def apply(diagnostics: list[Diagnostic], recorded: Counter) -> tuple[list[Diagnostic], list[dict]]:
    """The diagnostics not in the baseline, and the recorded findings that no longer occur."""
    remaining = Counter(recorded)
    new = []
    for diagnostic in diagnostics:
        key = _key(diagnostic.path, diagnostic.subject, diagnostic.code)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            new.append(diagnostic)
    fixed = [
        {"path": path, "subject": subject or None, "code": code}
        for (path, subject, code), count in sorted(remaining.items())
        for _ in range(count)
    ]
    return new, fixed
