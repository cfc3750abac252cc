"""The tenant kind's declarations: what generic code relies on when it reads the table."""

from __future__ import annotations

import pytest

from reconciler.kinds.base import OMIT
from reconciler.kinds.registry import action_spec, kind, kind_of_action, kinds
from reconciler.kinds.tenant import TENANT, Tenant, TenantAction
from reconciler.state import DEFAULT_POLICY, DEFAULT_STATUS, LiveStatus, ResourceRef, Settings
from reconciler.state import Suppression as Sup

FULL = Tenant(
    name="Acme", tenant_id="tn-1", arn="arn:aws:ses:us-east-1:1:tenant/Acme/tn-1",
    tags={"b": "2", "a": "1"}, resources=frozenset({ResourceRef("template", "w"),
                                                    ResourceRef("identity", "a.example")}),
    reputation_policy="strict", sending_status="DISABLED",
    suppression=Sup("TENANT", frozenset({"COMPLAINT", "BOUNCE"})), protect=True,
    replaces="Old")


def test_every_tenant_action_is_declared_once_by_the_tenant_kind() -> None:
    for action in TenantAction:
        assert action_spec(action).name is action
        assert kind_of_action(action) is TENANT
    names = [a.name for k in kinds() for a in k.actions]
    assert len(names) == len(set(names))


def test_an_unknown_action_or_kind_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown action 'set_colour'"):
        action_spec("set_colour")
    with pytest.raises(ValueError, match="unknown kind 'queue'"):
        kind("queue")


def test_the_plan_encoding_round_trips_a_tenant_in_table_order() -> None:
    data = TENANT.encode(FULL)
    assert list(data) == ["name", "id", "arn", "tags", "resources", "reputation_policy",
                          "sending_status", "suppression", "protect", "replaces"]
    assert data["tags"] == {"a": "1", "b": "2"}
    assert data["resources"] == ["identity/a.example", "template/w"]
    assert data["suppression"] == {"scope": "TENANT", "reasons": ["BOUNCE", "COMPLAINT"]}
    assert TENANT.decode(data) == FULL


def test_the_fingerprint_state_reads_the_customer_status_not_the_aggregate() -> None:
    live = Tenant("Acme", tenant_id="tn-1", status=LiveStatus(customer=None, aws="DISABLED"))
    state = TENANT.state(live)
    assert state == {"id": "tn-1", "tags": [], "resources": [], "policy": DEFAULT_POLICY,
                     "customer_status": None, "suppression": None}
    assert TENANT.state(None) is None


def test_scalar_attributes_default_from_the_single_copy_in_state() -> None:
    assert TENANT.attribute("reputation_policy").default == DEFAULT_POLICY  # type: ignore[union-attr]
    assert TENANT.attribute("sending_status").default == DEFAULT_STATUS  # type: ignore[union-attr]
    assert Tenant("x").reputation_policy == DEFAULT_POLICY


def test_import_leaves_out_what_the_account_does_not_say() -> None:
    settings = Settings()
    bare = Tenant("Acme", tags={"managed-by": "ses-reconciler"},
                  status=LiveStatus(customer=None))
    body = TENANT.imported(bare, settings)
    assert body == {"reputation_policy": DEFAULT_POLICY, "suppression": None}
    protected = Tenant("Acme", tags={"managed-by:protect": "true", "team": "mail"})
    assert TENANT.imported(protected, settings)["tags"] == {"team": "mail"}
    assert TENANT.imported(protected, settings)["protect"] is True
    assert OMIT not in TENANT.imported(protected, settings).values()


def test_created_tenants_get_follow_up_writes_only_where_the_table_asks() -> None:
    policy = TENANT.attribute("reputation_policy")
    status = TENANT.attribute("sending_status")
    suppression = TENANT.attribute("suppression")
    assert policy is not None and status is not None and suppression is not None
    assert not policy.at_create(DEFAULT_POLICY).write
    assert policy.at_create("strict").after == "strict"
    assert status.at_create("DISABLED").write
    assert not status.at_create("REINSTATED").write
    assert not suppression.at_create(Sup("TENANT", frozenset())).write  # rides on CreateTenant
