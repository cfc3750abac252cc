"""An emulated account in its own process (`ses-reconciler local serve`), for benchmarks that
measure the tool's process alone: its RSS and time must not include the emulator's."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.validate import ROOT

READY = "serving the local SES emulator on "
REGION = "us-east-1"
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                    "AWS_DEFAULT_REGION": REGION}


def environment() -> dict[str, str]:
    """The tool's environment: this checkout's code, fake credentials, no profile."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL")}
    return {**env, **FAKE_CREDENTIALS, "PYTHONPATH": str(ROOT)}


class ServedAccount:
    """`local serve` on a free port, without a state file (nothing is saved while it runs)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> ServedAccount:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reconciler", "local", "serve", "--port", "0"],
            cwd=ROOT, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True)
        self.url = self._wait_ready(self.process)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.process.stderr is not None:
            self.process.stderr.close()

    @staticmethod
    def _wait_ready(process: subprocess.Popen[str]) -> str:
        assert process.stderr is not None
        selector = selectors.DefaultSelector()
        selector.register(process.stderr, selectors.EVENT_READ)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and selector.select(deadline - time.monotonic()):
            line = process.stderr.readline()
            if not line:
                break
            if READY in line:
                return line.split(READY, 1)[1].strip()
        raise RuntimeError("local serve did not start")

    def control(self, method: str, route: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            f"{self.url}/_ses_reconciler/{route}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=600) as answer:
            return json.loads(answer.read() or b"null")

    def calls(self) -> dict[str, int]:
        """Accepted requests by operation since the last reset (`sts:` kept, `sesv2:` dropped)."""
        accepted = self.control("GET", "counters")["by_operation"]["accepted"]
        return {op.removeprefix("sesv2:"): n for op, n in accepted.items()}

    def reset_calls(self) -> None:
        self.control("POST", "counters/reset")

    def client(self, service: str = "sesv2") -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(service, region_name=REGION, endpoint_url=self.url,
                            aws_access_key_id="bench", aws_secret_access_key="bench",
                            config=Config(max_pool_connections=16,
                                          retries={"mode": "standard", "max_attempts": 10}))

    def create_resources(self, refs: Iterable[Any], workers: int = 8) -> None:
        """Identities, configuration sets and templates, created as an operator would."""
        from reconciler.local_account import create_resources

        ses = self.client()
        chunks: dict[int, list[Any]] = {}
        for i, ref in enumerate(refs):
            chunks.setdefault(i % workers, []).append(ref)
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda chunk: create_resources(ses, chunk), chunks.values()))
