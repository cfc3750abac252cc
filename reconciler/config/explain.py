"""Turn pydantic validation errors into diagnostics a person can act on.

pydantic's messages are precise but generic ("Extra inputs are not permitted"); here each gets its
file position from the source map, the value that was found, and for unknown keys the closest valid
key ("did you mean").
"""

from __future__ import annotations

import difflib
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from reconciler.config.models import ConfigFile
from reconciler.config.sourcemap import SourceMap, loc_path
from reconciler.diagnostics import Diagnostic

_YAML_TYPES = {str: "a string", int: "an integer", float: "a number", bool: "a boolean",
               list: "a list", dict: "a mapping", type(None): "null"}
_OWN_MESSAGES = {"tenant_name", "tier_name", "iam_template_name", "tag_key", "tag_value",
                 "tag_count", "resource", "retention_days", "suppression", "iam_path"}
_EXPECTED = {"string_type": "a string", "int_type": "an integer", "float_type": "a number",
             "bool_type": "true or false", "list_type": "a list", "dict_type": "a mapping",
             "model_type": "a mapping", "int_from_float": "an integer",
             "model_attributes_type": "a mapping"}


def _describe(value: Any) -> str:
    kind = _YAML_TYPES.get(type(value), type(value).__name__)
    if isinstance(value, dict | list):
        return kind
    return f"{kind} ({value!r})" if value is not None else kind


def _unwrap(tp: Any) -> Any:
    """Strip Annotated and Optional to reach the model, dict or list type underneath."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            tp = next(a for a in get_args(tp) if a is not type(None))
        else:
            return tp


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model reached by following `loc` from the top of the config."""
    tp: Any = ConfigFile
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                return []
            tp = field.annotation
        elif get_origin(tp) in (dict, list):
            tp = get_args(tp)[-1]
        else:
            return []
    tp = _unwrap(tp)
    return list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []


def unknown_key_message(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key {key!r} (did you mean {close[0]!r}?)"
    return f"unknown key {key!r} (expected one of: {', '.join(allowed)})"


def message_of(error: ErrorDetails) -> str:
    kind, loc, value = error["type"], error["loc"], error.get("input")
    if kind == "extra_forbidden":
        return unknown_key_message(str(loc[-1]), _fields_at(loc[:-1]))
    if kind == "missing":
        return f"missing required key {loc[-1]!r}"
    if kind in _EXPECTED:
        hint = " (quote it)" if kind == "string_type" and isinstance(value, int | float) else ""
        return f"expected {_EXPECTED[kind]}, got {_describe(value)}{hint}"
    if kind in ("literal_error", "enum"):
        allowed = error["msg"].removeprefix("Input should be ")
        return f"expected {allowed}, got {_describe(value)}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} does not match the pattern {error['ctx']['pattern']}"
    if kind in _OWN_MESSAGES or isinstance(value, dict | list):
        return error["msg"]
    message = error["msg"].replace("Input should be", "must be").replace("String should", "must")
    return f"{message}, got {_describe(value)}"


def diagnostics_of(errors: list[ErrorDetails], smap: SourceMap) -> list[Diagnostic]:
    out = []
    for error in errors:
        path = loc_path(error["loc"])
        out.append(Diagnostic(smap.locate(path), path, message_of(error)))
    return out
