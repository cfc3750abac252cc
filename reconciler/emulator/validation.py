"""Request checks shared by the tenant operations, in the order SES applies them."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reconciler.emulator.messages import (
    INVALID_NEXT_TOKEN,
    TENANT_NAME_EMPTY,
    SesApiError,
    bad_request,
    map_keys_clause,
    map_value_clause,
    not_null_clause,
    validation_failed,
)

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
ASSOCIABLE_TYPES = ("identity", "configuration-set", "template")
REASONS = ["BOUNCE", "COMPLAINT"]
SCOPES = ["TENANT", "ACCOUNT"]
DEFAULT_PAGE_SIZE = 100


def require_tenant_name(name: Any) -> str:
    """Every tenant operation but CreateTenant answers the same text for absent and empty."""
    if not isinstance(name, str) or not name.strip():
        raise bad_request(TENANT_NAME_EMPTY)
    return name


def check_new_tenant_name(name: Any) -> str:
    if name is None:
        raise validation_failed(not_null_clause("tenantName"))
    if name == "":
        raise validation_failed(
            "Value at 'tenantName' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1"
        )
    if not str(name).strip():
        raise bad_request(TENANT_NAME_EMPTY)
    if len(name) > 64:
        raise bad_request("TenantName cannot exceed 64 characters.")
    if not NAME_PATTERN.match(name):
        raise bad_request(
            f"Invalid tenant name {name}: only alphanumeric ASCII characters, '_', "
            "and '-' are allowed."
        )
    return str(name)


def page_size_and_token(page_size: Any, token: Any) -> int:
    """Model-level paging violations are reported together, the token clause first."""
    clauses = []
    if token == "":
        clauses.append(
            "Value '' at 'nextToken' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1"
        )
    size = DEFAULT_PAGE_SIZE if page_size is None else int(page_size)
    if size < 1:
        clauses.append(
            f"Value '{size}' at 'pageSize' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )
    elif size > 100:
        clauses.append(
            f"Value '{size}' at 'pageSize' failed to satisfy constraint: "
            "Member must have value less than or equal to 100"
        )
    if clauses:
        raise validation_failed(*clauses)
    return size


def check_filter_map(filters: Any, allowed: list[str]) -> dict[str, str]:
    filters = filters or {}
    if any(key not in allowed for key in filters):
        raise validation_failed(map_keys_clause("filter", allowed))
    if any(not value for value in filters.values()):
        raise validation_failed(map_value_clause("filter"))
    return dict(filters)


def encode_token(scope: dict[str, Any], position: Any) -> str:
    raw = json.dumps({"scope": scope, "after": position}, sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_token(
    token: str | None,
    scope: dict[str, Any],
    invalid: Callable[[str], SesApiError] = bad_request,
) -> Any:
    """Tokens are bound to the operation and scope they were issued for."""
    if token is None:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as err:
        raise invalid(INVALID_NEXT_TOKEN) from err
    if not isinstance(data, dict) or data.get("scope") != scope or "after" not in data:
        raise invalid(INVALID_NEXT_TOKEN)
    return data["after"]


@dataclass(frozen=True)
class ResourceArn:
    arn: str
    region: str
    account: str
    resource_type: str
    name: str


def parse_resource_arn(arn: Any, region: str, account: str) -> ResourceArn:
    if arn is None:
        raise validation_failed(not_null_clause("resourceArn"))
    parts = str(arn).split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        raise bad_request("Provided resource identifier is not an SES resource")
    if parts[2] != "ses":
        raise bad_request("Provided ARN is not in SES resource ARN format")
    resource_type, _, name = parts[5].partition("/")
    if resource_type not in ASSOCIABLE_TYPES:
        raise bad_request(f"Unsupported resource type: {resource_type}")
    if parts[3] != region:
        raise bad_request(f"Resource {arn} must be in the same region")
    if parts[4] != account:
        raise bad_request(f"Resource {arn} must be in the same account")
    return ResourceArn(str(arn), parts[3], parts[4], resource_type, name)


def check_suppression_enums(reasons: Any, scope: Any, prefix: str = "") -> None:
    clauses = []
    if reasons is not None and any(r not in REASONS for r in reasons):
        clauses.append(
            f"Value at '{prefix}suppressedReasons' failed to satisfy constraint: Member must "
            f"satisfy constraint: [Member must satisfy enum value set: [{', '.join(REASONS)}]]"
        )
    if scope is not None and scope not in SCOPES:
        clauses.append(
            f"Value at '{prefix}suppressionScope' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(SCOPES)}]"
        )
    if clauses:
        raise validation_failed(*clauses)


def check_suppression_pairing(reasons: Any, scope: Any) -> dict[str, Any] | None:
    """All-or-nothing pairing; `None` means "no tenant suppression attributes" (account scope)."""
    if reasons is not None and len(set(reasons)) != len(reasons):
        raise bad_request("Each suppressed reason can only be specified at most once")
    if reasons is not None and scope is None:
        if reasons:
            raise bad_request("SuppressedReasons cannot be specified without SuppressionScope.")
        raise bad_request(
            "SuppressionScope is required when SuppressedReasons are provided. "
            "Valid values are: TENANT, ACCOUNT"
        )
    if scope is not None and reasons is None:
        raise bad_request("SuppressionScope cannot be specified without SuppressedReasons.")
    if reasons is None:
        return None
    return {"SuppressedReasons": list(reasons), "SuppressionScope": scope}
