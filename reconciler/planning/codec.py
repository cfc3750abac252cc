"""Plain-JSON encoding of changes, shared by saved plans and the JSON renderings.

The shape of `before`/`after` is declared by the action's kind (`reconciler.kinds`), so encoding
and decoding are driven by the action; the documented format lives in docs/plan-json.md.
"""

from __future__ import annotations

from typing import Any

from reconciler.kinds.registry import action, action_spec, kind_of_action
from reconciler.planning.plan import Change, Conflict
from reconciler.state import Address


def encode_value(action: str, value: Any) -> Any:
    """A change's `before`/`after` as plain JSON, in the form its action declares."""
    if value is None:
        return None
    return action_spec(action).encode(value)


def decode_value(action: str, data: Any) -> Any:
    if data is None:
        return None
    return action_spec(action).decode(data)


def encode_change(c: Change) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": c.key,
        "address": str(c.address),
        "tenant": c.tenant,
        "action": str(c.action),
        "effect": c.effect,
        "before": encode_value(c.action, c.before),
        "after": encode_value(c.action, c.after),
        "reason": c.reason,
        "depends_on": list(c.depends_on),
        "replace_of": c.replace_of,
    }
    spec = action_spec(c.action)
    if spec.whole and spec.effect == "add":
        data["after_unknown"] = list(kind_of_action(c.action).known_after_create)
    return data


def decode_change(data: dict[str, Any]) -> Change:
    kind, name = data["address"].split(".", 1)
    name_of = action(data["action"])
    return Change(
        address=Address(kind, name),
        action=name_of,
        before=decode_value(name_of, data["before"]),
        after=decode_value(name_of, data["after"]),
        reason=data["reason"],
        depends_on=tuple(data["depends_on"]),
        replace_of=data["replace_of"],
    )


def encode_conflict(c: Conflict) -> dict[str, Any]:
    subject = {} if c.subject is None else {"subject": c.subject}
    return {"tenant": c.tenant, "message": c.message, **subject}


def decode_conflict(data: dict[str, Any]) -> Conflict:
    return Conflict(data["tenant"], data["message"], data.get("subject"))


def encode_ownership(value: tuple[str, str] | None) -> dict[str, str] | None:
    return None if value is None else {"tag_key": value[0], "tag_value": value[1]}


def decode_ownership(data: dict[str, Any] | None) -> tuple[str, str] | None:
    return None if data is None else (data["tag_key"], data["tag_value"])
