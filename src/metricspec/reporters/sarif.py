"""`--format sarif`: SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps, IDEs).

One run; the driver carries the metadata of every rule that has a result (the full manual in
`help.markdown`), each finding is a result at its file and region, and findings silenced by a
comment or `lint_ignore` are results with an in-source suppression and its reason, so a
code-scanning service shows them as dismissed instead of losing them.

Columns are counted in Unicode code points (`columnKind`), as the loader counts them; regions
end exclusively, as SARIF's `endColumn` does. Paths are relative to `%SRCROOT%`, the working
directory of the run; a file outside it keeps an absolute `file://` URI.

`partialFingerprints` lets a service recognise the same finding after lines above it moved:
it hashes path, subject, code and the message with its numbers blanked out (messages may quote
line numbers), plus an occurrence count for findings that would otherwise share a hash.

The follow-on findings folded into a result (RULES.md, "One root cause, one finding") are its
`relatedLocations`, each with its code, name and message.
"""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import quote

from metricspec import __version__
from metricspec.diagnostics import rule_url

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/metricspec/metricspec"
FINGERPRINT_KEY = "metricspecFinding/v1"

_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_DIGITS = re.compile(r"\d+")
_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:/")


def render(report, options) -> str:
    return json.dumps(document(report, options), indent=2, ensure_ascii=False) + "\n"


def document(report, options) -> dict:
    from metricspec.rules import all_rules

    registry = all_rules()
    # Suppressed findings are results too; one sorted stream keeps the output in file order.
    entries = [(d, None) for d in report.diagnostics] + [(s.diagnostic, s) for s in report.suppressed]
    entries.sort(key=lambda entry: (entry[0], entry[1] is not None))
    fired = {diagnostic.code for diagnostic, _ in entries}
    if not fired <= registry.keys():  # lint --actuals: the A codes' pages, after lint's rules
        from metricspec.actuals.codes import actual_codes

        registry = {**registry, **actual_codes()}
    rules = [rule for code, rule in registry.items() if code in fired]
    index = {rule.code: position for position, rule in enumerate(rules)}

    seen: dict[str, int] = {}
    results = []
    for diagnostic, suppressed in entries:
        result = _result(diagnostic, index.get(diagnostic.code), seen)
        if suppressed is not None:
            suppression = {"kind": "inSource"}
            if suppressed.reason:
                suppression["justification"] = suppressed.reason
            result["suppressions"] = [suppression]
        results.append(result)

    invocation: dict = {"executionSuccessful": not report.internal_errors}
    if report.internal_errors:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": fault}} for fault in report.internal_errors
        ]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "metricspec",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _rule(rule) -> dict:
    from metricspec.docs import rule_markdown

    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc.what},
        "help": {"text": _help_text(rule), "markdown": rule_markdown(rule)},
        "helpUri": rule_url(rule.code, rule.name),
        "defaultConfiguration": {"level": _LEVELS[rule.severity.value]},
        "properties": {"tags": [rule.family]},
    }


def _help_text(rule) -> str:
    parts = [rule.doc.what, f"Why it matters: {rule.doc.why}"]
    if rule.doc.example:
        parts.append("Example:\n" + rule.doc.example.rstrip())
    if rule.doc.fix:
        parts.append("Use instead:\n" + rule.doc.fix.rstrip())
    return "\n\n".join(parts)


def _result(diagnostic, rule_index, seen: dict[str, int]) -> dict:
    text = diagnostic.message + (f"\nhelp: {diagnostic.help}" if diagnostic.help else "")
    result: dict = {"ruleId": diagnostic.code}
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    result["level"] = _LEVELS[diagnostic.severity.value]
    result["message"] = {"text": text}
    result["locations"] = [_location(diagnostic)]
    if diagnostic.related:
        result["relatedLocations"] = [
            {"id": number, **_location(entry), "message": {"text": f"{entry.code} {entry.name}: {entry.message}"}}
            for number, entry in enumerate(diagnostic.related, start=1)
        ]
    result["partialFingerprints"] = {FINGERPRINT_KEY: _fingerprint(diagnostic, seen)}
    if diagnostic.subject:
        result["properties"] = {"subject": diagnostic.subject}
    return result


def _location(diagnostic) -> dict:
    return {"physicalLocation": {"artifactLocation": _artifact(diagnostic.path), "region": _region(diagnostic)}}


def _artifact(path: str) -> dict:
    if path.startswith("/"):
        return {"uri": "file://" + quote(path, safe="/")}
    if _WINDOWS_ABSOLUTE.match(path):
        return {"uri": "file:///" + path[:2] + quote(path[2:], safe="/")}
    # Everything but unreserved characters and '/' is percent-encoded: a ':' left in the first
    # segment would read as a URI scheme, a '#' or '?' would cut the path short.
    return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}


def _region(diagnostic) -> dict:
    line = max(diagnostic.line, 1)
    column = max(diagnostic.column, 1)
    end_line = max(diagnostic.end_line, line)
    end_column = max(diagnostic.end_column, column if end_line == line else 1)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _fingerprint(diagnostic, seen: dict[str, int]) -> str:
    key = "\0".join((diagnostic.path, diagnostic.subject or "", diagnostic.code, _DIGITS.sub("#", diagnostic.message)))
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    occurrence = seen.get(digest, 0) + 1
    seen[digest] = occurrence
    return f"{digest}:{occurrence}"
