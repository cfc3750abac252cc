"""Execution order, partial failure and throttling seen on the wire (acceptance points 4, 7, 8).

Failures are injected by the emulator on the request itself, so the engine meets them exactly as
it would meet SES errors: through botocore's parsing, retries and the executor's DAG. Injected
errors are non-retryable (400) unless the test is about retrying, so one injection is one failure.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import NO_LIMITS, Account, arn, engine, write_config

MOVED = arn("identity", "moving.example.com")
MOVING = {"resources": {"identities": ["moving.example.com"]}}


@pytest.fixture
def moving(tmp_path: Path, account: Account) -> Path:
    """`Giver` holds the identity; the returned config moves it to `Taker`."""
    account.identities("moving.example.com")
    first = write_config(tmp_path, {"Giver": MOVING, "Taker": {}}, extra_settings=NO_LIMITS)
    assert engine("apply", first, "--auto-approve").exit_code == 0
    assert account.resources("Giver") == {MOVED}
    return write_config(tmp_path, {"Giver": {}, "Taker": MOVING}, extra_settings=NO_LIMITS)


def test_moved_resource_ends_on_the_new_tenant_only(moving: Path, account: Account) -> None:
    result = engine("apply", moving, "--auto-approve")
    assert result.exit_code == 0, result.output
    assert account.resources("Taker") == {MOVED}
    assert account.resources("Giver") == set()


def test_move_sends_the_association_before_the_disassociation(
        moving: Path, emulator: Emulator) -> None:
    """Observed on the wire, in arrival order: no moment where neither tenant has it."""
    emulator.counters.start_journal()
    assert engine("apply", moving, "--auto-approve", "--parallelism", "8").exit_code == 0
    sent = [(e.operation, e.params.get("TenantName")) for e in emulator.counters.journal()
            if e.operation.endswith("TenantResourceAssociation")
            and e.params.get("ResourceArn") == MOVED]
    assert sent == [("CreateTenantResourceAssociation", "Taker"),
                    ("DeleteTenantResourceAssociation", "Giver")]


def test_move_never_disassociates_before_the_new_association_succeeds(
        moving: Path, account: Account, emulator: Emulator) -> None:
    """If associating to the new tenant fails, the old tenant keeps sending with the resource:
    the disassociation is only ever sent after the association has been answered 200."""
    emulator.faults.fail("CreateTenantResourceAssociation", resource="Taker",
                         error_code="BadRequestException")
    before = emulator.counters.snapshot()
    result = engine("apply", moving, "--auto-approve")
    assert result.exit_code == 1
    assert "tenant.Giver:disassociate:identity/moving.example.com" in result.stdout
    assert "Skipped (a prerequisite failed):" in result.stdout
    delta = emulator.counters.snapshot() - before
    sent = {op for outcome in ("accepted", "failed", "throttled")
            for (_, op) in delta.by_operation(outcome)}
    assert "CreateTenantResourceAssociation" in sent
    assert "DeleteTenantResourceAssociation" not in sent
    emulator.faults.clear()
    assert account.resources("Giver") == {MOVED}
    assert account.resources("Taker") == set()


def test_move_associates_even_when_the_old_side_fails(
        moving: Path, account: Account, emulator: Emulator) -> None:
    """The association does not wait for the disassociation: a failed removal leaves the
    resource on both tenants (no sending gap), never on neither."""
    emulator.faults.fail("DeleteTenantResourceAssociation", resource="Giver",
                         error_code="BadRequestException")
    result = engine("apply", moving, "--auto-approve")
    assert result.exit_code == 1
    emulator.faults.clear()
    assert account.resources("Taker") == {MOVED}
    assert account.resources("Giver") == {MOVED}


THREE = {
    "Alpha": {"tags": {"n": "a"}, "reputation_policy": "strict",
              "resources": {"identities": ["alpha.example.com"]}},
    "Broken": {"tags": {"n": "b"}, "reputation_policy": "strict",
               "resources": {"identities": ["broken.example.com"]}},
    "Gamma": {"tags": {"n": "g"}, "reputation_policy": "none",
              "resources": {"identities": ["gamma.example.com"]}},
}


@pytest.fixture
def three(tmp_path: Path, account: Account) -> Path:
    account.identities("alpha.example.com", "broken.example.com", "gamma.example.com")
    return write_config(tmp_path, THREE)


def _applied_fully(account: Account, name: str, policy: str) -> bool:
    entity = account.entity(name)
    return (account.tags(name) == {"n": name[0].lower(), "managed-by": "ses-reconciler"}
            and account.resources(name) == {arn("identity", f"{name.lower()}.example.com")}
            and entity["ReputationManagementPolicy"].endswith(f"/{policy}"))


def test_failed_create_skips_its_dependents_and_applies_other_tenants(
        three: Path, account: Account, emulator: Emulator) -> None:
    emulator.faults.fail("CreateTenant", resource="Broken", error_code="BadRequestException",
                         times=1)
    result = engine("apply", three, "--auto-approve")
    assert result.exit_code == 1
    out = result.stdout
    assert "Failed:\n  tenant.Broken:create_tenant\n    error: BadRequestException" in out
    assert "tenant.Broken:associate:identity/broken.example.com  " \
           "(after tenant.Broken:create_tenant)" in out
    assert "tenant.Broken:set_policy  (after tenant.Broken:create_tenant)" in out
    assert sorted(account.names()) == ["Alpha", "Gamma"]
    assert _applied_fully(account, "Alpha", "strict")
    assert _applied_fully(account, "Gamma", "none")


def test_failed_policy_write_fails_alone_and_others_apply(
        three: Path, account: Account, emulator: Emulator) -> None:
    emulator.faults.fail("UpdateReputationEntityPolicy", resource="Broken",
                         error_code="BadRequestException", times=1)
    result = engine("apply", three, "--auto-approve")
    assert result.exit_code == 1
    assert "Failed:\n  tenant.Broken:set_policy\n" in result.stdout
    assert "Skipped" not in result.stdout
    assert account.resources("Broken") == {arn("identity", "broken.example.com")}
    assert _applied_fully(account, "Alpha", "strict")
    assert _applied_fully(account, "Gamma", "none")


@pytest.mark.parametrize("operation", ["CreateTenant", "UpdateReputationEntityPolicy",
                                       "CreateTenantResourceAssociation"])
def test_rerun_after_a_partial_failure_converges(
        three: Path, account: Account, emulator: Emulator, operation: str) -> None:
    emulator.faults.fail(operation, resource="Broken", error_code="BadRequestException",
                         times=1)
    assert engine("apply", three, "--auto-approve").exit_code == 1
    rerun = engine("apply", three, "--auto-approve")
    assert rerun.exit_code == 0, rerun.output
    assert engine("plan", three, "--detailed-exitcode").exit_code == 0
    assert _applied_fully(account, "Broken", "strict")


@pytest.mark.slow
def test_apply_of_200_tenants_completes_under_5_tps_throttling(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    """Every family is limited to 5 requests/s with a burst of 5; the client starts unpaced
    (`--max-rate 0`), so it must learn the rate from 429s and retry, losing nothing."""
    tenants: dict[str, dict[str, Any]] = {
        f"T{i:03d}": {"tags": {"i": str(i)}, "reputation_policy": "strict"} for i in range(200)}
    config = write_config(tmp_path, tenants)
    emulator.faults.configure(tps={"*": 5.0}, burst=5.0)
    started = time.monotonic()
    result = engine("apply", config, "--auto-approve")
    elapsed = time.monotonic() - started
    throttled = emulator.counters.throttled("sesv2")
    emulator.faults.clear()
    assert result.exit_code == 0, result.output[-2000:]
    assert "Apply complete: 400 applied, 0 failed, 0 skipped" in result.stdout
    assert throttled > 0
    assert elapsed >= 200 / 5 - 5  # the emulator's rate was respected, not bypassed
    assert len(account.names()) == 200
    assert engine("plan", config, "--detailed-exitcode").exit_code == 0


def test_throttled_apply_overlaps_operation_families(
        tmp_path: Path, emulator: Emulator) -> None:
    """Each family has its own 5 TPS budget; a tenant's policy write must not wait for every
    other tenant's create, or the apply takes the sum of the families' times, not the max."""
    tenants: dict[str, dict[str, Any]] = {
        f"T{i:02d}": {"reputation_policy": "strict"} for i in range(50)}
    config = write_config(tmp_path, tenants)
    emulator.faults.configure(tps={"*": 5.0}, burst=5.0)
    started = time.monotonic()
    result = engine("apply", config, "--auto-approve")
    elapsed = time.monotonic() - started
    emulator.faults.clear()
    assert result.exit_code == 0, result.output[-2000:]
    assert elapsed < 2 * 50 / 5 * 0.75, f"{elapsed:.1f}s: families ran one after the other"
