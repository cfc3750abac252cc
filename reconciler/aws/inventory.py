"""Which identities, configuration sets and templates exist, and which tenants use them.

Two questions the reader asks about resources rather than tenants:

- Do the resources the config references exist? A resource seen in an association does (SES
  refuses to delete an associated resource); the rest are checked with one Get each, or with
  one List walk of their kind when more than three of a kind are unseen. An identity's Get
  also tells its default configuration set, kept for the plan's send-path warnings.
- Every association in the account, resource by resource. ListResourceTenants answers only for
  the resource asked about, so reading "tenant X's associations" this way is exact only when
  *every* resource of the account (all three kinds, this Region) is asked about: then no
  association, not even a surplus one to a resource the config never mentions, can be missed.
  That costs the three List walks plus one call per resource (per 100 tenants of it), which
  beats one ListTenantResources per tenant when many tenants share few resources (tiers). The
  reader takes whichever its estimate says is fewer calls, and says which (`--stats`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import ClientError

from reconciler.aws.paging import PAGE_SIZE, paginate
from reconciler.aws.wire import error_code
from reconciler.state import RESOURCE_KINDS, ArnContext, AssociationReads, ResourceRef

_GET_CHECK_LIMIT = 3
_LIST_PAGE: Mapping[str, int] = {"identity": 1000, "configuration-set": 1000,
                                 "template": PAGE_SIZE}

_GETTERS: Mapping[str, Callable[[Any, str], Any]] = {
    "identity": lambda c, n: c.get_email_identity(EmailIdentity=n),
    "configuration-set": lambda c, n: c.get_configuration_set(ConfigurationSetName=n),
    "template": lambda c, n: c.get_email_template(TemplateName=n),
}
_LISTERS: Mapping[str, Callable[[Any], set[str]]] = {
    "identity": lambda c: {i["IdentityName"] for i in paginate(
        c.list_email_identities, "EmailIdentities", PageSize=_LIST_PAGE["identity"])},
    "configuration-set": lambda c: set(paginate(
        c.list_configuration_sets, "ConfigurationSets",
        PageSize=_LIST_PAGE["configuration-set"])),
    "template": lambda c: {t["TemplateName"] for t in paginate(
        c.list_email_templates, "TemplatesMetadata", PageSize=_LIST_PAGE["template"])},
}


class Inventory:
    """Resource-side reads for one account and Region; remembers what it enumerated."""

    def __init__(self, client: Any, ctx: ArnContext, pool: ThreadPoolExecutor) -> None:
        self.client, self.ctx, self.pool = client, ctx, pool
        self.existing: dict[str, set[str]] = {}
        # identity -> default configuration set, from the GetEmailIdentity calls made
        self.identity_configuration_sets: dict[str, str | None] = {}

    def enumerate(self) -> int:
        """List every resource of the three kinds; returns how many there are."""
        futures = {kind: self.pool.submit(_LISTERS[kind], self.client) for kind in RESOURCE_KINDS}
        self.existing = {kind: future.result() for kind, future in futures.items()}
        return sum(len(names) for names in self.existing.values())

    def associations(self, tenants: int, users: Mapping[ResourceRef, int]
                     ) -> tuple[dict[str, frozenset[ResourceRef]] | None, AssociationReads]:
        """Every tenant's associations read per resource (None when per tenant is cheaper), and
        the two estimated costs that decided it.

        `users` counts, per referenced resource, the tenants to read that the config gives it.
        Per tenant costs `tenants` calls. Per resource costs the three List walks plus, for
        every resource of the account, one ListResourceTenants page per 100 tenants using it
        (at least one). Before listing, that is known only as a floor (one page per walk and
        the referenced resources alone), which already rules it out when tenants use resources
        of their own; otherwise the walks run (they also serve the existence check) and the
        full estimate decides.
        """
        pages = sum(max(1, -(-n // PAGE_SIZE)) for n in users.values())
        floor = len(RESOURCE_KINDS) + pages
        if floor >= tenants:
            return None, AssociationReads(False, tenants, floor, listed=False)
        self.enumerate()
        unreferenced = sum(1 for kind in RESOURCE_KINDS for name in self.existing[kind]
                           if ResourceRef(kind, name) not in users)
        estimate = self._walk_pages() + pages + unreferenced
        reads = AssociationReads(estimate < tenants, tenants, estimate, listed=True)
        if not reads.per_resource:
            return None, reads
        refs = [ResourceRef(kind, name) for kind in RESOURCE_KINDS
                for name in sorted(self.existing[kind])]
        found: dict[str, set[ResourceRef]] = {}
        for ref, names in zip(refs, self.pool.map(self._tenants_of, refs), strict=True):
            for name in names:
                found.setdefault(name, set()).add(ref)
        return {name: frozenset(refs) for name, refs in found.items()}, reads

    def _walk_pages(self) -> int:
        return sum(max(1, -(-len(self.existing[kind]) // _LIST_PAGE[kind]))
                   for kind in RESOURCE_KINDS)

    def _tenants_of(self, ref: ResourceRef) -> list[str]:
        try:
            items = paginate(self.client.list_resource_tenants, "ResourceTenants",
                             ResourceArn=self.ctx.resource_arn(ref), PageSize=PAGE_SIZE)
        except ClientError as err:
            if error_code(err) == "NotFoundException":
                return []  # deleted since the listing: no associations either
            raise
        return [item["TenantName"] for item in items]

    def missing(self, referenced: Iterable[ResourceRef],
                seen: Iterable[ResourceRef]) -> frozenset[ResourceRef]:
        """Referenced resources that do not exist. An ARN of this account and Region arrives
        here as its bare name (`ArnContext.localize`); other ARNs are refused before reading."""
        unseen = sorted(set(referenced) - set(seen))
        by_kind: dict[str, list[ResourceRef]] = {}
        for ref in unseen:
            if not ref.name.startswith("arn:"):
                by_kind.setdefault(ref.kind, []).append(ref)
        futures = [self.pool.submit(self._missing_of_kind, kind, refs)
                   for kind, refs in by_kind.items()]
        return frozenset().union(*(f.result() for f in futures))

    def _missing_of_kind(self, kind: str, refs: list[ResourceRef]) -> set[ResourceRef]:
        if kind not in self.existing and len(refs) > _GET_CHECK_LIMIT:
            self.existing[kind] = _LISTERS[kind](self.client)
        if kind in self.existing:
            return {ref for ref in refs if ref.name not in self.existing[kind]}
        return {ref for ref in refs if not self._exists(ref)}

    def _exists(self, ref: ResourceRef) -> bool:
        try:
            answer = _GETTERS[ref.kind](self.client, ref.name)
        except ClientError as err:
            if error_code(err) == "NotFoundException":
                return False
            raise
        if ref.kind == "identity":
            self.identity_configuration_sets[ref.name] = answer.get("ConfigurationSetName")
        return True
