"""The tenant-extension state of one (account, Region) and its JSON form.

Everything the tenant APIs remember lives in one `TenancyStore`, so persistence can save and
restore a Region by calling `to_dict()` / `TenancyStore.from_dict()`; identities and
configuration sets stay in moto's own SES backend. Reach a Region's store with
`reconciler.emulator.backend.tenancy_store(account_id, region)` and swap a restored one in
with `reconciler.emulator.backend.replace_tenancy_store(account_id, region, store)`.
"""

from __future__ import annotations

import secrets
import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from operator import attrgetter
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from reconciler.emulator.options import EmulatorOptions


def now() -> float:
    """Epoch seconds with millisecond precision, as SES serialises timestamps."""
    return round(time.time(), 3)


@dataclass
class Tenant:
    name: str
    tenant_id: str
    arn: str
    created: float
    tags: dict[str, str] = field(default_factory=dict)
    suppression: dict[str, Any] | None = None


@dataclass
class Association:
    tenant_id: str
    resource_arn: str
    associated: float


@dataclass
class StatusRecord:
    """One of an entity's two status records; `kind` says which SES process paused it."""

    status: str
    cause: str | None = None
    updated: float | None = None
    kind: str | None = None


@dataclass
class Finding:
    finding_id: str
    impact: str
    opened: float
    finding_type: str = "BOUNCE"  # a recommendation type: BOUNCE, COMPLAINT, ...


@dataclass
class ReputationRecord:
    reference: str
    policy: str = "standard"
    customer: StatusRecord | None = None
    aws: StatusRecord = field(default_factory=lambda: StatusRecord("ENABLED"))
    findings: list[Finding] = field(default_factory=list)
    touched: bool = False

    def aggregate(self) -> str:
        statuses = {self.aws.status, self.customer.status if self.customer else "ENABLED"}
        if "DISABLED" in statuses:
            return "DISABLED"
        return "REINSTATED" if "REINSTATED" in statuses else "ENABLED"

    def impact(self) -> str | None:
        impacts = {f.impact for f in self.findings}
        if "HIGH" in impacts:
            return "HIGH"
        return "LOW" if impacts else None


@dataclass
class SuppressedEntry:
    """One address on a suppression list; `updated` orders a list and keys its page tokens."""

    email: str
    reason: str
    updated: float

    def key(self) -> list[Any]:
        return [self.updated, self.email]


ACCOUNT_LIST = ""  # the account's own suppression list, beside the per-tenant ones (by id)


class _Row(NamedTuple):
    """An association and its creation sequence number, which orders a resource's tenants."""

    seq: int
    association: Association


_SEQ = attrgetter("seq")
T = TypeVar("T")


def _insort(keys: list[str], key: str) -> None:
    index = bisect_left(keys, key)
    if index == len(keys) or keys[index] != key:
        keys.insert(index, key)


def _discard(keys: list[str], key: str) -> None:
    index = bisect_left(keys, key)
    if index < len(keys) and keys[index] == key:
        del keys[index]


def _walk(
    keys: list[str], after: str | None, size: int, pick: Callable[[str], T | None]
) -> tuple[list[T], bool]:
    """One page of `keys` (sorted) after `after`: `pick` maps a key to an item or `None` (skip).

    Finding the start is a bisection, and the walk stops one match past a full page (which is
    how `more` is known), so a page costs what it returns, plus whatever the filter skips.
    """
    page: list[T] = []
    for index in range(0 if after is None else bisect_right(keys, after), len(keys)):
        item = pick(keys[index])
        if item is None:
            continue
        if len(page) == size:
            return page, True
        page.append(item)
    return page, False


