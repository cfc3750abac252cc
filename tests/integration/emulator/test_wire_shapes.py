"""Every response body parses with botocore and carries only members the service model has."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest
from botocore.model import ListShape, MapShape, Shape, StructureShape

from reconciler.emulator import Emulator
from tests.integration.emulator.conftest import arn

MODEL = botocore.session.get_session().get_service_model("sesv2")
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
]
SCALARS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "timestamp": (int, float),
    "double": (int, float),
}


def unknown_members(value: Any, shape: Shape, path: str) -> list[str]:
    """Paths of members absent from the model, or whose JSON type contradicts it."""
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            return [f"{path}: expected object"]
        problems = [f"{path}.{k}" for k in value if k not in shape.members]
        for key, item in value.items():
            if key in shape.members and item is not None:
                problems += unknown_members(item, shape.members[key], f"{path}.{key}")
        return problems
    if isinstance(shape, ListShape):
        return [
            p for i, v in enumerate(value) for p in unknown_members(v, shape.member, f"{path}[{i}]")
        ]
    if isinstance(shape, MapShape):
        return [p for k, v in value.items() for p in unknown_members(v, shape.value, f"{path}.{k}")]
    expected = SCALARS.get(shape.type_name)
    if expected and not isinstance(value, expected):
        return [f"{path}: {type(value).__name__} is not {shape.type_name}"]
    return []


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


@pytest.fixture
def bodies(sesv2: Any, emulator: Emulator) -> dict[str, bytes]:
    recorded: dict[str, bytes] = {}

    def record(http_response: Any, model: Any, **_: Any) -> None:
        recorded[model.name] = http_response.content

    sesv2.meta.events.register("after-call.sesv2", record)
    exercise_every_operation(sesv2)
    return recorded


@pytest.mark.parametrize("operation", OPERATIONS)
def test_response_has_only_modeled_members(bodies: dict[str, bytes], operation: str) -> None:
    output = MODEL.operation_model(operation).output_shape
    raw = bodies[operation]
    payload = json.loads(raw) if raw else {}
    assert unknown_members(payload, output, operation) == []


def test_every_body_is_json(bodies: dict[str, bytes]) -> None:
    for operation, raw in bodies.items():
        assert isinstance(json.loads(raw or b"{}"), dict), operation


def test_timestamps_are_epoch_second_numbers(bodies: dict[str, bytes]) -> None:
    created = json.loads(bodies["CreateTenant"])["CreatedTimestamp"]
    associated = json.loads(bodies["ListResourceTenants"])["ResourceTenants"][0]
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
