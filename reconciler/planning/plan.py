"""A plan is data: apply consumes it and nothing else.

Each `Change` is one unit of work for the executor (usually one API call, sometimes two, e.g. a
tag sync is Untag + Tag). `depends_on` holds the keys of changes that must succeed first; the
executor walks that DAG, and skips the dependents of a failed change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from reconciler.state import Address


class Action(StrEnum):
    """One kind of executor step. `before`/`after` hold plain values, as noted per member.

    UPDATE_TAGS carries the whole tag map on both sides (`aws:` keys excluded): the executor
    untags keys of `before` missing from `after`, then tags the items of `after` that differ.
    """

    CREATE_TENANT = "create_tenant"  # after: Tenant (tags + suppression ride on CreateTenant)
    DELETE_TENANT = "delete_tenant"  # before: Tenant
    UPDATE_TAGS = "update_tags"  # before/after: dict[str, str]
    # before/after: dict[str, str] like UPDATE_TAGS; `after` adds the ownership tag (adopt: true)
    ADOPT_TENANT = "adopt_tenant"
    ASSOCIATE = "associate"  # after: ResourceRef
    DISASSOCIATE = "disassociate"  # before: ResourceRef
    SET_POLICY = "set_policy"  # before/after: ReputationPolicy
    SET_STATUS = "set_status"  # before/after: SendingStatus
    SET_SUPPRESSION = "set_suppression"  # before/after: Suppression | None


ADD_ACTIONS = frozenset({Action.CREATE_TENANT, Action.ASSOCIATE})
DESTROY_ACTIONS = frozenset({Action.DELETE_TENANT, Action.DISASSOCIATE})


@dataclass(frozen=True, slots=True)
class PlanCounts:
    """Terraform-style totals: creates and associations add, deletes and disassociations destroy."""

    add: int = 0
    change: int = 0
    destroy: int = 0

    @property
    def total(self) -> int:
        return self.add + self.change + self.destroy


@dataclass(frozen=True, slots=True)
class Change:
    address: Address  # tenant-level address: Address("tenant", name)
    action: Action
    before: Any = None
    after: Any = None
    reason: str = ""
    depends_on: tuple[str, ...] = ()
    replace_of: str | None = None  # create/delete halves of a rename carry the other name

    @property
    def tenant(self) -> str:
        return self.address.name

    @property
    def key(self) -> str:
        """Unique within a plan; used for dependencies and reports."""
        detail = ""
        if self.action in (Action.ASSOCIATE, Action.DISASSOCIATE):
            detail = f":{self.after or self.before}"
        return f"{self.address}:{self.action}{detail}"

    @property
    def effect(self) -> str:
        """`add`, `change` or `destroy`: how the change counts in the plan summary."""
        if self.action in ADD_ACTIONS:
            return "add"
        if self.action in DESTROY_ACTIONS:
            return "destroy"
        return "change"


@dataclass(frozen=True, slots=True)
class Conflict:
    """A declared tenant that exists without the ownership tag and whose entry says neither
    `adopt` nor `external`: nothing is planned for it until the config chooses."""

    tenant: str
    message: str


@dataclass(frozen=True, slots=True)
class Plan:
    """Ordered changes plus what is needed to re-check a saved plan before applying it."""

    changes: tuple[Change, ...]
    account: str
    region: str
    partition: str = "aws"
    config_digest: str = ""
    fingerprint: str = ""  # hash of the live objects the plan touches
    notices: tuple[str, ...] = ()  # SES-owned status etc.: reported, never acted on
    scope: tuple[str, ...] | None = None  # tenant names a targeted plan covered
    meta: Mapping[str, Any] = field(default_factory=dict)
    conflicts: tuple[Conflict, ...] = ()  # declared tenants left alone until the config decides
    # (tag key, value) that marks a tenant as ours; None (unknown) treats every tenant as foreign
    ownership: tuple[str, str] | None = None

    @property
    def empty(self) -> bool:
        """No changes to make (conflicts may remain: see `settled`)."""
        return not self.changes

    @property
    def settled(self) -> bool:
        """No changes and no conflicts: the account matches the configuration."""
        return not self.changes and not self.conflicts

    @property
    def counts(self) -> PlanCounts:
        effects = [c.effect for c in self.changes]
        return PlanCounts(effects.count("add"), effects.count("change"), effects.count("destroy"))

    @property
    def tenants(self) -> tuple[str, ...]:
        """Names of the tenants the plan touches, sorted: what a saved plan fingerprints."""
        return tuple(sorted({c.tenant for c in self.changes}))
