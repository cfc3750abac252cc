"""Placeholder substitution into IAM names and documents.

Only our placeholders are replaced; anything else in `${...}` (IAM's own policy variables such as
`${aws:username}`, or a misspelt placeholder that a check then reports) is left as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.config.rules import PLACEHOLDER_RE


def substitute(text: str, values: Mapping[str, str]) -> str:
    """Replace our placeholders; anything else in `${...}` (IAM variables) is left as written."""
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def render_value(value: Any, values: Mapping[str, str]) -> Any:
    """Substitute in every string of a document, mapping keys included (condition keys)."""
    if isinstance(value, str):
        return substitute(value, values)
    if isinstance(value, Mapping):
        return {substitute(str(k), values) if isinstance(k, str) else k:
                render_value(v, values) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [render_value(item, values) for item in value]
    return value
