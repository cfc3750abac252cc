"""Helpers for the engine acceptance tests: run the real CLI against the in-process emulator.

Every test drives `ses-reconciler` through click, with `--target aws --max-rate 0`: the engine
builds ordinary boto3 clients, moto's `mock_aws` (started by the `emulator` fixture) answers them,
and the emulator's counters and fault injector see each request on the wire.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from click.testing import CliRunner, Result

from reconciler.cli import main
from reconciler.emulator import Emulator
from tests.support.seeder import Seeder

ACCOUNT = "123456789012"
REGION = "us-east-1"
OWNERSHIP = {"managed-by": "ses-reconciler"}
ENGINE_ARGS = ("--target", "aws", "--max-rate", "0")


def run_cli(*args: str | Path) -> Result:
    """Invoke the click app in-process; stdout and stderr are kept apart for assertions."""
    runner = CliRunner()
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def run_process(*args: str | Path, env: Mapping[str, str] | None = None,
                timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m reconciler ARGS` as a separate process (this environment, plus `env`)."""
    return subprocess.run([sys.executable, "-m", "reconciler", *map(str, args)],
                          env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=timeout, check=False)


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def engine(command: str, config: Path, *args: str | Path) -> Result:
    """`ses-reconciler COMMAND CONFIG ... --target aws --max-rate 0`."""
    return run_cli(command, config, *ENGINE_ARGS, *args)


def settings(*, prune: bool = False, account_id: str = ACCOUNT,
             **extra: Any) -> dict[str, Any]:
    return {"region": REGION, "account_id": account_id, "prune": prune, **extra}


def write_config(tmp_path: Path, tenants: Mapping[str, Mapping[str, Any]], *,
                 prune: bool = False, name: str = "ses.yaml",
                 extra_settings: Mapping[str, Any] | None = None,
                 **sections: Any) -> Path:
    """Write one YAML config file (settings + tenants + any other sections) and return it."""
    document: dict[str, Any] = {"settings": settings(prune=prune, **(extra_settings or {}))}
    document.update(sections)
    document["tenants"] = {n: dict(t) for n, t in tenants.items()}
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=True), encoding="utf-8")
    return path


def arn(kind: str, name: str) -> str:
    return f"arn:aws:ses:{REGION}:{ACCOUNT}:{kind}/{name}"


def policy_arn(policy: str) -> str:
    return f"arn:aws:ses:{REGION}:aws:reputation-policy/{policy}"


class Account:
    """Reads account state through the public SES v2 API (its own boto3 client) and builds
    it with the shared seeder (tests/support/seeder.py)."""

    def __init__(self, ses: Any) -> None:
        self.ses = ses
        self.seed = Seeder(ses, ACCOUNT, REGION)

    def identities(self, *names: str) -> None:
        self.seed.identities(*names)

    def configuration_sets(self, *names: str) -> None:
        self.seed.configuration_sets(*names)

    def templates(self, *names: str) -> None:
        self.seed.templates(*names)

    def tenant(self, name: str) -> dict[str, Any] | None:
        try:
            return dict(self.ses.get_tenant(TenantName=name)["Tenant"])
        except self.ses.exceptions.NotFoundException:
            return None

    def names(self) -> list[str]:
        names: list[str] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"PageSize": 100}
            if token:
                kwargs["NextToken"] = token
            page = self.ses.list_tenants(**kwargs)
            names += [t["TenantName"] for t in page.get("Tenants", [])]
            token = page.get("NextToken")
            if not token:
                return names

    def tags(self, name: str) -> dict[str, str]:
        tenant = self.tenant(name)
        assert tenant is not None, name
        return {t["Key"]: t["Value"] for t in tenant.get("Tags") or ()}

    def resources(self, name: str) -> set[str]:
        items = self.ses.list_tenant_resources(TenantName=name, PageSize=100)
        return {r["ResourceArn"] for r in items["TenantResources"]}

    def entity(self, name: str) -> dict[str, Any]:
        tenant = self.tenant(name)
        assert tenant is not None, name
        return dict(self.ses.get_reputation_entity(
            ReputationEntityType="RESOURCE",
            ReputationEntityReference=tenant["TenantArn"])["ReputationEntity"])

    def suppression(self, name: str) -> dict[str, Any] | None:
        tenant = self.tenant(name)
        assert tenant is not None, name
        return tenant.get("SuppressionAttributes")

    def create_unowned(self, name: str, tags: Mapping[str, str] | None = None,
                       resources: Iterable[str] = ()) -> None:
        self.seed.tenant(name, tags, resources)


@pytest.fixture
def account(emulator: Emulator) -> Account:
    return Account(boto3.client("sesv2", region_name=emulator.region))


FULL_TENANT: dict[str, Any] = {
    "tags": {"CustomerID": "1234", "Environment": "Production"},
    "resources": {"identities": ["acme.example.com"], "configuration_sets": ["acme-set"],
                  "templates": ["welcome"]},
    "reputation_policy": "strict",
    "sending_status": "ENABLED",
    "suppression": {"scope": "TENANT", "reasons": ["BOUNCE", "COMPLAINT"]},
}


def seed_full_tenant_resources(account: Account) -> None:
    """What FULL_TENANT references must exist before any plan (the reader checks)."""
    account.identities("acme.example.com", "other.example.com")
    account.configuration_sets("acme-set")
    account.templates("welcome")

# The safety percentages are their own rule (tests/integration/engine/test_safety_floor.py);
# below settings.safety.min_tenants they do not apply anyway, and tests about something else
# lift them so that a changed tenant count or floor does not change what they check.
NO_LIMITS: dict[str, Any] = {"safety": {"max_delete_percent": 100, "max_change_percent": 100,
                                        "max_pause_percent": 100}}
