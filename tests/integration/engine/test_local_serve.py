"""`local serve` + `--endpoint-url`: one plan/apply cycle over real HTTP (acceptance point 13).

The server runs as a separate process, as a user would start it, on a port the OS picks; the
engine in this process reaches it only through `--endpoint-url`, with no in-process mock active.
"""

from __future__ import annotations

import selectors
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.integration.engine.conftest import NO_LIMITS, arn, run_cli, write_config

READY = "serving the local SES emulator on "
START_TIMEOUT = 30.0


def _wait_ready(process: subprocess.Popen[str]) -> str:
    """The URL from the server's ready line on stderr; fails if it exits or stays silent."""
    assert process.stderr is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + START_TIMEOUT
    seen: list[str] = []
    while time.monotonic() < deadline:
        if not selector.select(timeout=deadline - time.monotonic()):
            break
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        if READY in line:
            return line.split(READY, 1)[1].strip()
    raise AssertionError(f"local serve did not become ready: {''.join(seen)!r}")


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "local", "serve", "--port", "0",
         "--state", str(tmp_path / "state.json")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        yield _wait_ready(process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stderr is not None:
            process.stderr.close()


def _served(command: str, config: Path, url: str, *args: str) -> Any:
    return run_cli(command, config, "--target", "aws", "--endpoint-url", url,
                   "--max-rate", "0", *args)


def test_plan_and_apply_through_local_serve(tmp_path: Path, endpoint: str) -> None:
    ses = boto3.client("sesv2", region_name="us-east-1", endpoint_url=endpoint)
    ses.create_email_identity(EmailIdentity="served.example.com")
    config = write_config(tmp_path, {"Served": {
        "tags": {"c": "1"}, "reputation_policy": "strict",
        "resources": {"identities": ["served.example.com"]}}}, extra_settings=NO_LIMITS)
    planned = _served("plan", config, endpoint, "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output
    applied = _served("apply", config, endpoint, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    tenant = ses.get_tenant(TenantName="Served")["Tenant"]
    assert {t["Key"]: t["Value"] for t in tenant["Tags"]} == {
        "c": "1", "managed-by": "ses-reconciler"}
    resources = ses.list_tenant_resources(TenantName="Served")["TenantResources"]
    assert [r["ResourceArn"] for r in resources] == [arn("identity", "served.example.com")]
    again = _served("plan", config, endpoint, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
