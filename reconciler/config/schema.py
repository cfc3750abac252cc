"""The JSON Schema of a config file, for editors (yaml-language-server) and other tooling.

Generated from the same pydantic models that validate, so the two cannot disagree; a test keeps the
committed copy under `schemas/` current. Emitted as draft-07, the newest draft that
yaml-language-server supports.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.config.models import ConfigFile

SCHEMA_ID = "https://ses-reconciler.dev/schemas/ses-reconciler.schema.json"
SCHEMA_FILE = "schemas/ses-reconciler.schema.json"


def _keys_by_name(node: Any) -> Any:
    """Rewrite pydantic's `patternProperties` for constrained dict keys as `propertyNames` plus
    `additionalProperties`: a key that breaks the pattern is then an error in the editor rather
    than an unconstrained extra."""
    if isinstance(node, list):
        return [_keys_by_name(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _keys_by_name(value) for key, value in node.items()}
    patterns = node.get("patternProperties")
    if isinstance(patterns, dict) and len(patterns) == 1:
        (pattern, values), = patterns.items()
        del node["patternProperties"]
        node["propertyNames"] = {**node.get("propertyNames", {}), "pattern": pattern}
        node["additionalProperties"] = values
    return node


def config_schema() -> dict[str, Any]:
    schema = _keys_by_name(ConfigFile.model_json_schema(ref_template="#/definitions/{model}"))
    definitions = schema.pop("$defs", {})
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "ses-reconciler config",
        "description": ("One file of an ses-reconciler config: any subset of the sections; all "
                        "files of a directory are merged. Cross-file rules (references, names "
                        "defined twice, ARN region/account) are checked by "
                        "`ses-reconciler validate`."),
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
        "definitions": definitions,
    }


def schema_text() -> str:
    """The schema exactly as committed: stable key order, two-space indent, final newline."""
    return json.dumps(config_schema(), indent=2, sort_keys=True) + "\n"
