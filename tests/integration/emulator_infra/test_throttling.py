"""Throttling through the real wire path: boto3 -> botocore -> moto -> boto3's parser."""

from __future__ import annotations

import threading

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from reconciler.emulator import Emulator

NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def test_burst_of_200_at_20_tps_is_partly_refused_and_retries_finish_it(
        emulator: Emulator) -> None:
    # One retry quota per client: 20 clients, as 20 application workers would have.
    config = Config(retries={"mode": "standard", "max_attempts": 20}, max_pool_connections=20)
    clients = [boto3.client("sesv2", region_name=emulator.region, config=config)
               for _ in range(20)]
    clients[0].create_tenant(TenantName="burst")
    emulator.counters.reset()
    emulator.faults.configure(tps={"tenant-read": 20})
    start, errors = threading.Barrier(200), []

    def call(index: int) -> None:
        start.wait()
        try:
            clients[index % 20].get_tenant(TenantName="burst")
        except ClientError as err:
            errors.append(err)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    counts = emulator.counters.snapshot()
    print(f"burst: accepted={counts.total()} throttled={counts.throttled()}")
    assert errors == []
    assert counts.by_operation() == {("sesv2", "GetTenant"): 200}
    assert counts.throttled() > 0
    assert counts.attempts() == counts.total() + counts.throttled()


def test_throttled_call_answers_429_too_many_requests(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    emulator.faults.configure(tps={"*": 1}, burst=1)
    client.list_tenants()

    with pytest.raises(ClientError) as raised:
        client.list_tenants()

    error = raised.value.response
    assert error["Error"] == {"Code": "TooManyRequestsException", "Message": "Too Many Requests"}
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert error["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == \
        "TooManyRequestsException"


def test_each_operation_family_has_its_own_bucket(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region, config=NO_RETRIES)
    tenant = client.create_tenant(TenantName="fam")
    emulator.faults.configure(tps={"*": 1}, burst=1)
    client.get_tenant(TenantName="fam")

    client.list_tags_for_resource(ResourceArn=tenant["TenantArn"])
    client.get_reputation_entity(ReputationEntityType="RESOURCE",
                                 ReputationEntityReference=tenant["TenantArn"])

    with pytest.raises(ClientError, match="TooManyRequestsException"):
        client.list_tenants()


def test_iam_throttling_is_the_query_protocol_throttling_error(emulator: Emulator) -> None:
    iam = boto3.client("iam", config=NO_RETRIES)
    emulator.faults.configure(tps={"*": 1}, burst=1)
    iam.list_roles()

    with pytest.raises(ClientError) as raised:
        iam.list_roles()

    assert raised.value.response["Error"]["Code"] == "Throttling"
    assert emulator.counters.throttled("iam") == 1


def test_events_throttling_is_the_json_protocol_throttling_exception(emulator: Emulator) -> None:
    events = boto3.client("events", region_name=emulator.region, config=NO_RETRIES)
    emulator.faults.configure(tps={"*": 1}, burst=1, services=("events",))
    events.list_rules()

    with pytest.raises(ClientError) as raised:
        events.list_rules()

    assert raised.value.response["Error"] == {"Code": "ThrottlingException",
                                              "Message": "Rate exceeded"}


def test_faults_limited_to_some_services_leave_the_others_alone(emulator: Emulator) -> None:
    sts = boto3.client("sts", region_name=emulator.region, config=NO_RETRIES)
    emulator.faults.configure(tps={"*": 1}, burst=1, error_rate=1.0, services=("events",))

    for _ in range(3):
        sts.get_caller_identity()

    assert emulator.counters.total("sts") == 3
