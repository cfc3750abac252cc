"""A kind that hangs off tenants plugs in with one module's worth of declarations.

`policy` here is keyed tenant/template like the IAM policies will be: it is created after its
tenant, and deleted before its tenant is. Nothing in planning, ordering or the codec is told
about it beyond `register`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pytest

from reconciler.kinds.base import ActionSpec, Attribute, Kind
from reconciler.kinds.registry import register, unregister
from reconciler.kinds.tenant import Tenant, TenantAction
from reconciler.planning import dump_plan, load_plan, make_plan
from reconciler.planning.plan import Change
from reconciler.state import Address, ArnContext, Desired, Live, Settings

OWNED = {"managed-by": "ses-reconciler"}
CTX = ArnContext("aws", "us-east-1", "123456789012")


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    document: str = ""


class PolicyAction(StrEnum):
    CREATE_POLICY = "create_toy_policy"
    DELETE_POLICY = "delete_toy_policy"


def _never(ctx: Any, change: Change) -> None:
    raise AssertionError("planning only")


def _plan(builder: Any) -> None:
    live = builder.live.objects.get("policy", {})
    for tenant in builder.desired.tenants.values():
        for template in tenant.iam:
            name = f"{tenant.name}/{template}"
            if name not in live:
                builder.changes.append(Change(Address("policy", name), PolicyAction.CREATE_POLICY,
                                              after=Policy(name, f"doc of {template}")))
    for name, policy in sorted(live.items()):
        if name.split("/")[0] not in builder.desired.tenants:
            builder.changes.append(Change(Address("policy", name), PolicyAction.DELETE_POLICY,
                                          before=policy))


def _edges(changes: Sequence[Change]) -> Mapping[str, set[str]]:
    """Creates wait for their tenant's create; a tenant's delete waits for its policies'."""
    tenant_first = {c.tenant: c.key for c in changes if c.action is TenantAction.CREATE_TENANT}
    tenant_delete = {c.tenant: c.key for c in changes
                     if c.action is TenantAction.DELETE_TENANT}
    edges: dict[str, set[str]] = {}
    for c in changes:
        if c.action is PolicyAction.CREATE_POLICY and c.tenant in tenant_first:
            edges.setdefault(c.key, set()).add(tenant_first[c.tenant])
        if c.action is PolicyAction.DELETE_POLICY and c.tenant in tenant_delete:
            edges.setdefault(tenant_delete[c.tenant], set()).add(c.key)
    return edges


POLICY_ATTRIBUTES = (Attribute("name", plan_key="name"),
                     Attribute("document", plan_key="document", state_key="document"))
POLICY = Kind(
    name="policy", type=Policy, attributes=POLICY_ATTRIBUTES,
    actions=(ActionSpec(PolicyAction.CREATE_POLICY, "add", 0, _never, whole=True,
                        encode=lambda p: POLICY.encode(p), decode=lambda d: POLICY.decode(d)),
             ActionSpec(PolicyAction.DELETE_POLICY, "destroy", 9, _never, whole=True,
                        encode=lambda p: POLICY.encode(p), decode=lambda d: POLICY.decode(d))),
    plan=_plan, edges=_edges, depends_on=("tenant",), tenant_of=lambda name: name.split("/")[0])


@pytest.fixture(autouse=True)
def policy_kind() -> Iterator[Kind]:
    register(POLICY)
    yield POLICY
    unregister("policy")


def test_a_new_tenants_policy_is_created_after_the_tenant() -> None:
    desired = Desired(Settings(), {"Acme": Tenant("Acme", iam=("sender",))})
    plan = make_plan(desired, Live(CTX, {}))
    keys = [c.key for c in plan.changes]
    create = "tenant.Acme:create_tenant"
    policy = next(c for c in plan.changes if c.action is PolicyAction.CREATE_POLICY)
    assert policy.depends_on == (create,)
    assert keys.index(create) < keys.index(policy.key)
    assert plan.counts.add == 2


def test_a_pruned_tenants_policies_are_deleted_before_the_tenant() -> None:
    live = Live(CTX, {"Gone": Tenant("Gone", tags=OWNED, tenant_id="tn-1")},
                objects={"policy": {"Gone/sender": Policy("Gone/sender", "doc")}})
    plan = make_plan(Desired(Settings(prune=True), {}), live)
    delete = next(c for c in plan.changes if c.action is TenantAction.DELETE_TENANT)
    assert delete.depends_on == ("policy.Gone/sender:delete_toy_policy",)
    assert [c.key for c in plan.changes][-1] == delete.key


def test_saved_plans_carry_the_other_kinds_changes_and_fingerprint_their_objects() -> None:
    live = Live(CTX, {"Gone": Tenant("Gone", tags=OWNED, tenant_id="tn-1")},
                objects={"policy": {"Gone/sender": Policy("Gone/sender", "doc")}})
    plan = make_plan(Desired(Settings(prune=True), {}), live)
    assert load_plan(dump_plan(plan)) == plan
    edited = Live(CTX, live.tenants,
                  objects={"policy": {"Gone/sender": Policy("Gone/sender", "edited")}})
    assert make_plan(Desired(Settings(prune=True), {}), edited).fingerprint != plan.fingerprint
