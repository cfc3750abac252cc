"""Ctrl-C and SIGTERM: an apply stops launching changes, finishes the ones in flight, reports
what was not started and exits 130; the next apply converges. A plan interrupted while it
reads ends in one sentence.

The command runs as its own process (signals go to it, as in a terminal or a CI runner)
against the in-process emulator served over HTTP, slowed down so that there is time to
interrupt it half way.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from reconciler.emulator.server import EmulatorServer
from tests.integration.engine.conftest import NO_LIMITS, run_cli, write_config

TENANTS = 16
LATENCY_MS = 150


def tenants() -> dict[str, dict[str, Any]]:
    return {f"T{i:02d}": {"tags": {"i": str(i)}, "reputation_policy": "strict"}
            for i in range(TENANTS)}


def start(server: EmulatorServer, command: str, config: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reconciler", command, str(config), "--target", "aws",
         "--endpoint-url", server.url, "--max-rate", "0", "--parallelism", "2", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the command never got that far"
        time.sleep(0.02)


def calls(server: EmulatorServer, operation: str) -> int:
    return server.counters.by_operation().get(("sesv2", operation), 0)


@pytest.fixture
def slow_config(tmp_path: Path, emulator_server: EmulatorServer) -> Path:
    emulator_server.faults.configure(latency_ms=LATENCY_MS)
    return write_config(tmp_path, tenants(), extra_settings=NO_LIMITS)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_apply_reports_what_was_not_started_and_the_rerun_converges(
        slow_config: Path, emulator_server: EmulatorServer, signum: signal.Signals) -> None:
    process = start(emulator_server, "apply", slow_config, "--auto-approve")
    wait_until(lambda: calls(emulator_server, "CreateTenant") >= 2, process)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in out + err
    assert f"{signum.name}: starting no new change" in err
    headline = next(line for line in out.splitlines() if line.startswith("Apply "))
    assert headline.startswith("Apply interrupted: ")
    assert "Not started (interrupted; the next apply makes them):" in out
    not_started = out.split("Not started (interrupted; the next apply makes them):\n", 1)[1]
    assert "  tenant.T15:create_tenant" in not_started.split("\n\n", 1)[0]
    created = len(_names(emulator_server))
    assert 2 <= created < TENANTS

    emulator_server.faults.configure(latency_ms=0)
    rerun = run_cli("apply", slow_config, "--target", "aws", "--endpoint-url",
                    emulator_server.url, "--max-rate", "0", "--auto-approve")
    assert rerun.exit_code == 0, rerun.output
    assert len(_names(emulator_server)) == TENANTS
    again = run_cli("plan", slow_config, "--target", "aws", "--endpoint-url",
                    emulator_server.url, "--max-rate", "0", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_read_ends_in_one_sentence_and_makes_no_more_calls(
        slow_config: Path, emulator_server: EmulatorServer, signum: signal.Signals) -> None:
    ses = boto3.client("sesv2", region_name="us-east-1", endpoint_url=emulator_server.url)
    emulator_server.faults.configure(latency_ms=0)
    for name in tenants():
        ses.create_tenant(TenantName=name, Tags=[{"Key": "managed-by",
                                                  "Value": "ses-reconciler"}])
    emulator_server.faults.configure(latency_ms=LATENCY_MS)
    process = start(emulator_server, "plan", slow_config)
    wait_until(lambda: calls(emulator_server, "GetTenant") >= 2, process)
    process.send_signal(signum)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.strip() == "interrupted before any change was made"
    assert out == ""
    assert calls(emulator_server, "GetTenant") <= 2 + 2  # at most the ones in flight


def _names(server: EmulatorServer) -> list[str]:
    ses = boto3.client("sesv2", region_name="us-east-1", endpoint_url=server.url)
    return [t["TenantName"] for t in ses.list_tenants(PageSize=100)["Tenants"]]
