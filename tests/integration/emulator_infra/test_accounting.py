"""Call accounting for every service the reconciler touches, through the real wire path."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from reconciler.emulator import Emulator

POLICY = json.dumps({"Version": "2012-10-17",
                     "Statement": [{"Effect": "Allow", "Action": "ses:SendEmail",
                                    "Resource": "*"}]})


def test_counts_iam_events_logs_and_sts_calls_per_operation(emulator: Emulator) -> None:
    region = emulator.region
    boto3.client("iam").create_policy(PolicyName="sender", PolicyDocument=POLICY)
    boto3.client("iam").list_policies(Scope="Local")
    boto3.client("events", region_name=region).put_rule(Name="r", ScheduleExpression="rate(1 hour)")
    boto3.client("logs", region_name=region).create_log_group(logGroupName="/aws/ses/tenants")
    boto3.client("logs", region_name=region).describe_log_groups()
    boto3.client("sts", region_name=region).get_caller_identity()

    assert emulator.counters.by_operation() == {
        ("events", "PutRule"): 1,
        ("iam", "CreatePolicy"): 1,
        ("iam", "ListPolicies"): 1,
        ("logs", "CreateLogGroup"): 1,
        ("logs", "DescribeLogGroups"): 1,
        ("sts", "GetCallerIdentity"): 1,
    }
    assert emulator.counters.writes() == 3
    assert emulator.counters.total("logs") == 2


def test_service_errors_count_as_accepted_calls(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region)

    with pytest.raises(ClientError, match="NotFoundException"):
        client.get_tenant(TenantName="missing")

    assert emulator.counters.total() == 1
    assert emulator.counters.failed() == 0


def test_injected_failures_are_counted_apart_from_accepted_calls(emulator: Emulator) -> None:
    logs = boto3.client("logs", region_name=emulator.region,
                        config=Config(retries={"mode": "standard", "max_attempts": 3}))
    emulator.faults.fail("DescribeLogGroups", times=2, error_code="ServiceUnavailable")

    logs.describe_log_groups()

    assert emulator.counters.failed("logs") == 2
    assert emulator.counters.total("logs") == 1
    assert emulator.counters.attempts() == 3


def test_snapshots_subtract_to_the_calls_of_one_phase(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region)
    client.create_tenant(TenantName="a")
    before = emulator.counters.snapshot()
    client.list_tenants()
    client.list_tenants()

    phase = emulator.counters.snapshot() - before

    assert phase.by_operation() == {("sesv2", "ListTenants"): 2}
    assert phase.writes() == 0


def test_reset_zeroes_every_counter(emulator: Emulator) -> None:
    boto3.client("sesv2", region_name=emulator.region).list_tenants()

    emulator.counters.reset()

    assert emulator.counters.attempts() == 0
    assert emulator.counters.by_operation() == {}


def test_snapshot_renders_as_json_ready_data(emulator: Emulator) -> None:
    boto3.client("sesv2", region_name=emulator.region).create_tenant(TenantName="a")

    rendered = json.loads(json.dumps(emulator.counters.snapshot().to_dict()))

    assert rendered["by_operation"]["accepted"] == {"sesv2:CreateTenant": 1}
    assert rendered["writes"] == 1


def test_journal_is_off_until_started(emulator: Emulator, sesv2: object) -> None:
    sesv2.list_tenants()  # type: ignore[attr-defined]
    assert emulator.counters.journal() == ()


def test_journal_records_requests_in_arrival_order_with_their_parameters(
        emulator: Emulator, sesv2: object) -> None:
    emulator.counters.start_journal()
    sesv2.create_tenant(TenantName="First")  # type: ignore[attr-defined]
    sesv2.create_tenant(TenantName="Second")  # type: ignore[attr-defined]
    with pytest.raises(ClientError):
        sesv2.get_tenant(TenantName="Missing")  # type: ignore[attr-defined]
    assert [(e.operation, e.params.get("TenantName"), e.outcome)
            for e in emulator.counters.journal()] == [
        ("CreateTenant", "First", "accepted"), ("CreateTenant", "Second", "accepted"),
        ("GetTenant", "Missing", "accepted")]
