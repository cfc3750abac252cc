"""The example config, its apply killed with SIGKILL part way, completed by a plain re-run.

`--target local` keeps the emulated account inside the apply process and writes the state file
once, atomically, when the account is closed: a kill before that leaves the previous state (or
none) and never a torn file. Against `local serve` the account outlives the apply, so the partial
progress persists and the re-run must finish it, without --force.
"""

from __future__ import annotations

import json
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reconciler.aws.clients import ClientFactory
from reconciler.config.load import load_desired
from reconciler.local_account import seed_referenced_resources
from tests.integration.engine.conftest import run_cli
from tests.integration.trust.served import LocalServe, environment, kill_at_gate
from tests.integration.trust.world import World

EXAMPLE = Path(__file__).resolve().parents[3] / "configs" / "example"
PLAN_LINE = "Plan: "


def _local(state: Path, *args: str) -> list[str]:
    """The example, `--target local` on `state`."""
    return [str(EXAMPLE), "--target", "local", "--local-state", str(state), *args]


def _kill(state: Path, *, after_plan: bool, seconds: float = 0.0) -> int:
    """Start the apply; SIGKILL it as soon as it printed its plan, or `seconds` after it
    started. Its exit code: on a busy machine the apply may finish first, and whenever the kill
    lands the state file must be whole and the re-run must converge."""
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "apply", *_local(state, "--auto-approve")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environment())
    assert process.stdout is not None
    try:
        if after_plan:
            _read_until(process, PLAN_LINE.encode())
        else:
            time.sleep(seconds)
        process.send_signal(signal.SIGKILL)
        return process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        process.stdout.close()


def _read_until(process: subprocess.Popen[bytes], marker: bytes) -> None:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    seen, deadline = b"", time.monotonic() + 60
    while marker not in seen and time.monotonic() < deadline:
        if selector.select(timeout=1):
            chunk = process.stdout.read1(65536)
            if not chunk:
                break
            seen += chunk
    assert marker in seen, seen.decode(errors="replace")


def _state_is_whole(state: Path) -> None:
    """Absent (never saved) or a complete state file, never a torn one. (A kill in the middle
    of the save may leave its temporary file beside it; the state itself stays whole.)"""
    if state.exists():
        data = json.loads(state.read_text(encoding="utf-8"))
        assert data["format"] == "ses-reconciler-local-account"


def test_local_apply_killed_as_it_starts_writing_is_completed_by_a_plain_rerun(
        tmp_path: Path) -> None:
    state = tmp_path / "local-account.json"

    assert _kill(state, after_plan=True) in (0, -signal.SIGKILL)

    _state_is_whole(state)
    _rerun_converges(state)


def test_local_apply_killed_after_a_few_seconds_is_completed_by_a_plain_rerun(
        tmp_path: Path) -> None:
    state = tmp_path / "local-account.json"

    assert _kill(state, after_plan=False, seconds=2.5) in (0, -signal.SIGKILL)

    _state_is_whole(state)
    _rerun_converges(state)


def _rerun_converges(state: Path) -> None:
    rerun = run_cli("apply", *_local(state, "--auto-approve"))
    assert rerun.exit_code == 0, rerun.output
    plan = run_cli("plan", *_local(state, "--detailed-exitcode"))
    assert plan.exit_code == 0, plan.output
    _state_is_whole(state)


@pytest.fixture
def example_account(serve: LocalServe) -> LocalServe:
    """The served account with every identity, set and template the example references."""
    factory = ClientFactory(region="us-east-1", endpoint_url=serve.url)
    seed_referenced_resources(factory, load_desired(EXAMPLE))
    return serve


def _served(command: str, serve: LocalServe, *args: str) -> object:
    return run_cli(command, EXAMPLE, "--target", "aws", "--endpoint-url", serve.url,
                   "--max-rate", "0", *args)


def test_killed_served_apply_of_the_example_is_completed_by_a_plain_rerun(
        example_account: LocalServe, tmp_path: Path) -> None:
    """Killed the instant the last tenant is created, the earlier ones part way through their
    associations, policies and statuses (default parallelism, as a user runs it)."""
    world = World(example_account.client("sesv2", "us-east-1"), "us-east-1")
    declared = set(load_desired(EXAMPLE).tenants)

    killed = kill_at_gate(example_account,
                          {"operation": "CreateTenant", "nth": len(declared), "phase": "after",
                           "freeze": True},
                          EXAMPLE, tmp_path / "killed.log")

    assert killed.returncode == -signal.SIGKILL, killed.output
    assert set(world.names()) == declared
    left = _served("plan", example_account, "--detailed-exitcode")
    assert left.exit_code == 2, left.output  # type: ignore[attr-defined]
    rerun = _served("apply", example_account, "--auto-approve")
    assert rerun.exit_code == 0, rerun.output  # type: ignore[attr-defined]
    plan = _served("plan", example_account, "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output  # type: ignore[attr-defined]
    names = world.names()
    assert sorted(names) == sorted(declared)
