"""Hand-built Desired/Live states for planning and rendering tests."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from reconciler.kinds.tenant import Tenant
from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning.plan import Change, Plan
from reconciler.state import (
    ArnContext,
    Desired,
    Live,
    LiveStatus,
    ResourceRef,
    Settings,
    Suppression,
)

CTX = ArnContext("aws", "us-east-1", "123456789012")
OWN = {"managed-by": "ses-reconciler"}
PROTECT = {"managed-by:protect": "true"}


def ref(text: str) -> ResourceRef:
    kind, name = text.split("/", 1)
    return ResourceRef(kind, name)  # type: ignore[arg-type]


def refs(*texts: str) -> frozenset[ResourceRef]:
    return frozenset(ref(t) for t in texts)


def sup(scope: str, *reasons: str) -> Suppression:
    return Suppression(scope, frozenset(reasons))  # type: ignore[arg-type]


def want(name: str, *resources: str, tags: dict[str, str] | None = None, **kw: object) -> Tenant:
    """A desired tenant."""
    return Tenant(name, tags=tags or {}, resources=refs(*resources), **kw)  # type: ignore[arg-type]


def have(
    name: str,
    *resources: str,
    tags: dict[str, str] | None = None,
    owned: bool = True,
    customer: str | None = None,
    aws: str | None = None,
    aws_cause: str | None = None,
    **kw: object,
) -> Tenant:
    """A live tenant; owned (ownership tag) unless told otherwise."""
    all_tags = {**(OWN if owned else {}), **(tags or {})}
    status = LiveStatus(customer=customer, aws=aws, aws_cause=aws_cause)  # type: ignore[arg-type]
    tid = kw.pop("tenant_id", None) or "tn-" + hashlib.sha256(name.encode()).hexdigest()[:29]
    return Tenant(name, tags=all_tags, resources=refs(*resources), status=status,
                  tenant_id=tid,  # type: ignore[arg-type]
                  arn=f"arn:aws:ses:us-east-1:123456789012:tenant/{name}/{tid}",
                  **kw)  # type: ignore[arg-type]


def desired(*tenants: Tenant, prune: bool = True, digest: str = "sha256:cfg",
            **settings: object) -> Desired:
    return Desired(Settings(prune=prune, **settings),  # type: ignore[arg-type]
                   {t.name: t for t in tenants}, digest=digest)


def live(*tenants: Tenant, scope: Iterable[str] | None = None) -> Live:
    return Live(CTX, {t.name: t for t in tenants},
                scope=frozenset(scope) if scope is not None else None)


def steps(plan: Plan) -> list[tuple[str, str, object, object]]:
    return [(c.tenant, str(c.action), c.before, c.after) for c in plan.changes]


def only(plan: Plan, tenant: str, action: Action) -> Change:
    found = [c for c in plan.changes if c.tenant == tenant and c.action is action]
    assert len(found) == 1, found
    return found[0]


def actions_of(plan: Plan, tenant: str) -> list[Action]:
    return [c.action for c in plan.changes if c.tenant == tenant]
