"""Drift classification: the plan's diff regrouped per tenant and attribute."""

from __future__ import annotations

from reconciler.planning import classify_drift, make_plan
from reconciler.planning.drift import drifted_tenants
from tests.unit.planning.builders import desired, have, live, ref, want


def test_missing_tenant_is_one_item_whatever_its_children() -> None:
    items = classify_drift(make_plan(desired(want("A", "identity/a.com")), live()))
    assert [(i.tenant, i.attribute, i.kind) for i in items] == [("A", "tenant", "missing_tenant")]


def test_unexpected_owned_tenant_is_drift() -> None:
    items = classify_drift(make_plan(desired(), live(have("Gone"))))
    assert [(i.tenant, i.kind) for i in items] == [("Gone", "unexpected_tenant")]


def test_attribute_drift_names_the_attribute_with_account_and_config_values() -> None:
    (item,) = classify_drift(make_plan(desired(want("A", reputation_policy="strict")),
                                       live(have("A"))))
    assert (item.attribute, item.actual, item.expected) == ("reputation_policy", "standard",
                                                            "strict")


def test_association_drift_is_grouped_into_one_resources_item() -> None:
    (item,) = classify_drift(make_plan(desired(want("A", "identity/new.com")),
                                       live(have("A", "identity/old.com"))))
    assert (item.attribute, item.actual, item.expected) == (
        "resources", (ref("identity/old.com"),), (ref("identity/new.com"),))


def test_ses_owned_status_changes_are_not_drift() -> None:
    plan = make_plan(desired(want("A")), live(have("A", aws="DISABLED")))
    assert classify_drift(plan) == ()


def test_drifted_tenants_are_counted_once() -> None:
    items = classify_drift(make_plan(desired(want("A", "identity/x.com", tags={"k": "v"})),
                                     live(have("A"))))
    assert drifted_tenants(items) == ("A",)
