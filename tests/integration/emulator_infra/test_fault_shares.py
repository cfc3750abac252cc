"""Faults on a share of the calls: random throttling, latency spikes, failures at a rate."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from reconciler.emulator import Emulator, FaultConfig
from reconciler.emulator.server import EmulatorServer
from tests.integration.emulator_infra.conftest import ControlRefused
from tests.integration.emulator_infra.endpoint import Endpoint

NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})
POLICY = "arn:aws:ses:us-east-1:aws:reputation-policy/strict"


def _outcomes(client: Any, calls: int) -> list[str]:
    outcomes = []
    for _ in range(calls):
        try:
            client.list_tenants()
            outcomes.append("ok")
        except ClientError as err:
            outcomes.append(str(err.response["Error"]["Code"]))
    return outcomes


def _throttle_pattern(seed: int) -> list[str]:
    with Emulator(faults=FaultConfig(throttle_rate=0.5, seed=seed)):
        return _outcomes(boto3.client("sesv2", region_name="us-east-1", config=NO_RETRIES), 60)


def test_throttle_rate_refuses_about_that_share_of_the_calls() -> None:
    outcomes = _throttle_pattern(11)

    assert set(outcomes) == {"ok", "TooManyRequestsException"}
    assert 20 <= outcomes.count("TooManyRequestsException") <= 40


def test_throttle_rate_with_a_fixed_seed_repeats_exactly() -> None:
    first = _throttle_pattern(11)

    assert _throttle_pattern(11) == first
    assert _throttle_pattern(12) != first


def test_throttled_share_answers_429_and_is_counted_as_throttled(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    emulator.faults.configure(throttle_rate=1.0)

    with pytest.raises(ClientError) as raised:
        client.list_tenants()

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert emulator.counters.throttled("sesv2") == 1


def test_retries_ride_out_a_throttled_share(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region,
                          config=Config(retries={"mode": "standard", "max_attempts": 12}))
    emulator.faults.configure(throttle_rate=0.3, seed=5)

    for index in range(4):
        client.create_tenant(TenantName=f"t{index}")

    assert len(client.list_tenants()["Tenants"]) == 4
    assert emulator.counters.throttled("sesv2") > 0


def test_throttle_limit_ends_the_episode_after_that_many_refusals(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    emulator.faults.configure(throttle_rate=1.0, throttle_limit=3)

    outcomes = _outcomes(client, 5)

    assert outcomes == ["TooManyRequestsException"] * 3 + ["ok"] * 2


def _delays(seed: int) -> list[float]:
    with Emulator(faults=FaultConfig(latency_ms=1, latency_spike_rate=0.25, latency_spike_ms=30,
                                     seed=seed)) as emu:
        client = boto3.client("sesv2", region_name="us-east-1")
        for _ in range(40):
            client.list_tenants()
        return [decision.delay for decision in emu.faults.history]


def test_latency_spikes_hit_a_seeded_share_of_the_calls() -> None:
    delays = _delays(4)

    assert set(delays) == {0.001, 0.031}
    assert 4 <= delays.count(0.031) <= 18
    assert delays == _delays(4)


def _policy_outcomes(emulator: Emulator, client: Any, arn: str) -> list[str]:
    outcomes = []
    for _ in range(30):
        try:
            client.update_reputation_entity_policy(
                ReputationEntityType="RESOURCE", ReputationEntityReference=arn,
                ReputationEntityPolicy=POLICY)
            outcomes.append("ok")
        except ClientError as err:
            outcomes.append(str(err.response["Error"]["Code"]))
    return outcomes


def test_targeted_failure_at_a_rate_fails_only_that_share_of_its_operation(
        emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    arn = client.create_tenant(TenantName="contended")["TenantArn"]
    emulator.faults.configure(seed=3)
    emulator.faults.fail("UpdateReputationEntityPolicy", error_code="ConflictException", rate=0.5)

    outcomes = _policy_outcomes(emulator, client, arn)
    status = client.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE", ReputationEntityReference=arn, SendingStatus="DISABLED")

    assert set(outcomes) == {"ok", "ConflictException"}
    assert 8 <= outcomes.count("ConflictException") <= 22
    assert status["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_targeted_failure_at_a_rate_repeats_with_the_seed(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    arn = client.create_tenant(TenantName="contended")["TenantArn"]
    runs = []
    for _ in range(2):
        emulator.faults.clear()
        emulator.faults.configure(seed=3)
        emulator.faults.fail("UpdateReputationEntityPolicy", error_code="ConflictException",
                             rate=0.5)
        runs.append(_policy_outcomes(emulator, client, arn))

    assert runs[0] == runs[1]


def test_conflict_exception_answers_409(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    arn = client.create_tenant(TenantName="contended")["TenantArn"]
    emulator.faults.fail("UpdateReputationEntityPolicy", error_code="ConflictException", rate=1.0)

    with pytest.raises(ClientError) as raised:
        client.update_reputation_entity_policy(
            ReputationEntityType="RESOURCE", ReputationEntityReference=arn,
            ReputationEntityPolicy=POLICY)

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


@pytest.mark.parametrize("field", ["throttle_rate", "error_rate", "latency_spike_rate"])
def test_a_share_above_one_is_refused(field: str, emulator: Emulator) -> None:
    with pytest.raises(ValueError, match=f"{field} must be between 0 and 1, not 50"):
        emulator.faults.configure(**{field: 50})


def test_a_negative_throttle_limit_is_refused(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="throttle_limit must not be negative"):
        emulator.faults.configure(throttle_rate=0.5, throttle_limit=-1)


@pytest.mark.parametrize("rate", [0, 1.5])
def test_a_targeted_rate_outside_zero_to_one_is_refused(rate: float, emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="rate must be above 0 and at most 1"):
        emulator.faults.fail("CreateTenant", rate=rate)


def test_served_faults_take_a_throttle_rate_and_refuse_a_percentage(
        emulator_server: EmulatorServer) -> None:
    served = Endpoint(emulator_server.url)
    accepted = served.control("PUT", "faults", {"throttle_rate": 0.5, "seed": 1})
    with pytest.raises(ControlRefused) as refused:
        served.control("PUT", "faults", {"throttle_rate": 50})

    assert accepted["config"]["throttle_rate"] == 0.5
    assert refused.value.status == 400
    assert "throttle_rate must be between 0 and 1" in refused.value.body["message"]
