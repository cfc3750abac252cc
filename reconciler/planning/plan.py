"""A plan is data: apply consumes it and nothing else.

A change addresses one object of one kind, `Address(kind, name)`, with an action its kind
declares; how the action counts, where it sorts and how its values are encoded are the kind's.

Each `Change` is one unit of work for the executor (usually one API call, sometimes two, e.g. a
tag sync is Untag + Tag). `depends_on` holds the keys of changes that must succeed first; the
executor walks that DAG, and skips the dependents of a failed change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.state import Address

# An action is a name its kind declares (`reconciler.kinds`): `create_tenant`, `associate`, ...
ActionName = str


def _spec(action: ActionName) -> Any:
    """The kind's declaration of an action (imported late: kinds build on this module)."""
    from reconciler.kinds.registry import action_spec

    return action_spec(action)


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
    address: Address
    action: ActionName
    before: Any = None
    after: Any = None
    reason: str = ""
    depends_on: tuple[str, ...] = ()
    replace_of: str | None = None  # create/delete halves of a rename carry the other name

    @property
    def tenant(self) -> str | None:
        """The tenant the object belongs to (a tenant's own name for the tenant kind); None
        for an account-level object (monitoring), which no tenant owns."""
        from reconciler.kinds.registry import kind

        owner = kind(self.address.kind).tenant_of(self.address.name)
        return None if owner is None else str(owner)

    @property
    def key(self) -> str:
        """Unique within a plan; used for dependencies and reports."""
        detail = f":{self.after or self.before}" if _spec(self.action).keyed else ""
        return f"{self.address}:{self.action}{detail}"

    @property
    def effect(self) -> str:
        """`add`, `change` or `destroy`: how the change counts in the plan summary."""
        return str(_spec(self.action).effect)


@dataclass(frozen=True, slots=True)
class Conflict:
    """A declared tenant that exists without the ownership tag and whose entry says neither
    `adopt` nor `external`: nothing is planned for it until the config chooses. `subject`
    names another kind's object in that state (`iam_policy.Acme/sender`: it exists without
    the tag and differs from the config); its tenant is planned as usual."""

    tenant: str
    message: str
    subject: str | None = None


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
    # sends the account will refuse once the plan is applied (kinds.send_path): reported only
    warnings: tuple[str, ...] = ()

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
        return tuple(sorted({c.tenant for c in self.changes if c.tenant is not None}))

    @property
    def account_level(self) -> bool:
        """Whether the plan changes objects that belong to no tenant (monitoring)."""
        return any(c.tenant is None for c in self.changes)
