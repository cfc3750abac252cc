"""Safety checks run before apply."""

from __future__ import annotations

import pytest

from reconciler.errors import SafetyError
from reconciler.planning import check_safety, make_plan
from reconciler.state import Settings
from tests.unit.planning.builders import desired, have, live, want

SETTINGS = Settings(max_delete_percent=10, max_change_percent=50)


def _deleting(n: int):
    return make_plan(desired(), live(*(have(f"T{i}") for i in range(n))))


def test_plan_without_deletes_or_large_changes_passes() -> None:
    plan = make_plan(desired(want("New")), live())
    check_safety(plan, SETTINGS, live_managed_count=0, allow_delete=False, force=False)


def test_delete_needs_allow_delete() -> None:
    with pytest.raises(SafetyError, match=r"deletes 1 tenant\(s\) \(T0\); pass --allow-delete"):
        check_safety(_deleting(1), SETTINGS, live_managed_count=100, allow_delete=False,
                     force=False)


def test_rename_counts_as_a_delete() -> None:
    plan = make_plan(desired(want("New", replaces="Old")), live(have("Old")))
    with pytest.raises(SafetyError, match="--allow-delete"):
        check_safety(plan, SETTINGS, live_managed_count=100, allow_delete=False, force=False)


def test_force_does_not_replace_allow_delete() -> None:
    with pytest.raises(SafetyError, match="--allow-delete"):
        check_safety(_deleting(1), SETTINGS, live_managed_count=100, allow_delete=False,
                     force=True)


def test_deleting_up_to_the_threshold_is_allowed() -> None:
    check_safety(_deleting(10), SETTINGS, live_managed_count=100, allow_delete=True, force=False)


def test_deleting_above_the_threshold_needs_force() -> None:
    with pytest.raises(SafetyError, match=r"deletes 11 of 100 owned tenants \(11\.0%\), above "
                                          r"max_delete_percent 10%; pass --force"):
        check_safety(_deleting(11), SETTINGS, live_managed_count=100, allow_delete=True,
                     force=False)


def test_force_allows_a_large_delete() -> None:
    check_safety(_deleting(50), SETTINGS, live_managed_count=50, allow_delete=True, force=True)


def test_changing_above_the_threshold_needs_force() -> None:
    plan = _changing(6)
    with pytest.raises(SafetyError, match=r"changes 6 of 10 managed tenants \(60\.0%\), above "
                                          r"max_change_percent 50%"):
        check_safety(plan, SETTINGS, live_managed_count=10, allow_delete=False, force=False)


def test_creating_tenants_does_not_count_as_changing_existing_ones() -> None:
    plan = make_plan(desired(*(want(f"T{i}") for i in range(20))), live())
    check_safety(plan, SETTINGS, live_managed_count=1, allow_delete=False, force=False)


def _changing(n: int):
    return make_plan(desired(*(want(f"T{i}", tags={"x": "1"}) for i in range(n))),
                     live(*(have(f"T{i}") for i in range(n))))


def test_below_min_tenants_changing_every_tenant_needs_no_force() -> None:
    """Re-running an interrupted apply on a small account must not need --force."""
    check_safety(_changing(3), SETTINGS, live_managed_count=3, allow_delete=False, force=False)


def test_below_min_tenants_deleting_every_tenant_needs_no_force() -> None:
    check_safety(_deleting(9), SETTINGS, live_managed_count=9, allow_delete=True, force=False)


def test_below_min_tenants_a_delete_still_needs_allow_delete() -> None:
    with pytest.raises(SafetyError, match="pass --allow-delete"):
        check_safety(_deleting(1), SETTINGS, live_managed_count=1, allow_delete=False,
                     force=False)


def test_percentages_apply_from_exactly_min_tenants() -> None:
    with pytest.raises(SafetyError, match=r"deletes 2 of 10 owned tenants \(20\.0%\)"):
        check_safety(_deleting(2), SETTINGS, live_managed_count=10, allow_delete=True,
                     force=False)


def test_min_tenants_zero_applies_the_percentages_to_any_account() -> None:
    strict = Settings(max_delete_percent=10, max_change_percent=50, min_tenants=0)
    with pytest.raises(SafetyError, match=r"changes 3 of 3 managed tenants \(100\.0%\)"):
        check_safety(_changing(3), strict, live_managed_count=3, allow_delete=False, force=False)


def test_a_raised_floor_lifts_the_percentages_below_it() -> None:
    lenient = Settings(max_delete_percent=10, max_change_percent=50, min_tenants=100)
    check_safety(_changing(60), lenient, live_managed_count=99, allow_delete=False, force=False)


def _unfinished(n: int):
    """Owned tenants as an apply killed after their CreateTenant calls leaves them."""
    return make_plan(
        desired(*(want(f"T{i}", "identity/a.example.com", reputation_policy="strict")
                  for i in range(n))),
        live(*(have(f"T{i}") for i in range(n))))


def test_finishing_interrupted_creates_does_not_count_as_changing() -> None:
    """The re-run of an apply killed between creates and follow-ups needs no --force."""
    plan = _unfinished(20)
    assert len(plan.changes) == 40
    check_safety(plan, SETTINGS, live_managed_count=20, allow_delete=False, force=False)


def test_adding_an_association_alone_does_not_count_as_changing() -> None:
    plan = make_plan(desired(*(want(f"T{i}", "identity/a.example.com") for i in range(20))),
                     live(*(have(f"T{i}") for i in range(20))))
    check_safety(plan, SETTINGS, live_managed_count=20, allow_delete=False, force=False)


def test_rewriting_a_policy_that_is_not_the_default_counts_as_changing() -> None:
    plan = make_plan(desired(*(want(f"T{i}", reputation_policy="none") for i in range(20))),
                     live(*(have(f"T{i}", reputation_policy="strict") for i in range(20))))
    with pytest.raises(SafetyError, match=r"changes 20 of 20 managed tenants"):
        check_safety(plan, SETTINGS, live_managed_count=20, allow_delete=False, force=False)


def test_pausing_counts_as_changing_even_when_no_status_was_written() -> None:
    plan = make_plan(desired(*(want(f"T{i}", sending_status="DISABLED") for i in range(20))),
                     live(*(have(f"T{i}") for i in range(20))))
    with pytest.raises(SafetyError, match=r"changes 20 of 20 managed tenants"):
        check_safety(plan, SETTINGS, live_managed_count=20, allow_delete=False, force=False)


def test_loosening_the_default_policy_to_none_counts_as_changing() -> None:
    plan = make_plan(desired(*(want(f"T{i}", reputation_policy="none") for i in range(20))),
                     live(*(have(f"T{i}") for i in range(20))))
    with pytest.raises(SafetyError, match=r"changes 20 of 20 managed tenants"):
        check_safety(plan, SETTINGS, live_managed_count=20, allow_delete=False, force=False)


def test_removing_an_association_counts_as_changing() -> None:
    plan = make_plan(desired(*(want(f"T{i}") for i in range(20))),
                     live(*(have(f"T{i}", "identity/a.example.com") for i in range(20))))
    with pytest.raises(SafetyError, match=r"changes 20 of 20 managed tenants"):
        check_safety(plan, SETTINGS, live_managed_count=20, allow_delete=False, force=False)
