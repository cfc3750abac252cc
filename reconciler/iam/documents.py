"""Policy documents compared by meaning, and a real change explained path by path.

Whether a document changed is decided on canonical forms (`canonical`, `equivalent`): key order,
the order of actions, resources, principals and condition values, a string versus a one-element
list, duplicates, and IAM's URL-encoded JSON never count. What changed is explained by deepdiff on
the same forms, with set-valued elements as sets so an added action reads as one line
(`Statement[0].Action[+] ses:SendBulkEmail`) rather than as shifted list positions. Statement order
is kept: IAM keeps it too, and the paths then point at the statement as written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote

from deepdiff import DeepDiff
from deepdiff.helper import NotPresent

from reconciler.config.sourcemap import child_path

_SET_ELEMENTS = frozenset({"Action", "NotAction", "Resource", "NotResource"})
_PRINCIPALS = frozenset({"Principal", "NotPrincipal"})
ABSENT = "(absent)"


def parse(document: Mapping[str, Any] | str) -> dict[str, Any]:
    """A document given as a mapping, as JSON text, or as IAM's URL-encoded JSON text."""
    if isinstance(document, Mapping):
        return dict(document)
    text = document.strip()
    if not text.startswith("{"):
        text = unquote(text)
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("a policy document is a JSON object")
    return value


def _values(value: Any, as_set: bool) -> Any:
    """A one-or-many element: a sorted duplicate-free list, or a frozenset for diffing."""
    items = value if isinstance(value, list) else [value]
    try:
        unique = set(items)
    except TypeError:  # an unhashable item (invalid for IAM): keep it as written
        return items
    if as_set:
        return frozenset(unique)
    return sorted(unique, key=lambda v: (type(v).__name__, str(v)))


def _statement(statement: Any, as_set: bool) -> Any:
    if not isinstance(statement, Mapping):
        return statement
    out: dict[str, Any] = {}
    for key, value in sorted(statement.items()):
        if key in _SET_ELEMENTS:
            out[key] = _values(value, as_set)
        elif key in _PRINCIPALS and isinstance(value, Mapping):
            out[key] = {k: _values(v, as_set) for k, v in sorted(value.items())}
        elif key == "Condition" and isinstance(value, Mapping):
            out[key] = {op: {k: _values(v, as_set) for k, v in sorted(keys.items())}
                        if isinstance(keys, Mapping) else keys
                        for op, keys in sorted(value.items())}
        else:
            out[key] = value
    return out


def _normal(document: Mapping[str, Any] | str, as_set: bool) -> dict[str, Any]:
    doc = parse(document)
    out = {k: v for k, v in sorted(doc.items()) if k != "Statement"}
    if "Statement" in doc:
        statements = doc["Statement"]
        statements = statements if isinstance(statements, list) else [statements]
        out["Statement"] = [_statement(s, as_set) for s in statements]
    return out


def canonical(document: Mapping[str, Any] | str) -> dict[str, Any]:
    """The document as plain JSON data in one spelling per meaning: sorted keys, every
    one-or-many element (Action, Resource, principals, condition values) a sorted list
    without duplicates, `Statement` always a list."""
    return _normal(document, as_set=False)


def canonical_json(document: Mapping[str, Any] | str) -> str:
    """`canonical` as compact JSON text: equal texts, equal meaning (for hashing)."""
    return json.dumps(canonical(document), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def equivalent(before: Mapping[str, Any] | str, after: Mapping[str, Any] | str) -> bool:
    """Whether IAM would treat the two documents alike (what decides a new version)."""
    return canonical_json(before) == canonical_json(after)


def _path(parts: Sequence[Any]) -> str:
    path = ""
    for part in parts:
        if part is not None:
            path = child_path(path, part)
    return path


def _show(value: Any) -> str:
    if isinstance(value, NotPresent):
        return ABSENT
    if isinstance(value, str):
        return value
    if isinstance(value, frozenset):
        value = sorted(value, key=str)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=lambda v: sorted(v, key=str))


def explain(before: Mapping[str, Any] | str | None,
            after: Mapping[str, Any] | str | None) -> list[str]:
    """One line per difference, in a stable order: `PATH[+] item` / `PATH[-] item` for an
    action, resource, principal or condition value; `PATH: old -> new` for anything else
    ((absent) on the side without it). Empty when the documents are equivalent. A whole
    document created or deleted (None on one side) is one line."""
    if before is None or after is None:
        return [] if before is after else [
            f"document: {ABSENT if before is None else _show(canonical(before))} -> "
            f"{ABSENT if after is None else _show(canonical(after))}"]
    diff = DeepDiff(_normal(before, as_set=True), _normal(after, as_set=True), view="tree")
    lines: list[tuple[tuple[tuple[int, Any], ...], int, str]] = []
    for report, levels in diff.items():
        for level in levels:
            parts = level.path(output_format="list")
            key = tuple((0, p) if isinstance(p, int) else (1, str(p))
                        for p in parts if p is not None)
            path = _path(parts)
            if report == "set_item_added":
                lines.append((key, 1, f"{path}[+] {_show(level.t2)}"))
            elif report == "set_item_removed":
                lines.append((key, 0, f"{path}[-] {_show(level.t1)}"))
            else:
                lines.append((key, 2, f"{path}: {_show(level.t1)} -> {_show(level.t2)}"))
    return [line for _, _, line in sorted(lines)]
