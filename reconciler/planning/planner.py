"""Desired x Live -> Plan. Pure: no I/O, no clock; the same inputs give the same plan.

Generic over kinds: each registered kind adds its changes, notices and conflicts to one
`PlanBuilder` (in registration order, so a kind sees the changes of the kinds it depends on),
then every change is ordered in one DAG and the plan records a fingerprint of what it touches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reconciler.kinds.registry import kinds
from reconciler.planning.ordering import order_changes
from reconciler.planning.plan import Change, Conflict, Plan
from reconciler.planning.resource_scope import localize
from reconciler.planning.saved import fingerprint
from reconciler.state import Desired, Live


@dataclass
class PlanBuilder:
    """What the kinds plan against, and what they add. `names`: the tenant scope, or None;
    `account_level`: whether objects of no tenant (monitoring) are planned too."""

    desired: Desired
    live: Live
    names: frozenset[str] | None
    account_level: bool = True
    changes: list[Change] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def make_plan(desired: Desired, live: Live, *,
              scope: frozenset[str | None] | None = None) -> Plan:
    """Compute the ordered changes that bring the live account in line with the config.

    `scope` limits the plan to those tenant names (and what belongs to them; None in it: the
    objects of no tenant too); a partial live read (`live.scope`) limits it the same way,
    since unread tenants are unknown.
    """
    desired = localize(desired, live.context)
    tenants = None if scope is None else frozenset(n for n in scope if n is not None)
    names = _scope(tenants, live.scope)
    builder = PlanBuilder(desired, live, names,
                          names is None or (scope is not None and None in scope))
    for kind in kinds():
        kind.plan(builder)
    changes = order_changes(builder.changes)
    touched: set[str | None] = {c.tenant for c in changes} | set(names or ())
    return Plan(
        changes=changes,
        account=live.context.account,
        region=live.context.region,
        partition=live.context.partition,
        config_digest=desired.digest,
        fingerprint=fingerprint(live, touched),
        notices=tuple(sorted(set(builder.notices))),
        scope=tuple(sorted(names)) if names is not None else None,
        conflicts=tuple(builder.conflicts),
        ownership=(desired.settings.ownership_tag_key, desired.settings.ownership_tag_value),
        warnings=tuple(builder.warnings),
    )


def _scope(scope: frozenset[str] | None, read: frozenset[str] | None) -> frozenset[str] | None:
    if scope is None:
        return read
    return scope if read is None else scope & read
