"""Plain-JSON encoding of changes, shared by saved plans and the JSON renderings.

The shape of `before`/`after` depends on the action (see `Action`), so decoding is driven by the
action too; the documented format lives in docs/plan-json.md.
"""

from __future__ import annotations

from typing import Any

from reconciler.planning.plan import Action, Change, Conflict
from reconciler.state import Address, ResourceRef, Suppression, Tenant

UNKNOWN_AFTER_APPLY = ("arn", "id")


def encode_suppression(value: Suppression | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"scope": value.scope, "reasons": sorted(value.reasons)}


def decode_suppression(data: dict[str, Any] | None) -> Suppression | None:
    if data is None:
        return None
    return Suppression(data["scope"], frozenset(data["reasons"]))


def encode_tenant(t: Tenant) -> dict[str, Any]:
    return {
        "name": t.name,
        "id": t.tenant_id,
        "arn": t.arn,
        "tags": {k: t.tags[k] for k in sorted(t.tags)},
        "resources": [str(r) for r in sorted(t.resources)],
        "reputation_policy": t.reputation_policy,
        "sending_status": t.sending_status,
        "suppression": encode_suppression(t.suppression),
        "protect": t.protect,
        "replaces": t.replaces,
    }


def decode_ref(text: str) -> ResourceRef:
    kind, name = text.split("/", 1)
    return ResourceRef(kind, name)  # type: ignore[arg-type]


def decode_tenant(data: dict[str, Any]) -> Tenant:
    return Tenant(
        name=data["name"],
        tenant_id=data["id"],
        arn=data["arn"],
        tags=dict(data["tags"]),
        resources=frozenset(decode_ref(r) for r in data["resources"]),
        reputation_policy=data["reputation_policy"],
        sending_status=data["sending_status"],
        suppression=decode_suppression(data["suppression"]),
        protect=data["protect"],
        replaces=data["replaces"],
    )


def encode_value(action: Action, value: Any) -> Any:
    if value is None:
        return None
    if action in (Action.CREATE_TENANT, Action.DELETE_TENANT):
        return encode_tenant(value)
    if action in (Action.ASSOCIATE, Action.DISASSOCIATE):
        return str(value)
    if action in (Action.UPDATE_TAGS, Action.ADOPT_TENANT):
        return {k: value[k] for k in sorted(value)}
    if action is Action.SET_SUPPRESSION:
        return encode_suppression(value)
    return value


def decode_value(action: Action, data: Any) -> Any:
    if data is None:
        return None
    if action in (Action.CREATE_TENANT, Action.DELETE_TENANT):
        return decode_tenant(data)
    if action in (Action.ASSOCIATE, Action.DISASSOCIATE):
        return decode_ref(data)
    if action in (Action.UPDATE_TAGS, Action.ADOPT_TENANT):
        return dict(data)
    if action is Action.SET_SUPPRESSION:
        return decode_suppression(data)
    return data


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
    if c.action is Action.CREATE_TENANT:
        data["after_unknown"] = list(UNKNOWN_AFTER_APPLY)
    return data


def decode_change(data: dict[str, Any]) -> Change:
    kind, name = data["address"].split(".", 1)
    action = Action(data["action"])
    return Change(
        address=Address(kind, name),
        action=action,
        before=decode_value(action, data["before"]),
        after=decode_value(action, data["after"]),
        reason=data["reason"],
        depends_on=tuple(data["depends_on"]),
        replace_of=data["replace_of"],
    )


def encode_conflict(c: Conflict) -> dict[str, Any]:
    return {"tenant": c.tenant, "message": c.message}


def decode_conflict(data: dict[str, Any]) -> Conflict:
    return Conflict(data["tenant"], data["message"])


def encode_ownership(value: tuple[str, str] | None) -> dict[str, str] | None:
    return None if value is None else {"tag_key": value[0], "tag_value": value[1]}


def decode_ownership(data: dict[str, Any] | None) -> tuple[str, str] | None:
    return None if data is None else (data["tag_key"], data["tag_value"])
