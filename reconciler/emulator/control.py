"""SES-side events that no API call can cause, as plain functions of (account, Region, ...).

Each returns a JSON-able dict so the same functions can be exposed over HTTP in server mode.
Pauses, findings and their clearing follow the status algebra in `reputation.py`.
"""

from __future__ import annotations

from typing import Any, Literal

from reconciler.emulator import cloudtrail, reputation
from reconciler.emulator.backend import emulator_options, tenancy_backend
from reconciler.emulator.options import EmulatorOptions
from reconciler.emulator.tenancy import ReputationRecord

__all__ = [
    "add_finding",
    "age_events",
    "aws_pause",
    "aws_resume",
    "clear_findings",
    "event_history",
    "options",
    "pause",
    "reputation_entity",
    "resume",
    "set_identity_verification",
    "set_options",
    "subscription_token",
]

PauseKind = Literal["policy", "trust_and_safety"]
Impact = Literal["LOW", "HIGH"]


def options(account_id: str, region: str) -> EmulatorOptions:
    """The live options object of that backend; mutate it to switch a variant."""
    return emulator_options(account_id, region)


def set_options(account_id: str, region: str, **changes: Any) -> dict[str, Any]:
    current = emulator_options(account_id, region)
    current.update(**changes)
    return current.to_dict()


def _record(account_id: str, region: str, tenant_name: str) -> ReputationRecord:
    backend = tenancy_backend(account_id, region)
    tenant = backend.get_tenant(tenant_name)
    return backend.store.reputation_record(tenant.arn)


def _entity(account_id: str, region: str, record: ReputationRecord) -> dict[str, Any]:
    return tenancy_backend(account_id, region).entity_view(record)


def aws_pause(
    account_id: str,
    region: str,
    tenant_name: str,
    kind: PauseKind = "policy",
    cause: str | None = None,
) -> dict[str, Any]:
    """`policy` pauses lift on a customer REINSTATED; `trust_and_safety` ones do not."""
    if kind not in ("policy", "trust_and_safety"):
        raise ValueError(f"unknown pause kind {kind!r}")
    record = _record(account_id, region, tenant_name)
    default = (
        "Sending paused by the reputation policy."
        if kind == "policy"
        else "Sending paused by SES Trust and Safety."
    )
    reputation.aws_pause(record, kind, cause or default)
    return _entity(account_id, region, record)


def aws_resume(
    account_id: str, region: str, tenant_name: str, cause: str = "Sending resumed by SES."
) -> dict[str, Any]:
    """What AWS Support does for a Trust & Safety pause."""
    record = _record(account_id, region, tenant_name)
    reputation.aws_resume(record, cause)
    return _entity(account_id, region, record)


def add_finding(account_id: str, region: str, tenant_name: str, impact: Impact,
                finding_type: str = "BOUNCE") -> dict[str, Any]:
    """Records a finding (a recommendation type: BOUNCE, COMPLAINT, ...); the tenant's policy
    decides whether SES pauses it."""
    if impact not in ("LOW", "HIGH"):
        raise ValueError(f"unknown impact {impact!r}")
    record = _record(account_id, region, tenant_name)
    reputation.add_finding(record, impact, finding_type)
    return _entity(account_id, region, record)


def clear_findings(account_id: str, region: str, tenant_name: str) -> dict[str, Any]:
    """Resolves every finding; a REINSTATED tenant returns to ENABLED."""
    record = _record(account_id, region, tenant_name)
    reputation.clear_findings(record)
    return _entity(account_id, region, record)


def reputation_entity(account_id: str, region: str, tenant_name: str) -> dict[str, Any]:
    return _entity(account_id, region, _record(account_id, region, tenant_name))


def age_events(account_id: str, region: str, seconds: float) -> dict[str, Any]:
    """Move the account's recorded CloudTrail events `seconds` into the past (every Region):
    what a benchmark does to make yesterday's apply fall outside tonight's window."""
    return {"events": cloudtrail.age(account_id, float(seconds))}


def event_history(account_id: str, region: str) -> dict[str, Any]:
    """How many events the Region's history holds, and how many lookups `count` pacing let
    through above the rate."""
    return dict(cloudtrail.stats(account_id, region))


pause = aws_pause
resume = aws_resume


VerificationStatus = Literal["PENDING", "SUCCESS", "FAILED", "TEMPORARY_FAILURE", "NOT_STARTED"]


def set_identity_verification(
    account_id: str, region: str, identity: str, status: VerificationStatus
) -> dict[str, Any]:
    """What DNS records (a domain) or a clicked link (an address) decide: moto verifies every
    identity at once, SES only when its owner proves it."""
    if status not in ("PENDING", "SUCCESS", "FAILED", "TEMPORARY_FAILURE", "NOT_STARTED"):
        raise ValueError(f"unknown verification status {status!r}")
    known = tenancy_backend(account_id, region).ses.email_identities.get(identity)
    if known is None:
        raise LookupError(f"identity {identity}")
    known.verification_status = status
    known.verified_for_sending_status = status == "SUCCESS"
    return {"Identity": identity, "VerificationStatus": status}


def subscription_token(account_id: str, region: str, topic: str, endpoint: str) -> dict[str, Any]:
    """The token SNS's confirmation message to `endpoint` carries (what its recipient passes to
    ConfirmSubscription); `topic` is the topic's name or ARN."""
    from moto.sns import sns_backends

    backend = sns_backends[account_id][region]
    arn = topic if topic.startswith("arn:") else f"arn:aws:sns:{region}:{account_id}:{topic}"
    for subscription in backend.subscriptions.values():
        if subscription.topic.arn == arn and subscription.endpoint == endpoint:
            token = getattr(subscription, "confirmation_token", None)
            if token is None:
                raise LookupError(f"pending subscription of {endpoint} to {arn}")
            return {"TopicArn": arn, "Endpoint": endpoint, "Token": token}
    raise LookupError(f"subscription of {endpoint} to {arn}")
