"""Drift: the same diff as a plan, read as "the account no longer matches the config".

A drift report is derived from a plan (one source of truth for what differs) and regrouped per
tenant and attribute. SES-owned facts (REINSTATED returned to ENABLED, AWS-managed pauses) are
notices in the plan, never changes, so they are never drift.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from reconciler.kinds.registry import action_spec
from reconciler.planning.plan import Change, Plan

DriftKind = Literal["missing_tenant", "unexpected_tenant", "changed", "conflict"]


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

    tenant: str | None  # None: an account-level object (monitoring)
    attribute: str
    kind: DriftKind
    actual: Any = None
    expected: Any = None
    replace_of: str | None = None


def classify_drift(plan: Plan) -> tuple[DriftItem, ...]:
    """Per-tenant drift items sorted by tenant and attribute.

    Generic over kinds: a whole-object create is a missing object, a whole-object delete an
    unexpected one, an attribute write a changed attribute; keyed (child) actions are gathered
    per object and attribute into one item (extra children in `actual`, missing in `expected`).
    """
    items: list[DriftItem] = []
    created = {c.tenant for c in plan.changes if _whole(c, "add") and _tenant(c)}
    extra: dict[tuple[str, str], list[Any]] = {}
    missing: dict[tuple[str, str], list[Any]] = {}
    gained: dict[str, dict[str, set[Any]]] = {c.tenant: {} for c in plan.changes
                                              if _whole(c, "add") and _tenant(c)}
    for c in plan.changes:
        spec = action_spec(c.action)
        if spec.keyed and spec.effect == "add" and c.tenant in gained and _tenant(c):
            gained[c.tenant].setdefault(spec.attribute or "", set()).add(c.after)
    for c in plan.changes:
        spec = action_spec(c.action)
        if _whole(c, "add") and _tenant(c):
            grown = {a: frozenset(v) for a, v in gained[c.tenant].items()}
            c = replace(c, after=replace(c.after, **grown))
        item = _item(c, created)
        if item is not None:
            items.append(item)
        elif spec.keyed and spec.effect == "destroy":
            extra.setdefault((c.tenant, _attribute(c)), []).append(c.before)
        elif spec.keyed and spec.effect == "add" and (
                c.tenant not in created or c.address.kind != "tenant"):
            missing.setdefault((c.tenant, _attribute(c)), []).append(c.after)
    items += [DriftItem(c.tenant, "ownership" if c.subject is None else f"{c.subject} ownership",
                        "conflict", None, c.message)
              for c in plan.conflicts]
    for name, attribute in set(extra) | set(missing):
        items.append(DriftItem(name, attribute, "changed",
                               tuple(sorted(extra.get((name, attribute), ()))),
                               tuple(sorted(missing.get((name, attribute), ())))))
    return tuple(sorted(items, key=lambda i: (i.tenant is None, i.tenant or "", i.attribute)))


def _tenant(c: Change) -> bool:
    return c.address.kind == "tenant"


def _attribute(c: Change) -> str:
    """The drift attribute of a keyed change: `resources`, or `iam_policy.X attach`."""
    name = action_spec(c.action).attribute or ""
    return name if c.address.kind == "tenant" else f"{c.address} {name}"


def _whole(c: Change, effect: str) -> bool:
    spec = action_spec(c.action)
    return spec.whole and spec.effect == effect


def _item(c: Change, created: set[str]) -> DriftItem | None:
    spec = action_spec(c.action)
    kind = c.address.kind
    if kind != "tenant" and not spec.keyed:
        # another kind's object: named by its address, its values explained by its kind
        return DriftItem(c.tenant, str(c.address), "changed", c.before, c.after)
    if _whole(c, "add"):
        return DriftItem(c.tenant, kind, f"missing_{kind}", None, c.after,  # type: ignore[arg-type]
                         c.replace_of)
    if _whole(c, "destroy"):
        return DriftItem(c.tenant, kind, f"unexpected_{kind}", c.before, None,  # type: ignore[arg-type]
                         c.replace_of)
    if not spec.keyed and spec.attribute is not None and c.tenant not in created:
        return DriftItem(c.tenant, spec.attribute, "changed", c.before, c.after)
    return None


def drifted_tenants(items: tuple[DriftItem, ...]) -> tuple[str, ...]:
    return tuple(sorted({i.tenant for i in items if i.tenant is not None}))


def drifted_objects(items: tuple[DriftItem, ...]) -> tuple[str, ...]:
    """The account-level objects that drifted, by address."""
    return tuple(sorted({i.attribute.split(" ", 1)[0] for i in items if i.tenant is None}))
