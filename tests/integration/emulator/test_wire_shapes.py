"""Every response body parses with botocore, carries only members the service model has, and
lacks none the model requires or the SES tenants reference documents as always present."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reconciler.emulator import Emulator
from tests.integration.emulator.conftest import arn
from tests.support.wire_shapes import MODEL, shape_problems

OPERATIONS = [
    "CreateTenant",
    "GetTenant",
    "ListTenants",
    "CreateTenantResourceAssociation",
    "ListTenantResources",
    "ListResourceTenants",
    "DeleteTenantResourceAssociation",
    "PutTenantSuppressionAttributes",
    "PutSuppressedDestination",
    "GetSuppressedDestination",
    "ListSuppressedDestinations",
    "DeleteSuppressedDestination",
    "TagResource",
    "ListTagsForResource",
    "UntagResource",
    "GetReputationEntity",
    "ListReputationEntities",
    "UpdateReputationEntityPolicy",
    "UpdateReputationEntityCustomerManagedStatus",
    "CreateEmailTemplate",
    "GetEmailTemplate",
    "ListEmailTemplates",
    "UpdateEmailTemplate",
    "SendEmail",
    "SendBulkEmail",
    "DeleteTenant",
    "DeleteEmailTemplate",
    "GetAccount",
]


def exercise_every_operation(sesv2: Any) -> None:
    sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.create_email_template(
        TemplateName="welcome", TemplateContent={"Subject": "s", "Text": "t"}
    )
    created = sesv2.create_tenant(
        TenantName="acme",
        Tags=[{"Key": "k", "Value": "v"}],
        SuppressionAttributes={"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "TENANT"},
    )
    tenant_arn = created["TenantArn"]
    plain = sesv2.create_tenant(TenantName="plain")["TenantArn"]
    sesv2.get_tenant(TenantName="plain")
    sesv2.get_reputation_entity(ReputationEntityType="RESOURCE", ReputationEntityReference=plain)
    sesv2.get_tenant(TenantName="acme")
    sesv2.list_tenants()
    for resource in (arn("identity", "example.com"), arn("template", "welcome")):
        sesv2.create_tenant_resource_association(TenantName="acme", ResourceArn=resource)
    sesv2.list_tenant_resources(TenantName="acme")
    sesv2.list_resource_tenants(ResourceArn=arn("identity", "example.com"))
    sesv2.put_tenant_suppression_attributes(TenantName="acme")
    sesv2.put_suppressed_destination(EmailAddress="s@x.test", Reason="BOUNCE", TenantName="acme")
    sesv2.get_suppressed_destination(EmailAddress="s@x.test", TenantName="acme")
    sesv2.list_suppressed_destinations(TenantName="acme")
    sesv2.delete_suppressed_destination(EmailAddress="s@x.test", TenantName="acme")
    sesv2.tag_resource(ResourceArn=tenant_arn, Tags=[{"Key": "a", "Value": "b"}])
    sesv2.list_tags_for_resource(ResourceArn=tenant_arn)
    sesv2.untag_resource(ResourceArn=tenant_arn, TagKeys=["a"])
    entity = {"ReputationEntityType": "RESOURCE", "ReputationEntityReference": tenant_arn}
    sesv2.update_reputation_entity_customer_managed_status(**entity, SendingStatus="REINSTATED")
    sesv2.get_reputation_entity(**entity)
    sesv2.list_reputation_entities()
    sesv2.update_reputation_entity_policy(
        **entity, ReputationEntityPolicy="arn:aws:ses:us-east-1:aws:reputation-policy/strict"
    )
    sesv2.get_email_template(TemplateName="welcome")
    sesv2.list_email_templates()
    sesv2.update_email_template(TemplateName="welcome", TemplateContent={"Subject": "n"})
    template = {"Template": {"TemplateName": "welcome", "TemplateData": "{}"}}
    to = {"ToAddresses": ["u@customer.test"]}
    sesv2.send_email(
        FromEmailAddress="n@example.com", Destination=to, Content=template, TenantName="acme"
    )
    sesv2.send_bulk_email(
        FromEmailAddress="n@example.com",
        DefaultContent=template,
        BulkEmailEntries=[{"Destination": to}],
        TenantName="acme",
    )
    sesv2.delete_tenant_resource_association(
        TenantName="acme", ResourceArn=arn("template", "welcome")
    )
    sesv2.delete_tenant(TenantName="acme")
    sesv2.delete_email_template(TemplateName="welcome")
    sesv2.get_account()


@pytest.fixture
def bodies(sesv2: Any, emulator: Emulator) -> dict[str, list[bytes]]:
    """Every successful response body, by operation, in call order."""
    recorded: dict[str, list[bytes]] = {}

    def record(http_response: Any, model: Any, **_: Any) -> None:
        recorded.setdefault(model.name, []).append(http_response.content)

    sesv2.meta.events.register("after-call.sesv2", record)
    exercise_every_operation(sesv2)
    return recorded


@pytest.mark.parametrize("operation", OPERATIONS)
def test_response_has_exactly_the_documented_members(
        bodies: dict[str, list[bytes]], operation: str) -> None:
    output = MODEL.operation_model(operation).output_shape
    for raw in bodies[operation]:
        payload = json.loads(raw) if raw else {}
        assert shape_problems(payload, output, operation) == []


def test_every_body_is_json(bodies: dict[str, list[bytes]]) -> None:
    for operation, raws in bodies.items():
        for raw in raws:
            assert isinstance(json.loads(raw or b"{}"), dict), operation


def test_timestamps_are_epoch_second_numbers(bodies: dict[str, list[bytes]]) -> None:
    created = json.loads(bodies["CreateTenant"][0])["CreatedTimestamp"]
    associated = json.loads(bodies["ListResourceTenants"][0])["ResourceTenants"][0]
    assert isinstance(created, (int, float)) and created > 1_600_000_000
    assert isinstance(associated["AssociatedTimestamp"], (int, float))


def test_error_bodies_carry_a_lowercase_message(sesv2: Any) -> None:
    captured: list[Any] = []
    sesv2.meta.events.register(
        "after-call.sesv2.GetTenant", lambda http_response, **_: captured.append(http_response)
    )
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_tenant(TenantName="ghost")
    assert json.loads(captured[0].content) == {
        "message": "The requested tenant ghost does not exist."
    }
    assert captured[0].headers["x-amzn-ErrorType"] == "NotFoundException"
