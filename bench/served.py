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
from pathlib import Path
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
    """`local serve` on a free port; without a state file nothing is saved while it runs, with
    one the account starts from it (and is saved back only if written to)."""

    def __init__(self, state_file: Path | None = None) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        self.state = ["--state", str(state_file)] if state_file is not None else []

    def __enter__(self) -> ServedAccount:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reconciler", "local", "serve", "--port", "0", *self.state],
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
        deadline = time.monotonic() + 900  # a 100,000-tenant state file loads slowly
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


def build_state(desired: Any, refs: Iterable[Any], path: Path) -> None:
    """The account a first apply of `desired` leaves, written straight into the emulator's
    store and saved as a `local serve` state file: at 100,000 tenants, building it through the
    API (one HTTP request per tenant, association and policy) outlasts the benchmark, and a
    drift run reads the account the same way however it was built."""
    from reconciler.emulator import Emulator
    from reconciler.emulator.backend import tenancy_backend
    from reconciler.local_account import create_resources

    settings = desired.settings
    with Emulator("123456789012", REGION, state_file=path) as emulator:
        from reconciler.aws.clients import ClientFactory

        emulator.options.update(max_tenants=max(len(desired.tenants), 10_000))
        factory = ClientFactory.for_emulator(REGION)
        create_resources(factory.client("sesv2"), refs)
        ctx = factory.arn_context()
        backend = tenancy_backend("123456789012", REGION)
        owner = {settings.ownership_tag_key: settings.ownership_tag_value}
        for tenant in desired.tenants.values():
            tags = [{"Key": k, "Value": v} for k, v in {**tenant.tags, **owner}.items()]
            created = backend.create_tenant(tenant.name, tags, None)
            for ref in sorted(tenant.resources):
                backend.create_tenant_resource_association(tenant.name, ctx.resource_arn(ref))
            if tenant.reputation_policy != "standard":
                backend.update_reputation_entity_policy(
                    "RESOURCE", created.arn,
                    f"arn:aws:ses:{REGION}:aws:reputation-policy/{tenant.reputation_policy}")
