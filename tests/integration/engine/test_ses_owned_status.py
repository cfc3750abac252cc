"""Status changes SES makes on its own are reported, never "fixed" (acceptance point 10)."""

from __future__ import annotations

from pathlib import Path

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import NO_LIMITS, Account, engine, write_config

STATUS_WRITE = ("sesv2", "UpdateReputationEntityCustomerManagedStatus")


def test_reinstated_returned_to_enabled_is_not_drift(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    """The operator lifts a policy pause with REINSTATED; SES later returns it to ENABLED."""
    config = write_config(tmp_path, {"Acme": {"sending_status": "REINSTATED"}},
                          extra_settings=NO_LIMITS)
    assert engine("apply", config, "--auto-approve").exit_code == 0
    emulator.control.aws_pause("Acme", "policy")
    lifted = engine("apply", config, "--auto-approve")
    assert lifted.exit_code == 0, lifted.output
    assert account.entity("Acme")["CustomerManagedStatus"]["Status"] == "REINSTATED"
    emulator.control.clear_findings("Acme")
    assert account.entity("Acme")["CustomerManagedStatus"]["Status"] == "ENABLED"
    before = emulator.counters.snapshot()
    result = engine("drift", config)
    assert result.exit_code == 0, result.output
    assert "REINSTATED was returned to ENABLED by SES" in result.stdout
    assert "No drift." in result.stdout
    applied = engine("apply", config, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert (emulator.counters.snapshot() - before).writes() == 0


def test_aws_managed_pause_is_reported_and_never_lifted(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    config = write_config(tmp_path, {"Acme": {"sending_status": "ENABLED"}},
                          extra_settings=NO_LIMITS)
    assert engine("apply", config, "--auto-approve").exit_code == 0
    emulator.control.aws_pause("Acme", "trust_and_safety")
    before = emulator.counters.snapshot()
    drift = engine("drift", config)
    assert drift.exit_code == 0, drift.output
    assert "tenant.Acme: paused by SES" in drift.stdout
    plan = engine("plan", config, "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert "tenant.Acme: paused by SES" in plan.stdout
    applied = engine("apply", config, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert (emulator.counters.snapshot() - before).by_operation().get(STATUS_WRITE, 0) == 0
    assert account.entity("Acme")["SendingStatusAggregate"] == "DISABLED"
