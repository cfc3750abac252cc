"""Latency, random 5xx and targeted failures, reproducible with a seed."""

from __future__ import annotations

import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from reconciler.emulator import Emulator, FaultConfig

NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def _failure_pattern(seed: int) -> list[str]:
    """Run 40 calls against a fresh account; return what each one answered."""
    with Emulator(faults=FaultConfig(error_rate=0.3, seed=seed)):
        client = boto3.client("sesv2", region_name="us-east-1", config=NO_RETRIES)
        outcomes = []
        for _ in range(40):
            try:
                client.list_tenants()
                outcomes.append("ok")
            except ClientError as err:
                outcomes.append(err.response["Error"]["Code"])
        return outcomes


def test_random_5xx_with_a_fixed_seed_repeat_exactly() -> None:
    first, second = _failure_pattern(7), _failure_pattern(7)

    assert first == second
    assert {"ok", "InternalFailure", "ServiceUnavailable"} == set(first)


def test_random_5xx_change_with_the_seed() -> None:
    assert _failure_pattern(7) != _failure_pattern(8)


def test_random_5xx_answer_with_their_http_status(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    emulator.faults.configure(error_rate=1.0, error_codes=("ServiceUnavailable",))

    with pytest.raises(ClientError) as raised:
        client.list_tenants()

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert emulator.counters.failed("sesv2") == 1


def _latencies(seed: int) -> list[float]:
    with Emulator(faults=FaultConfig(latency_ms=5, latency_jitter_ms=20, seed=seed)) as emu:
        client = boto3.client("sesv2", region_name="us-east-1")
        for _ in range(10):
            client.list_tenants()
        return [decision.delay for decision in emu.faults.history]


def test_latency_with_a_fixed_seed_repeats_exactly() -> None:
    first, second = _latencies(3), _latencies(3)

    assert first == second
    assert all(0.005 <= delay <= 0.025 for delay in first)
    assert len(set(first)) == len(first)


def test_added_latency_delays_the_answer(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region)
    client.list_tenants()
    emulator.faults.configure(latency_ms=200)

    started = time.monotonic()
    client.list_tenants()

    assert time.monotonic() - started >= 0.2


def test_targeted_failure_hits_only_the_named_tenant_n_times(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    client.create_tenant(TenantName="victim")
    client.create_tenant(TenantName="bystander")
    emulator.faults.fail("GetTenant", resource="victim", times=2,
                         error_code="InternalFailure")

    codes = []
    for _ in range(3):
        try:
            client.get_tenant(TenantName="victim")
            codes.append("ok")
        except ClientError as err:
            codes.append(err.response["Error"]["Code"])

    assert codes == ["InternalFailure", "InternalFailure", "ok"]
    assert client.get_tenant(TenantName="bystander")["Tenant"]["TenantName"] == "bystander"


def test_targeted_failure_matches_a_tenant_inside_an_arn(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    tenant = client.create_tenant(TenantName="tagged")
    emulator.faults.fail("TagResource", resource="tagged",
                         error_code="ConcurrentModificationException")

    with pytest.raises(ClientError) as raised:
        client.tag_resource(ResourceArn=tenant["TenantArn"], Tags=[{"Key": "k", "Value": "v"}])

    assert raised.value.response["Error"]["Code"] == "ConcurrentModificationException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_targeted_failure_without_a_count_fails_always(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    emulator.faults.fail("CreateTenant", resource="doomed", error_code="AccessDeniedException")

    for _ in range(3):
        with pytest.raises(ClientError, match="AccessDeniedException"):
            client.create_tenant(TenantName="doomed")
    assert client.list_tenants()["Tenants"] == []


def test_retries_recover_from_a_targeted_transient_failure(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region,
                          config=Config(retries={"mode": "standard", "max_attempts": 3}))
    emulator.faults.fail("CreateTenant", resource="flaky", times=1, error_code="ServiceUnavailable")

    client.create_tenant(TenantName="flaky")

    assert emulator.counters.failed() == 1
    assert emulator.counters.by_operation() == {("sesv2", "CreateTenant"): 1}


def test_clear_removes_every_fault(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    emulator.faults.configure(error_rate=1.0)
    emulator.faults.fail("ListTenants")

    emulator.faults.clear()

    assert client.list_tenants()["Tenants"] == []
