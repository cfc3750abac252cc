"""Tenant resource associations: create/delete, ARN checks, listing in both directions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from reconciler.emulator.options import EmulatorOptions
from tests.integration.emulator.conftest import Refusal, arn, assert_error, assert_refused

SV = "1 validation error detected: "
Associate = Callable[[str, str], None]

NOT_FOUND_GHOST = "The requested tenant ghost does not exist."
REFUSALS: dict[str, Refusal] = {
    "empty-tenant-name": Refusal(
        lambda c: c.create_tenant_resource_association(
            TenantName="", ResourceArn=arn("identity", "example.com")),
        "BadRequestException", 400, "TenantName cannot be empty", client="raw",
        fixtures=("resources",)),
    "malformed-arn-before-unknown-tenant": Refusal(
        lambda c: c.create_tenant_resource_association(TenantName="ghost", ResourceArn="nonsense"),
        "BadRequestException", 400, "Provided resource identifier is not an SES resource"),
    "unknown-resource-filter-key": Refusal(
        lambda c: c.list_tenant_resources(TenantName="acme", Filter={"TYPE": "identity"}),
        "BadRequestException", 400,
        SV + "Value at 'filter' failed to satisfy constraint: Map keys must satisfy constraint: "
        "[Member must satisfy enum value set: [RESOURCE_TYPE]]", fixtures=("tenant",)),
    "tenant-resources-paging-before-tenant-lookup": Refusal(
        lambda c: c.list_tenant_resources(TenantName="ghost", PageSize=0),
        "BadRequestException", 400,
        SV + "Value '0' at 'pageSize' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1", client="raw"),
    "tenant-resources-of-unknown-tenant": Refusal(
        lambda c: c.list_tenant_resources(TenantName="ghost"),
        "NotFoundException", 404, NOT_FOUND_GHOST),
    "resource-tenants-of-missing-resource": Refusal(
        lambda c: c.list_resource_tenants(ResourceArn=arn("configuration-set", "gone")),
        "NotFoundException", 404, "Configuration set gone does not exist:"),
    "resource-tenants-of-unsupported-type": Refusal(
        lambda c: c.list_resource_tenants(ResourceArn=arn("contact-list", "news")),
        "BadRequestException", 400, "Unsupported resource type: contact-list"),
}


@pytest.mark.parametrize("case", list(REFUSALS.values()), ids=list(REFUSALS))
def test_refused_requests_answer_the_exact_error(
    request: pytest.FixtureRequest, case: Refusal
) -> None:
    assert_refused(request, case)



def test_each_resource_type_can_be_associated(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    for resource_arn in resources.values():
        associate("acme", resource_arn)
    listed = sesv2.list_tenant_resources(TenantName="acme")["TenantResources"]
    assert listed == [
        {"ResourceType": "configuration-set", "ResourceArn": resources["configuration-set"]},
        {"ResourceType": "identity", "ResourceArn": resources["identity"]},
        {"ResourceType": "template", "ResourceArn": resources["template"]},
    ]


def test_a_resource_may_belong_to_many_tenants(
    sesv2: Any, resources: dict[str, str], associate: Associate
) -> None:
    for name in ("first", "second"):
        sesv2.create_tenant(TenantName=name)
        associate(name, resources["identity"])
    tenants = sesv2.list_resource_tenants(ResourceArn=resources["identity"])["ResourceTenants"]
    assert [t["TenantName"] for t in tenants] == ["first", "second"]


def test_unverified_identity_can_be_associated(
    sesv2: Any, tenant: dict[str, Any], associate: Associate
) -> None:
    sesv2.create_email_identity(EmailIdentity="new@example.org")
    associate("acme", arn("identity", "new@example.org"))
    assert len(sesv2.list_tenant_resources(TenantName="acme")["TenantResources"]) == 1


def test_repeat_association_already_exists_by_default(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    associate("acme", resources["identity"])
    with pytest.raises(ClientError) as raised:
        associate("acme", resources["identity"])
    assert_error(
        raised,
        "AlreadyExistsException",
        400,
        f"Resources {resources['identity']} has already been associated with tenant acme",
    )


def test_repeat_association_can_succeed(
    sesv2: Any,
    tenant: dict[str, Any],
    resources: dict[str, str],
    associate: Associate,
    options: EmulatorOptions,
) -> None:
    options.repeat_association = "ok"
    associate("acme", resources["identity"])
    associate("acme", resources["identity"])
    assert len(sesv2.list_tenant_resources(TenantName="acme")["TenantResources"]) == 1


@pytest.mark.parametrize(
    ("resource_arn", "message"),
    [
        (None, SV + "Value at 'resourceArn' failed to satisfy constraint: Member must not be null"),
        ("example.com", "Provided resource identifier is not an SES resource"),
        (
            "arn:aws:sns:us-east-1:123456789012:identity/example.com",
            "Provided ARN is not in SES resource ARN format",
        ),
        (arn("contact-list", "news"), "Unsupported resource type: contact-list"),
        (arn("dedicated-ip-pool", "pool"), "Unsupported resource type: dedicated-ip-pool"),
        (
            "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
            "Resource arn:aws:ses:eu-west-1:123456789012:identity/example.com must be in the "
            "same region",
        ),
        (
            "arn:aws:ses:us-east-1:999999999999:identity/example.com",
            "Resource arn:aws:ses:us-east-1:999999999999:identity/example.com must be in the "
            "same account",
        ),
    ],
    ids=["absent", "not-arn", "not-ses", "contact-list", "ip-pool", "region", "account"],
)
@pytest.mark.parametrize("operation", ["create", "delete"])
def test_malformed_resource_arns_are_refused(
    raw: Any, tenant: dict[str, Any], resource_arn: str | None, message: str, operation: str
) -> None:
    call = getattr(raw, f"{operation}_tenant_resource_association")
    kwargs = {"TenantName": "acme"} | (
        {} if resource_arn is None else {"ResourceArn": resource_arn}
    )
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    assert_error(raised, "BadRequestException", 400, message)


@pytest.mark.parametrize(
    ("kind", "name", "message"),
    [
        ("identity", "missing.example", "Identity missing.example does not exist"),
        ("configuration-set", "missing", "Configuration set missing does not exist:"),
        ("template", "missing", "Email template missing does not exist"),
    ],
)
@pytest.mark.parametrize("operation", ["create", "delete"])
def test_missing_resources_are_not_found_per_type(
    sesv2: Any, tenant: dict[str, Any], kind: str, name: str, message: str, operation: str
) -> None:
    call = getattr(sesv2, f"{operation}_tenant_resource_association")
    with pytest.raises(ClientError) as raised:
        call(TenantName="acme", ResourceArn=arn(kind, name))
    assert_error(raised, "NotFoundException", 404, message)


@pytest.mark.parametrize("operation", ["create", "delete"])
def test_unknown_tenant_is_not_found(sesv2: Any, resources: dict[str, str], operation: str) -> None:
    call = getattr(sesv2, f"{operation}_tenant_resource_association")
    with pytest.raises(ClientError) as raised:
        call(TenantName="ghost", ResourceArn=resources["identity"])
    assert_error(raised, "NotFoundException", 404, "The requested tenant ghost does not exist.")


def test_unknown_tenant_can_be_reported_before_malformed_arn(
    sesv2: Any, options: EmulatorOptions
) -> None:
    options.check_arn_before_tenant = False
    with pytest.raises(ClientError) as raised:
        sesv2.create_tenant_resource_association(TenantName="ghost", ResourceArn="nonsense")
    assert_error(raised, "NotFoundException", 404, "The requested tenant ghost does not exist.")


def test_delete_association_removes_it(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    associate("acme", resources["identity"])
    sesv2.delete_tenant_resource_association(TenantName="acme", ResourceArn=resources["identity"])
    assert sesv2.list_tenant_resources(TenantName="acme")["TenantResources"] == []


def test_deleting_a_missing_association_succeeds(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str]
) -> None:
    response = sesv2.delete_tenant_resource_association(
        TenantName="acme", ResourceArn=resources["identity"]
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_resource_type_filter_uses_arn_segment_spelling(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    for resource_arn in resources.values():
        associate("acme", resource_arn)
    listed = sesv2.list_tenant_resources(
        TenantName="acme", Filter={"RESOURCE_TYPE": "configuration-set"}
    )["TenantResources"]
    assert listed == [
        {"ResourceType": "configuration-set", "ResourceArn": resources["configuration-set"]}
    ]


@pytest.mark.parametrize("value", ["EMAIL_IDENTITY", "identity,template"])
def test_model_enum_spelling_of_resource_type_is_refused(
    sesv2: Any, tenant: dict[str, Any], value: str
) -> None:
    with pytest.raises(ClientError) as raised:
        sesv2.list_tenant_resources(TenantName="acme", Filter={"RESOURCE_TYPE": value})
    assert_error(raised, "BadRequestException", 400, f"Invalid resource type {value} specified.")


def test_tenant_resources_walk_more_than_one_hundred_in_arn_order(
    sesv2: Any, tenant: dict[str, Any], associate: Associate
) -> None:
    expected = sorted(arn("identity", f"d{i:03d}.example") for i in range(120))
    for resource_arn in reversed(expected):
        sesv2.create_email_identity(EmailIdentity=resource_arn.rpartition("/")[2])
        associate("acme", resource_arn)
    first = sesv2.list_tenant_resources(TenantName="acme")
    second = sesv2.list_tenant_resources(TenantName="acme", NextToken=first["NextToken"])
    seen = [r["ResourceArn"] for r in first["TenantResources"] + second["TenantResources"]]
    assert len(first["TenantResources"]) == 100
    assert "NextToken" not in second
    assert seen == expected


def test_tenant_resources_token_is_bound_to_the_tenant(
    sesv2: Any, resources: dict[str, str], associate: Associate
) -> None:
    for name in ("one", "two"):
        sesv2.create_tenant(TenantName=name)
        for resource_arn in resources.values():
            associate(name, resource_arn)
    token = sesv2.list_tenant_resources(TenantName="one", PageSize=1)["NextToken"]
    with pytest.raises(ClientError) as raised:
        sesv2.list_tenant_resources(TenantName="two", PageSize=1, NextToken=token)
    assert_error(raised, "BadRequestException", 400, "Invalid Next Token")


def test_resource_tenants_items_carry_association_time_but_no_tenant_arn(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], associate: Associate
) -> None:
    associate("acme", resources["template"])
    (item,) = sesv2.list_resource_tenants(ResourceArn=resources["template"])["ResourceTenants"]
    assert set(item) == {"TenantName", "TenantId", "ResourceArn", "AssociatedTimestamp"}
    assert item["TenantId"] == tenant["TenantId"]
    assert item["AssociatedTimestamp"] >= tenant["CreatedTimestamp"]


def test_resource_without_tenants_lists_empty(sesv2: Any, resources: dict[str, str]) -> None:
    assert sesv2.list_resource_tenants(ResourceArn=resources["identity"])["ResourceTenants"] == []


def test_resource_tenants_walk_more_than_one_hundred_oldest_first(
    sesv2: Any, resources: dict[str, str], associate: Associate
) -> None:
    order = [f"t{i:03d}" for i in reversed(range(130))]
    for name in order:
        sesv2.create_tenant(TenantName=name)
        associate(name, resources["configuration-set"])
    first = sesv2.list_resource_tenants(ResourceArn=resources["configuration-set"])
    second = sesv2.list_resource_tenants(
        ResourceArn=resources["configuration-set"], NextToken=first["NextToken"]
    )
    seen = [t["TenantName"] for t in first["ResourceTenants"] + second["ResourceTenants"]]
    assert len(first["ResourceTenants"]) == 100
    assert "NextToken" not in second
    assert seen == order
