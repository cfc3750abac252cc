"""The dependency graph between changes, and one deterministic order that respects it.

Each kind declares its edges (`Kind.edges`: key -> keys that must succeed first), between its
own changes and towards the kinds it depends on; see `reconciler.kinds.tenant_plan` for the
tenant's. Objects with no edges between them get none, so the executor may run them in parallel.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import replace
from graphlib import TopologicalSorter

from reconciler.kinds.registry import action_spec, kinds
from reconciler.planning.plan import Change


def sort_key(change: Change) -> tuple[bool, str, int, str]:
    """Tie-break among ready changes: by tenant (account-level objects last), then the
    kind's per-object sequence."""
    tenant = change.tenant
    return (tenant is None, tenant or "", action_spec(change.action).rank, change.key)


def dependencies(changes: Iterable[Change]) -> dict[str, tuple[str, ...]]:
    """key -> sorted keys of the changes it depends on, for the changes that depend on any
    (most do not: an empty set each would cost more than the plan at 100,000 tenants)."""
    changes = list(changes)
    deps: dict[str, set[str]] = {}
    for kind in kinds():
        for key, needs in kind.edges(changes).items():
            if needs:
                deps.setdefault(key, set()).update(needs)
    return {key: tuple(sorted(needs)) for key, needs in deps.items()}


def order_changes(changes: Iterable[Change]) -> tuple[Change, ...]:
    """Fill `depends_on` and return a topological order, smallest `sort_key` first when free.

    Picking the smallest ready change one at a time keeps each tenant's changes together in the
    list, which makes plans readable, while the order stays a valid execution order.
    """
    by_key = {c.key: c for c in changes}
    deps = dependencies(by_key.values())
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for key in by_key:
        sorter.add(key, *deps.get(key, ()))
    sorter.prepare()
    ready: list[tuple[tuple[bool, str, int, str], str]] = []
    ordered: list[Change] = []
    while sorter.is_active():
        for key in sorter.get_ready():
            heapq.heappush(ready, (sort_key(by_key[key]), key))
        _, key = heapq.heappop(ready)
        ordered.append(replace(by_key[key], depends_on=deps.get(key, ())))
        sorter.done(key)
    return tuple(ordered)
