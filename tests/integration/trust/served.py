"""`local serve` and `apply` as separate processes, so the account outlives an apply's SIGKILL.

The emulator's gates (`/_ses_reconciler/gates`) hold one chosen request of the apply; the test
waits until it is held, kills the apply with SIGKILL, then releases the request, which the
emulator answers with a 5xx without applying it (phase `before`), or had already applied
(phase `after`). With `--parallelism 1` the calls before the held one are exactly known.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

READY = re.compile(r"serving the local SES emulator on (http://\S+)")
START_TIMEOUT = 60.0
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                    "AWS_SESSION_TOKEN": "testing", "AWS_CONFIG_FILE": "/dev/null",
                    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}


def environment() -> dict[str, str]:
    """This process's environment (PYTHONPATH included) with fake credentials, no profile."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("AWS_PROFILE", "AWS_ENDPOINT_URL")}
    return {**env, **FAKE_CREDENTIALS}


class LocalServe:
    """`python -m reconciler local serve --port 0 --state FILE`, running until `stop()`."""

    def __init__(self, state: Path, log: Path) -> None:
        self.state, self.log = state, log
        self.url = ""
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> LocalServe:
        command = [sys.executable, "-m", "reconciler", "local", "serve", "--port", "0",
                   "--state", str(self.state)]
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=log, env=environment())
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and self._process.poll() is None:
            match = READY.search(self.log.read_text(errors="replace"))
            if match:
                self.url = match.group(1)
                return self
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"local serve did not start: {self.log.read_text()}")

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        self._process = None

    def client(self, service: str, region: str) -> Any:
        return boto3.client(service, region_name=region, endpoint_url=self.url,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def control(self, method: str, route: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}/_ses_reconciler/{route}", data=data,
                                         method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


@dataclass(frozen=True)
class Killed:
    """What the killed apply printed, and the request the gate held when it died."""

    returncode: int
    output: str
    gate: dict[str, Any]


def apply_command(config: Path, url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "reconciler", "apply", str(config), "--target", "aws",
            "--endpoint-url", url, "--max-rate", "0", "--auto-approve", *args]


def kill_at_gate(serve: LocalServe, gate: dict[str, Any], config: Path, log: Path,
                 *args: str, timeout: float = 60.0) -> Killed:
    """Arm `gate`, start the apply, SIGKILL it once the gate holds, then release the request."""
    armed = serve.control("POST", "gates", gate)
    try:
        with log.open("wb") as out:
            process = subprocess.Popen(apply_command(config, serve.url, *args), stdout=out,
                                       stderr=subprocess.STDOUT, env=environment())
        try:
            state = _wait_holding(serve, armed["id"], process, timeout)
            if state["state"] != "holding":
                process.wait(timeout=30)
                raise AssertionError(
                    f"the apply never reached the gate {gate} (exit {process.returncode}):\n"
                    f"{log.read_text(errors='replace')}")
            process.send_signal(signal.SIGKILL)
            returncode = process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
    finally:
        serve.control("DELETE", "gates")
    return Killed(returncode, log.read_text(errors="replace"), state)


def _wait_holding(serve: LocalServe, gate_id: int, process: subprocess.Popen[bytes],
                  timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = serve.control("GET", f"gates/{gate_id}?wait=0.2")
        if state["state"] == "holding" or process.poll() is not None:
            return serve.control("GET", f"gates/{gate_id}")
    return state

