"""The per-(account, Region) store round-trips through its JSON form without loss."""

from __future__ import annotations

import json
from typing import Any

from reconciler.emulator import DEFAULT_ACCOUNT, DEFAULT_REGION, Emulator
from reconciler.emulator.backend import replace_tenancy_store, tenancy_store
from reconciler.emulator.tenancy import TenancyStore
from tests.integration.emulator.conftest import arn


def populate(sesv2: Any, emulator: Emulator) -> dict[str, Any]:
    emulator.options.repeat_association = "ok"
    sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.create_email_template(TemplateName="welcome", TemplateContent={"Subject": "s"})
    tenant: dict[str, Any] = sesv2.create_tenant(
        TenantName="acme",
        Tags=[{"Key": "k", "Value": "v"}],
        SuppressionAttributes={"SuppressedReasons": ["COMPLAINT"], "SuppressionScope": "TENANT"},
    )
    sesv2.create_tenant(TenantName="other")
    sesv2.put_suppressed_destination(EmailAddress="a@x.test", Reason="BOUNCE", TenantName="acme")
    sesv2.put_suppressed_destination(EmailAddress="b@x.test", Reason="COMPLAINT")
    sesv2.create_tenant_resource_association(
        TenantName="acme", ResourceArn=arn("identity", "example.com")
    )
    sesv2.create_tenant_resource_association(
        TenantName="acme", ResourceArn=arn("template", "welcome")
    )
    emulator.control.add_finding("acme", "HIGH")
    sesv2.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE",
        ReputationEntityReference=tenant["TenantArn"],
        SendingStatus="REINSTATED",
    )
    return tenant


def test_to_dict_is_json_and_round_trips_exactly(sesv2: Any, emulator: Emulator) -> None:
    populate(sesv2, emulator)
    dumped = tenancy_store(DEFAULT_ACCOUNT, DEFAULT_REGION).to_dict()
    reloaded = TenancyStore.from_dict(json.loads(json.dumps(dumped)))
    assert reloaded.to_dict() == dumped


def test_dump_is_human_readable(sesv2: Any, emulator: Emulator) -> None:
    tenant = populate(sesv2, emulator)
    dumped = tenancy_store(DEFAULT_ACCOUNT, DEFAULT_REGION).to_dict()
    acme = next(t for t in dumped["tenants"] if t["name"] == "acme")
    assert acme["tenant_id"] == tenant["TenantId"]
    assert acme["tags"] == {"k": "v"}
    assert dumped["options"]["repeat_association"] == "ok"
    assert [e["email"] for e in dumped["suppressed"][tenant["TenantId"]]] == ["a@x.test"]
    assert [e["email"] for e in dumped["suppressed"][""]] == ["b@x.test"]
    assert {a["resource_arn"] for a in dumped["associations"]} == {
        arn("identity", "example.com"),
        arn("template", "welcome"),
    }


def test_restored_store_answers_the_same_through_the_api(sesv2: Any, emulator: Emulator) -> None:
    tenant = populate(sesv2, emulator)
    before = {
        "tenant": sesv2.get_tenant(TenantName="acme")["Tenant"],
        "resources": sesv2.list_tenant_resources(TenantName="acme")["TenantResources"],
        "entities": sesv2.list_reputation_entities()["ReputationEntities"],
        "template": sesv2.get_email_template(TemplateName="welcome")["TemplateContent"],
        "suppressed": sesv2.list_suppressed_destinations(TenantName="acme"),
        "account_suppressed": sesv2.list_suppressed_destinations(),
    }
    dumped = json.dumps(tenancy_store(DEFAULT_ACCOUNT, DEFAULT_REGION).to_dict())
    replace_tenancy_store(DEFAULT_ACCOUNT, DEFAULT_REGION, TenancyStore())
    assert sesv2.list_tenants()["Tenants"] == []
    assert sesv2.list_suppressed_destinations()["SuppressedDestinationSummaries"] == []
    replace_tenancy_store(
        DEFAULT_ACCOUNT, DEFAULT_REGION, TenancyStore.from_dict(json.loads(dumped))
    )
    assert sesv2.get_tenant(TenantName="acme")["Tenant"] == before["tenant"]
    assert sesv2.list_tenant_resources(TenantName="acme")["TenantResources"] == before["resources"]
    assert sesv2.list_reputation_entities()["ReputationEntities"] == before["entities"]
    assert sesv2.get_email_template(TemplateName="welcome")["TemplateContent"] == before["template"]
    for key, kwargs in (("suppressed", {"TenantName": "acme"}), ("account_suppressed", {})):
        again = sesv2.list_suppressed_destinations(**kwargs)["SuppressedDestinationSummaries"]
        assert again == before[key]["SuppressedDestinationSummaries"]
        assert len(again) == 1
    assert emulator.options.repeat_association == "ok"
    assert before["tenant"]["TenantArn"] == tenant["TenantArn"]


def test_each_region_has_its_own_store(sesv2: Any) -> None:
    sesv2.create_tenant(TenantName="acme")
    assert tenancy_store(DEFAULT_ACCOUNT, "eu-west-1").tenants == {}
    assert set(tenancy_store(DEFAULT_ACCOUNT, DEFAULT_REGION).tenants) == {"acme"}
