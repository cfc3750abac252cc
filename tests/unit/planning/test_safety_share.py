"""The change share is a share of the owned tenants: it never exceeds 100 %.

A declared tenant without the ownership tag (an `external: true` entry, or a conflict) can carry
changes too; counting it as a changed *owned* tenant made "changes 2 of 1 managed tenants
(200.0%)" possible, so even `max_change_percent: 100` refused such a plan without `--force`.
"""

from __future__ import annotations

from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning import check_safety
from reconciler.planning.plan import Change, Plan
from reconciler.state import Address, Settings

UNLIMITED = Settings(max_delete_percent=100, max_change_percent=100)


def _tag_change(name: str) -> Change:
    return Change(Address("tenant", name), Action.UPDATE_TAGS, before={}, after={"k": "v"})


def test_max_change_percent_100_allows_changes_to_every_owned_and_an_external_tenant() -> None:
    owned = [f"T{i}" for i in range(10)]
    plan = Plan(changes=tuple(_tag_change(n) for n in [*owned, "External"]),
                account="123456789012", region="us-east-1")
    check_safety(plan, UNLIMITED, live_managed_count=len(owned), allow_delete=False, force=False,
                 owned=frozenset(owned))


def test_changes_to_tenants_outside_the_owned_base_do_not_count() -> None:
    plan = Plan(changes=(*(_tag_change(f"X{i}") for i in range(10)), _tag_change("T0")),
                account="123456789012", region="us-east-1")
    check_safety(plan, Settings(), live_managed_count=10, allow_delete=False, force=False,
                 owned={f"T{i}" for i in range(10)})
