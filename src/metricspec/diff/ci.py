"""A DiffResult as SARIF 2.1.0 and as GitHub Actions annotations (DIFF.md, Reports): pure
functions, no I/O. The escaping and the SARIF frame are lint's (reporters/github.py,
reporters/sarif.py); a change points at its HEAD file and line, a removal at its BASE path and
line (`properties.side: "base"` in SARIF).
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from metricspec import __version__
from metricspec.diff.changes import CODES, Change
from metricspec.reporters.github import command
from metricspec.reporters.sarif import FINGERPRINT_KEY, INFORMATION_URI, SCHEMA_URI, _artifact

_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB = {"error": "error", "warning": "warning", "info": "notice"}


def _message(change: Change) -> str:
    text = change.message
    if change.acknowledged:
        text += f"\nacknowledged ({change.acknowledged['status']}): {change.acknowledged['reason']}"
    return text + f"\nhelp: {change.help}"


def github(result: Any, quiet: bool = False) -> str:
    from metricspec.diff.report import text

    lines = [command(_GITHUB[c.severity], {"file": c.path, "line": c.line, "col": c.column,
                                           "title": f"{c.code} {c.name}"}, _message(c))
             for c in result.changes]
    if not quiet:
        lines.append(text(result).splitlines()[-1])  # the summary line, as in the text report
    return "".join(line + "\n" for line in lines)


def sarif(result: Any) -> str:
    return json.dumps(sarif_document(result), indent=2, ensure_ascii=False) + "\n"


def sarif_document(result: Any) -> dict:
    from metricspec.diagnostics import rule_url

    fired = sorted({c.code for c in result.changes})
    index = {code: position for position, code in enumerate(fired)}
    rules = [{
        "id": code, "name": CODES[code][0],
        "shortDescription": {"text": CODES[code][0].replace("-", " ")},
        "help": {"text": CODES[code][2]},
        "helpUri": rule_url(code, CODES[code][0]),
        "defaultConfiguration": {"level": _SARIF_LEVELS[CODES[code][1]]},
        "properties": {"tags": ["moved goalposts"]},
    } for code in fired]
    seen: dict[str, int] = {}
    results = []
    for change in result.changes:
        line, column = max(change.line, 1), max(change.column, 1)
        key = "\0".join((change.side, change.path, change.subject or "", change.code, change.message))
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        seen[digest] = seen.get(digest, 0) + 1
        entry: dict = {
            "ruleId": change.code, "ruleIndex": index[change.code], "level": _SARIF_LEVELS[change.severity],
            "message": {"text": _message(change)},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(change.path),
                                                "region": {"startLine": line, "startColumn": column}}}],
            "partialFingerprints": {FINGERPRINT_KEY: f"{digest}:{seen[digest]}"},
            "properties": {"side": change.side, "subject": change.subject, "before": change.before,
                           "after": change.after, "acknowledged": change.acknowledged},
        }
        results.append(entry)
    r = result.revisions
    server, repository = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    where = f"{server.rstrip('/')}/{repository}" if server and repository else _artifact(os.getcwd())["uri"]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "metricspec", "version": __version__, "semanticVersion": __version__,
                                "informationUri": INFORMATION_URI, "rules": rules}},
            "invocations": [{"executionSuccessful": True}],
            "versionControlProvenance": [{"repositoryUri": where, "revisionId": r.head_sha}],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
