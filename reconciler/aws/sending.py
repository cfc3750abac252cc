"""The calls of `verify --send-test`: the account's send rate, and one SendEmail as a tenant.

SES answers a tenant send it refuses with an error, not a status; each refusal that says
something about the tenant becomes an outcome (ses-tenants-api.md §7): 404 the tenant does not
exist, 403 `Tenant not associated with resources [ARN, ...]` (every missing ARN), 400
SendingPausedException (the emulator's answer for a paused tenant; SES has not published its
own) and 400 MessageRejected `Email address is not verified...`. Anything else is `failed`
with SES's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from botocore.exceptions import ClientError

from reconciler.aws.wire import error_code, error_message

Outcome = Literal["sent", "paused", "not_associated", "not_verified", "not_found", "no_identity",
                  "failed"]
_MISSING = re.compile(r"^Tenant not associated with resources \[(?P<arns>.*)\]\.?$")
_PAUSED = frozenset({"SendingPausedException", "AccountSendingPausedException"})


@dataclass(frozen=True, slots=True)
class ProbeMessage:
    """What one tenant sends: from its identity, through its set and template when it has them."""

    tenant: str
    from_address: str
    to: str
    configuration_set: str | None = None
    template: str | None = None


@dataclass(frozen=True, slots=True)
class SendResult:
    tenant: str
    outcome: Outcome
    message_id: str | None = None
    resources: tuple[str, ...] = ()  # not_associated: the ARNs SES named
    detail: str = ""  # SES's message for a refusal


def max_send_rate(client: Any) -> float:
    """Messages per second the account may send (GetAccount SendQuota.MaxSendRate)."""
    return float(client.get_account()["SendQuota"]["MaxSendRate"])


def send_test(client: Any, message: ProbeMessage) -> SendResult:
    kwargs: dict[str, Any] = {
        "FromEmailAddress": message.from_address,
        "Destination": {"ToAddresses": [message.to]},
        "Content": _content(message),
        "TenantName": message.tenant,
    }
    if message.configuration_set:
        kwargs["ConfigurationSetName"] = message.configuration_set
    try:
        answer = client.send_email(**kwargs)
    except ClientError as err:
        return refused(message.tenant, err)
    return SendResult(message.tenant, "sent", message_id=str(answer.get("MessageId", "")))


def _content(message: ProbeMessage) -> dict[str, Any]:
    if message.template:
        return {"Template": {"TemplateName": message.template, "TemplateData": "{}"}}
    subject = f"ses-reconciler send test for tenant {message.tenant}"
    return {"Simple": {"Subject": {"Data": subject},
                       "Body": {"Text": {"Data": subject + ".\n"}}}}


def refused(tenant: str, err: ClientError) -> SendResult:
    code, text = error_code(err), error_message(err)
    missing = _MISSING.match(text) if code == "AccessDeniedException" else None
    if missing is not None:
        arns = tuple(a.strip() for a in missing.group("arns").split(",") if a.strip())
        return SendResult(tenant, "not_associated", resources=arns, detail=text)
    if code in _PAUSED:
        return SendResult(tenant, "paused", detail=text)
    if code == "MessageRejected" and "not verified" in text:
        return SendResult(tenant, "not_verified", detail=text)
    if code == "NotFoundException":
        return SendResult(tenant, "not_found", detail=text)
    return SendResult(tenant, "failed", detail=f"{code}: {text}")
