"""The fault matrix: applies through the CLI while the emulator misbehaves, alone and mixed.

Each fault is injected on the wire by the in-process emulator (seeded, so a run repeats); the
config exercises every writer (create with tags and suppression, tags, suppression, policy,
status, a move between tenants, a prune). Every apply under faults must end with 0 failed
changes or fail cleanly (exit 1, the failures listed one line each, at most one `error:`
sentence, no exception); then, the faults gone, the next apply converges: `plan
--detailed-exitcode` exits 0 and plain boto3 reads the account equal to the config, with the
foreign tenant byte-identical.

Throttling runs as an episode (half the calls refused until a number of refusals): the client
limiter halves its rate on every throttle, so a whole apply at 50 % throttling takes a minute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import Result

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import engine
from tests.integration.trust.world import Foreign, World, divergences, resource_arn, write_config

REGION = "us-east-1"
IDENTITIES = ("a.example.com", "moving.example.com", "new.example.com", "foreign.example.com")
LIFTED = {"max_delete_percent": 100, "max_change_percent": 100, "max_pause_percent": 100}
SEED = 20261129

BEFORE: dict[str, dict[str, Any]] = {
    "Alpha": {"tags": {"Env": "prod", "Drop": "x"}, "resources": {"identities": ["a.example.com"]},
              "suppression": {"scope": "TENANT", "reasons": ["BOUNCE"]}},
    "Bravo": {"resources": {"identities": ["moving.example.com"]}},
    "Charlie": {"tags": {"CustomerID": "3"}},
}
EDIT: dict[str, dict[str, Any]] = {
    "Alpha": {"tags": {"Env": "staging", "Added": "y"},
              "resources": {"identities": ["a.example.com", "moving.example.com"]},
              "suppression": {"scope": "TENANT", "reasons": ["BOUNCE", "COMPLAINT"]},
              "reputation_policy": "strict", "sending_status": "DISABLED"},
    "Bravo": {},
    "Echo": {"tags": {"CustomerID": "5"}, "resources": {"identities": ["new.example.com"]},
             "reputation_policy": "none", "sending_status": "DISABLED",
             "suppression": {"scope": "TENANT", "reasons": ["COMPLAINT"]}},
}
REPUTATION_WRITES = ("UpdateReputationEntityPolicy", "UpdateReputationEntityCustomerManagedStatus")


def _throttling(emulator: Emulator, limit: int = 4) -> None:
    emulator.faults.configure(emulator.faults.config, throttle_rate=0.5, throttle_limit=limit,
                              seed=SEED)


def _server_errors(emulator: Emulator) -> None:
    emulator.faults.configure(emulator.faults.config, error_rate=0.05, seed=SEED)


def _latency_spikes(emulator: Emulator) -> None:
    emulator.faults.configure(emulator.faults.config, latency_ms=1, latency_jitter_ms=2,
                              latency_spike_rate=0.1, latency_spike_ms=150, seed=SEED)


def _reputation_conflicts(emulator: Emulator) -> None:
    emulator.faults.configure(emulator.faults.config, seed=SEED)
    for operation in REPUTATION_WRITES:
        emulator.faults.fail(operation, error_code="ConflictException", rate=0.5)


def _mixed(emulator: Emulator) -> None:
    _reputation_conflicts(emulator)
    _server_errors(emulator)
    _latency_spikes(emulator)
    _throttling(emulator, limit=3)


@dataclass(frozen=True)
class Fault:
    name: str
    inject: Callable[[Emulator], None]
    shows: str  # the emulator's count that proves the fault was met: throttled, failed, slow


MATRIX = [
    Fault("throttling-half-the-calls", _throttling, "throttled"),
    Fault("5xx-on-5-percent", _server_errors, "failed"),
    Fault("latency-spikes", _latency_spikes, "slow"),
    Fault("conflict-on-reputation-writes", _reputation_conflicts, "failed"),
    Fault("all-of-them-mixed", _mixed, "throttled"),
]


def _ended_cleanly(result: Result) -> None:
    """0 failed changes, or exit 1 with the failures listed and at most one error sentence."""
    if result.exit_code == 0:
        assert " 0 failed" in result.stdout or "No changes" in result.stdout, result.output
        return
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) <= 1, result.stderr
    assert errors or "Failed:" in result.stdout, result.output


def _fault_met(emulator: Emulator, shows: str) -> bool:
    if shows == "slow":
        return any(decision.delay >= 0.15 for decision in emulator.faults.history)
    counters = emulator.counters.snapshot()
    return (counters.throttled() if shows == "throttled" else counters.failed()) > 0


@pytest.fixture
def seeded(emulator: Emulator) -> tuple[World, Foreign]:
    ses = boto3.client("sesv2", region_name=REGION)
    for identity in IDENTITIES:
        ses.create_email_identity(EmailIdentity=identity)
    ses.create_tenant(TenantName="Foreign", Tags=[{"Key": "team", "Value": "other"}])
    for identity in ("foreign.example.com", "moving.example.com"):
        ses.create_tenant_resource_association(
            TenantName="Foreign", ResourceArn=resource_arn(REGION, "identity", identity))
    world = World(ses, REGION)
    return world, Foreign.snapshot(world, ["Foreign"])


@pytest.mark.parametrize("fault", MATRIX, ids=[f.name for f in MATRIX])
def test_applies_under_faults_end_cleanly_and_the_next_apply_converges(
        fault: Fault, emulator: Emulator, seeded: tuple[World, Foreign], tmp_path: Path) -> None:
    world, foreign = seeded
    before = write_config(tmp_path / "before.yaml", REGION, BEFORE, safety=LIFTED)
    edit = write_config(tmp_path / "edit.yaml", REGION, EDIT, safety=LIFTED)
    fault.inject(emulator)

    _ended_cleanly(engine("apply", before, "--auto-approve"))
    _ended_cleanly(engine("apply", edit, "--auto-approve", "--allow-delete"))

    assert _fault_met(emulator, fault.shows)
    emulator.faults.clear()
    converged = engine("apply", edit, "--auto-approve", "--allow-delete")
    assert converged.exit_code == 0, converged.output
    again = engine("plan", edit, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    resources = [resource_arn(REGION, "identity", name) for name in IDENTITIES]
    assert divergences(world, EDIT, foreign, resources) == []


def test_a_write_that_keeps_failing_fails_the_apply_cleanly_and_the_rerun_converges(
        emulator: Emulator, seeded: tuple[World, Foreign], tmp_path: Path) -> None:
    world, foreign = seeded
    edit = write_config(tmp_path / "edit.yaml", REGION, EDIT, safety=LIFTED)
    emulator.faults.fail("CreateTenant", resource="Echo", error_code="AccessDeniedException")

    failed = engine("apply", edit, "--auto-approve", "--allow-delete")

    _ended_cleanly(failed)
    assert failed.exit_code == 1
    assert "tenant.Echo:create_tenant" in failed.stdout
    assert "Skipped (a prerequisite failed):" in failed.stdout
    emulator.faults.clear()
    assert engine("apply", edit, "--auto-approve", "--allow-delete").exit_code == 0
    assert engine("plan", edit, "--detailed-exitcode").exit_code == 0
    resources = [resource_arn(REGION, "identity", name) for name in IDENTITIES]
    assert divergences(world, EDIT, foreign, resources) == []


def test_a_read_that_keeps_failing_ends_in_one_sentence_and_writes_nothing(
        emulator: Emulator, seeded: tuple[World, Foreign], tmp_path: Path) -> None:
    world, foreign = seeded
    edit = write_config(tmp_path / "edit.yaml", REGION, EDIT, safety=LIFTED)
    emulator.faults.fail("ListTenants", error_code="AccessDeniedException")
    before = emulator.counters.snapshot()

    failed = engine("apply", edit, "--auto-approve", "--allow-delete")

    assert failed.exit_code == 1, failed.output
    errors = [line for line in failed.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "ListTenants" in errors[0], failed.stderr
    assert (emulator.counters.snapshot() - before).writes() == 0
    emulator.faults.clear()
    assert world.names() == ["Foreign"]
    assert world.dump("Foreign") == foreign.dumps["Foreign"]
