"""The dependency graph between changes, and one deterministic order that respects it.

Edges, each pointing at what must succeed first:
- every change to a tenant created in this plan depends on that create, and every change to a
  tenant adopted in this plan on the adoption (the ownership tag is written first);
- a disassociation depends on the association of the same resource to another tenant (a move
  never leaves a gap in sending);
- a rename's deletion of the old tenant depends on the new tenant's create and associations,
  so shared resources reach the new tenant before the old one goes. A plain (pruned) deletion
  needs no edge: DeleteTenant cascades its associations and takes nothing from other tenants.
Independent tenants get no edges between them, so the executor may run them in parallel.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from graphlib import TopologicalSorter

from reconciler.planning.plan import Action, Change

_RANK = {
    Action.CREATE_TENANT: 0,
    Action.UPDATE_TAGS: 1,
    Action.ADOPT_TENANT: 1,
    Action.SET_SUPPRESSION: 2,
    Action.SET_POLICY: 3,
    Action.SET_STATUS: 4,
    Action.ASSOCIATE: 5,
    Action.DISASSOCIATE: 6,
    Action.DELETE_TENANT: 7,
}


def sort_key(change: Change) -> tuple[str, int, str]:
    """Tie-break among ready changes: by tenant, then a natural per-tenant sequence."""
    return (change.tenant, _RANK[change.action], change.key)


def dependencies(changes: Iterable[Change]) -> dict[str, tuple[str, ...]]:
    """key -> sorted keys of the changes it depends on."""
    changes = list(changes)
    # the change that must come first for each tenant: its create, or its adoption
    creates = {c.tenant: c.key for c in changes
               if c.action in (Action.CREATE_TENANT, Action.ADOPT_TENANT)}
    gains: dict[object, list[Change]] = defaultdict(list)
    gained_by: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        if c.action is Action.ASSOCIATE:
            gains[c.after].append(c)
            gained_by[c.tenant].append(c)
    result = {}
    for c in changes:
        deps: set[str] = set()
        if c.tenant in creates and c.key != creates[c.tenant]:
            deps.add(creates[c.tenant])
        if c.action is Action.DISASSOCIATE:
            deps.update(g.key for g in gains[c.before] if g.tenant != c.tenant)
        if c.action is Action.DELETE_TENANT:
            deps.update(_delete_deps(c, creates, gained_by))
        result[c.key] = tuple(sorted(deps))
    return result


def _delete_deps(
    delete: Change, creates: dict[str, str], gained_by: dict[str, list[Change]]
) -> set[str]:
    deps: set[str] = set()
    new = delete.replace_of
    if new is not None:
        if new in creates:
            deps.add(creates[new])
        deps.update(c.key for c in gained_by.get(new, ()))
    return deps


def order_changes(changes: Iterable[Change]) -> tuple[Change, ...]:
    """Fill `depends_on` and return a topological order, smallest `sort_key` first when free.

    Picking the smallest ready change one at a time keeps each tenant's changes together in the
    list, which makes plans readable, while the order stays a valid execution order.
    """
    by_key = {c.key: c for c in changes}
    deps = dependencies(by_key.values())
    sorter = TopologicalSorter(deps)
    sorter.prepare()
    ready: list[tuple[tuple[str, int, str], str]] = []
    ordered: list[Change] = []
    while sorter.is_active():
        for key in sorter.get_ready():
            heapq.heappush(ready, (sort_key(by_key[key]), key))
        _, key = heapq.heappop(ready)
        ordered.append(replace(by_key[key], depends_on=deps[key]))
        sorter.done(key)
    return tuple(ordered)
