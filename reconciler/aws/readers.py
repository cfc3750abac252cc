"""Live state from the account with as few calls as the API allows.

Full read (N relevant tenants in an account of M): STS once, ListTenants pages (100 per page),
then GetTenant (tags, suppression) and ListTenantResources (associations) per relevant tenant,
and reputation (policy, statuses) either in bulk from ListReputationEntities filtered to this
account's tenant ARNs (ceil(M/100) pages) or by GetReputationEntity per tenant, whichever is
fewer calls: at most 2N + 2*ceil(M/100) + 1. "Relevant" = named in the config (also as a rename's
old name), plus, when `settings.prune` (or `all_tenants`) asks for it, every other live tenant,
because ownership lives in its tags. Without prune a tenant absent from the config costs only
its share of a list page and is left out of `Live.tenants`; with prune, unowned ones are dropped
after GetTenant.

Targeted read (`scope`): GetTenant, GetReputationEntity and ListTenantResources per scoped name
(GetTenant alone for an absent one), plus the old name of a scoped rename, whatever the size of
the account.

Associations are read with one ListTenantResources per tenant, or, when the config references
few resources for many tenants, resource by resource over every resource of the account
(exact; see `reconciler.aws.inventory`): 3 List walks + one call per 100 tenants of each
resource instead of N calls, whichever is estimated cheaper (`Live.association_reads` keeps
both estimates for `--stats`). Referenced resources not seen in any association are checked for
existence; missing ones go to `Live.missing_resources`.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from botocore.exceptions import ClientError

from reconciler.aws.clients import ClientFactory
from reconciler.aws.inventory import Inventory
from reconciler.aws.paging import PAGE_SIZE, paginate
from reconciler.aws.pool import worker_pool
from reconciler.aws.wire import error_code, resource_from_wire
from reconciler.errors import RunError
from reconciler.kinds.tenant import Tenant, from_wire
from reconciler.state import ArnContext, AssociationReads, Desired, Live, ResourceRef

_BULK: Any = object()  # marker: the entity comes from the bulk listing
_Fetched = tuple[Mapping[str, Any], frozenset[ResourceRef], Any]


def _not_found(err: ClientError) -> bool:
    return error_code(err) == "NotFoundException"


class _Reader:
    def __init__(self, client: Any, ctx: ArnContext, pool: ThreadPoolExecutor) -> None:
        self.client, self.ctx, self.pool = client, ctx, pool
        self.inventory = Inventory(client, ctx, pool)
        self.association_reads: AssociationReads | None = None

    def get_tenant(self, name: str) -> Mapping[str, Any] | None:
        try:
            return self.client.get_tenant(TenantName=name)["Tenant"]
        except ClientError as err:
            if _not_found(err):
                return None
            raise

    def get_entity(self, arn: str) -> Mapping[str, Any] | None:
        """None when SES has no entity yet (a fresh tenant: standard policy, enabled)."""
        try:
            return self.client.get_reputation_entity(
                ReputationEntityType="RESOURCE", ReputationEntityReference=arn)["ReputationEntity"]
        except ClientError as err:
            if _not_found(err):
                return None
            raise

    def resources(self, name: str) -> frozenset[ResourceRef] | None:
        """The tenant's associations; None if the tenant vanished meanwhile."""
        try:
            items = paginate(self.client.list_tenant_resources, "TenantResources",
                             TenantName=name, PageSize=PAGE_SIZE)
        except ClientError as err:
            if _not_found(err):
                return None
            raise
        refs = (resource_from_wire(item, self.ctx) for item in items)
        return frozenset(ref for ref in refs if ref is not None)

    def fetch(self, name: str, with_entity: bool,
              owned: Callable[[Mapping[str, Any]], bool] | None = None,
              known: Mapping[str, frozenset[ResourceRef]] | None = None) -> _Fetched | None:
        """GetTenant, then (if kept) its associations, unless `known` already holds every
        tenant's, and, if asked, its reputation entity."""
        wire = self.get_tenant(name)
        if wire is None or (owned is not None and not owned(wire)):
            return None
        if known is not None:
            resources: frozenset[ResourceRef] | None = known.get(name, frozenset())
        else:
            wire, resources = self.reread(name, wire, self.resources(name))
            if wire is None or resources is None:
                return None
        entity = self.get_entity(wire.get("TenantArn", "")) if with_entity else _BULK
        return wire, resources, entity

    def reread(self, name: str, wire: Mapping[str, Any],
               resources: frozenset[ResourceRef] | None
               ) -> tuple[Mapping[str, Any] | None, frozenset[ResourceRef] | None]:
        """A 404 on the associations of a tenant GetTenant just returned is read again once:
        gone by then, the tenant is absent; still there, the answer is unknown, and a tenant
        that was just seen must never look absent (the plan would create it)."""
        if resources is not None:
            return wire, resources
        again = self.get_tenant(name)
        if again is None:
            return None, None
        resources = self.resources(name)
        if resources is None:
            raise RunError(
                f"tenant.{name} exists (GetTenant found it) but ListTenantResources answered "
                "NotFound twice, so its associations are unknown and the plan was aborted with "
                "nothing changed; run it again in a moment.")
        return again, resources

    def full(self, desired: Desired, all_tenants: bool) -> tuple[dict[str, Tenant], frozenset[str]]:
        """The relevant tenants, and the names read but dropped for lacking the ownership tag."""
        listed: dict[str, str | None] = {item["TenantName"]: item.get("TenantId") for item in
                                         paginate(self.client.list_tenants, "Tenants",
                                                  PageSize=PAGE_SIZE)}
        settings = desired.settings
        everyone = all_tenants or settings.prune
        # A rename's old name is not declared, yet the plan must see it to replace it.
        declared = set(desired.tenants) | {t.replaces for t in desired.tenants.values()
                                           if t.replaces}
        names = [name for name in listed if everyone or name in declared]
        bulk = len(names) > -(-len(listed) // PAGE_SIZE)
        entities_f = self.pool.submit(self.entities) if bulk else None
        users = Counter(self.ctx.localize(ref) for name in names if name in desired.tenants
                        for ref in desired.tenants[name].resources)
        known, self.association_reads = self.inventory.associations(len(names), users)

        unowned: set[str] = set()
        unowned_lock = threading.Lock()

        def owned(wire: Mapping[str, Any]) -> bool:
            tags = {t["Key"]: t.get("Value") for t in wire.get("Tags") or ()}
            mine = tags.get(settings.ownership_tag_key) == settings.ownership_tag_value
            if not mine:
                with unowned_lock:
                    unowned.add(str(wire.get("TenantName", "")))
            return mine

        def fetch(name: str) -> tuple[str, _Fetched | None]:
            return name, self.fetch(name, not bulk,
                                    None if name in declared or all_tenants else owned, known)

        futures = {self.pool.submit(fetch, name) for name in names}
        entities = entities_f.result() if entities_f is not None else {}
        tenants: dict[str, Tenant] = {}
        # built as they arrive and let go: at 100,000 tenants, holding every GetTenant answer
        # until the last one came back cost hundreds of MB
        for future in as_completed(futures):
            futures.discard(future)
            name, fetched = future.result()
            if fetched is not None:
                tenants[name] = self.build(fetched, entities, listed[name])
        return dict(sorted(tenants.items())), frozenset(unowned)

    def entities(self) -> dict[str, Mapping[str, Any]]:
        """Every tenant's reputation entity in this account and Region, 100 per call."""
        prefix = f"arn:{self.ctx.partition}:ses:{self.ctx.region}:{self.ctx.account}:tenant/"
        items = paginate(self.client.list_reputation_entities, "ReputationEntities",
                         Filter={"ENTITY_REFERENCE_PREFIX": prefix}, PageSize=PAGE_SIZE)
        return {e.get("ReputationEntityReference", ""): e for e in items}

    def build(self, fetched: _Fetched, entities: dict[str, Mapping[str, Any]],
              listed_id: str | None) -> Tenant:
        """A tenant recreated since the listing (new TenantId) is not in the bulk entities.
        A bulk entity is taken out as it is used (each is used once)."""
        wire, resources, entity = fetched
        if entity is _BULK:
            arn = wire.get("TenantArn", "")
            recreated = arn not in entities and wire.get("TenantId") != listed_id
            entity = self.get_entity(arn) if recreated else entities.pop(arn, None)
        return from_wire(wire, entity, resources)

    def scoped(self, names: Iterable[str]) -> dict[str, Tenant]:
        futures = {name: self.pool.submit(self.fetch, name, True) for name in sorted(names)}
        fetched = {name: future.result() for name, future in futures.items()}
        return {name: self.build(f, {}, None) for name, f in fetched.items() if f is not None}


def reputation_entities(factory: ClientFactory) -> dict[str, Mapping[str, Any]]:
    """Every tenant's reputation entity of the account and Region, by tenant ARN (100 a call):
    the bulk view of what SES itself changes (policy, statuses, pauses)."""
    with worker_pool(1) as pool:
        return _Reader(factory.client("sesv2"), factory.arn_context(), pool).entities()


def read_live(factory: ClientFactory, desired: Desired, *,
              scope: frozenset[str] | None = None, parallelism: int = 8,
              all_tenants: bool = False) -> Live:
    """Read what the plan needs: everything relevant (scope None) or only the scoped tenants.

    `all_tenants` also reads tenants the config does not name and does not own (import, status).
    """
    ctx = factory.arn_context()
    with worker_pool(parallelism) as pool:
        reader = _Reader(factory.client("sesv2"), ctx, pool)
        unowned: frozenset[str] = frozenset()
        if scope is None:
            tenants, unowned = reader.full(desired, all_tenants)
            wanted = desired.tenants.values()
        else:  # a scoped rename needs its old tenant, which the plan replaces
            renamed_from = {t.replaces for name, t in desired.tenants.items()
                            if name in scope and t.replaces}
            tenants = reader.scoped(sorted(scope | renamed_from))
            wanted = [t for name, t in desired.tenants.items() if name in scope]
        # an ARN of this account and Region is the resource of that name
        referenced = {ctx.localize(ref) for tenant in wanted for ref in tenant.resources}
        seen = {ref for tenant in tenants.values() for ref in tenant.resources}
        missing = reader.inventory.missing(referenced, seen)
    return Live(context=ctx, tenants=tenants, missing_resources=missing, scope=scope,
                unowned=unowned, association_reads=reader.association_reads,
                identity_configuration_sets=dict(reader.inventory.identity_configuration_sets))