class TenancyStore:
    """Tenants keyed by name, associations in creation order, entities keyed by reference.

    That primary state is all `to_dict` writes. Beside it the store keeps derived indexes
    (tenants by id, sorted tenant names and entity references, each tenant's associated ARNs
    sorted, each resource's associations in creation order), rebuilt on load and never saved:
    without them every association call and list page scanned the whole account, which made a
    read of the 10,000-tenant quota quadratic. So that the indexes cannot drift from the
    primary state, the primary maps are exposed read-only and change only through the methods
    below, each under `lock`. The lock is re-entrant because operations also hold it across a
    check-then-act (a duplicate check and the insert), as requests arrive on several threads.
    """

    def __init__(self, options: EmulatorOptions | None = None) -> None:
        self.options = options or EmulatorOptions()
        # v2 templates an older state file kept here; the backend moves them to moto's store.
        self.pending_templates: list[dict[str, Any]] = []
        self.lock = threading.RLock()
        self._tenants: dict[str, Tenant] = {}
        self._reputation: dict[str, ReputationRecord] = {}
        self._rows: dict[tuple[str, str], _Row] = {}  # keyed (tenant id, ARN), creation order
        self._suppressed: dict[str, dict[str, SuppressedEntry]] = {}  # list -> address -> entry
        self._reindex()

    def _reindex(self) -> None:
        """Derive every index from the primary state (on load: the file holds none of them)."""
        self._by_id = {t.tenant_id: t for t in self._tenants.values()}
        self._names = sorted(self._tenants)
        self._references = sorted(self._reputation)
        self._arns_of_tenant: dict[str, list[str]] = {}
        self._rows_of_resource: dict[str, list[_Row]] = {}
        for (tenant_id, arn), row in self._rows.items():
            self._arns_of_tenant.setdefault(tenant_id, []).append(arn)
            self._rows_of_resource.setdefault(arn, []).append(row)
        for arns in self._arns_of_tenant.values():
            arns.sort()
        self._next_seq = max((row.seq for row in self._rows.values()), default=-1) + 1

    # --- read-only views of the primary state ------------------------------------------------

    @property
    def tenants(self) -> Mapping[str, Tenant]:
        return MappingProxyType(self._tenants)

    @property
    def reputation(self) -> Mapping[str, ReputationRecord]:
        return MappingProxyType(self._reputation)

    @property
    def associations(self) -> list[Association]:
        """Every association, oldest first (a copy: the whole set, for persistence and checks)."""
        with self.lock:
            return [row.association for row in self._rows.values()]

    # --- tenants and reputation entities -----------------------------------------------------

    def new_tenant_id(self) -> str:
        length = self.options.tenant_id_hex_length
        return "tn-" + secrets.token_hex(16)[:length]

    def tenant_by_id(self, tenant_id: str) -> Tenant | None:
        return self._by_id.get(tenant_id)

    def add_tenant(self, tenant: Tenant, record: ReputationRecord) -> None:
        with self.lock:
            self._tenants[tenant.name] = tenant
            self._by_id[tenant.tenant_id] = tenant
            _insort(self._names, tenant.name)
            self.put_reputation(record)

    def remove_tenant(self, tenant: Tenant) -> None:
        """The cascade DeleteTenant promises: its associations and its entity go with it."""
        with self.lock:
            del self._tenants[tenant.name]
            _discard(self._names, tenant.name)
            if self._by_id.get(tenant.tenant_id) is tenant:
                del self._by_id[tenant.tenant_id]
            for arn in list(self._arns_of_tenant.get(tenant.tenant_id, ())):
                self.remove_association(tenant.tenant_id, arn)
            if self._reputation.pop(tenant.arn, None) is not None:
                _discard(self._references, tenant.arn)
            self._suppressed.pop(tenant.tenant_id, None)

    def put_reputation(self, record: ReputationRecord) -> None:
        with self.lock:
            self._reputation[record.reference] = record
            _insort(self._references, record.reference)

    def reputation_record(self, reference: str) -> ReputationRecord:
        """The entity for `reference`, created (standard, ENABLED) if the store lacks one."""
        with self.lock:
            record = self._reputation.get(reference)
            if record is None:
                record = ReputationRecord(reference)
                self.put_reputation(record)
            return record

    def tenant_page(
        self, after: str | None, size: int, keep: Callable[[Tenant], bool]
    ) -> tuple[list[Tenant], bool]:
        """Tenants by name (ordinal) after `after` that `keep` accepts; `True` if more follow."""

        def pick(name: str) -> Tenant | None:
            tenant = self._tenants[name]
            return tenant if keep(tenant) else None

        with self.lock:
            return _walk(self._names, after, size, pick)

    def reputation_page(
        self, after: str | None, size: int, view: Callable[[ReputationRecord], T | None]
    ) -> tuple[list[T], bool]:
        """Entities by reference after `after`, as `view` renders them (`None` skips one)."""
        with self.lock:
            return _walk(self._references, after, size, lambda r: view(self._reputation[r]))

    # --- associations ------------------------------------------------------------------------

    def association(self, tenant_id: str, arn: str) -> Association | None:
        row = self._rows.get((tenant_id, arn))
        return row.association if row else None

    def add_association(self, association: Association) -> None:
        with self.lock:
            key = (association.tenant_id, association.resource_arn)
            if key in self._rows:
                raise ValueError(f"already associated: {key}")
            row = _Row(self._next_seq, association)
            self._next_seq += 1
            self._rows[key] = row
            _insort(self._arns_of_tenant.setdefault(key[0], []), key[1])
            self._rows_of_resource.setdefault(key[1], []).append(row)

    def remove_association(self, tenant_id: str, arn: str) -> bool:
        """Drop one association from the set and both indexes; `False` if there was none."""
        with self.lock:
            row = self._rows.pop((tenant_id, arn), None)
            if row is None:
                return False
            arns = self._arns_of_tenant[tenant_id]
            _discard(arns, arn)
            if not arns:
                del self._arns_of_tenant[tenant_id]
            rows = self._rows_of_resource[arn]
            del rows[bisect_left(rows, row.seq, key=_SEQ)]
            if not rows:
                del self._rows_of_resource[arn]
            return True

    def associations_of_tenant(self, tenant_id: str) -> list[Association]:
        """The tenant's associations sorted by resource ARN, as ListTenantResources orders them."""
        with self.lock:
            arns = self._arns_of_tenant.get(tenant_id, ())
            return [self._rows[tenant_id, arn].association for arn in arns]

    def tenant_resource_page(
        self, tenant_id: str, after: str | None, size: int, pick: Callable[[str], T | None]
    ) -> tuple[list[T], bool]:
        """The tenant's associated ARNs after `after`, in ARN order, as `pick` renders them."""
        with self.lock:
            return _walk(self._arns_of_tenant.get(tenant_id, []), after, size, pick)

    def associations_of_resource(self, arn: str) -> list[Association]:
        """The resource's associations, oldest first (ListResourceTenants' order)."""
        with self.lock:
            return [row.association for row in self._rows_of_resource.get(arn, [])]

    def resource_page(
        self, arn: str, after: int | None, size: int
    ) -> tuple[list[tuple[int, Association]], bool]:
        """The resource's associations created after sequence number `after`, oldest first.

        Keyed by the creation sequence, not a position: removing rows already returned leaves
        the rest of a walk where it was. Each item carries its sequence number for the token.
        """
        with self.lock:
            rows = self._rows_of_resource.get(arn, [])
            start = 0 if after is None else bisect_right(rows, after, key=_SEQ)
            page = [(row.seq, row.association) for row in rows[start:start + size]]
            return page, start + size < len(rows)

    def resource_tenant_count(self, arn: str) -> int:
        return len(self._rows_of_resource.get(arn, ()))

    # --- suppression lists (ACCOUNT_LIST or a tenant id) ------------------------------------

    def suppressed(self, list_id: str, email: str) -> SuppressedEntry | None:
        return self._suppressed.get(list_id, {}).get(email)

    def put_suppressed(self, list_id: str, entry: SuppressedEntry) -> None:
        with self.lock:
            self._suppressed.setdefault(list_id, {})[entry.email] = entry

    def remove_suppressed(self, list_id: str, email: str) -> bool:
        with self.lock:
            entries = self._suppressed.get(list_id, {})
            if entries.pop(email, None) is None:
                return False
            if not entries:
                del self._suppressed[list_id]
            return True

    def suppressed_page(
        self, list_id: str, after: list[Any] | None, size: int,
        keep: Callable[[SuppressedEntry], bool],
    ) -> tuple[list[SuppressedEntry], bool]:
        """Entries oldest update first (then by address) after the key `after`; lists are short."""
        with self.lock:
            entries = sorted(self._suppressed.get(list_id, {}).values(), key=SuppressedEntry.key)
        wanted = [e for e in entries if keep(e) and (after is None or e.key() > after)]
        return wanted[:size], len(wanted) > size

    # --- persistence -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        with self.lock:
            return {
                "options": self.options.to_dict(),
                "tenants": [asdict(t) for t in self._tenants.values()],
                "associations": [asdict(row.association) for row in self._rows.values()],
                "reputation": [asdict(r) for r in self._reputation.values()],
                "suppressed": {
                    list_id: [asdict(e) for e in entries.values()]
                    for list_id, entries in self._suppressed.items()
                },
            }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TenancyStore:
        store = cls(EmulatorOptions.from_dict(data.get("options", {})))
        for item in data.get("tenants", []):
            tenant = Tenant(**item)
            store._tenants[tenant.name] = tenant
        for seq, item in enumerate(data.get("associations", [])):
            association = Association(**item)
            store._rows[association.tenant_id, association.resource_arn] = _Row(seq, association)
        for item in data.get("reputation", []):
            record = _record_from_dict(item)
            store._reputation[record.reference] = record
        for list_id, items in data.get("suppressed", {}).items():
            store._suppressed[list_id] = {i["email"]: SuppressedEntry(**i) for i in items}
        store.pending_templates = list(data.get("templates", []))
        store._reindex()
        return store


def _record_from_dict(item: dict[str, Any]) -> ReputationRecord:
    customer = item.get("customer")
    return ReputationRecord(
        reference=item["reference"],
        policy=item["policy"],
        customer=StatusRecord(**customer) if customer else None,
        aws=StatusRecord(**item["aws"]),
        findings=[Finding(**f) for f in item.get("findings", [])],
        touched=item.get("touched", False),
    )
