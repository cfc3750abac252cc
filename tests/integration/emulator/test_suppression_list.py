"""The suppressed-destination calls with TenantName reach the tenant's own list (§4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.emulator.conftest import assert_error

SV = "1 validation error detected: "
REASON_ENUM = (
    "Value at 'reason' failed to satisfy constraint: "
    "Member must satisfy enum value set: [BOUNCE, COMPLAINT]"
)
REASONS_ENUM = (
    "Value at 'reasons' failed to satisfy constraint: Member must satisfy constraint: "
    "[Member must satisfy enum value set: [BOUNCE, COMPLAINT]]"
)
NOT_ON_TENANT_LIST = "Email address {} does not exist on your tenant suppression list."


def listed(sesv2: Any, **kwargs: Any) -> list[tuple[str, str]]:
    summaries = sesv2.list_suppressed_destinations(**kwargs)["SuppressedDestinationSummaries"]
    return [(s["EmailAddress"], s["Reason"]) for s in summaries]


def test_put_then_get_reads_the_entry_with_its_tenant(
    sesv2: Any, tenant: dict[str, Any]
) -> None:
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    sesv2.put_suppressed_destination(EmailAddress="a@x.test", Reason="BOUNCE", TenantName="acme")

    got = sesv2.get_suppressed_destination(EmailAddress="a@x.test", TenantName="acme")

    entry = got["SuppressedDestination"]
    assert (entry["EmailAddress"], entry["Reason"], entry["TenantName"]) == (
        "a@x.test", "BOUNCE", "acme")
    assert entry["LastUpdateTime"] >= before


def test_put_replaces_the_reason(sesv2: Any, tenant: dict[str, Any]) -> None:
    for reason in ("BOUNCE", "COMPLAINT"):
        sesv2.put_suppressed_destination(EmailAddress="a@x.test", Reason=reason, TenantName="acme")
    assert listed(sesv2, TenantName="acme") == [("a@x.test", "COMPLAINT")]


def test_domain_case_is_folded_but_the_local_part_is_kept(
    sesv2: Any, tenant: dict[str, Any]
) -> None:
    sesv2.put_suppressed_destination(
        EmailAddress="Ann@Example.COM", Reason="BOUNCE", TenantName="acme"
    )
    got = sesv2.get_suppressed_destination(EmailAddress="Ann@example.com", TenantName="acme")
    assert got["SuppressedDestination"]["EmailAddress"] == "Ann@example.com"
    with pytest.raises(ClientError) as raised:
        sesv2.get_suppressed_destination(EmailAddress="ann@example.com", TenantName="acme")
    assert_error(raised, "NotFoundException", 404, NOT_ON_TENANT_LIST.format("ann@example.com"))


def test_tenant_and_account_lists_are_separate(sesv2: Any, tenant: dict[str, Any]) -> None:
    sesv2.put_suppressed_destination(EmailAddress="t@x.test", Reason="BOUNCE", TenantName="acme")
    sesv2.put_suppressed_destination(EmailAddress="a@x.test", Reason="COMPLAINT")

    assert listed(sesv2, TenantName="acme") == [("t@x.test", "BOUNCE")]
    assert listed(sesv2) == [("a@x.test", "COMPLAINT")]
    with pytest.raises(ClientError) as raised:
        sesv2.get_suppressed_destination(EmailAddress="t@x.test")
    assert_error(
        raised, "NotFoundException", 404,
        "Email address t@x.test does not exist on your suppression list.",
    )


def test_each_tenant_has_its_own_list(sesv2: Any, tenant: dict[str, Any]) -> None:
    sesv2.create_tenant(TenantName="other")
    sesv2.put_suppressed_destination(EmailAddress="t@x.test", Reason="BOUNCE", TenantName="acme")
    assert listed(sesv2, TenantName="other") == []


@pytest.mark.parametrize("scope", [None, "ACCOUNT", "TENANT"])
def test_scope_does_not_gate_the_list_calls(sesv2: Any, scope: str | None) -> None:
    attributes = {} if scope is None else {
        "SuppressionAttributes": {"SuppressionScope": scope, "SuppressedReasons": ["BOUNCE"]}}
    sesv2.create_tenant(TenantName="acme", **attributes)
    sesv2.put_suppressed_destination(EmailAddress="t@x.test", Reason="BOUNCE", TenantName="acme")
    sesv2.delete_suppressed_destination(EmailAddress="t@x.test", TenantName="acme")
    assert listed(sesv2, TenantName="acme") == []


def test_tenant_delete_is_not_idempotent(sesv2: Any, tenant: dict[str, Any]) -> None:
    sesv2.put_suppressed_destination(EmailAddress="t@x.test", Reason="BOUNCE", TenantName="acme")
    sesv2.delete_suppressed_destination(EmailAddress="t@x.test", TenantName="acme")
    with pytest.raises(ClientError) as raised:
        sesv2.delete_suppressed_destination(EmailAddress="t@x.test", TenantName="acme")
    assert_error(raised, "NotFoundException", 404, NOT_ON_TENANT_LIST.format("t@x.test"))


def test_a_deleted_tenants_list_is_unreachable_and_a_recreated_name_starts_empty(
    sesv2: Any, tenant: dict[str, Any]
) -> None:
    sesv2.put_suppressed_destination(EmailAddress="t@x.test", Reason="BOUNCE", TenantName="acme")
    sesv2.delete_tenant(TenantName="acme")
    with pytest.raises(ClientError) as raised:
        sesv2.get_suppressed_destination(EmailAddress="t@x.test", TenantName="acme")
    assert_error(raised, "NotFoundException", 404, "The requested tenant acme does not exist.")

    sesv2.create_tenant(TenantName="acme")

    assert listed(sesv2, TenantName="acme") == []


def test_list_filters_by_reason_and_update_time(sesv2: Any, tenant: dict[str, Any]) -> None:
    sesv2.put_suppressed_destination(EmailAddress="b@x.test", Reason="BOUNCE", TenantName="acme")
    sesv2.put_suppressed_destination(EmailAddress="c@x.test", Reason="COMPLAINT", TenantName="acme")
    future = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)

    assert listed(sesv2, TenantName="acme", Reasons=["COMPLAINT"]) == [("c@x.test", "COMPLAINT")]
    assert listed(sesv2, TenantName="acme", StartDate=future) == []
    assert len(listed(sesv2, TenantName="acme", EndDate=future)) == 2


def test_list_walks_in_pages_without_gaps_when_earlier_entries_are_deleted(
    sesv2: Any, tenant: dict[str, Any]
) -> None:
    addresses = [f"u{i}@x.test" for i in range(5)]
    for address in addresses:
        sesv2.put_suppressed_destination(EmailAddress=address, Reason="BOUNCE", TenantName="acme")
    first = sesv2.list_suppressed_destinations(TenantName="acme", PageSize=2)
    for summary in first["SuppressedDestinationSummaries"]:
        sesv2.delete_suppressed_destination(EmailAddress=summary["EmailAddress"], TenantName="acme")

    second = sesv2.list_suppressed_destinations(
        TenantName="acme", PageSize=2, NextToken=first["NextToken"]
    )
    third = sesv2.list_suppressed_destinations(
        TenantName="acme", PageSize=2, NextToken=second["NextToken"]
    )

    walked = [s["EmailAddress"] for page in (first, second, third)
              for s in page["SuppressedDestinationSummaries"]]
    assert sorted(walked) == addresses
    assert "NextToken" not in third


def test_list_token_of_another_tenant_is_invalid(sesv2: Any, tenant: dict[str, Any]) -> None:
    sesv2.create_tenant(TenantName="other")
    for address in ("a@x.test", "b@x.test"):
        sesv2.put_suppressed_destination(EmailAddress=address, Reason="BOUNCE", TenantName="acme")
    token = sesv2.list_suppressed_destinations(TenantName="acme", PageSize=1)["NextToken"]
    with pytest.raises(ClientError) as raised:
        sesv2.list_suppressed_destinations(TenantName="other", NextToken=token)
    assert_error(raised, "InvalidNextTokenException", 400, "Invalid Next Token")


PUT = "put_suppressed_destination"
GET = "get_suppressed_destination"
DELETE = "delete_suppressed_destination"
LIST = "list_suppressed_destinations"

ERRORS = [
    # (call, kwargs, code, status, message); tenant "acme" exists and its list is empty
    (PUT, {"EmailAddress": "a@x.test", "Reason": "BOUNCE", "TenantName": "ghost"},
     "NotFoundException", 404, "The requested tenant ghost does not exist."),
    (GET, {"EmailAddress": "a@x.test", "TenantName": "ghost"},
     "NotFoundException", 404, "The requested tenant ghost does not exist."),
    (DELETE, {"EmailAddress": "a@x.test", "TenantName": "ghost"},
     "NotFoundException", 404, "The requested tenant ghost does not exist."),
    (LIST, {"TenantName": "ghost"},
     "NotFoundException", 404, "The requested tenant ghost does not exist."),
    (GET, {"EmailAddress": "a@x.test", "TenantName": "acme"},
     "NotFoundException", 404, NOT_ON_TENANT_LIST.format("a@x.test")),
    (DELETE, {"EmailAddress": "a@x.test", "TenantName": "acme"},
     "NotFoundException", 404, NOT_ON_TENANT_LIST.format("a@x.test")),
    (PUT, {"EmailAddress": "a@x.test", "Reason": "BOUNCE", "TenantName": ""},
     "BadRequestException", 400, "TenantName cannot be empty"),
    (GET, {"EmailAddress": "a@x.test", "TenantName": " "},
     "BadRequestException", 400, "TenantName cannot be empty"),
    (LIST, {"TenantName": ""},
     "BadRequestException", 400, "TenantName cannot be empty"),
    # request validation comes before the tenant lookup: "ghost" does not exist
    (PUT, {"EmailAddress": "a@x.test", "Reason": "SPAM", "TenantName": "ghost"},
     "BadRequestException", 400, SV + REASON_ENUM),
    (PUT, {"EmailAddress": "a@x.test", "TenantName": "ghost"},
     "BadRequestException", 400,
     SV + "Value at 'reason' failed to satisfy constraint: Member must not be null"),
    (PUT, {"TenantName": "ghost"},
     "BadRequestException", 400,
     "2 validation errors detected: "
     "Value at 'emailAddress' failed to satisfy constraint: Member must not be null; "
     "Value at 'reason' failed to satisfy constraint: Member must not be null"),
    (PUT, {"EmailAddress": " ", "Reason": "BOUNCE", "TenantName": "ghost"},
     "BadRequestException", 400, "EmailAddress is required."),
    (GET, {"EmailAddress": " ", "TenantName": "ghost"},
     "BadRequestException", 400, "EmailAddress is required."),
    (DELETE, {"EmailAddress": " ", "TenantName": "ghost"},
     "BadRequestException", 400, "EmailAddress is required."),
    (LIST, {"Reasons": ["SPAM"], "TenantName": "ghost"},
     "BadRequestException", 400, SV + REASONS_ENUM),
    (LIST, {"PageSize": 0, "TenantName": "ghost"},
     "BadRequestException", 400,
     SV + "Value '0' at 'pageSize' failed to satisfy constraint: "
     "Member must have value greater than or equal to 1"),
    (LIST, {"NextToken": "not-a-token", "TenantName": "acme"},
     "InvalidNextTokenException", 400, "Invalid Next Token"),
]


@pytest.mark.parametrize(("call", "kwargs", "code", "status", "message"), ERRORS)
def test_documented_errors(
    raw: Any, tenant: dict[str, Any], call: str, kwargs: dict[str, Any], code: str, status: int,
    message: str,
) -> None:
    with pytest.raises(ClientError) as raised:
        getattr(raw, call)(**kwargs)
    assert_error(raised, code, status, message)
