"""How changes count in the plan summary."""

from __future__ import annotations

from reconciler.planning import PlanCounts, make_plan
from tests.unit.planning.builders import desired, have, live, want


def test_create_and_associate_count_as_add() -> None:
    plan = make_plan(desired(want("A", "identity/a.com")), live())
    assert plan.counts == PlanCounts(add=2)


def test_delete_and_disassociate_count_as_destroy() -> None:
    plan = make_plan(desired(want("A")), live(have("A", "identity/a.com"), have("Gone")))
    assert plan.counts == PlanCounts(destroy=2)


def test_scalar_and_tag_updates_count_as_change() -> None:
    plan = make_plan(desired(want("A", tags={"k": "v"}, reputation_policy="strict")),
                     live(have("A")))
    assert plan.counts == PlanCounts(change=2)


def test_rename_counts_one_add_and_one_destroy() -> None:
    plan = make_plan(desired(want("New", replaces="Old")), live(have("Old")))
    assert plan.counts == PlanCounts(add=1, destroy=1)
