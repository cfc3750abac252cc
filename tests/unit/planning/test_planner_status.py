"""Sending status (semantics 9): what is written, and what is only reported."""

from __future__ import annotations

import pytest

from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning import make_plan
from tests.unit.planning.builders import desired, have, live, want


def _status_plan(wanted: str, customer: str | None, aws: str | None = None):
    return make_plan(desired(want("T", sending_status=wanted)),
                     live(have("T", customer=customer, aws=aws, aws_cause="HIGH bounce rate")))


@pytest.mark.parametrize("customer", [None, "ENABLED", "REINSTATED"])
def test_desired_enabled_is_satisfied_by_any_sending_customer_status(customer: str | None) -> None:
    assert _status_plan("ENABLED", customer).empty


def test_desired_enabled_re_enables_a_customer_disabled_tenant() -> None:
    (change,) = _status_plan("ENABLED", "DISABLED").changes
    assert (change.action, change.before, change.after) == (Action.SET_STATUS, "DISABLED",
                                                            "ENABLED")


def test_aws_managed_pause_is_reported_and_never_fixed() -> None:
    plan = _status_plan("ENABLED", None, aws="DISABLED")
    assert plan.empty
    assert plan.notices == ("tenant.T: paused by SES: HIGH bounce rate; left for an operator "
                            "to decide",)


@pytest.mark.parametrize("customer", [None, "ENABLED", "REINSTATED"])
def test_desired_disabled_pauses_a_sending_tenant(customer: str | None) -> None:
    (change,) = _status_plan("DISABLED", customer).changes
    assert change.after == "DISABLED"


def test_desired_disabled_tenant_is_left_disabled() -> None:
    assert _status_plan("DISABLED", "DISABLED").empty


def test_desired_reinstated_is_satisfied_by_reinstated() -> None:
    plan = _status_plan("REINSTATED", "REINSTATED")
    assert plan.empty
    assert plan.notices == ()


def test_reinstated_returned_to_enabled_by_ses_is_a_notice_not_drift() -> None:
    plan = _status_plan("REINSTATED", "ENABLED")
    assert plan.empty
    assert plan.notices == ("tenant.T: REINSTATED was returned to ENABLED by SES (findings "
                            "resolved); not drift",)


def test_desired_reinstated_writes_reinstated_over_a_customer_pause() -> None:
    (change,) = _status_plan("REINSTATED", "DISABLED").changes
    assert change.after == "REINSTATED"


def test_desired_reinstated_lifts_a_policy_pause() -> None:
    (change,) = _status_plan("REINSTATED", "ENABLED", aws="DISABLED").changes
    assert change.after == "REINSTATED"


def test_reinstated_tenant_still_paused_by_ses_is_reported_not_rewritten() -> None:
    plan = _status_plan("REINSTATED", "REINSTATED", aws="DISABLED")
    assert plan.empty
    assert plan.notices == ("tenant.T: still paused by SES after REINSTATED: HIGH bounce rate",)
