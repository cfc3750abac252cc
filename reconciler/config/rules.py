"""The value rules of SES and of this tool, as plain functions returning an error message or None.

Shared by the pydantic models (single values) and the cross-document checks, so that one rule has
one wording wherever it fires.
"""

from __future__ import annotations

import re

from reconciler.state import RESOURCE_KINDS, ResourceKind, ResourceRef

NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]{1,2}")
ACCOUNT_RE = re.compile(r"[0-9]{12}")
PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
DOMAIN_RE = re.compile(rf"(?:{_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
EMAIL_LOCAL_RE = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
RULE_NAME_RE = re.compile(r"[.\-_A-Za-z0-9]{1,64}")
LOG_GROUP_RE = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}")
PLACEHOLDER_RE = re.compile(r"\$\{([^}]*)\}")
PLACEHOLDERS = frozenset(
    {"tenant.name", "tenant.id", "tenant.arn", "account_id", "region", "partition"})
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                  2192, 2557, 2922, 3288, 3653)
MAX_TAGS = 50


def tenant_name_error(name: str, what: str = "tenant") -> str | None:
    """SES TenantName: 1-64 characters of `[A-Za-z0-9_-]` (the API's own wording)."""
    if not name or not name.strip():
        return f"{what} name cannot be empty"
    if len(name) > 64:
        return f"{what} name {name!r} exceeds 64 characters"
    if not NAME_RE.fullmatch(name):
        return (f"invalid {what} name {name!r}: only alphanumeric ASCII characters, '_', "
                "and '-' are allowed")
    return None


def tag_key_error(key: str) -> str | None:
    if not 1 <= len(key) <= 128:
        return f"tag key {key!r} must be 1-128 characters"
    if key.lower().startswith("aws:"):
        return f"tag key {key!r} uses the reserved 'aws:' prefix"
    return None


def tag_value_error(value: str) -> str | None:
    if len(value) > 256:
        return f"tag value must be at most 256 characters (got {len(value)})"
    return None


def identity_error(name: str) -> str | None:
    """An SES email identity is a domain or an email address."""
    if "@" in name:
        local, _, domain = name.rpartition("@")
        if len(local) <= 64 and EMAIL_LOCAL_RE.fullmatch(local) and _is_domain(domain):
            return None
        return f"{name!r} is not a valid email address"
    if _is_domain(name):
        return None
    return f"{name!r} is not a domain name or an email address"


def _is_domain(name: str) -> bool:
    return len(name) <= 253 and DOMAIN_RE.fullmatch(name) is not None


def resource_name_error(kind: ResourceKind, name: str) -> str | None:
    if kind == "identity":
        return identity_error(name)
    if NAME_RE.fullmatch(name):
        return None
    return (f"invalid {kind} name {name!r}: 1-64 characters, alphanumeric ASCII, '_' and '-' "
            "only")


def arn_error(arn: str, kind: ResourceKind) -> str | None:
    """Shape of an SES resource ARN listed under the field for `kind` (region/account aside)."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return f"{arn!r} is not an ARN (arn:PARTITION:ses:REGION:ACCOUNT:TYPE/NAME)"
    if parts[1] not in PARTITIONS:
        return f"unknown partition {parts[1]!r} in {arn!r}"
    if parts[2] != "ses":
        return f"{arn!r} is not an SES ARN (service is {parts[2]!r}, expected 'ses')"
    rtype, slash, name = parts[5].partition("/")
    if rtype not in RESOURCE_KINDS or not slash:
        return (f"unsupported resource type {rtype!r} in {arn!r} (expected identity, "
                "configuration-set or template)")
    if rtype != kind:
        return f"{arn!r} is a {rtype} ARN, expected a {kind} ARN here"
    if not REGION_RE.fullmatch(parts[3]) or not ACCOUNT_RE.fullmatch(parts[4]):
        return f"{arn!r} needs a region and a 12-digit account id"
    return resource_name_error(kind, name)


def resource_error(kind: ResourceKind, value: str) -> str | None:
    if value.startswith("arn:"):
        return arn_error(value, kind)
    return resource_name_error(kind, value)


def to_ref(kind: ResourceKind, value: str) -> ResourceRef:
    """A valid resource entry as a reference. An ARN stays whole: its account and Region are
    only known to be the run's own once the credentials are (see `planning.resource_scope`)."""
    return ResourceRef(kind, value)


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def arn_scope_error(arn: str, region: str, account: str | None) -> str | None:
    """An ARN must point into the configured partition, region and (when given) account."""
    _, partition, _, arn_region, arn_account = arn.split(":", 5)[:5]
    if partition != partition_of(region):
        return f"{arn!r} is in partition {partition!r}, not {partition_of(region)!r}"
    if arn_region != region:
        return f"{arn!r} must be in the same region as settings.region ({region})"
    if account is not None and arn_account != account:
        return f"{arn!r} must be in the same account as settings.account_id ({account})"
    return None


def unknown_placeholders(text: str) -> list[str]:
    """`${...}` names that are neither ours nor IAM policy variables (`${aws:username}`)."""
    return [m for m in PLACEHOLDER_RE.findall(text) if m not in PLACEHOLDERS and ":" not in m]
