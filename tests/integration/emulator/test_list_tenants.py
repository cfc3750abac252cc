"""ListTenants: order, filters, pagination and the paging validation shared by list calls."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from reconciler.emulator.options import EmulatorOptions
from tests.integration.emulator.conftest import assert_error

SV = "1 validation error detected: "


def names(page: dict[str, Any]) -> list[str]:
    return [t["TenantName"] for t in page["Tenants"]]


def test_items_carry_identifiers_and_status_but_no_tags(sesv2: Any) -> None:
    sesv2.create_tenant(TenantName="acme", Tags=[{"Key": "k", "Value": "v"}])
    (item,) = sesv2.list_tenants()["Tenants"]
    assert set(item) == {"TenantName", "TenantId", "TenantArn", "CreatedTimestamp", "SendingStatus"}


def test_items_can_omit_sending_status(sesv2: Any, options: EmulatorOptions) -> None:
    options.list_tenants_sending_status = False
    sesv2.create_tenant(TenantName="acme")
    (item,) = sesv2.list_tenants()["Tenants"]
    assert "SendingStatus" not in item


def test_tenants_are_listed_in_ordinal_name_order(sesv2: Any) -> None:
    for name in ("beta", "Alpha", "alpha", "Zulu"):
        sesv2.create_tenant(TenantName=name)
    assert names(sesv2.list_tenants()) == ["Alpha", "Zulu", "alpha", "beta"]


def test_250_tenants_walk_in_pages_without_gaps_or_repeats(sesv2: Any) -> None:
    expected = sorted(f"tenant-{i:03d}" for i in range(250))
    for name in expected:
        sesv2.create_tenant(TenantName=name)
    seen: list[str] = []
    pages = 0
    kwargs: dict[str, Any] = {"PageSize": 100}
    while True:
        page = sesv2.list_tenants(**kwargs)
        pages += 1
        seen += names(page)
        if not page.get("NextToken"):
            break
        kwargs["NextToken"] = page["NextToken"]
    assert seen == expected
    assert pages == 3


def test_default_page_size_is_one_hundred(sesv2: Any) -> None:
    for i in range(101):
        sesv2.create_tenant(TenantName=f"t{i:03d}")
    page = sesv2.list_tenants()
    assert len(page["Tenants"]) == 100
    assert page["NextToken"]


def test_last_page_has_no_next_token(sesv2: Any) -> None:
    sesv2.create_tenant(TenantName="acme")
    assert "NextToken" not in sesv2.list_tenants(PageSize=1)


def test_name_filter_is_a_case_insensitive_substring(sesv2: Any) -> None:
    for name in ("AcmeCorp", "acme-eu", "globex"):
        sesv2.create_tenant(TenantName=name)
    page = sesv2.list_tenants(Filter={"TENANT_NAME_CONTAINS": "ACME"})
    assert names(page) == ["AcmeCorp", "acme-eu"]


def test_status_filter_matches_the_sending_status(sesv2: Any) -> None:
    paused = sesv2.create_tenant(TenantName="paused")
    sesv2.create_tenant(TenantName="running")
    sesv2.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE",
        ReputationEntityReference=paused["TenantArn"],
        SendingStatus="DISABLED",
    )
    assert names(sesv2.list_tenants(Filter={"SENDING_STATUS": "DISABLED"})) == ["paused"]
    assert names(sesv2.list_tenants(Filter={"SENDING_STATUS": "ENABLED"})) == ["running"]


def test_filters_and_together(sesv2: Any) -> None:
    for name in ("acme-a", "acme-b", "other"):
        sesv2.create_tenant(TenantName=name)
    page = sesv2.list_tenants(Filter={"TENANT_NAME_CONTAINS": "acme", "SENDING_STATUS": "ENABLED"})
    assert names(page) == ["acme-a", "acme-b"]


def test_empty_filter_lists_everything(sesv2: Any) -> None:
    sesv2.create_tenant(TenantName="acme")
    assert names(sesv2.list_tenants(Filter={})) == ["acme"]


def test_filtered_walk_keeps_the_filter_across_pages(sesv2: Any) -> None:
    for i in range(5):
        sesv2.create_tenant(TenantName=f"acme-{i}")
        sesv2.create_tenant(TenantName=f"other-{i}")
    first = sesv2.list_tenants(Filter={"TENANT_NAME_CONTAINS": "acme"}, PageSize=3)
    second = sesv2.list_tenants(
        Filter={"TENANT_NAME_CONTAINS": "ACME"}, PageSize=3, NextToken=first["NextToken"]
    )
    assert names(first) + names(second) == [f"acme-{i}" for i in range(5)]


def test_short_name_filter_is_refused(sesv2: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sesv2.list_tenants(Filter={"TENANT_NAME_CONTAINS": "ac"})
    assert_error(
        raised, "BadRequestException", 400, "TENANT_NAME_CONTAINS must be at least 3 characters."
    )


def test_unknown_status_filter_is_refused(sesv2: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sesv2.list_tenants(Filter={"SENDING_STATUS": "enabled"})
    assert_error(raised, "BadRequestException", 400, "Invalid sending status enabled.")


def test_unknown_filter_key_is_a_map_key_violation(sesv2: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sesv2.list_tenants(Filter={"TENANT_ID": "tn-1"})
    assert_error(
        raised,
        "BadRequestException",
        400,
        SV + "Value at 'filter' failed to satisfy constraint: Map keys must satisfy constraint: "
        "[Member must satisfy enum value set: [SENDING_STATUS, TENANT_NAME_CONTAINS]]",
    )


def test_empty_filter_value_is_a_map_value_violation(raw: Any) -> None:
    with pytest.raises(ClientError) as raised:
        raw.list_tenants(Filter={"TENANT_NAME_CONTAINS": ""})
    assert_error(
        raised,
        "BadRequestException",
        400,
        SV + "Value at 'filter' failed to satisfy constraint: Map value must satisfy constraint: "
        "[Member must have length greater than or equal to 1]",
    )


def test_filter_model_error_precedes_paging_error(raw: Any) -> None:
    with pytest.raises(ClientError) as raised:
        raw.list_tenants(Filter={"BOGUS": "x"}, PageSize=0)
    assert "Map keys" in raised.value.response["Error"]["Message"]


def test_paging_error_precedes_name_filter_length(raw: Any) -> None:
    with pytest.raises(ClientError) as raised:
        raw.list_tenants(Filter={"TENANT_NAME_CONTAINS": "ab"}, PageSize=101)
    assert "pageSize" in raised.value.response["Error"]["Message"]


def test_name_filter_length_precedes_token_validity(raw: Any) -> None:
    with pytest.raises(ClientError) as raised:
        raw.list_tenants(Filter={"TENANT_NAME_CONTAINS": "ab"}, NextToken="garbage")
    assert raised.value.response["Error"]["Message"].startswith("TENANT_NAME_CONTAINS")


@pytest.mark.parametrize(
    ("size", "bound"),
    [(0, "greater than or equal to 1"), (101, "less than or equal to 100")],
)
def test_page_size_out_of_range_is_refused(raw: Any, size: int, bound: str) -> None:
    with pytest.raises(ClientError) as raised:
        raw.list_tenants(PageSize=size)
    assert_error(
        raised,
        "BadRequestException",
        400,
        SV + f"Value '{size}' at 'pageSize' failed to satisfy constraint: Member must have "
        f"value {bound}",
    )


def test_empty_next_token_is_refused(raw: Any) -> None:
    with pytest.raises(ClientError) as raised:
        raw.list_tenants(NextToken="")
    assert_error(
        raised,
        "BadRequestException",
        400,
        SV + "Value '' at 'nextToken' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
    )


def test_two_paging_violations_are_reported_together_token_first(raw: Any) -> None:
    with pytest.raises(ClientError) as raised:
        raw.list_tenants(NextToken="", PageSize=0)
    assert_error(
        raised,
        "BadRequestException",
        400,
        "2 validation errors detected: Value '' at 'nextToken' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; Value '0' at 'pageSize' failed to "
        "satisfy constraint: Member must have value greater than or equal to 1",
    )


def test_unreadable_token_is_invalid(sesv2: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sesv2.list_tenants(NextToken="not-a-token")
    assert_error(raised, "BadRequestException", 400, "Invalid Next Token")


def test_token_from_another_filter_is_invalid(sesv2: Any) -> None:
    for i in range(3):
        sesv2.create_tenant(TenantName=f"acme-{i}")
    token = sesv2.list_tenants(PageSize=1)["NextToken"]
    with pytest.raises(ClientError) as raised:
        sesv2.list_tenants(Filter={"TENANT_NAME_CONTAINS": "acme"}, NextToken=token)
    assert_error(raised, "BadRequestException", 400, "Invalid Next Token")


def test_token_from_another_operation_is_invalid(sesv2: Any) -> None:
    for i in range(3):
        sesv2.create_tenant(TenantName=f"acme-{i}")
    token = sesv2.list_reputation_entities(PageSize=1)["NextToken"]
    with pytest.raises(ClientError) as raised:
        sesv2.list_tenants(NextToken=token)
    assert_error(raised, "BadRequestException", 400, "Invalid Next Token")
