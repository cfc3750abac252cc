"""`verify --send-test`: one send per tenant to the mailbox simulator, reported per tenant.

Purpose-built tenants, each applied from the config and then bent out of band the way a real
account goes wrong: one sends, one is paused, one lost two associations, one sends from an
identity that is not verified. Sends are counted on the emulator's wire.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import (
    NO_LIMITS,
    Account,
    arn,
    engine,
    run_cli,
    write_config,
)

SEND = ("sesv2", "SendEmail")
SIMULATOR = "success@simulator.amazonses.com"
TENANTS: dict[str, dict[str, Any]] = {
    "Sent": {"resources": {"identities": ["sent.example.com"],
                           "configuration_sets": ["verify-set"], "templates": ["welcome"]}},
    "Paused": {"resources": {"identities": ["paused.example.com"]},
               "sending_status": "DISABLED"},
    "Loose": {"resources": {"identities": ["loose.example.com"],
                            "configuration_sets": ["verify-set"], "templates": ["welcome"]}},
    "Pending": {"resources": {"identities": ["pending@pending.example.com"]}},
}


@pytest.fixture
def config(tmp_path: Path, account: Account, emulator: Emulator) -> Path:
    account.identities("sent.example.com", "paused.example.com", "loose.example.com",
                       "pending@pending.example.com")
    account.configuration_sets("verify-set")
    account.templates("welcome")
    path = write_config(tmp_path, TENANTS, extra_settings=NO_LIMITS)
    applied = engine("apply", path, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    for kind, name in (("configuration-set", "verify-set"), ("template", "welcome")):
        account.ses.delete_tenant_resource_association(TenantName="Loose",
                                                       ResourceArn=arn(kind, name))
    emulator.control.set_identity_verification("pending@pending.example.com", "PENDING")
    emulator.options.update(max_send_rate=200.0)
    return path


def sends(emulator: Emulator, before: Any) -> int:
    return (emulator.counters.snapshot() - before).by_operation().get(SEND, 0)


def verify(config: Path, *args: str) -> Any:
    return engine("verify", config, "--send-test", *args)


def test_each_tenant_is_reported_with_its_outcome(config: Path, emulator: Emulator) -> None:
    before = emulator.counters.snapshot()
    result = verify(config)
    assert result.exit_code == 1
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:-1]}
    assert "sent" in lines["Sent"] and "message id " in lines["Sent"]
    assert "paused" in lines["Paused"]
    assert "Sending is paused for tenant Paused." in lines["Paused"]
    assert "not associated" in lines["Loose"]
    assert (f"{arn('configuration-set', 'verify-set')}, {arn('template', 'welcome')}"
            in lines["Loose"])
    assert "identity not verified" in lines["Pending"]
    assert "pending@pending.example.com" in lines["Pending"]
    assert result.stdout.splitlines()[-1] == "1 of 4 tenant(s) sent."
    assert sends(emulator, before) == 4


def test_json_names_what_each_tenant_sent_with(config: Path) -> None:
    result = verify(config, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    tenants = {t["tenant"]: t for t in document["tenants"]}
    assert {n: t["outcome"] for n, t in tenants.items()} == {
        "Loose": "not_associated", "Paused": "paused", "Pending": "not_verified", "Sent": "sent"}
    assert tenants["Sent"]["message_id"]
    assert (tenants["Sent"]["from"], tenants["Sent"]["configuration_set"],
            tenants["Sent"]["template"]) == ("send-test@sent.example.com", "verify-set", "welcome")
    assert tenants["Loose"]["resources"] == [arn("configuration-set", "verify-set"),
                                             arn("template", "welcome")]
    assert document["recipient"] == SIMULATOR
    assert document["summary"] == {"tenants": 4, "sent": 1}


def test_a_tenant_that_sends_exits_zero(config: Path, account: Account,
                                        emulator: Emulator) -> None:
    before = emulator.counters.snapshot()
    result = verify(config, "--tenant", "Sent")
    assert result.exit_code == 0, result.output
    assert sends(emulator, before) == 1
    assert account.ses.get_account()["SendQuota"]["SentLast24Hours"] == 1.0


def test_another_recipient_is_refused_before_anything_is_sent(
        config: Path, emulator: Emulator) -> None:
    before = emulator.counters.snapshot()
    result = verify(config, "--to", "someone@example.com")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: verify --send-test sends only to the SES mailbox "
                                    f"simulator's {SIMULATOR}, not to someone@example.com")
    assert sends(emulator, before) == 0
    assert (emulator.counters.snapshot() - before).attempts() == 0


def test_another_simulator_address_is_refused_too(config: Path, emulator: Emulator) -> None:
    before = emulator.counters.snapshot()
    result = verify(config, "--to", "bounce@simulator.amazonses.com")
    assert result.exit_code == 1
    assert sends(emulator, before) == 0


def test_an_unknown_tenant_is_refused_before_anything_is_sent(
        config: Path, emulator: Emulator) -> None:
    before = emulator.counters.snapshot()
    result = verify(config, "--tenant", "Ghost")
    assert result.exit_code == 1
    assert "--tenant names tenants the config does not declare: Ghost" in result.stderr
    assert sends(emulator, before) == 0


def test_verify_without_send_test_says_what_to_pass(config: Path) -> None:
    result = engine("verify", config)
    assert result.exit_code == 1
    assert "pass --send-test" in result.stderr


def test_sends_are_paced_under_the_account_send_rate(config: Path, emulator: Emulator) -> None:
    emulator.options.update(max_send_rate=5.0)  # paced at 4/s: 0.25 s between sends
    started = time.monotonic()
    result = verify(config, "--tenant", "Sent", "--tenant", "Loose", "--tenant", "Pending")
    elapsed = time.monotonic() - started
    assert "paced under 5 message(s)/s" in result.stdout
    assert elapsed >= 0.5


def test_self_policy_allows_every_call_of_the_send_test(config: Path,
                                                        emulator: Emulator) -> None:
    before = emulator.counters.snapshot()
    assert verify(config).exit_code == 1
    recorded = set((emulator.counters.snapshot() - before).by_operation())
    granted = {a for s in json.loads(run_cli("iam", "self-policy").stdout)["Statement"]
               for a in s["Action"]}
    assert {("sesv2", "GetAccount"), SEND} <= recorded
    assert {f"ses:{op}" for service, op in recorded if service == "sesv2"} <= granted


def test_a_tenant_not_yet_created_is_reported_not_found(
        config: Path, tmp_path: Path, emulator: Emulator) -> None:
    later = {**TENANTS, "Later": {"resources": {"identities": ["sent.example.com"]}}}
    path = write_config(tmp_path, later, extra_settings=NO_LIMITS, name="later.yaml")
    result = engine("verify", path, "--send-test", "--tenant", "Later", "--format", "json")
    assert result.exit_code == 1
    [item] = json.loads(result.stdout)["tenants"]
    assert (item["outcome"], item["detail"]) == (
        "not_found", "Tenant Later for AwsAccountId 123456789012 not found.")


def test_a_tenant_without_an_identity_sends_nothing(
        config: Path, tmp_path: Path, emulator: Emulator) -> None:
    bare = {**TENANTS, "Bare": {}}
    path = write_config(tmp_path, bare, extra_settings=NO_LIMITS, name="bare.yaml")
    before = emulator.counters.snapshot()
    result = engine("verify", path, "--send-test", "--tenant", "Bare")
    assert result.exit_code == 1
    assert "no identity" in result.stdout
    assert sends(emulator, before) == 0
