"""Updating tenants that exist: tags, associations, policy, suppression; ownership limits."""

from __future__ import annotations

from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning import make_plan
from tests.unit.planning.builders import (
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


def test_tenant_matching_the_config_needs_no_changes() -> None:
    plan = make_plan(desired(want("Acme", "identity/a.com", tags={"Env": "prod"})),
                     live(have("Acme", "identity/a.com", tags={"Env": "prod"})))
    assert plan.empty
    assert plan.counts.total == 0


def test_owned_tenant_tags_are_synced_exactly() -> None:
    plan = make_plan(desired(want("Acme", tags={"Env": "prod", "New": "1"})),
                     live(have("Acme", tags={"Env": "dev", "Old": "x"})))
    tags = only(plan, "Acme", Action.UPDATE_TAGS)
    assert tags.before == {"Env": "dev", "Old": "x", **OWN}
    assert tags.after == {"Env": "prod", "New": "1", **OWN}


def test_reserved_aws_tags_are_ignored() -> None:
    plan = make_plan(desired(want("Acme")), live(have("Acme", tags={"aws:cloudformation": "x"})))
    assert plan.empty


def test_desired_protect_adds_the_protect_tag_to_an_owned_tenant() -> None:
    plan = make_plan(desired(want("Acme", protect=True)), live(have("Acme")))
    assert only(plan, "Acme", Action.UPDATE_TAGS).after == {**OWN, **PROTECT}


def test_dropping_protect_removes_the_protect_tag() -> None:
    plan = make_plan(desired(want("Acme")), live(have("Acme", tags=PROTECT)))
    assert only(plan, "Acme", Action.UPDATE_TAGS).after == OWN


def test_owned_tenant_surplus_associations_are_disassociated() -> None:
    plan = make_plan(desired(want("Acme", "identity/a.com", "template/new")),
                     live(have("Acme", "identity/a.com", "template/old")))
    assert only(plan, "Acme", Action.ASSOCIATE).after == ref("template/new")
    assert only(plan, "Acme", Action.DISASSOCIATE).before == ref("template/old")


def test_external_tenant_tags_are_additive_and_the_ownership_tag_is_not_added() -> None:
    plan = make_plan(desired(want("Legacy", tags={"Env": "prod"}, external=True)),
                     live(have("Legacy", owned=False, tags={"Env": "dev", "Team": "x"})))
    assert only(plan, "Legacy", Action.UPDATE_TAGS).after == {"Env": "prod", "Team": "x"}


def test_external_tenant_associations_are_additive() -> None:
    plan = make_plan(desired(want("Legacy", "identity/new.com", external=True)),
                     live(have("Legacy", "identity/old.com", owned=False)))
    assert actions_of(plan, "Legacy") == [Action.ASSOCIATE]


DECLARED = frozenset({"reputation_policy", "sending_status", "suppression"})


def test_external_tenant_declared_scalars_are_reconciled() -> None:
    plan = make_plan(desired(want("Legacy", reputation_policy="strict", sending_status="DISABLED",
                                  suppression=sup("TENANT", "BOUNCE"), declared=DECLARED,
                                  external=True)),
                     live(have("Legacy", owned=False)))
    assert set(actions_of(plan, "Legacy")) == {Action.SET_POLICY, Action.SET_STATUS,
                                               Action.SET_SUPPRESSION}


def test_external_tenant_keeps_scalars_the_config_does_not_declare() -> None:
    plan = make_plan(desired(want("Legacy", external=True)),
                     live(have("Legacy", owned=False, reputation_policy="strict",
                               customer="DISABLED", suppression=sup("TENANT", "BOUNCE"))))
    assert actions_of(plan, "Legacy") == []


def test_owned_tenant_scalars_follow_the_defaults_even_when_undeclared() -> None:
    plan = make_plan(desired(want("Acme")),
                     live(have("Acme", reputation_policy="strict", suppression=sup("TENANT"))))
    assert set(actions_of(plan, "Acme")) == {Action.SET_POLICY, Action.SET_SUPPRESSION}


def test_external_tenant_keeping_undeclared_things_is_reported() -> None:
    plan = make_plan(desired(want("Legacy", external=True)),
                     live(have("Legacy", "identity/x.com", owned=False, tags={"T": "1"})))
    assert plan.empty
    assert plan.notices == (
        "tenant.Legacy: lacks the ownership tag managed-by=ses-reconciler; changes are additive, "
        "keeping 1 undeclared tag(s) and 1 undeclared resource(s)",)


def test_policy_is_written_only_on_difference() -> None:
    plan = make_plan(desired(want("Acme", reputation_policy="none")),
                     live(have("Acme", reputation_policy="strict")))
    change = only(plan, "Acme", Action.SET_POLICY)
    assert (change.before, change.after) == ("strict", "none")


def test_suppression_default_clears_a_stored_pair() -> None:
    plan = make_plan(desired(want("Acme")), live(have("Acme", suppression=sup("ACCOUNT"))))
    change = only(plan, "Acme", Action.SET_SUPPRESSION)
    assert (change.before, change.after) == (sup("ACCOUNT"), None)


def test_suppression_reasons_compare_as_sets() -> None:
    plan = make_plan(desired(want("Acme", suppression=sup("TENANT", "COMPLAINT", "BOUNCE"))),
                     live(have("Acme", suppression=sup("TENANT", "BOUNCE", "COMPLAINT"))))
    assert plan.empty


def test_suppression_scope_difference_is_a_change() -> None:
    plan = make_plan(desired(want("Acme", suppression=sup("TENANT", "BOUNCE"))),
                     live(have("Acme", suppression=sup("ACCOUNT", "BOUNCE"))))
    assert actions_of(plan, "Acme") == [Action.SET_SUPPRESSION]


def test_moved_resource_is_associated_before_it_is_disassociated() -> None:
    plan = make_plan(desired(want("A"), want("B", "identity/shared.com")),
                     live(have("A", "identity/shared.com"), have("B")))
    dis = only(plan, "A", Action.DISASSOCIATE)
    assoc = only(plan, "B", Action.ASSOCIATE)
    assert dis.depends_on == (assoc.key,)
    assert (assoc.reason, dis.reason) == ("moved from tenant.A", "moves to tenant.B")


def test_resource_moving_between_many_tenants_waits_for_five_of_them() -> None:
    """A re-tiering moves a shared set away from 8 tenants and to 8 others: each loss waits
    for the first 5 gains (not all 8 x 8), and each reason names 5 tenants and a count."""
    gainers, losers = [f"G{i}" for i in range(8)], [f"L{i}" for i in range(8)]
    plan = make_plan(
        desired(*(want(g, "configuration-set/tier") for g in gainers), *map(want, losers)),
        live(*map(have, gainers), *(have(t, "configuration-set/tier") for t in losers)))
    gains = [only(plan, g, Action.ASSOCIATE).key for g in gainers]
    dis = only(plan, "L3", Action.DISASSOCIATE)
    assert dis.depends_on == tuple(sorted(gains[:5]))
    assert dis.reason == ("moves to tenant.G0, tenant.G1, tenant.G2, tenant.G3, tenant.G4 "
                          "and 3 more")


def test_plan_records_account_region_digest_and_fingerprint() -> None:
    plan = make_plan(desired(want("Acme"), digest="sha256:abc"), live())
    assert (plan.account, plan.region, plan.partition) == ("123456789012", "us-east-1", "aws")
    assert plan.config_digest == "sha256:abc"
    assert plan.fingerprint.startswith("sha256:")


def test_plan_does_not_depend_on_input_order() -> None:
    tenants = [want(n, f"identity/{n}.com") for n in ("C", "A", "B")]
    first = make_plan(desired(*tenants), live(have("Z"), have("Y")))
    second = make_plan(desired(*reversed(tenants)), live(have("Y"), have("Z")))
    assert first == second
