"""`--format junit`: JUnit XML for CI test dashboards (GitLab, Jenkins, Azure Pipelines).

One `<testsuite name="metricspec">` (inside a `<testsuites>` root, which every consumer reads); each linted file is a `<testcase>` that passes when the file
has no finding, and carries one `<failure type="CODE">` per finding otherwise. `tests` counts the
files and `failures` the files that failed, as JUnit counts test cases, not failure elements.

ElementTree escapes markup characters; characters XML 1.0 cannot carry at all (an ANSI escape,
NUL) and CR are written as visible escapes such as `\\x1b`, so any user text yields a parseable file.
No timestamp or host name: the same run gives the same bytes. Folded follow-on findings end
the message: `(also: P001, B003)`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from metricspec.reporters import with_related

# Outside XML 1.0's Char production: C0 controls but tab/LF/CR, surrogates, U+FFFE and U+FFFF.
# CR too: a parser folds a raw CR into LF, so it is shown rather than silently changed.
_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda match: repr(match.group())[1:-1], text)


def render(report, options) -> str:
    by_path: dict[str, list] = {path: [] for path in report.sources}
    for diagnostic in report.diagnostics:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    failed = sum(1 for found in by_path.values() if found)

    counts = {"tests": str(len(by_path)), "failures": str(failed), "errors": "0"}
    root = ET.Element("testsuites", {"name": "metricspec", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "metricspec", **counts, "skipped": "0"})
    for path in sorted(by_path):
        case = ET.SubElement(suite, "testcase", {"classname": "metricspec", "name": _xml_text(path), "file": _xml_text(path)})
        for diagnostic in by_path[path]:
            message = with_related(diagnostic)
            failure = ET.SubElement(
                case,
                "failure",
                {
                    "type": diagnostic.code,
                    "message": _xml_text(f"{diagnostic.line}:{diagnostic.column} {diagnostic.code} {message}"),
                },
            )
            body = (
                f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: "
                f"{diagnostic.severity.value} {diagnostic.code} {diagnostic.name}: {message}"
            )
            if diagnostic.help:
                body += f"\nhelp: {diagnostic.help}"
            failure.text = _xml_text(body)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
