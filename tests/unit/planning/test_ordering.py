"""The dependency DAG and the deterministic order built from it."""

from __future__ import annotations

from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning import make_plan
from reconciler.planning.ordering import order_changes
from reconciler.planning.plan import Change
from reconciler.state import Address
from tests.unit.planning.builders import desired, have, live, only, ref, want


def test_changes_to_a_new_tenant_depend_on_its_create() -> None:
    plan = make_plan(desired(want("A", "identity/a.com", reputation_policy="strict")), live())
    create = only(plan, "A", Action.CREATE_TENANT)
    assert plan.changes[0] == create
    assert all(c.depends_on == (create.key,) for c in plan.changes[1:])


def test_independent_tenants_have_no_edges_between_them() -> None:
    plan = make_plan(desired(want("A", "identity/a.com"), want("B", "identity/b.com")), live())
    for c in plan.changes:
        assert all(dep.startswith(f"tenant.{c.tenant}:") for dep in c.depends_on)


def test_pruned_tenant_deletion_waits_for_nothing() -> None:
    plan = make_plan(desired(want("B", "identity/shared.com")),
                     live(have("A", "identity/shared.com"), have("B")))
    assert only(plan, "A", Action.DELETE_TENANT).depends_on == ()


def test_order_respects_dependencies_even_against_name_order() -> None:
    plan = make_plan(desired(want("A"), want("Z", "identity/s.com")),
                     live(have("A", "identity/s.com")))
    keys = [c.key for c in plan.changes]
    assert keys.index("tenant.Z:associate:identity/s.com") < keys.index(
        "tenant.A:disassociate:identity/s.com")


def test_order_groups_a_tenants_changes_together() -> None:
    plan = make_plan(desired(want("A", "identity/a.com"), want("B", "identity/b.com")), live())
    assert [c.tenant for c in plan.changes] == ["A", "A", "B", "B"]


def test_order_is_the_same_whatever_the_input_order() -> None:
    a = Address("tenant", "A")
    changes = [Change(a, Action.ASSOCIATE, after=ref(f"identity/{n}.com")) for n in "cab"]
    changes.append(Change(a, Action.CREATE_TENANT))
    assert order_changes(changes) == order_changes(reversed(changes))
