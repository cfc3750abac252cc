"""ClientFactory: one session, cached clients, retries and the limiter on every attempt."""

from __future__ import annotations

import pytest

from reconciler.aws.clients import ClientFactory
from reconciler.emulator import DEFAULT_ACCOUNT, Emulator
from reconciler.state import ArnContext


def test_clients_are_cached_per_service(factory: ClientFactory) -> None:
    assert factory.client("sesv2") is factory.client("sesv2")
    assert factory.client("sesv2") is not factory.client("sts")


def test_arn_context_names_the_caller_account_and_region(factory: ClientFactory) -> None:
    assert factory.arn_context() == ArnContext("aws", "us-east-1", DEFAULT_ACCOUNT)


def test_caller_identity_is_asked_once(factory: ClientFactory) -> None:
    factory.caller_account()
    factory.arn_context()
    assert factory.calls == {"GetCallerIdentity": 1}


def test_partition_follows_the_region() -> None:
    assert ClientFactory(region="cn-north-1").partition == "aws-cn"


def test_endpoint_url_from_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:4566")
    factory = ClientFactory(region="us-east-1")
    assert factory.client("sesv2").meta.endpoint_url == "http://localhost:4566"
    assert factory.limiter.start_rate is None


def test_real_aws_starts_at_one_request_per_second_per_family() -> None:
    assert ClientFactory(region="us-east-1").limiter.start_rate == 1.0


def test_retries_use_standard_mode_and_the_pool_fits_the_parallelism() -> None:
    config = ClientFactory(region="us-east-1", max_attempts=7, parallelism=40).config
    assert (config.retries, config.max_pool_connections) == (
        {"mode": "standard", "max_attempts": 7}, 42)


def test_every_attempt_is_counted_including_retries(
        emulator: Emulator, factory: ClientFactory) -> None:
    emulator.faults.fail("ListTenants", times=2, error_code="InternalFailure")
    factory.client("sesv2").list_tenants()
    assert factory.calls == {"ListTenants": 3}


def test_throttles_are_reported_to_the_limiter_and_ridden_out(
        emulator: Emulator, factory: ClientFactory) -> None:
    emulator.faults.fail("ListTenants", times=1, error_code="TooManyRequestsException")
    answer = factory.client("sesv2").list_tenants()
    assert (answer["Tenants"], factory.limiter.throttles) == ([], {"ListTenants": 1})
    assert factory.limiter.rate("tenant-read") is not None


def test_conflict_answers_are_retried(emulator: Emulator, factory: ClientFactory) -> None:
    emulator.faults.fail("ListTenants", times=1, error_code="ConflictException")
    factory.client("sesv2").list_tenants()
    assert factory.calls == {"ListTenants": 2}
