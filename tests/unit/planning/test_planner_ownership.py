"""Ownership is only ever given explicitly: adopt, external, or a conflict that writes nothing."""

from __future__ import annotations

import pytest

from reconciler.errors import PlanError
from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning import dump_plan, load_plan, make_plan
from tests.unit.planning.builders import (
    OWN,
    actions_of,
    desired,
    have,
    live,
    only,
    ref,
    sup,
    want,
)

FOREIGN = have("Legacy", "identity/legacy.com", "template/extra", owned=False,
               tags={"Team": "core"}, reputation_policy="strict",
               suppression=sup("TENANT", "BOUNCE"))


def test_unowned_declared_tenant_without_a_choice_is_a_conflict_with_nothing_written() -> None:
    plan = make_plan(desired(want("Legacy", "identity/legacy.com", "identity/new.com",
                                  tags={"Team": "web"})), live(FOREIGN))
    assert plan.changes == ()
    assert [c.tenant for c in plan.conflicts] == ["Legacy"]


def test_conflict_sentence_names_the_tenant_the_tag_and_both_ways_out() -> None:
    plan = make_plan(desired(want("Legacy")), live(FOREIGN))
    assert plan.conflicts[0].message == (
        "tenant.Legacy exists in the account without the ownership tag "
        "managed-by=ses-reconciler, so nothing is written to it; add `adopt: true` to its entry "
        "to manage it fully, or `external: true` to only add what the entry declares.")


def test_conflict_uses_the_configured_ownership_tag() -> None:
    plan = make_plan(desired(want("Legacy"), ownership_tag_key="owner",
                             ownership_tag_value="team-a"), live(FOREIGN))
    assert "without the ownership tag owner=team-a" in plan.conflicts[0].message


def test_owned_tenant_is_never_a_conflict() -> None:
    plan = make_plan(desired(want("Acme")), live(have("Acme")))
    assert plan.conflicts == ()


def test_adopt_writes_the_ownership_tag_and_removes_surplus_tags() -> None:
    plan = make_plan(desired(want("Legacy", tags={"Env": "prod"}, adopt=True)), live(FOREIGN))
    adopt = only(plan, "Legacy", Action.ADOPT_TENANT)
    assert adopt.before == {"Team": "core"}
    assert adopt.after == {"Env": "prod", **OWN}
    assert "adopt: true: the ownership tag managed-by=ses-reconciler is added first" in adopt.reason


def test_adopted_tenant_is_synced_exactly_in_the_same_plan() -> None:
    plan = make_plan(desired(want("Legacy", "identity/legacy.com", adopt=True)), live(FOREIGN))
    assert only(plan, "Legacy", Action.DISASSOCIATE).before == ref("template/extra")
    assert only(plan, "Legacy", Action.SET_POLICY).after == "standard"
    assert only(plan, "Legacy", Action.SET_SUPPRESSION).after is None


def test_every_other_write_of_an_adopted_tenant_waits_for_the_ownership_tag() -> None:
    plan = make_plan(desired(want("Legacy", "identity/new.com", adopt=True)), live(FOREIGN))
    adopt = only(plan, "Legacy", Action.ADOPT_TENANT)
    others = [c for c in plan.changes if c.tenant == "Legacy" and c is not adopt]
    assert len(others) == 5  # suppression, policy, one association, two disassociations
    assert all(adopt.key in c.depends_on for c in others)
    assert plan.changes[0] == adopt


def test_adopt_is_planned_even_when_only_the_tag_is_missing() -> None:
    plan = make_plan(desired(want("Plain", adopt=True)), live(have("Plain", owned=False)))
    assert actions_of(plan, "Plain") == [Action.ADOPT_TENANT]
    assert only(plan, "Plain", Action.ADOPT_TENANT).after == OWN


def test_adopt_of_an_owned_tenant_is_an_ordinary_sync() -> None:
    plan = make_plan(desired(want("Acme", tags={"A": "1"}, adopt=True)), live(have("Acme")))
    assert actions_of(plan, "Acme") == [Action.UPDATE_TAGS]


def test_adopt_of_an_absent_tenant_is_a_plain_owned_create() -> None:
    plan = make_plan(desired(want("Fresh", adopt=True)), live())
    create = only(plan, "Fresh", Action.CREATE_TENANT)
    assert dict(create.after.tags) == OWN
    assert create.reason == "new tenant"


def test_external_tenant_that_does_not_exist_is_a_plan_error_naming_it() -> None:
    with pytest.raises(PlanError, match=r"tenant\.Partner is declared `external: true` but does "
                                        r"not exist in the account"):
        make_plan(desired(want("Partner", external=True)), live())


def test_external_tenant_never_loses_tags_associations_or_undeclared_scalars() -> None:
    plan = make_plan(desired(want("Legacy", "identity/new.com", tags={"Env": "prod"},
                                  external=True)), live(FOREIGN))
    assert actions_of(plan, "Legacy") == [Action.UPDATE_TAGS, Action.ASSOCIATE]
    assert only(plan, "Legacy", Action.UPDATE_TAGS).after == {"Env": "prod", "Team": "core"}


def test_external_on_an_owned_tenant_is_additive_with_a_notice() -> None:
    plan = make_plan(desired(want("Acme", external=True)),
                     live(have("Acme", "identity/a.com", tags={"Old": "x"})))
    assert plan.changes == ()
    assert plan.notices == (
        "tenant.Acme: declared `external: true` but carries the ownership tag "
        "managed-by=ses-reconciler; changes are additive and the tag is left in place",)


def test_rename_to_a_conflicting_tenant_keeps_the_old_one() -> None:
    plan = make_plan(desired(want("New", replaces="Old")),
                     live(have("Old"), have("New", owned=False)))
    assert plan.changes == ()
    assert "tenant.Old: replaced by tenant.New, which is in conflict" in plan.notices[0]


def test_plan_records_the_ownership_tag_it_was_computed_for() -> None:
    plan = make_plan(desired(want("Acme"), ownership_tag_key="owner",
                             ownership_tag_value="me"), live())
    assert plan.ownership == ("owner", "me")


def test_saved_plan_carries_conflicts_adoptions_and_the_ownership_tag() -> None:
    plan = make_plan(desired(want("Legacy", adopt=True), want("Stray")),
                     live(FOREIGN, have("Stray", owned=False)))
    loaded = load_plan(dump_plan(plan))
    assert loaded == plan
    assert [c.tenant for c in loaded.conflicts] == ["Stray"]
    assert loaded.changes[0].action is Action.ADOPT_TENANT
