"""Creating, deleting and renaming tenants."""

from __future__ import annotations

import pytest

from reconciler.errors import PlanError
from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning import make_plan
from reconciler.state import Live
from tests.unit.planning.builders import (
    CTX,
    OWN,
    PROTECT,
    actions_of,
    desired,
    have,
    live,
    only,
    ref,
    sup,
    want,
)


def test_new_tenant_is_created_with_its_tags_suppression_and_the_ownership_tag() -> None:
    acme = want("Acme", tags={"Env": "prod"}, suppression=sup("TENANT", "BOUNCE"))
    plan = make_plan(desired(acme), live())
    create = only(plan, "Acme", Action.CREATE_TENANT)
    assert dict(create.after.tags) == {"Env": "prod", **OWN}
    assert create.after.suppression == sup("TENANT", "BOUNCE")
    assert actions_of(plan, "Acme") == [Action.CREATE_TENANT]


def test_new_tenant_with_default_policy_and_status_needs_only_create_and_associations() -> None:
    plan = make_plan(desired(want("Acme", "identity/acme.com", "template/welcome")), live())
    assert actions_of(plan, "Acme") == [Action.CREATE_TENANT, Action.ASSOCIATE, Action.ASSOCIATE]


def test_new_tenant_gets_policy_and_status_only_where_they_differ_from_ses_defaults() -> None:
    plan = make_plan(desired(want("Acme", reputation_policy="strict", sending_status="DISABLED")),
                     live())
    assert only(plan, "Acme", Action.SET_POLICY).after == "strict"
    assert only(plan, "Acme", Action.SET_STATUS).after == "DISABLED"


def test_new_tenant_desired_reinstated_needs_no_status_write() -> None:
    plan = make_plan(desired(want("Acme", sending_status="REINSTATED")), live())
    assert actions_of(plan, "Acme") == [Action.CREATE_TENANT]


def test_protected_new_tenant_carries_the_protect_tag() -> None:
    plan = make_plan(desired(want("Acme", protect=True)), live())
    assert dict(only(plan, "Acme", Action.CREATE_TENANT).after.tags) == {**OWN, **PROTECT}


def test_new_tenant_values_known_only_after_apply_are_unset() -> None:
    create = only(make_plan(desired(want("Acme")), live()), "Acme", Action.CREATE_TENANT)
    assert (create.after.tenant_id, create.after.arn) == (None, None)


def test_owned_tenant_absent_from_config_is_deleted_when_prune_is_on() -> None:
    plan = make_plan(desired(prune=True), live(have("Gone", "identity/gone.com")))
    assert actions_of(plan, "Gone") == [Action.DELETE_TENANT]


def test_deleted_tenant_gets_no_disassociations_because_delete_cascades() -> None:
    plan = make_plan(desired(), live(have("Gone", "identity/a.com", "template/t")))
    assert Action.DISASSOCIATE not in actions_of(plan, "Gone")


def test_owned_tenant_absent_from_config_is_kept_when_prune_is_off() -> None:
    plan = make_plan(desired(prune=False), live(have("Gone")))
    assert plan.empty
    assert plan.notices == ("1 owned tenant(s) absent from the config are kept because prune "
                            "is off: Gone",)


def test_unowned_tenant_absent_from_config_is_never_touched() -> None:
    plan = make_plan(desired(prune=True), live(have("Foreign", owned=False)))
    assert plan.empty
    assert "left alone: Foreign" in plan.notices[0]


def test_unowned_names_the_reader_dropped_are_reported_as_left_alone() -> None:
    seen = Live(CTX, {}, unowned=frozenset({"Handmade", "Legacy"}))
    plan = make_plan(desired(prune=True), seen)
    assert plan.empty
    assert plan.notices[0].endswith("are not in the config and are left alone: Handmade, Legacy")


def test_live_protect_tag_prevents_deletion_and_is_reported() -> None:
    plan = make_plan(desired(prune=True), live(have("Keep", tags=PROTECT)))
    assert plan.empty
    assert plan.notices == ("tenant.Keep: protected (managed-by:protect=true); kept although "
                            "absent from the config",)


def test_rename_creates_the_new_tenant_and_deletes_the_old_one() -> None:
    plan = make_plan(desired(want("New", "identity/a.com", replaces="Old")),
                     live(have("Old", "identity/a.com")))
    create = only(plan, "New", Action.CREATE_TENANT)
    delete = only(plan, "Old", Action.DELETE_TENANT)
    assert (create.replace_of, delete.replace_of) == ("Old", "New")
    assert "fresh reputation; sending history does not carry over" in create.reason


def test_rename_deletes_the_old_tenant_after_the_new_tenants_associations() -> None:
    plan = make_plan(desired(want("New", "identity/a.com", "template/t", replaces="Old")),
                     live(have("Old", "identity/a.com")))
    delete = only(plan, "Old", Action.DELETE_TENANT)
    assert set(delete.depends_on) == {"tenant.New:create_tenant",
                                      "tenant.New:associate:identity/a.com",
                                      "tenant.New:associate:template/t"}
    keys = [c.key for c in plan.changes]
    assert all(keys.index(d) < keys.index(delete.key) for d in delete.depends_on)


def test_rename_does_not_need_prune() -> None:
    plan = make_plan(desired(want("New", replaces="Old"), prune=False), live(have("Old")))
    assert actions_of(plan, "Old") == [Action.DELETE_TENANT]


def test_rename_of_an_unowned_tenant_leaves_the_old_tenant_in_place() -> None:
    plan = make_plan(desired(want("New", replaces="Old")), live(have("Old", owned=False)))
    assert actions_of(plan, "Old") == []
    assert "tenant.Old: replaced by tenant.New but not owned" in plan.notices[0]


def test_rename_of_a_protected_tenant_keeps_the_old_tenant() -> None:
    plan = make_plan(desired(want("New", replaces="Old")), live(have("Old", tags=PROTECT)))
    assert actions_of(plan, "Old") == []
    assert "protected" in plan.notices[0]


def test_rename_already_half_done_deletes_the_remaining_old_tenant() -> None:
    plan = make_plan(desired(want("New", replaces="Old")), live(have("New"), have("Old")))
    assert actions_of(plan, "New") == []
    assert only(plan, "Old", Action.DELETE_TENANT).replace_of == "New"


def test_rename_whose_old_tenant_is_gone_is_a_plain_create() -> None:
    plan = make_plan(desired(want("New", replaces="Old")), live())
    assert only(plan, "New", Action.CREATE_TENANT).replace_of is None


def test_association_with_a_missing_resource_is_refused() -> None:
    state = live()
    state = type(state)(state.context, {}, missing_resources=frozenset({ref("identity/x.com")}))
    with pytest.raises(PlanError, match=r"tenant\.Acme: identity/x\.com"):
        make_plan(desired(want("Acme", "identity/x.com")), state)
