"""Deleting an identity, configuration set or template that a tenant still uses is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.emulator.conftest import assert_error

Associate = Callable[[str, str], None]


def guard_message(resource_arn: str) -> str:
    return (
        f"Cannot delete {resource_arn} because it has tenant associations. "
        "Remove all tenant associations and try again."
    )


V2_DELETES = {
    "identity": lambda c: c.delete_email_identity(EmailIdentity="example.com"),
    "configuration-set": lambda c: c.delete_configuration_set(ConfigurationSetName="transactional"),
    "template": lambda c: c.delete_email_template(TemplateName="welcome"),
}


@pytest.mark.parametrize("kind", sorted(V2_DELETES))
def test_v2_delete_of_an_associated_resource_is_refused(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate, kind: str
) -> None:
    associate("acme", resources[kind])
    with pytest.raises(ClientError) as raised:
        V2_DELETES[kind](sesv2)
    assert_error(raised, "BadRequestException", 400, guard_message(resources[kind]))


@pytest.mark.parametrize("kind", sorted(V2_DELETES))
def test_v2_delete_succeeds_once_disassociated(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate, kind: str
) -> None:
    associate("acme", resources[kind])
    sesv2.delete_tenant_resource_association(TenantName="acme", ResourceArn=resources[kind])
    assert V2_DELETES[kind](sesv2)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_v2_delete_succeeds_after_the_tenant_is_deleted(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    associate("acme", resources["identity"])
    sesv2.delete_tenant(TenantName="acme")
    sesv2.delete_email_identity(EmailIdentity="example.com")
    assert sesv2.list_email_identities()["EmailIdentities"] == []


def test_v1_delete_identity_is_refused_as_invalid_parameter(
    sesv2: Any, v1: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    associate("acme", resources["identity"])
    with pytest.raises(ClientError) as raised:
        v1.delete_identity(Identity="example.com")
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert raised.value.response["Error"]["Message"] == guard_message(resources["identity"])


def test_v1_delete_configuration_set_is_refused_as_invalid_parameter(
    sesv2: Any, v1: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    associate("acme", resources["configuration-set"])
    with pytest.raises(ClientError) as raised:
        v1.delete_configuration_set(ConfigurationSetName="transactional")
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert raised.value.response["Error"]["Message"] == guard_message(
        resources["configuration-set"]
    )


def test_v1_template_can_be_associated_and_its_delete_is_refused(
    sesv2: Any, v1: Any, tenant: dict[str, Any], associate: Associate
) -> None:
    v1.create_template(Template={"TemplateName": "legacy", "SubjectPart": "s", "TextPart": "t"})
    legacy = "arn:aws:ses:us-east-1:123456789012:template/legacy"
    associate("acme", legacy)
    with pytest.raises(ClientError) as raised:
        v1.delete_template(TemplateName="legacy")
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert raised.value.response["Error"]["Message"] == guard_message(legacy)


def test_v1_delete_of_an_unassociated_identity_still_works(v1: Any, sesv2: Any) -> None:
    v1.verify_domain_identity(Domain="plain.example")
    v1.delete_identity(Identity="plain.example")
    assert v1.list_identities()["Identities"] == []
