"""GetAccount's sending quota, and sends from an identity that is not verified.

SES refuses a send whose identity has not been verified with 400 MessageRejected, naming the
address and the Region in capitals; the gate and a paused tenant are checked first (a tenant's
own refusals say more about it). moto verifies every identity at once, so a test makes one
pending through the control surface, as DNS or a clicked link would in SES.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from reconciler.emulator import Emulator
from reconciler.emulator.options import EmulatorOptions
from tests.integration.emulator.conftest import assert_error

SIMPLE = {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}}
TO = {"ToAddresses": ["success@simulator.amazonses.com"]}
NOT_VERIFIED = ("Email address is not verified. The following identities failed the check in "
                "region US-EAST-1: news@example.com")


def send(sesv2: Any, **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = sesv2.send_email(
        FromEmailAddress="news@example.com", Destination=TO, Content=SIMPLE, **extra)
    return result


def test_get_account_reports_a_sandbox_quota_by_default(sesv2: Any) -> None:
    account = sesv2.get_account()
    assert account["SendQuota"] == {"Max24HourSend": 200.0, "MaxSendRate": 1.0,
                                    "SentLast24Hours": 0.0}
    assert account["ProductionAccessEnabled"] is False
    assert account["SendingEnabled"] is True


def test_get_account_reports_the_configured_quota_and_what_was_sent(
    sesv2: Any, resources: dict[str, str], options: EmulatorOptions
) -> None:
    options.update(max_send_rate=14.0, max_24_hour_send=50_000.0)
    send(sesv2)
    account = sesv2.get_account()
    assert account["SendQuota"] == {"Max24HourSend": 50_000.0, "MaxSendRate": 14.0,
                                    "SentLast24Hours": 1.0}
    assert account["ProductionAccessEnabled"] is True


def test_v1_get_send_quota_agrees_with_get_account(
    v1: Any, options: EmulatorOptions
) -> None:
    options.update(max_send_rate=14.0, max_24_hour_send=50_000.0)
    quota = v1.get_send_quota()
    assert (quota["MaxSendRate"], quota["Max24HourSend"]) == (14.0, 50_000.0)


def test_a_pending_identity_refuses_to_send(
    sesv2: Any, resources: dict[str, str], emulator: Emulator
) -> None:
    emulator.control.set_identity_verification("example.com", "PENDING")
    with pytest.raises(ClientError) as raised:
        send(sesv2)
    assert_error(raised, "MessageRejected", 400, NOT_VERIFIED)
    assert sesv2.get_email_identity(EmailIdentity="example.com")["VerificationStatus"] == (
        "PENDING")


def test_a_verified_identity_sends_again(
    sesv2: Any, resources: dict[str, str], emulator: Emulator
) -> None:
    emulator.control.set_identity_verification("example.com", "FAILED")
    emulator.control.set_identity_verification("example.com", "SUCCESS")
    assert send(sesv2)["MessageId"]


def test_an_unknown_sender_is_refused_in_ses_words(sesv2: Any) -> None:
    with pytest.raises(ClientError) as raised:
        send(sesv2)
    assert_error(raised, "MessageRejected", 400, NOT_VERIFIED)


def test_the_association_gate_comes_before_the_verification(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str], emulator: Emulator
) -> None:
    emulator.control.set_identity_verification("example.com", "PENDING")
    with pytest.raises(ClientError) as raised:
        send(sesv2, TenantName="acme")
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"


def test_a_tenant_with_a_pending_identity_is_refused_as_not_verified(
    sesv2: Any, tenant: dict[str, Any], resources: dict[str, str],
    associate: Callable[[str, str], None], emulator: Emulator,
) -> None:
    associate("acme", resources["identity"])
    emulator.control.set_identity_verification("example.com", "PENDING")
    with pytest.raises(ClientError) as raised:
        send(sesv2, TenantName="acme")
    assert_error(raised, "MessageRejected", 400, NOT_VERIFIED)


def test_an_unknown_verification_status_is_refused(
    resources: dict[str, str], emulator: Emulator
) -> None:
    with pytest.raises(ValueError, match="unknown verification status"):
        emulator.control.set_identity_verification("example.com", "VERIFIED")
