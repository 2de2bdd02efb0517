"""The JSON Schema of the content format, generated from the format classes with pydantic (`redline schema`).

Editors with TOML schema support (Taplo, Even Better TOML) read it through the `#:schema`
line at the top of each content file; docs/content.schema.json is this output, committed.
"""

from __future__ import annotations

import json
from typing import Any

from game.model import ContentFile
from game.validate import json_schema

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def content_schema() -> dict[str, Any]:
    """The schema of one content file (ContentFile is the root)."""
    schema = json_schema(ContentFile)
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "Red Line content file",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def schema_text() -> str:
    """The schema as written to docs/content.schema.json: stable key order, two-space indent."""
    return json.dumps(content_schema(), indent=2, ensure_ascii=False) + "\n"
