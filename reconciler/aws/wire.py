"""Translation between SES v2 wire shapes and the shared state types.

Pure functions, so the tolerant parsing (values outside the model, absent members, the
`identity` vs `EMAIL_IDENTITY` spellings) is tested without an endpoint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from botocore.exceptions import ClientError

from reconciler.state import (
    DEFAULT_POLICY,
    DEFAULT_STATUS,
    RESOURCE_KINDS,
    ArnContext,
    LiveStatus,
    ResourceRef,
    Suppression,
)

_TYPE_SPELLINGS: Mapping[str, str] = {
    "EMAIL_IDENTITY": "identity", "CONFIGURATION_SET": "configuration-set",
    "EMAIL_TEMPLATE": "template",
}


def error_code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


def error_message(err: ClientError) -> str:
    error = err.response.get("Error", {})
    return str(error.get("Message") or error.get("message") or "")


def tags_from_wire(tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    """Key -> value, sorted by key, without the reserved `aws:` keys."""
    pairs = ((t["Key"], t.get("Value", "")) for t in tags or ())
    return dict(sorted((k, v) for k, v in pairs if not k.startswith("aws:")))


def tags_to_wire(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def suppression_from_wire(attrs: Mapping[str, Any] | None) -> Suppression | None:
    """The stored pair, or None when cleared/never set (an empty object counts as none)."""
    if not attrs or not attrs.get("SuppressionScope"):
        return None
    return Suppression(attrs["SuppressionScope"], frozenset(attrs.get("SuppressedReasons") or ()))


def policy_from_arn(arn: str | None) -> str:
    """`arn:aws:ses:r:aws:reputation-policy/strict` -> `strict`; absent -> SES's default."""
    return arn.rsplit("/", 1)[-1] if arn else DEFAULT_POLICY


def status_from_entity(entity: Mapping[str, Any] | None, fallback: str | None) -> LiveStatus:
    """LiveStatus from a reputation entity; no entity = a fresh tenant: enabled, never written."""
    if not entity:
        return LiveStatus(aggregate=fallback or DEFAULT_STATUS)
    customer = entity.get("CustomerManagedStatus") or {}
    aws = entity.get("AwsSesManagedStatus") or {}
    return LiveStatus(
        customer=customer.get("Status"),
        aws=aws.get("Status"),
        aggregate=entity.get("SendingStatusAggregate") or fallback or DEFAULT_STATUS,
        impact=entity.get("ReputationImpact"),
        aws_cause=aws.get("Cause"),
        customer_cause=customer.get("Cause"),
    )


def resource_from_wire(item: Mapping[str, Any], ctx: ArnContext) -> ResourceRef | None:
    """A ListTenantResources item as a ref; None for types this tool cannot represent.

    The ARN decides the kind (the `ResourceType` spelling varies); a resource of another Region
    or account keeps its full ARN as its name, so it never equals a local resource of that name.
    """
    arn = item.get("ResourceArn", "")
    try:
        ref = ResourceRef.from_arn(arn)
    except ValueError:
        kind = _TYPE_SPELLINGS.get(item.get("ResourceType", ""), item.get("ResourceType", ""))
        return ResourceRef(kind, arn) if kind in RESOURCE_KINDS else None  # type: ignore[arg-type]
    if arn != ctx.resource_arn(ref):
        return ResourceRef(ref.kind, arn)
    return ref


def resource_arn(ref: ResourceRef, ctx: ArnContext) -> str:
    """The ARN to send for a ref; refs named by a full ARN are sent as they are."""
    return ref.name if ref.name.startswith("arn:") else ctx.resource_arn(ref)


def arn_partition_region(arn: str) -> tuple[str, str]:
    parts = arn.split(":", 5)
    return parts[1], parts[3]
