"""SendEmail's check order (shape, tenant, recipients, association gate) and suppressed recipients.

A suppressed recipient is no error: SES accepts the send and drops that recipient. What the
emulator delivered is read back through v1 GetSendQuota (recipients sent in the last 24 hours).
"""

from __future__ import annotations

from collections.abc import Callable
from email.mime.text import MIMEText
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.emulator.conftest import assert_error

Associate = Callable[[str, str], None]
SIMPLE = {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}}
TEMPLATE = {"Template": {"TemplateName": "welcome", "TemplateData": "{}"}}
GATE = "Tenant not associated with resources"


def send(sesv2: Any, to: list[str], **extra: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "FromEmailAddress": "news@example.com",
        "Destination": {"ToAddresses": to},
        "Content": SIMPLE,
        "TenantName": "acme",
    }
    kwargs.update(extra)
    result: dict[str, Any] = sesv2.send_email(**kwargs)
    return result


def delivered(v1: Any) -> int:
    return int(v1.get_send_quota()["SentLast24Hours"])


@pytest.fixture
def open_tenant(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> str:
    """acme with every resource associated, so only recipients can stop a send."""
    for resource_arn in resources.values():
        associate("acme", resource_arn)
    return "acme"


def scoped(sesv2: Any, scope: str, reasons: list[str]) -> None:
    sesv2.put_tenant_suppression_attributes(
        TenantName="acme", SuppressionScope=scope, SuppressedReasons=reasons
    )


# --- order of checks ------------------------------------------------------------------------


def test_invalid_recipient_is_reported_before_the_association_gate(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str]
) -> None:
    with pytest.raises(ClientError) as raised:
        send(sesv2, ["not-an-address"])
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("InvalidParameterValue", "Missing domain")


def test_too_many_recipients_are_reported_before_the_association_gate(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str]
) -> None:
    with pytest.raises(ClientError) as raised:
        send(sesv2, [f"u{i}@customer.test" for i in range(51)])
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("MessageRejected", "Too many recipients.")


def test_invalid_raw_recipient_is_reported_before_the_association_gate(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str]
) -> None:
    mime = MIMEText("body")
    mime["From"] = "news@example.com"
    mime["To"] = "broken"
    with pytest.raises(ClientError) as raised:
        sesv2.send_email(Content={"Raw": {"Data": mime.as_bytes()}}, TenantName="acme")
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_invalid_bulk_entry_recipient_is_reported_before_the_association_gate(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str]
) -> None:
    with pytest.raises(ClientError) as raised:
        sesv2.send_bulk_email(
            FromEmailAddress="news@example.com",
            DefaultContent=TEMPLATE,
            BulkEmailEntries=[
                {"Destination": {"ToAddresses": ["a@customer.test"]}},
                {"Destination": {"ToAddresses": ["broken"]}},
            ],
            TenantName="acme",
        )
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_unknown_tenant_is_reported_before_an_invalid_recipient(
    sesv2: Any, resources: dict[str, str]
) -> None:
    with pytest.raises(ClientError) as raised:
        send(sesv2, ["not-an-address"], TenantName="ghost")
    assert_error(
        raised, "NotFoundException", 404, "Tenant ghost for AwsAccountId 123456789012 not found."
    )


def test_valid_recipients_reach_the_association_gate(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str]
) -> None:
    with pytest.raises(ClientError) as raised:
        send(sesv2, ["user@customer.test"])
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"


def test_a_suppressed_recipient_does_not_pass_the_association_gate(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str]
) -> None:
    scoped(sesv2, "TENANT", ["BOUNCE"])
    sesv2.put_suppressed_destination(
        EmailAddress="gone@customer.test", Reason="BOUNCE", TenantName="acme"
    )
    with pytest.raises(ClientError) as raised:
        send(sesv2, ["gone@customer.test"])
    assert raised.value.response["Error"]["Message"].startswith(GATE)


# --- suppressed recipients ------------------------------------------------------------------


def test_tenant_scope_drops_a_recipient_on_the_tenant_list(
    sesv2: Any, v1: Any, open_tenant: str
) -> None:
    scoped(sesv2, "TENANT", ["BOUNCE"])
    sesv2.put_suppressed_destination(
        EmailAddress="gone@customer.test", Reason="BOUNCE", TenantName="acme"
    )

    sent = send(sesv2, ["gone@customer.test", "here@customer.test"])

    assert sent["MessageId"]
    assert delivered(v1) == 1


