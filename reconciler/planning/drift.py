"""Drift: the same diff as a plan, read as "the account no longer matches the config".

A drift report is derived from a plan (one source of truth for what differs) and regrouped per
tenant and attribute. SES-owned facts (REINSTATED returned to ENABLED, AWS-managed pauses) are
notices in the plan, never changes, so they are never drift.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from reconciler.planning.plan import Action, Change, Plan

DriftKind = Literal["missing_tenant", "unexpected_tenant", "changed", "conflict"]

_ATTRIBUTE = {
    Action.UPDATE_TAGS: "tags",
    Action.ADOPT_TENANT: "ownership",
    Action.SET_SUPPRESSION: "suppression",
    Action.SET_POLICY: "reputation_policy",
    Action.SET_STATUS: "sending_status",
}


@dataclass(frozen=True, slots=True)
class DriftItem:
    """One drifted attribute of one tenant.

    `actual` is what the account has and `expected` what the config says. For `resources`,
    `actual` holds the associations the config does not declare and `expected` the declared
    ones that are missing. Tenant-level items carry the live tenant (unexpected) or the
    desired one with its resources (missing). `ownership` items are an adoption the config
    asks for (`actual`/`expected`: the tags before and after) or a conflict (`expected`: the
    plan's sentence naming both ways out).
    """

    tenant: str
    attribute: str
    kind: DriftKind
    actual: Any = None
    expected: Any = None
    replace_of: str | None = None


def classify_drift(plan: Plan) -> tuple[DriftItem, ...]:
    """Per-tenant drift items sorted by tenant and attribute."""
    items: list[DriftItem] = []
    created = {c.tenant for c in plan.changes if c.action is Action.CREATE_TENANT}
    extra: dict[str, list[Any]] = {}
    missing: dict[str, list[Any]] = {}
    gained = {c.tenant: set() for c in plan.changes if c.action is Action.CREATE_TENANT}
    for c in plan.changes:
        if c.action is Action.ASSOCIATE and c.tenant in gained:
            gained[c.tenant].add(c.after)
    for c in plan.changes:
        if c.action is Action.CREATE_TENANT:
            c = replace(c, after=replace(c.after, resources=frozenset(gained[c.tenant])))
        item = _item(c, created)
        if item is not None:
            items.append(item)
        elif c.action is Action.DISASSOCIATE:
            extra.setdefault(c.tenant, []).append(c.before)
        elif c.action is Action.ASSOCIATE and c.tenant not in created:
            missing.setdefault(c.tenant, []).append(c.after)
    items += [DriftItem(c.tenant, "ownership", "conflict", None, c.message)
              for c in plan.conflicts]
    for name in set(extra) | set(missing):
        items.append(DriftItem(name, "resources", "changed",
                               tuple(sorted(extra.get(name, ()))),
                               tuple(sorted(missing.get(name, ())))))
    return tuple(sorted(items, key=lambda i: (i.tenant, i.attribute)))


def _item(c: Change, created: set[str]) -> DriftItem | None:
    if c.action is Action.CREATE_TENANT:
        return DriftItem(c.tenant, "tenant", "missing_tenant", None, c.after, c.replace_of)
    if c.action is Action.DELETE_TENANT:
        return DriftItem(c.tenant, "tenant", "unexpected_tenant", c.before, None, c.replace_of)
    if c.action in _ATTRIBUTE and c.tenant not in created:
        return DriftItem(c.tenant, _ATTRIBUTE[c.action], "changed", c.before, c.after)
    return None


def drifted_tenants(items: tuple[DriftItem, ...]) -> tuple[str, ...]:
    return tuple(sorted({i.tenant for i in items}))
