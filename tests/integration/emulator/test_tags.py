"""Tags on tenant ARNs: merge, list order, resolution by TenantId, limits, cross-account/Region."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.emulator.conftest import assert_error

OTHER_ACCOUNT = "Operations on a resource created in a different account is not allowed"


def tags_of(sesv2: Any, resource_arn: str) -> list[dict[str, str]]:
    result: list[dict[str, str]] = sesv2.list_tags_for_resource(ResourceArn=resource_arn)["Tags"]
    return result


def test_tags_merge_by_key_and_list_sorted(sesv2: Any) -> None:
    tenant = sesv2.create_tenant(TenantName="acme", Tags=[{"Key": "b", "Value": "1"}])
    sesv2.tag_resource(
        ResourceArn=tenant["TenantArn"],
        Tags=[{"Key": "a", "Value": "x"}, {"Key": "b", "Value": "2"}],
    )
    assert tags_of(sesv2, tenant["TenantArn"]) == [
        {"Key": "a", "Value": "x"},
        {"Key": "b", "Value": "2"},
    ]


def test_tag_resource_and_get_tenant_share_one_tag_set(sesv2: Any, tenant: dict[str, Any]) -> None:
    sesv2.tag_resource(ResourceArn=tenant["TenantArn"], Tags=[{"Key": "env", "Value": "prod"}])
    assert sesv2.get_tenant(TenantName="acme")["Tenant"]["Tags"] == [
        {"Key": "env", "Value": "prod"}
    ]


def test_tag_keys_are_case_sensitive(sesv2: Any, tenant: dict[str, Any]) -> None:
    sesv2.tag_resource(
        ResourceArn=tenant["TenantArn"],
        Tags=[{"Key": "Env", "Value": "a"}, {"Key": "env", "Value": "b"}],
    )
    assert len(tags_of(sesv2, tenant["TenantArn"])) == 2


def test_untag_removes_keys_and_ignores_absent_ones(sesv2: Any) -> None:
    tenant = sesv2.create_tenant(
        TenantName="acme", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    )
    sesv2.untag_resource(ResourceArn=tenant["TenantArn"], TagKeys=["a", "missing"])
    assert tags_of(sesv2, tenant["TenantArn"]) == [{"Key": "b", "Value": "2"}]


def test_untag_with_no_keys_is_a_validation_error(raw: Any, tenant: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        raw.untag_resource(ResourceArn=tenant["TenantArn"], TagKeys=[])
    assert_error(raised, "ValidationException", 400, None)


def test_any_name_with_a_valid_id_resolves(sesv2: Any, tenant: dict[str, Any]) -> None:
    alias = tenant["TenantArn"].replace("/acme/", "/whatever/")
    sesv2.tag_resource(ResourceArn=alias, Tags=[{"Key": "k", "Value": "v"}])
    assert tags_of(sesv2, tenant["TenantArn"]) == [{"Key": "k", "Value": "v"}]


@pytest.mark.parametrize("operation", ["tag", "untag", "list"])
def test_valid_name_with_wrong_id_is_not_found(
    sesv2: Any, tenant: dict[str, Any], operation: str
) -> None:
    wrong = tenant["TenantArn"].rpartition("/")[0] + "/tn-0000"
    with pytest.raises(ClientError) as raised:
        call_tag_operation(sesv2, operation, wrong)
    assert_error(
        raised, "NotFoundException", 404, "No Tenant present with name: acmewith tenantId: tn-0000"
    )


def test_arn_without_id_segment_treats_the_name_as_id(sesv2: Any, tenant: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        sesv2.list_tags_for_resource(ResourceArn="arn:aws:ses:us-east-1:123456789012:tenant/acme")
    assert_error(
        raised, "NotFoundException", 404, "No Tenant present with name: nullwith tenantId: acme"
    )


@pytest.mark.parametrize("operation", ["tag", "untag", "list"])
def test_other_account_is_refused_first(sesv2: Any, tenant: dict[str, Any], operation: str) -> None:
    foreign = (
        tenant["TenantArn"]
        .replace("123456789012", "999999999999")
        .replace("us-east-1", "eu-west-1")
    )
    with pytest.raises(ClientError) as raised:
        call_tag_operation(sesv2, operation, foreign)
    assert_error(raised, "BadRequestException", 400, OTHER_ACCOUNT)


@pytest.mark.parametrize(
    ("operation", "message"),
    [("tag", "Failed to tag resource"), ("untag", "Failed to untag resource")],
)
def test_other_region_fails_to_tag_or_untag(
    sesv2: Any, tenant: dict[str, Any], operation: str, message: str
) -> None:
    elsewhere = tenant["TenantArn"].replace("us-east-1", "eu-west-1")
    with pytest.raises(ClientError) as raised:
        call_tag_operation(sesv2, operation, elsewhere)
    assert_error(raised, "BadRequestException", 400, message)


def test_other_region_lists_no_tags(sesv2: Any) -> None:
    tenant = sesv2.create_tenant(TenantName="acme", Tags=[{"Key": "k", "Value": "v"}])
    assert tags_of(sesv2, tenant["TenantArn"].replace("us-east-1", "eu-west-1")) == []


def test_fifty_tags_fit_and_the_fifty_first_is_refused(sesv2: Any, tenant: dict[str, Any]) -> None:
    fifty = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    sesv2.tag_resource(ResourceArn=tenant["TenantArn"], Tags=fifty)
    with pytest.raises(ClientError) as raised:
        sesv2.tag_resource(ResourceArn=tenant["TenantArn"], Tags=[{"Key": "extra", "Value": "v"}])
    assert_error(raised, "BadRequestException", 400, "A resource can have at most 50 tags.")
    assert len(tags_of(sesv2, tenant["TenantArn"])) == 50


def test_create_tenant_with_too_many_tags_is_limit_exceeded(sesv2: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sesv2.create_tenant(
            TenantName="acme", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)]
        )
    assert_error(raised, "LimitExceededException", 400, "A resource can have at most 50 tags.")


def test_aws_prefixed_keys_are_reserved(sesv2: Any, tenant: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        sesv2.tag_resource(ResourceArn=tenant["TenantArn"], Tags=[{"Key": "aws:x", "Value": "v"}])
    assert_error(
        raised,
        "BadRequestException",
        400,
        "Tag keys starting with 'aws:' are reserved for AWS use.",
    )


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ({"Key": "k" * 129, "Value": "v"}, "Tag keys must be between 1 and 128 characters long."),
        ({"Key": "k", "Value": "v" * 257}, "Tag values must be at most 256 characters long."),
    ],
)
def test_tag_length_limits(
    raw: Any, tenant: dict[str, Any], tag: dict[str, str], message: str
) -> None:
    with pytest.raises(ClientError) as raised:
        raw.tag_resource(ResourceArn=tenant["TenantArn"], Tags=[tag])
    assert_error(raised, "BadRequestException", 400, message)


def test_empty_tag_value_is_allowed(sesv2: Any, tenant: dict[str, Any]) -> None:
    sesv2.tag_resource(ResourceArn=tenant["TenantArn"], Tags=[{"Key": "flag", "Value": ""}])
    assert tags_of(sesv2, tenant["TenantArn"]) == [{"Key": "flag", "Value": ""}]


def test_other_resource_types_keep_moto_tagging(sesv2: Any) -> None:
    sesv2.create_configuration_set(ConfigurationSetName="cs")
    cs_arn = "arn:aws:ses:us-east-1:123456789012:configuration-set/cs"
    sesv2.tag_resource(ResourceArn=cs_arn, Tags=[{"Key": "k", "Value": "v"}])
    assert tags_of(sesv2, cs_arn) == [{"Key": "k", "Value": "v"}]
    sesv2.untag_resource(ResourceArn=cs_arn, TagKeys=["k"])
    assert tags_of(sesv2, cs_arn) == []


def call_tag_operation(sesv2: Any, operation: str, resource_arn: str) -> Any:
    if operation == "tag":
        return sesv2.tag_resource(ResourceArn=resource_arn, Tags=[{"Key": "k", "Value": "v"}])
    if operation == "untag":
        return sesv2.untag_resource(ResourceArn=resource_arn, TagKeys=["k"])
    return sesv2.list_tags_for_resource(ResourceArn=resource_arn)
