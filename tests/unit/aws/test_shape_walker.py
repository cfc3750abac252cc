"""The response-shape walker the wire-shape tests rely on: it must fail on each kind of defect."""

from __future__ import annotations

from typing import Any

from botocore.model import StructureShape

from tests.support.wire_shapes import ALWAYS_PRESENT, MODEL, shape_problems

ARN = "arn:aws:ses:us-east-1:123456789012:tenant/Acme/tn-0123456789abcdef0123456789abc"
TENANT = {"TenantName": "Acme", "TenantId": "tn-1", "TenantArn": ARN,
          "CreatedTimestamp": 1_700_000_000, "Tags": [{"Key": "k", "Value": "v"}],
          "SendingStatus": "ENABLED"}
INFO = {"TenantName": "Acme", "TenantId": "tn-1", "TenantArn": ARN,
        "CreatedTimestamp": 1_700_000_000, "SendingStatus": "ENABLED"}
POLICY = "arn:aws:ses:us-east-1:aws:reputation-policy/standard"


def problems(operation: str, body: dict[str, Any]) -> list[str]:
    return shape_problems(body, MODEL.operation_model(operation).output_shape, operation)


def without(item: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != key}


def test_a_complete_body_has_no_problems() -> None:
    assert problems("GetTenant", {"Tenant": TENANT}) == []


def test_a_member_the_model_requires_is_reported_missing() -> None:
    body = {"Tenant": {**TENANT, "Tags": [{"Key": "k"}]}}
    assert problems("GetTenant", body) == [
        "GetTenant.Tenant.Tags[0].Value: required by the model, missing"]


def test_a_required_top_level_member_is_reported_missing() -> None:
    assert problems("ListTagsForResource", {}) == [
        "ListTagsForResource.Tags: required by the model, missing"]


def test_a_member_the_reference_always_shows_is_reported_missing() -> None:
    body = {"Tenants": [INFO, without(INFO, "TenantId")]}
    assert problems("ListTenants", body) == [
        "ListTenants.Tenants[1].TenantId: always present per the reference, missing"]


def test_a_null_member_counts_as_missing() -> None:
    assert problems("GetTenant", {"Tenant": None}) == [
        "GetTenant.Tenant: always present per the reference, missing"]


def test_list_tenants_may_omit_the_sending_status() -> None:
    assert problems("ListTenants", {"Tenants": [without(INFO, "SendingStatus")]}) == []


def test_get_tenant_may_not_omit_the_sending_status() -> None:
    assert problems("GetTenant", {"Tenant": without(TENANT, "SendingStatus")}) == [
        "GetTenant.Tenant.SendingStatus: always present per the reference, missing"]


def test_the_customer_status_record_is_held_to_its_documented_members() -> None:
    entity = {"ReputationEntityReference": ARN, "ReputationEntityType": "RESOURCE",
              "ReputationManagementPolicy": POLICY,
              "CustomerManagedStatus": {"Status": "DISABLED"},
              "AwsSesManagedStatus": {"Status": "ENABLED"}}
    assert problems("GetReputationEntity", {"ReputationEntity": entity}) == [
        f"GetReputationEntity.ReputationEntity.CustomerManagedStatus.{member}: "
        "always present per the reference, missing" for member in ("Cause", "LastUpdatedTimestamp")]


def test_unmodelled_members_and_wrong_types_are_still_reported() -> None:
    body = {"Tenant": {**TENANT, "Extra": 1, "CreatedTimestamp": "yesterday"}}
    assert problems("GetTenant", body) == [
        "GetTenant.Tenant.Extra: not in the model",
        "GetTenant.Tenant.CreatedTimestamp: str is not timestamp"]


def test_every_documented_member_exists_in_the_model() -> None:
    shapes = {name: MODEL.shape_for(name) for name in MODEL.shape_names}
    for key, members in ALWAYS_PRESENT.items():
        shape_name, _, use = key.partition(".")
        shape = shapes[shape_name]
        if use:
            shape = shape.members[use]
        assert isinstance(shape, StructureShape), key
        assert members <= set(shape.members), key
