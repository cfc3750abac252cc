"""Fixtures for the emulator's infrastructure: `local serve` subprocesses and endpoint clients."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from reconciler.emulator import DEFAULT_REGION

READY = re.compile(r"serving the local SES emulator on (http://\S+)")


@dataclass
class ServedAccount:
    """One `ses-reconciler local serve` subprocess bound to 127.0.0.1 on a free port."""

    state: Path
    log: Path
    process: subprocess.Popen[bytes] | None = None
    url: str = ""
    exit_codes: list[int] = field(default_factory=list)

    def start(self) -> ServedAccount:
        self.log.write_text("")
        command = [sys.executable, "-m", "reconciler", "local", "serve", "--host", "127.0.0.1",
                   "--port", "0", "--state", str(self.state)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log, env=dict(os.environ))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            match = READY.search(self.log.read_text())
            if match:
                self.url = match.group(1)
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"local serve did not start: {self.log.read_text()}")

    def stop(self, how: signal.Signals = signal.SIGTERM) -> int:
        """SIGTERM (as a service manager would) or SIGINT; returns the exit code."""
        if self.process is None:
            return self.exit_codes[-1]
        self.process.send_signal(how)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(timeout=10)
        self.process = None
        self.exit_codes.append(code)
        return code

    def client(self, service: str, **config: Any) -> Any:
        return boto3.client(service, region_name=DEFAULT_REGION, endpoint_url=self.url,
                            config=Config(**config) if config else None)

    def control(self, method: str, route: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}/_ses_reconciler/{route}", data=data,
                                         method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:
            with err:
                raise ControlRefused(err.code, json.loads(err.read() or b"{}")) from None


class ControlRefused(Exception):
    """A non-2xx answer from the control surface, already read and closed."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status}: {body}")
        self.status, self.body = status, body


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedAccount]:
    account = ServedAccount(state=tmp_path / "account.json", log=tmp_path / "serve.log").start()
    try:
        yield account
    finally:
        if account.process is not None:
            account.stop()
