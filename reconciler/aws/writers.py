"""One function per tenant action (the tenant kind maps actions to them); each is idempotent
so a re-run after a failure converges.

The answers that mean "already so" count as success: AlreadyExists on associate (and on create
for a tenant carrying the ownership tag, left by an interrupted apply), NotFound on delete and
disassociate. AlreadyExists on create for anyone else's tenant is a failure that writes nothing.
Writers address tenants by ARN where the API needs one; the ARN of a tenant created earlier in
the same apply comes from the shared `TenantArns` map.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from reconciler.aws.wire import (
    arn_partition_region,
    error_code,
    resource_arn,
    suppression_from_wire,
    tags_from_wire,
    tags_to_wire,
)
from reconciler.errors import NotOwnedError
from reconciler.state import ArnContext, ReputationPolicy, Suppression

if TYPE_CHECKING:
    from reconciler.kinds.tenant import Tenant
    from reconciler.planning.plan import Change


class TenantArns:
    """Thread-safe tenant name -> ARN map, seeded from Live and fed by CreateTenant answers."""

    def __init__(self, initial: Mapping[str, str] | None = None) -> None:
        self._arns = dict(initial or {})
        self._lock = threading.Lock()

    def __setitem__(self, name: str, arn: str) -> None:
        with self._lock:
            self._arns[name] = arn

    def discard(self, name: str) -> None:
        with self._lock:
            self._arns.pop(name, None)

    def get(self, name: str) -> str | None:
        with self._lock:
            return self._arns.get(name)


@dataclass(frozen=True, slots=True)
class WriteContext:
    client: Any  # the sesv2 client
    arns: TenantArns
    context: ArnContext
    # (tag key, value) marking a tenant as ours; None: no existing tenant counts as ours
    ownership: tuple[str, str] | None = None
    factory: Any = None  # the ClientFactory, for kinds that write to other services

    def owns(self, tags: Mapping[str, str]) -> bool:
        return self.ownership is not None and tags.get(self.ownership[0]) == self.ownership[1]

    def tenant_arn(self, name: str) -> str:
        """The ARN from the map, else asked once from SES (a tenant the plan did not create)."""
        arn = self.arns.get(name)
        if arn is None:
            arn = str(self.client.get_tenant(TenantName=name)["Tenant"]["TenantArn"])
            self.arns[name] = arn
        return arn


def _tolerate(call: Callable[[], Any], *codes: str) -> None:
    try:
        call()
    except ClientError as err:
        if error_code(err) not in codes:
            raise


def _suppression_kwargs(suppression: Suppression | None) -> dict[str, Any]:
    if suppression is None:
        return {}
    return {"SuppressionScope": suppression.scope,
            "SuppressedReasons": sorted(suppression.reasons)}


def create_tenant(ctx: WriteContext, change: Change) -> None:
    """CreateTenant with tags and suppression.

    On AlreadyExists the tenant is continued (tags and suppression aligned) only if it carries
    the ownership tag, i.e. an earlier, interrupted apply made it. Someone else's tenant, created
    since the plan, is never taken over: nothing is written to it and the change fails, so its
    dependents are skipped; adopting it is a choice made in the config.
    """
    tenant: Tenant = change.after
    kwargs: dict[str, Any] = {"TenantName": tenant.name}
    if tenant.tags:
        kwargs["Tags"] = tags_to_wire(tenant.tags)
    if tenant.suppression is not None:
        kwargs["SuppressionAttributes"] = _suppression_kwargs(tenant.suppression)
    try:
        ctx.arns[tenant.name] = ctx.client.create_tenant(**kwargs)["TenantArn"]
        return
    except ClientError as err:
        if error_code(err) != "AlreadyExistsException":
            raise
    existing = ctx.client.get_tenant(TenantName=tenant.name)["Tenant"]
    tags = tags_from_wire(existing.get("Tags"))
    if not ctx.owns(tags):
        tag = "=".join(ctx.ownership) if ctx.ownership else "of this tool"
        raise NotOwnedError(
            f"tenant.{tenant.name} already exists without the ownership tag {tag} (it was "
            "created outside this apply), so nothing was written to it; add `adopt: true` to "
            "its entry to take it over, then plan again.")
    ctx.arns[tenant.name] = existing["TenantArn"]
    _sync_tags(ctx, tenant.name, tags, dict(tenant.tags))
    if suppression_from_wire(existing.get("SuppressionAttributes")) != tenant.suppression:
        _put_suppression(ctx, tenant.name, tenant.suppression)


def delete_tenant(ctx: WriteContext, change: Change) -> None:
    """DeleteTenant cascades associations; NotFound means someone got there first."""
    _tolerate(lambda: ctx.client.delete_tenant(TenantName=change.tenant), "NotFoundException")
    ctx.arns.discard(change.tenant)


def _sync_tags(ctx: WriteContext, name: str, before: Mapping[str, str],
               after: Mapping[str, str]) -> None:
    surplus = sorted(k for k in before if k not in after and not k.startswith("aws:"))
    wanted = {k: v for k, v in after.items() if before.get(k) != v}
    if not surplus and not wanted:
        return
    arn = ctx.tenant_arn(name)
    if surplus:
        ctx.client.untag_resource(ResourceArn=arn, TagKeys=surplus)
    if wanted:
        ctx.client.tag_resource(ResourceArn=arn, Tags=tags_to_wire(wanted))


def update_tags(ctx: WriteContext, change: Change) -> None:
    """Untag the surplus keys, tag the missing or changed ones (by tenant ARN)."""
    _sync_tags(ctx, change.tenant, dict(change.before or {}), dict(change.after or {}))


def associate(ctx: WriteContext, change: Change) -> None:
    """Both answers SES gives to a repeat association (AlreadyExists, 200) mean success."""
    arn = resource_arn(change.after, ctx.context)
    _tolerate(lambda: ctx.client.create_tenant_resource_association(
        TenantName=change.tenant, ResourceArn=arn), "AlreadyExistsException")


def disassociate(ctx: WriteContext, change: Change) -> None:
    """A missing association answers 200; a 404 (resource or tenant gone) leaves none either."""
    arn = resource_arn(change.before, ctx.context)
    _tolerate(lambda: ctx.client.delete_tenant_resource_association(
        TenantName=change.tenant, ResourceArn=arn), "NotFoundException")


def set_policy(ctx: WriteContext, change: Change) -> None:
    """The policy ARN is built for the tenant's own partition and Region, from its ARN."""
    tenant_arn = ctx.tenant_arn(change.tenant)
    partition, region = arn_partition_region(tenant_arn)
    policy: ReputationPolicy = change.after
    ctx.client.update_reputation_entity_policy(
        ReputationEntityType="RESOURCE", ReputationEntityReference=tenant_arn,
        ReputationEntityPolicy=f"arn:{partition}:ses:{region}:aws:reputation-policy/{policy}")


def set_status(ctx: WriteContext, change: Change) -> None:
    ctx.client.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE", ReputationEntityReference=ctx.tenant_arn(change.tenant),
        SendingStatus=change.after)


def _put_suppression(ctx: WriteContext, name: str, suppression: Suppression | None) -> None:
    ctx.client.put_tenant_suppression_attributes(
        TenantName=name, **_suppression_kwargs(suppression))


def set_suppression(ctx: WriteContext, change: Change) -> None:
    """None is the bare put, which clears the pair (the tenant follows the account list)."""
    _put_suppression(ctx, change.tenant, change.after)
