"""Send-path warnings: what a tenant will send with but not be associated with after the plan.

SES refuses a tenant's send (403 `Tenant not associated with resources [...]`) unless its
identity, its configuration set and its template are all associated with the tenant; with no
explicit configuration set, the identity's default configuration set is the one used and must
be associated too (ses-tenants-api.md §7). The plan never sends and makes no call for these
checks, so they cover what the read already has:

- every template the config gives a tenant (from its tier or its own entry) that the tenant
  will not be associated with once the plan is applied (a tenant in conflict gets no writes);
- the default configuration set of each identity GetEmailIdentity was read for (the reader
  checks unseen referenced identities that way when there are at most three of them: usually
  a new tenant's or a new association's), when the tenant will not be associated with it.
Pure: no I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from reconciler.kinds.tenant import Tenant
from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning.plan import Change
from reconciler.state import Live, ResourceRef


def associations_after(name: str, live: Live, changes: Sequence[Change]) -> set[ResourceRef]:
    """The tenant's associations once the plan's changes to it (`changes`: its own, or any
    superset) are applied."""
    current = live.tenants.get(name)
    after = set(current.resources) if current is not None else set()
    for change in changes:
        if change.tenant != name:
            continue
        if change.action is Action.ASSOCIATE:
            after.add(change.after)
        elif change.action is Action.DISASSOCIATE:
            after.discard(change.before)
    return after


def send_path_warnings(tenants: Iterable[Tenant], live: Live,
                       changes: Sequence[Change]) -> list[str]:
    deleted = {c.tenant for c in changes if c.action is Action.DELETE_TENANT}
    by_tenant: dict[str | None, list[Change]] = defaultdict(list)
    for change in changes:  # grouped once: a scan of every change per tenant is N²
        if change.action in (Action.ASSOCIATE, Action.DISASSOCIATE):
            by_tenant[change.tenant].append(change)
    warnings: list[str] = []
    for tenant in sorted(tenants, key=lambda t: t.name):
        if tenant.name in deleted:
            continue
        after = associations_after(tenant.name, live, by_tenant.get(tenant.name, ()))
        for ref in sorted(tenant.resources):
            text = _problem(ref, after, live)
            if text is not None:
                warnings.append(f"tenant.{tenant.name}: {text}")
    return warnings


def _problem(ref: ResourceRef, after: set[ResourceRef], live: Live) -> str | None:
    if ref.kind == "template" and ref not in after:
        return (f"template {ref.name} is in its config but will not be associated with it, so "
                "SES refuses (403) every send of the tenant that uses it; resolve what keeps "
                "the association from being made (a conflict, for one)")
    if ref.kind != "identity":
        return None
    default = live.identity_configuration_sets.get(ref.name)
    if default and ResourceRef("configuration-set", default) not in after:
        return (f"identity {ref.name} has the default configuration set {default}, which is "
                "not associated with the tenant, so SES refuses (403) its sends that name no "
                f"configuration set; add {default} to its configuration_sets, or send with an "
                "associated one")
    return None
