"""The AWS CLI against `local serve` answers what boto3 answers for the same account."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.integration.emulator_infra.account import IDENTITY_ARN
from tests.integration.emulator_infra.conftest import ServedAccount

AWS = Path(sys.executable).parent / "aws"


def aws(served: ServedAccount, *args: str) -> Any:
    result = subprocess.run(
        [str(AWS), "--endpoint-url", served.url, "--region", "us-east-1", "--output", "json",
         "sesv2", *args], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout) if result.stdout.strip() else {}


def plain(value: Any) -> Any:
    """boto3's parsed form made comparable with the CLI's raw JSON (epoch-second timestamps)."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def test_cli_and_boto3_see_the_same_tenants_resources_and_reputation(
        served: ServedAccount) -> None:
    ses = served.client("sesv2")
    ses.create_email_identity(EmailIdentity="customer-a.example.com")

    created = aws(served, "create-tenant", "--tenant-name", "CliTenant",
                  "--tags", "Key=CustomerID,Value=42")
    aws(served, "create-tenant-resource-association", "--tenant-name", "CliTenant",
        "--resource-arn", IDENTITY_ARN)
    ses.create_tenant(TenantName="SdkTenant")

    assert created == plain(ses.get_tenant(TenantName="CliTenant")["Tenant"])
    # The CLI bundles an older SES v2 model whose TenantInfo has no SendingStatus yet.
    sdk_tenants = plain(ses.list_tenants())["Tenants"]
    assert aws(served, "list-tenants")["Tenants"] == [
        {k: v for k, v in tenant.items() if k != "SendingStatus"} for tenant in sdk_tenants]
    assert [t["SendingStatus"] for t in sdk_tenants] == ["ENABLED", "ENABLED"]
    assert aws(served, "list-tenant-resources", "--tenant-name", "CliTenant") == \
        plain(ses.list_tenant_resources(TenantName="CliTenant"))
    entity = ["--reputation-entity-type", "RESOURCE",
              "--reputation-entity-reference", created["TenantArn"]]
    assert aws(served, "get-reputation-entity", *entity) == plain(ses.get_reputation_entity(
        ReputationEntityType="RESOURCE", ReputationEntityReference=created["TenantArn"]))


def test_cli_calls_are_counted_like_any_other_client(served: ServedAccount) -> None:
    aws(served, "create-tenant", "--tenant-name", "Counted")
    aws(served, "list-tenants")

    counters = served.control("GET", "counters")

    assert counters["by_operation"]["accepted"] == {"sesv2:CreateTenant": 1,
                                                    "sesv2:ListTenants": 1}