def test_a_send_to_suppressed_recipients_only_is_still_accepted(
    sesv2: Any, v1: Any, open_tenant: str
) -> None:
    scoped(sesv2, "TENANT", ["BOUNCE"])
    sesv2.put_suppressed_destination(
        EmailAddress="gone@customer.test", Reason="BOUNCE", TenantName="acme"
    )
    assert send(sesv2, ["gone@customer.test"])["MessageId"]
    assert delivered(v1) == 0


def test_tenant_list_is_ignored_under_account_scope(
    sesv2: Any, v1: Any, open_tenant: str
) -> None:
    scoped(sesv2, "ACCOUNT", ["BOUNCE"])
    sesv2.put_suppressed_destination(
        EmailAddress="gone@customer.test", Reason="BOUNCE", TenantName="acme"
    )
    send(sesv2, ["gone@customer.test", "here@customer.test"])
    assert delivered(v1) == 2


def test_account_list_applies_to_a_tenant_without_tenant_scope(
    sesv2: Any, v1: Any, open_tenant: str
) -> None:
    sesv2.put_suppressed_destination(EmailAddress="gone@customer.test", Reason="COMPLAINT")
    send(sesv2, ["gone@customer.test", "here@customer.test"])
    assert delivered(v1) == 1


def test_account_list_does_not_apply_under_tenant_scope(
    sesv2: Any, v1: Any, open_tenant: str
) -> None:
    scoped(sesv2, "TENANT", ["BOUNCE", "COMPLAINT"])
    sesv2.put_suppressed_destination(EmailAddress="gone@customer.test", Reason="BOUNCE")
    send(sesv2, ["gone@customer.test"])
    assert delivered(v1) == 1


def test_an_entry_for_a_reason_the_tenant_does_not_suppress_is_delivered(
    sesv2: Any, v1: Any, open_tenant: str
) -> None:
    scoped(sesv2, "TENANT", ["BOUNCE"])
    sesv2.put_suppressed_destination(
        EmailAddress="gone@customer.test", Reason="COMPLAINT", TenantName="acme"
    )
    send(sesv2, ["gone@customer.test"])
    assert delivered(v1) == 1


def test_configuration_set_suppression_options_override_the_tenants_reasons(
    sesv2: Any, v1: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    sesv2.create_configuration_set(
        ConfigurationSetName="no-suppression", SuppressionOptions={"SuppressedReasons": []}
    )
    associate("acme", resources["identity"])
    associate("acme", "arn:aws:ses:us-east-1:123456789012:configuration-set/no-suppression")
    scoped(sesv2, "TENANT", ["BOUNCE"])
    sesv2.put_suppressed_destination(
        EmailAddress="gone@customer.test", Reason="BOUNCE", TenantName="acme"
    )
    send(sesv2, ["gone@customer.test"], ConfigurationSetName="no-suppression")
    assert delivered(v1) == 1


def test_template_and_bulk_sends_drop_suppressed_recipients(
    sesv2: Any, v1: Any, open_tenant: str
) -> None:
    sesv2.put_suppressed_destination(EmailAddress="gone@customer.test", Reason="BOUNCE")
    send(sesv2, ["gone@customer.test", "a@customer.test"], Content=TEMPLATE)
    sesv2.send_bulk_email(
        FromEmailAddress="news@example.com",
        DefaultContent=TEMPLATE,
        BulkEmailEntries=[{"Destination": {"ToAddresses": ["gone@customer.test"]}},
                          {"Destination": {"ToAddresses": ["b@customer.test"]}}],
        TenantName="acme",
    )
    assert delivered(v1) == 2


def test_raw_send_drops_a_suppressed_mime_recipient(
    sesv2: Any, v1: Any, open_tenant: str
) -> None:
    sesv2.put_suppressed_destination(EmailAddress="gone@customer.test", Reason="BOUNCE")
    mime = MIMEText("body")
    mime["From"] = "news@example.com"
    mime["To"] = "Gone <gone@customer.test>, here@customer.test"
    sesv2.send_email(
        FromEmailAddress="news@example.com",
        Content={"Raw": {"Data": mime.as_bytes()}},
        TenantName="acme",
    )
    assert delivered(v1) == 1


def test_send_without_a_tenant_drops_account_list_recipients(
    sesv2: Any, v1: Any, resources: dict[str, str]
) -> None:
    sesv2.put_suppressed_destination(EmailAddress="gone@customer.test", Reason="BOUNCE")
    sesv2.send_email(
        FromEmailAddress="news@example.com",
        Destination={"ToAddresses": ["gone@customer.test", "here@customer.test"]},
        Content=SIMPLE,
    )
    assert delivered(v1) == 1

