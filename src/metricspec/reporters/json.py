"""`--format json`: the documented report shape, byte-for-byte stable for the same run."""

from __future__ import annotations

import json

from metricspec import __version__


def document(report, options) -> dict:
    data = {
        "metricspec": __version__,
        "files": report.files,
        "summary": report.summary(),
        "diagnostics": [d.as_json() for d in report.diagnostics],
    }
    if options.show_suppressed:
        data["suppressed"] = [dict(s.diagnostic.as_json(), reason=s.reason) for s in report.suppressed]
    if report.fixed:
        data["fixed"] = report.fixed
    if options.statistics:
        from metricspec.reporters import statistics_rows

        data["statistics"] = [
            {"code": code, "name": name, "severity": severity, "count": count}
            for count, code, name, severity in statistics_rows(report)
        ]
    return data


def render(report, options) -> str:
    return json.dumps(document(report, options), indent=2, ensure_ascii=False) + "\n"
