"""Send-path warnings from the plan's own inputs: the associations after apply decide."""

from __future__ import annotations

from dataclasses import replace

from reconciler.planning import dump_plan, load_plan, make_plan
from tests.unit.planning.builders import desired, have, live, want


def test_an_identity_default_set_outside_the_tenant_is_warned() -> None:
    read = replace(live(), identity_configuration_sets={"a.example.com": "default-set"})
    plan = make_plan(desired(want("T", "identity/a.example.com")), read)
    [warning] = plan.warnings
    assert warning.startswith("tenant.T: identity a.example.com has the default configuration "
                              "set default-set, which is not associated with the tenant")


def test_a_default_set_the_plan_associates_is_not_warned() -> None:
    read = replace(live(), identity_configuration_sets={"a.example.com": "default-set"})
    plan = make_plan(desired(want("T", "identity/a.example.com",
                                  "configuration-set/default-set")), read)
    assert plan.warnings == ()


def test_an_identity_without_a_default_set_is_not_warned() -> None:
    read = replace(live(), identity_configuration_sets={"a.example.com": None})
    assert make_plan(desired(want("T", "identity/a.example.com")), read).warnings == ()


def test_a_template_already_associated_is_not_warned() -> None:
    plan = make_plan(desired(want("T", "template/welcome")), live(have("T", "template/welcome")))
    assert plan.warnings == ()


def test_warnings_survive_a_saved_plan() -> None:
    read = replace(live(), identity_configuration_sets={"a.example.com": "default-set"})
    plan = make_plan(desired(want("T", "identity/a.example.com")), read)
    assert plan.warnings
    assert load_plan(dump_plan(plan)).warnings == plan.warnings
