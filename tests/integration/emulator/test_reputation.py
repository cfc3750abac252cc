"""Reputation entities: reads, policy and customer status writes, and the status algebra."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from reconciler.emulator import Emulator
from reconciler.emulator.options import EmulatorOptions
from tests.integration.emulator.conftest import PREFIX, assert_error

SV = "1 validation error detected: "
POLICY = "arn:aws:ses:us-east-1:aws:reputation-policy/{}"


def entity(sesv2: Any, tenant: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = sesv2.get_reputation_entity(
        ReputationEntityType="RESOURCE", ReputationEntityReference=tenant["TenantArn"]
    )["ReputationEntity"]
    return result


def set_status(sesv2: Any, tenant: dict[str, Any], status: str) -> None:
    sesv2.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE",
        ReputationEntityReference=tenant["TenantArn"],
        SendingStatus=status,
    )


def set_policy(sesv2: Any, tenant: dict[str, Any], policy: str) -> None:
    sesv2.update_reputation_entity_policy(
        ReputationEntityType="RESOURCE",
        ReputationEntityReference=tenant["TenantArn"],
        ReputationEntityPolicy=POLICY.format(policy),
    )


def test_new_tenant_has_standard_policy_and_no_customer_status(
    sesv2: Any, tenant: dict[str, Any]
) -> None:
    found = entity(sesv2, tenant)
    assert found["ReputationEntityReference"] == tenant["TenantArn"]
    assert found["ReputationEntityType"] == "RESOURCE"
    assert found["ReputationManagementPolicy"] == POLICY.format("standard")
    assert found["AwsSesManagedStatus"] == {"Status": "ENABLED"}
    assert found["SendingStatusAggregate"] == "ENABLED"
    assert found["ReputationImpact"] == "NONE"
    assert "CustomerManagedStatus" not in found


def test_impact_can_be_absent_before_findings(
    sesv2: Any, tenant: dict[str, Any], options: EmulatorOptions
) -> None:
    options.impact_none = False
    assert "ReputationImpact" not in entity(sesv2, tenant)


def test_untouched_tenant_can_be_not_found(
    sesv2: Any, tenant: dict[str, Any], options: EmulatorOptions
) -> None:
    options.new_tenant_reputation = "not_found"
    with pytest.raises(ClientError) as raised:
        entity(sesv2, tenant)
    assert_error(
        raised, "NotFoundException", 404, f"Reputation entity {tenant['TenantArn']} does not exist."
    )
    assert sesv2.list_reputation_entities()["ReputationEntities"] == []


def test_not_found_variant_finds_the_entity_after_a_policy_write(
    sesv2: Any, tenant: dict[str, Any], options: EmulatorOptions
) -> None:
    options.new_tenant_reputation = "not_found"
    set_policy(sesv2, tenant, "strict")
    assert entity(sesv2, tenant)["ReputationManagementPolicy"] == POLICY.format("strict")


def test_unknown_reference_is_not_found(sesv2: Any) -> None:
    reference = f"{PREFIX}:tenant/ghost/tn-0"
    with pytest.raises(ClientError) as raised:
        sesv2.get_reputation_entity(
            ReputationEntityType="RESOURCE", ReputationEntityReference=reference
        )
    assert_error(raised, "NotFoundException", 404, f"Reputation entity {reference} does not exist.")


def test_unknown_entity_type_is_refused(raw: Any, tenant: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        raw.get_reputation_entity(
            ReputationEntityType="TENANT", ReputationEntityReference=tenant["TenantArn"]
        )
    assert_error(
        raised,
        "BadRequestException",
        400,
        SV + "Value 'TENANT' at 'reputationEntityType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [RESOURCE]",
    )


@pytest.mark.parametrize("policy", ["none", "standard", "strict"])
def test_policy_update_is_read_back(sesv2: Any, tenant: dict[str, Any], policy: str) -> None:
    set_policy(sesv2, tenant, policy)
    assert entity(sesv2, tenant)["ReputationManagementPolicy"] == POLICY.format(policy)


@pytest.mark.parametrize(
    "policy_arn",
    [
        "arn:aws:ses:us-east-1:aws:reputation-policy/lenient",
        "arn:aws:ses:eu-west-1:aws:reputation-policy/strict",
        "strict",
    ],
)
def test_invalid_policy_arn_is_refused(sesv2: Any, tenant: dict[str, Any], policy_arn: str) -> None:
    with pytest.raises(ClientError) as raised:
        sesv2.update_reputation_entity_policy(
            ReputationEntityType="RESOURCE",
            ReputationEntityReference=tenant["TenantArn"],
            ReputationEntityPolicy=policy_arn,
        )
    assert_error(
        raised, "BadRequestException", 400, f"Invalid reputation management policy {policy_arn}."
    )


@pytest.mark.parametrize("operation", ["policy", "status"])
def test_updates_on_unknown_reference_are_bad_requests(sesv2: Any, operation: str) -> None:
    ghost = {"TenantArn": f"{PREFIX}:tenant/ghost/tn-0"}
    with pytest.raises(ClientError) as raised:
        if operation == "policy":
            set_policy(sesv2, ghost, "strict")
        else:
            set_status(sesv2, ghost, "DISABLED")
    assert_error(
        raised,
        "BadRequestException",
        400,
        f"Reputation entity {ghost['TenantArn']} does not exist.",
    )


def test_invalid_customer_status_is_refused(raw: Any, tenant: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        set_status(raw, tenant, "PAUSED")
    assert_error(
        raised,
        "BadRequestException",
        400,
        SV + "Value 'PAUSED' at 'sendingStatus' failed to satisfy constraint: "
        "Member must satisfy enum value set: [ENABLED, REINSTATED, DISABLED]",
    )


def test_customer_write_records_cause_and_time(sesv2: Any, tenant: dict[str, Any]) -> None:
    set_status(sesv2, tenant, "DISABLED")
    found = entity(sesv2, tenant)
    assert found["CustomerManagedStatus"]["Status"] == "DISABLED"
    assert found["CustomerManagedStatus"]["Cause"] == "Status manually updated."
    assert found["CustomerManagedStatus"]["LastUpdatedTimestamp"] >= tenant["CreatedTimestamp"]
    assert found["SendingStatusAggregate"] == "DISABLED"
    assert found["AwsSesManagedStatus"]["Status"] == "ENABLED"


def test_customer_pause_shows_on_get_tenant(sesv2: Any, tenant: dict[str, Any]) -> None:
    set_status(sesv2, tenant, "DISABLED")
    assert sesv2.get_tenant(TenantName="acme")["Tenant"]["SendingStatus"] == "DISABLED"
    set_status(sesv2, tenant, "ENABLED")
    assert sesv2.get_tenant(TenantName="acme")["Tenant"]["SendingStatus"] == "ENABLED"


def test_aws_pause_disables_the_aggregate_whatever_the_customer_says(
    sesv2: Any, tenant: dict[str, Any], emulator: Emulator
) -> None:
    emulator.control.aws_pause("acme", kind="trust_and_safety", cause="Abuse report.")
    set_status(sesv2, tenant, "ENABLED")
    found = entity(sesv2, tenant)
    assert found["AwsSesManagedStatus"]["Status"] == "DISABLED"
    assert found["AwsSesManagedStatus"]["Cause"] == "Abuse report."
    assert found["SendingStatusAggregate"] == "DISABLED"


def test_reinstated_does_not_lift_a_trust_and_safety_pause(
    sesv2: Any, tenant: dict[str, Any], emulator: Emulator
) -> None:
    emulator.control.aws_pause("acme", kind="trust_and_safety")
    set_status(sesv2, tenant, "REINSTATED")
    assert entity(sesv2, tenant)["SendingStatusAggregate"] == "DISABLED"
    emulator.control.aws_resume("acme")
    assert entity(sesv2, tenant)["SendingStatusAggregate"] == "REINSTATED"


def test_reinstated_lifts_a_policy_pause(
    sesv2: Any, tenant: dict[str, Any], emulator: Emulator
) -> None:
    emulator.control.aws_pause("acme", kind="policy")
    assert entity(sesv2, tenant)["SendingStatusAggregate"] == "DISABLED"
    set_status(sesv2, tenant, "REINSTATED")
    found = entity(sesv2, tenant)
    assert found["AwsSesManagedStatus"]["Status"] == "ENABLED"
    assert found["SendingStatusAggregate"] == "REINSTATED"


def test_customer_enabled_does_not_lift_a_policy_pause(
    sesv2: Any, tenant: dict[str, Any], emulator: Emulator
) -> None:
    emulator.control.aws_pause("acme", kind="policy")
    set_status(sesv2, tenant, "ENABLED")
    assert entity(sesv2, tenant)["SendingStatusAggregate"] == "DISABLED"


@pytest.mark.parametrize(
    ("policy", "impact", "paused"),
    [
        ("standard", "HIGH", True),
        ("standard", "LOW", False),
        ("strict", "LOW", True),
        ("strict", "HIGH", True),
        ("none", "HIGH", False),
    ],
)
def test_findings_pause_according_to_policy(
    sesv2: Any, tenant: dict[str, Any], emulator: Emulator, policy: str, impact: str, paused: bool
) -> None:
    set_policy(sesv2, tenant, policy)
    emulator.control.add_finding("acme", impact)
    found = entity(sesv2, tenant)
    assert found["ReputationImpact"] == impact
    assert (found["SendingStatusAggregate"] == "DISABLED") is paused
    if paused:
        assert found["AwsSesManagedStatus"]["Status"] == "DISABLED"


def test_reinstated_ignores_findings_and_returns_to_enabled_once_they_clear(
    sesv2: Any, tenant: dict[str, Any], emulator: Emulator
) -> None:
    emulator.control.add_finding("acme", "HIGH")
    set_status(sesv2, tenant, "REINSTATED")
    emulator.control.add_finding("acme", "HIGH")
    assert entity(sesv2, tenant)["SendingStatusAggregate"] == "REINSTATED"
    emulator.control.clear_findings("acme")
    found = entity(sesv2, tenant)
    assert found["SendingStatusAggregate"] == "ENABLED"
    assert found["CustomerManagedStatus"]["Status"] == "ENABLED"
    assert found["ReputationImpact"] == "NONE"


def test_control_functions_return_the_entity(emulator: Emulator, tenant: dict[str, Any]) -> None:
    returned = emulator.control.add_finding("acme", "LOW")
    assert returned["ReputationEntityReference"] == tenant["TenantArn"]
    assert returned["ReputationImpact"] == "LOW"


def test_list_returns_full_entities_in_reference_order(sesv2: Any) -> None:
    arns = sorted(sesv2.create_tenant(TenantName=n)["TenantArn"] for n in ("b", "a", "c"))
    listed = sesv2.list_reputation_entities()["ReputationEntities"]
    assert [e["ReputationEntityReference"] for e in listed] == arns
    assert all(e["ReputationManagementPolicy"] == POLICY.format("standard") for e in listed)


def test_list_walks_pages(sesv2: Any) -> None:
    for i in range(150):
        sesv2.create_tenant(TenantName=f"t{i:03d}")
    first = sesv2.list_reputation_entities(PageSize=100)
    second = sesv2.list_reputation_entities(PageSize=100, NextToken=first["NextToken"])
    assert len(first["ReputationEntities"]) == 100
    assert len(second["ReputationEntities"]) == 50
    assert "NextToken" not in second


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("ENTITY_TYPE", "RESOURCE", ["a", "b"]),
        ("REPUTATION_IMPACT", "HIGH", ["b"]),
        ("SENDING_STATUS", "DISABLED", ["b"]),
        ("SENDING_STATUS", "ENABLED", ["a"]),
        ("ENTITY_REFERENCE_PREFIX", f"{PREFIX}:tenant/a", ["a"]),
        ("ENTITY_REFERENCE_PREFIX", f"{PREFIX}:tenant/", ["a", "b"]),
    ],
)
def test_list_filters(
    sesv2: Any, emulator: Emulator, key: str, value: str, expected: list[str]
) -> None:
    by_arn = {sesv2.create_tenant(TenantName=n)["TenantArn"]: n for n in ("a", "b")}
    emulator.control.add_finding("b", "HIGH")
    listed = sesv2.list_reputation_entities(Filter={key: value})["ReputationEntities"]
    assert [by_arn[e["ReputationEntityReference"]] for e in listed] == expected


def test_list_refuses_unknown_filter_keys(sesv2: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sesv2.list_reputation_entities(Filter={"TENANT": "x"})
    assert_error(
        raised,
        "BadRequestException",
        400,
        SV + "Value at 'filter' failed to satisfy constraint: Map keys must satisfy constraint: "
        "[Member must satisfy enum value set: [ENTITY_TYPE, REPUTATION_IMPACT, SENDING_STATUS, "
        "ENTITY_REFERENCE_PREFIX]]",
    )


def test_list_refuses_page_size_over_one_hundred(raw: Any) -> None:
    with pytest.raises(ClientError) as raised:
        raw.list_reputation_entities(PageSize=101)
    assert raised.value.response["Error"]["Message"].endswith("less than or equal to 100")


def test_deleting_a_tenant_removes_its_entity(sesv2: Any, tenant: dict[str, Any]) -> None:
    sesv2.delete_tenant(TenantName="acme")
    assert sesv2.list_reputation_entities()["ReputationEntities"] == []
