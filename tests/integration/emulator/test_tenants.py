"""CreateTenant, GetTenant, DeleteTenant: shapes, identifiers, validation order, quota."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from reconciler.emulator.options import EmulatorOptions
from tests.integration.emulator.conftest import PREFIX, Refusal, assert_error, assert_refused

SV = "1 validation error detected: "


NOT_FOUND_GHOST = "The requested tenant ghost does not exist."
REFUSALS: dict[str, Refusal] = {
    "get-unknown-tenant": Refusal(
        lambda c: c.get_tenant(TenantName="ghost"), "NotFoundException", 404, NOT_FOUND_GHOST),
    "delete-unknown-tenant": Refusal(
        lambda c: c.delete_tenant(TenantName="ghost"), "NotFoundException", 404, NOT_FOUND_GHOST),
    "duplicate-name": Refusal(
        lambda c: c.create_tenant(TenantName="acme"), "AlreadyExistsException", 400,
        "Tenant with name acme already exists in account 123456789012", fixtures=("tenant",)),
    "suppression-enum-before-name-charset": Refusal(
        lambda c: c.create_tenant(
            TenantName="bad name",
            SuppressionAttributes={"SuppressedReasons": ["SPAM"], "SuppressionScope": "TENANT"}),
        "BadRequestException", 400,
        SV + "Value at 'suppressionAttributes.suppressedReasons' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must satisfy enum value set: "
        "[BOUNCE, COMPLAINT]]", client="raw"),
    "suppression-pairing-before-duplicate-name": Refusal(
        lambda c: c.create_tenant(TenantName="acme",
                                  SuppressionAttributes={"SuppressionScope": "TENANT"}),
        "BadRequestException", 400,
        "SuppressionScope cannot be specified without SuppressedReasons.", client="raw",
        fixtures=("tenant",)),
}


@pytest.mark.parametrize("case", list(REFUSALS.values()), ids=list(REFUSALS))
def test_refused_requests_answer_the_exact_error(
    request: pytest.FixtureRequest, case: Refusal
) -> None:
    assert_refused(request, case)


def test_create_tenant_returns_identifiers_and_enabled_status(sesv2: Any) -> None:
    created = sesv2.create_tenant(TenantName="acme", Tags=[{"Key": "team", "Value": "mail"}])
    assert created["TenantName"] == "acme"
    assert re.fullmatch(r"tn-[0-9a-f]{30}", created["TenantId"])
    assert created["TenantArn"] == f"{PREFIX}:tenant/acme/{created['TenantId']}"
    assert isinstance(created["CreatedTimestamp"], datetime)
    assert created["Tags"] == [{"Key": "team", "Value": "mail"}]
    assert created["SendingStatus"] == "ENABLED"
    assert "SuppressionAttributes" not in created


def test_tenant_id_length_follows_the_option(sesv2: Any, options: EmulatorOptions) -> None:
    options.tenant_id_hex_length = 29
    created = sesv2.create_tenant(TenantName="acme")
    assert re.fullmatch(r"tn-[0-9a-f]{29}", created["TenantId"])


def test_get_tenant_returns_what_create_returned(sesv2: Any) -> None:
    created = sesv2.create_tenant(
        TenantName="acme",
        Tags=[{"Key": "k", "Value": "v"}],
        SuppressionAttributes={"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "TENANT"},
    )
    tenant = sesv2.get_tenant(TenantName="acme")["Tenant"]
    for key in ("TenantName", "TenantId", "TenantArn", "CreatedTimestamp", "Tags"):
        assert tenant[key] == created[key]
    assert tenant["SendingStatus"] == "ENABLED"
    assert tenant["SuppressionAttributes"] == {
        "SuppressedReasons": ["BOUNCE"],
        "SuppressionScope": "TENANT",
    }


@pytest.mark.parametrize("name", [None, ""])
def test_get_tenant_without_a_name_is_a_bad_request(raw: Any, name: str | None) -> None:
    kwargs = {} if name is None else {"TenantName": name}
    with pytest.raises(ClientError) as raised:
        raw.get_tenant(**kwargs)
    assert_error(raised, "BadRequestException", 400, "TenantName cannot be empty")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, SV + "Value at 'tenantName' failed to satisfy constraint: Member must not be null"),
        (
            {"TenantName": ""},
            SV + "Value at 'tenantName' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1",
        ),
        ({"TenantName": "   "}, "TenantName cannot be empty"),
        ({"TenantName": "a" * 65}, "TenantName cannot exceed 64 characters."),
        (
            {"TenantName": "acme corp"},
            "Invalid tenant name acme corp: only alphanumeric ASCII characters, '_', "
            "and '-' are allowed.",
        ),
    ],
    ids=["absent", "empty", "whitespace", "too-long", "charset"],
)
def test_create_tenant_rejects_bad_names(raw: Any, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ClientError) as raised:
        raw.create_tenant(**kwargs)
    assert_error(raised, "BadRequestException", 400, message)


def test_create_tenant_accepts_a_64_character_name_of_allowed_characters(sesv2: Any) -> None:
    name = "A-b_9" * 12 + "abcd"
    assert sesv2.create_tenant(TenantName=name)["TenantName"] == name


def test_name_charset_error_precedes_suppression_pairing_error(raw: Any) -> None:
    with pytest.raises(ClientError) as raised:
        raw.create_tenant(
            TenantName="bad name", SuppressionAttributes={"SuppressionScope": "TENANT"}
        )
    assert raised.value.response["Error"]["Message"].startswith("Invalid tenant name bad name")


def test_empty_suppression_attributes_are_ignored_by_default(sesv2: Any) -> None:
    created = sesv2.create_tenant(TenantName="acme", SuppressionAttributes={})
    assert "SuppressionAttributes" not in created


def test_empty_suppression_attributes_can_be_refused(sesv2: Any, options: EmulatorOptions) -> None:
    options.empty_suppression_attributes = "error"
    with pytest.raises(ClientError) as raised:
        sesv2.create_tenant(TenantName="acme", SuppressionAttributes={})
    assert_error(
        raised,
        "BadRequestException",
        400,
        "2 validation errors detected: Value null at 'suppressionAttributes.suppressedReasons' "
        "failed to satisfy constraint: Member must not be null; Value null at "
        "'suppressionAttributes.suppressionScope' failed to satisfy constraint: "
        "Member must not be null",
    )


def test_tenant_quota_is_limit_exceeded(sesv2: Any, options: EmulatorOptions) -> None:
    options.max_tenants = 2
    sesv2.create_tenant(TenantName="one")
    sesv2.create_tenant(TenantName="two")
    with pytest.raises(ClientError) as raised:
        sesv2.create_tenant(TenantName="three")
    assert_error(raised, "LimitExceededException", 400, None)


def test_default_tenant_quota_is_ten_thousand(options: EmulatorOptions) -> None:
    assert options.max_tenants == 10_000


def test_delete_tenant_removes_it(sesv2: Any, tenant: dict[str, Any]) -> None:
    assert sesv2.delete_tenant(TenantName="acme")["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as raised:
        sesv2.get_tenant(TenantName="acme")
    assert_error(raised, "NotFoundException", 404, "The requested tenant acme does not exist.")


def test_delete_tenant_cascades_associations_but_keeps_resources(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str]
) -> None:
    sesv2.create_tenant_resource_association(TenantName="acme", ResourceArn=resources["identity"])
    sesv2.delete_tenant(TenantName="acme")
    listed = sesv2.list_resource_tenants(ResourceArn=resources["identity"])
    assert listed["ResourceTenants"] == []
    assert sesv2.get_email_identity(EmailIdentity="example.com")["IdentityType"] == "DOMAIN"


def test_recreated_tenant_gets_a_new_id_and_nothing_carries_over(
    sesv2: Any, resources: dict[str, str]
) -> None:
    first = sesv2.create_tenant(
        TenantName="acme",
        Tags=[{"Key": "k", "Value": "v"}],
        SuppressionAttributes={"SuppressedReasons": [], "SuppressionScope": "ACCOUNT"},
    )
    sesv2.create_tenant_resource_association(TenantName="acme", ResourceArn=resources["template"])
    sesv2.delete_tenant(TenantName="acme")
    second = sesv2.create_tenant(TenantName="acme")
    assert second["TenantId"] != first["TenantId"]
    assert second["TenantArn"] != first["TenantArn"]
    assert second["Tags"] == []
    assert "SuppressionAttributes" not in second
    assert sesv2.list_tenant_resources(TenantName="acme")["TenantResources"] == []


def test_deleted_tenant_arn_no_longer_resolves_for_tags(sesv2: Any, tenant: dict[str, Any]) -> None:
    sesv2.delete_tenant(TenantName="acme")
    with pytest.raises(ClientError) as raised:
        sesv2.list_tags_for_resource(ResourceArn=tenant["TenantArn"])
    assert_error(
        raised,
        "NotFoundException",
        404,
        f"No Tenant present with name: acmewith tenantId: {tenant['TenantId']}",
    )


def test_tenants_are_per_region(sesv2: Any, tenant: dict[str, Any]) -> None:
    import boto3

    west = boto3.client("sesv2", region_name="us-west-2")
    assert west.list_tenants()["Tenants"] == []
    assert west.create_tenant(TenantName="acme")["TenantArn"].startswith("arn:aws:ses:us-west-2:")
