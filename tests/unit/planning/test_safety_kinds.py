"""Safety shares per kind: IAM policy changes and deletes are shares of the managed policies.

A template edit rewrites one policy per tenant that lists it without changing any tenant, so
the tenant share alone would let "every policy changes" through unnoticed.
"""

from __future__ import annotations

import pytest

from reconciler.errors import SafetyError
from reconciler.kinds.iam_policy import Attachment, IamPolicy, PolicyAction
from reconciler.planning import check_safety
from reconciler.planning.plan import Change, Plan
from reconciler.planning.safety import object_shares
from reconciler.state import Address, Settings

SETTINGS = Settings(max_delete_percent=10, max_change_percent=50, min_tenants=10)


def _policy(name: str) -> IamPolicy:
    return IamPolicy(name, f"ses-{name.replace('/', '-')}", "/ses-reconciler/")


def _update(name: str) -> Change:
    return Change(Address("iam_policy", name), PolicyAction.UPDATE_DOCUMENT,
                  before=_policy(name), after=_policy(name))


def _delete(name: str) -> Change:
    return Change(Address("iam_policy", name), PolicyAction.DELETE_POLICY, before=_policy(name))


def _attach(name: str, *, detach: bool = False) -> Change:
    item = Attachment("role/r", f"ses-{name}", "/ses-reconciler/")
    if detach:
        return Change(Address("iam_policy", name), PolicyAction.DETACH_POLICY, before=item)
    return Change(Address("iam_policy", name), PolicyAction.ATTACH_POLICY, after=item)


def _check(*changes: Change, policies: int = 20, force: bool = False,
           settings: Settings = SETTINGS) -> None:
    plan = Plan(changes=changes, account="123456789012", region="us-east-1")
    check_safety(plan, settings, live_managed_count=0, allow_delete=True, force=force,
                 managed_objects={"iam_policy": policies})


def test_changing_more_than_max_change_percent_of_the_policies_needs_force() -> None:
    edits = [_update(f"T{i}/sender") for i in range(11)]
    with pytest.raises(SafetyError) as refused:
        _check(*edits)
    assert str(refused.value).startswith(
        "The plan changes 11 of 20 managed iam_policy objects (T0/sender, T1/sender, "
        "T10/sender, T2/sender, T3/sender, … and 6 more; 55.0%), above max_change_percent 50%")
    assert str(refused.value).endswith("pass --force to allow it.")
    _check(*edits, force=True)


def test_changing_up_to_the_limit_is_allowed() -> None:
    _check(*(_update(f"T{i}/sender") for i in range(10)))


def test_deleting_more_than_max_delete_percent_of_the_policies_needs_force() -> None:
    with pytest.raises(SafetyError, match=r"deletes 3 of 20 managed iam_policy objects"):
        _check(*(_delete(f"T{i}/sender") for i in range(3)))
    _check(*(_delete(f"T{i}/sender") for i in range(2)))


def test_detaching_counts_as_a_change_and_attaching_does_not() -> None:
    assert object_shares(Plan((_attach("A/s"), _attach("B/s", detach=True)), "1", "r")) == {
        "iam_policy": (["B/s"], [])}


def test_a_created_policy_and_its_attachments_do_not_count_as_changes() -> None:
    create = Change(Address("iam_policy", "A/s"), PolicyAction.CREATE_POLICY,
                    after=_policy("A/s"))
    plan = Plan((create, _attach("A/s"), _update("A/s")), "1", "r")
    assert object_shares(plan) == {"iam_policy": ([], [])}


def test_below_min_tenants_managed_policies_the_percentages_do_not_apply() -> None:
    _check(*(_update(f"T{i}/sender") for i in range(9)), policies=9)
    with pytest.raises(SafetyError):
        _check(*(_update(f"T{i}/sender") for i in range(9)), policies=9,
               settings=Settings(max_change_percent=50, min_tenants=0))


def test_a_tenant_whose_policies_change_is_not_itself_a_changed_tenant() -> None:
    plan = Plan(changes=tuple(_update(f"T{i}/sender") for i in range(10)),
                account="123456789012", region="us-east-1")
    check_safety(plan, SETTINGS, live_managed_count=10, allow_delete=False, force=False,
                 managed_objects={"iam_policy": 20})
