"""The JSON Schema of the format, generated from the models (committed as schemas/metricspec.schema.json)."""

from __future__ import annotations

import json

SCHEMA_ID = "https://raw.githubusercontent.com/metricspec/metricspec/main/schemas/metricspec.schema.json"


def schema_text() -> str:
    from metricspec.model import json_schema

    data = json_schema()
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
