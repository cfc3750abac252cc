"""SendEmail / SendBulkEmail with TenantName: tenant existence, association gate, paused tenants."""

from __future__ import annotations

import json
from collections.abc import Callable
from email.mime.text import MIMEText
from typing import Any

import pytest
from botocore.exceptions import ClientError

from reconciler.emulator import Emulator
from tests.integration.emulator.conftest import arn, assert_error

Associate = Callable[[str, str], None]
SIMPLE = {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}}
TO = {"ToAddresses": ["user@customer.test"]}


def send(sesv2: Any, **extra: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "FromEmailAddress": "news@example.com",
        "Destination": TO,
        "Content": SIMPLE,
        "TenantName": "acme",
    }
    kwargs.update(extra)
    result: dict[str, Any] = sesv2.send_email(**kwargs)
    return result


def gate_message(*arns: str) -> str:
    return f"Tenant not associated with resources [{', '.join(arns)}]."


def test_send_with_every_resource_associated_succeeds(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    associate("acme", resources["identity"])
    associate("acme", resources["configuration-set"])
    assert send(sesv2, ConfigurationSetName="transactional")["MessageId"]


def test_unknown_tenant_is_not_found(sesv2: Any, resources: dict[str, str]) -> None:
    with pytest.raises(ClientError) as raised:
        send(sesv2, TenantName="ghost")
    assert_error(
        raised, "NotFoundException", 404, "Tenant ghost for AwsAccountId 123456789012 not found."
    )


def test_gate_lists_every_unassociated_resource(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str]
) -> None:
    with pytest.raises(ClientError) as raised:
        send(
            sesv2,
            ConfigurationSetName="transactional",
            Content={"Template": {"TemplateName": "welcome", "TemplateData": "{}"}},
        )
    assert_error(
        raised,
        "AccessDeniedException",
        403,
        gate_message(resources["identity"], resources["configuration-set"], resources["template"]),
    )


def test_gate_body_uses_capitalised_message_key(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str]
) -> None:
    bodies: list[bytes] = []
    sesv2.meta.events.register(
        "after-call.sesv2.SendEmail",
        lambda http_response, **_: bodies.append(http_response.content),
    )
    with pytest.raises(ClientError):
        send(sesv2)
    assert json.loads(bodies[0]) == {"Message": gate_message(resources["identity"])}


def test_exact_address_identity_beats_its_domain(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    sesv2.create_email_identity(EmailIdentity="news@example.com")
    associate("acme", resources["identity"])
    with pytest.raises(ClientError) as raised:
        send(sesv2)
    assert raised.value.response["Error"]["Message"] == gate_message(
        arn("identity", "news@example.com")
    )


def test_identity_default_configuration_set_must_be_associated(
    sesv2: Any, tenant: dict[str, Any], associate: Associate
) -> None:
    sesv2.create_configuration_set(ConfigurationSetName="defaults")
    sesv2.create_email_identity(EmailIdentity="example.com", ConfigurationSetName="defaults")
    associate("acme", arn("identity", "example.com"))
    with pytest.raises(ClientError) as raised:
        send(sesv2)
    assert raised.value.response["Error"]["Message"] == gate_message(
        arn("configuration-set", "defaults")
    )


def test_raw_message_without_sender_uses_the_mime_from(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str]
) -> None:
    mime = MIMEText("body")
    mime["From"] = "Sender <news@example.com>"
    mime["To"] = "user@customer.test"
    mime["Subject"] = "s"
    with pytest.raises(ClientError) as raised:
        sesv2.send_email(
            Destination=TO, Content={"Raw": {"Data": mime.as_bytes()}}, TenantName="acme"
        )
    assert raised.value.response["Error"]["Message"] == gate_message(resources["identity"])


def test_removing_an_association_breaks_sending_at_once(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    associate("acme", resources["identity"])
    send(sesv2)
    sesv2.delete_tenant_resource_association(TenantName="acme", ResourceArn=resources["identity"])
    with pytest.raises(ClientError) as raised:
        send(sesv2)
    assert_error(raised, "AccessDeniedException", 403, gate_message(resources["identity"]))


def test_templated_send_renders_through_the_gate(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    associate("acme", resources["identity"])
    associate("acme", resources["template"])
    sent = send(
        sesv2, Content={"Template": {"TemplateArn": resources["template"], "TemplateData": "{}"}}
    )
    assert sent["MessageId"]


def test_disabled_tenant_refuses_to_send(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    associate("acme", resources["identity"])
    sesv2.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE",
        ReputationEntityReference=tenant["TenantArn"],
        SendingStatus="DISABLED",
    )
    with pytest.raises(ClientError) as raised:
        send(sesv2)
    assert_error(raised, "SendingPausedException", 400, "Sending is paused for tenant acme.")


def test_aws_paused_tenant_refuses_to_send(
    sesv2: Any,
    tenant: dict[str, Any],
    resources: dict[str, str],
    associate: Associate,
    emulator: Emulator,
) -> None:
    associate("acme", resources["identity"])
    emulator.control.aws_pause("acme", kind="trust_and_safety")
    with pytest.raises(ClientError) as raised:
        send(sesv2)
    assert raised.value.response["Error"]["Code"] == "SendingPausedException"


def test_send_without_tenant_is_not_gated(sesv2: Any, resources: dict[str, str]) -> None:
    sent = sesv2.send_email(FromEmailAddress="news@example.com", Destination=TO, Content=SIMPLE)
    assert sent["MessageId"]


def bulk(sesv2: Any, tenant_name: str) -> dict[str, Any]:
    result: dict[str, Any] = sesv2.send_bulk_email(
        FromEmailAddress="news@example.com",
        DefaultContent={"Template": {"TemplateName": "welcome", "TemplateData": '{"name": "x"}'}},
        BulkEmailEntries=[{"Destination": TO}, {"Destination": {"ToAddresses": ["b@c.test"]}}],
        TenantName=tenant_name,
    )
    return result


def test_bulk_send_through_an_associated_tenant_succeeds(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    associate("acme", resources["identity"])
    associate("acme", resources["template"])
    results = bulk(sesv2, "acme")["BulkEmailEntryResults"]
    assert [r["Status"] for r in results] == ["SUCCESS", "SUCCESS"]


def test_bulk_send_is_gated_on_the_template(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    associate("acme", resources["identity"])
    with pytest.raises(ClientError) as raised:
        bulk(sesv2, "acme")
    assert_error(raised, "AccessDeniedException", 403, gate_message(resources["template"]))


def test_bulk_send_with_unknown_tenant_is_not_found(sesv2: Any, resources: dict[str, str]) -> None:
    with pytest.raises(ClientError) as raised:
        bulk(sesv2, "ghost")
    assert_error(
        raised, "NotFoundException", 404, "Tenant ghost for AwsAccountId 123456789012 not found."
    )
