"""Targeted plans: only the tenants in scope are considered."""

from __future__ import annotations

from reconciler.planning import make_plan
from tests.unit.planning.builders import desired, have, live, want


def test_scope_limits_the_plan_to_the_named_tenants() -> None:
    plan = make_plan(desired(want("A"), want("B")), live(), scope=frozenset({"A"}))
    assert plan.tenants == ("A",)
    assert plan.scope == ("A",)


def test_owned_live_tenant_in_scope_and_absent_from_config_is_deleted_with_prune() -> None:
    plan = make_plan(desired(want("A")), live(have("A"), have("Gone"), have("Other")),
                     scope=frozenset({"Gone"}))
    assert plan.tenants == ("Gone",)


def test_scope_includes_the_old_tenant_of_a_rename_in_scope() -> None:
    plan = make_plan(desired(want("New", replaces="Old")), live(have("Old")),
                     scope=frozenset({"New"}))
    assert plan.tenants == ("New", "Old")


def test_partial_live_read_limits_the_plan_like_a_scope() -> None:
    plan = make_plan(desired(want("A"), want("B")), live(have("A"), scope={"A"}))
    assert plan.empty
    assert plan.scope == ("A",)


def test_full_plan_has_no_scope() -> None:
    assert make_plan(desired(want("A")), live()).scope is None
