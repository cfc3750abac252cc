"""PutTenantSuppressionAttributes: all-or-nothing pairs, enum and duplicate checks, precedence."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.emulator.conftest import assert_error

SV = "1 validation error detected: "
REASONS_ENUM = (
    "Value at 'suppressedReasons' failed to satisfy constraint: Member must satisfy constraint: "
    "[Member must satisfy enum value set: [BOUNCE, COMPLAINT]]"
)
SCOPE_ENUM = (
    "Value at 'suppressionScope' failed to satisfy constraint: "
    "Member must satisfy enum value set: [TENANT, ACCOUNT]"
)


def stored(sesv2: Any) -> dict[str, Any] | None:
    return sesv2.get_tenant(TenantName="acme")["Tenant"].get("SuppressionAttributes")


def test_both_members_replace_the_stored_pair(sesv2: Any, tenant: dict[str, Any]) -> None:
    sesv2.put_tenant_suppression_attributes(
        TenantName="acme", SuppressedReasons=["BOUNCE", "COMPLAINT"], SuppressionScope="TENANT"
    )
    sesv2.put_tenant_suppression_attributes(
        TenantName="acme", SuppressedReasons=["COMPLAINT"], SuppressionScope="ACCOUNT"
    )
    assert stored(sesv2) == {"SuppressedReasons": ["COMPLAINT"], "SuppressionScope": "ACCOUNT"}


def test_empty_reasons_with_a_scope_is_a_valid_state(sesv2: Any, tenant: dict[str, Any]) -> None:
    sesv2.put_tenant_suppression_attributes(
        TenantName="acme", SuppressedReasons=[], SuppressionScope="TENANT"
    )
    assert stored(sesv2) == {"SuppressedReasons": [], "SuppressionScope": "TENANT"}


def test_put_is_idempotent(sesv2: Any, tenant: dict[str, Any]) -> None:
    for _ in range(2):
        sesv2.put_tenant_suppression_attributes(
            TenantName="acme", SuppressedReasons=["BOUNCE"], SuppressionScope="TENANT"
        )
    assert stored(sesv2) == {"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "TENANT"}


def test_bare_put_clears_the_attributes(sesv2: Any) -> None:
    sesv2.create_tenant(
        TenantName="acme",
        SuppressionAttributes={"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "TENANT"},
    )
    sesv2.put_tenant_suppression_attributes(TenantName="acme")
    assert stored(sesv2) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"SuppressedReasons": ["BOUNCE"]},
            "SuppressedReasons cannot be specified without SuppressionScope.",
        ),
        (
            {"SuppressedReasons": []},
            "SuppressionScope is required when SuppressedReasons are provided. "
            "Valid values are: TENANT, ACCOUNT",
        ),
        (
            {"SuppressionScope": "TENANT"},
            "SuppressionScope cannot be specified without SuppressedReasons.",
        ),
        (
            {"SuppressedReasons": ["BOUNCE", "BOUNCE"], "SuppressionScope": "TENANT"},
            "Each suppressed reason can only be specified at most once",
        ),
        ({"SuppressedReasons": ["SPAM"], "SuppressionScope": "TENANT"}, SV + REASONS_ENUM),
        ({"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "GLOBAL"}, SV + SCOPE_ENUM),
        (
            {"SuppressedReasons": ["SPAM"], "SuppressionScope": "GLOBAL"},
            f"2 validation errors detected: {REASONS_ENUM}; {SCOPE_ENUM}",
        ),
    ],
    ids=[
        "reasons-only",
        "empty-reasons-only",
        "scope-only",
        "duplicate",
        "bad-reason",
        "bad-scope",
        "both-bad",
    ],
)
def test_invalid_attributes_are_refused(
    raw: Any, tenant: dict[str, Any], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as raised:
        raw.put_tenant_suppression_attributes(TenantName="acme", **kwargs)
    assert_error(raised, "BadRequestException", 400, message)


def test_failed_put_leaves_the_stored_pair_alone(raw: Any, sesv2: Any) -> None:
    sesv2.create_tenant(
        TenantName="acme",
        SuppressionAttributes={"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "TENANT"},
    )
    with pytest.raises(ClientError):
        raw.put_tenant_suppression_attributes(TenantName="acme", SuppressionScope="ACCOUNT")
    assert stored(sesv2) == {"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "TENANT"}


def test_empty_name_precedes_enum_errors(raw: Any) -> None:
    with pytest.raises(ClientError) as raised:
        raw.put_tenant_suppression_attributes(TenantName="", SuppressedReasons=["SPAM"])
    assert_error(raised, "BadRequestException", 400, "TenantName cannot be empty")


def test_enum_error_precedes_duplicate_error(raw: Any, tenant: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        raw.put_tenant_suppression_attributes(
            TenantName="acme", SuppressedReasons=["SPAM", "SPAM"], SuppressionScope="TENANT"
        )
    assert_error(raised, "BadRequestException", 400, SV + REASONS_ENUM)


def test_duplicate_error_precedes_pairing_error(raw: Any, tenant: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        raw.put_tenant_suppression_attributes(
            TenantName="acme", SuppressedReasons=["BOUNCE", "BOUNCE"]
        )
    assert_error(
        raised,
        "BadRequestException",
        400,
        "Each suppressed reason can only be specified at most once",
    )


def test_request_is_validated_before_the_tenant_is_looked_up(raw: Any) -> None:
    with pytest.raises(ClientError) as raised:
        raw.put_tenant_suppression_attributes(TenantName="ghost", SuppressionScope="TENANT")
    assert_error(
        raised,
        "BadRequestException",
        400,
        "SuppressionScope cannot be specified without SuppressedReasons.",
    )


def test_valid_put_on_unknown_tenant_is_not_found(sesv2: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sesv2.put_tenant_suppression_attributes(TenantName="ghost")
    assert_error(raised, "NotFoundException", 404, "The requested tenant ghost does not exist.")


def test_create_tenant_pairing_errors_match_put(raw: Any) -> None:
    with pytest.raises(ClientError) as raised:
        raw.create_tenant(
            TenantName="acme", SuppressionAttributes={"SuppressedReasons": ["BOUNCE"]}
        )
    assert_error(
        raised,
        "BadRequestException",
        400,
        "SuppressedReasons cannot be specified without SuppressionScope.",
    )


def test_create_tenant_enum_errors_carry_the_member_prefix(raw: Any) -> None:
    with pytest.raises(ClientError) as raised:
        raw.create_tenant(
            TenantName="acme",
            SuppressionAttributes={"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "X"},
        )
    assert_error(
        raised,
        "BadRequestException",
        400,
        SV + "Value at 'suppressionAttributes.suppressionScope' failed to satisfy constraint: "
        "Member must satisfy enum value set: [TENANT, ACCOUNT]",
    )
