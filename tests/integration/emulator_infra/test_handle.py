"""The in-process handle: control functions, options and faults bound to its account."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from reconciler.emulator import Emulator, FaultConfig

IDENTITY_ARN = "arn:aws:ses:us-east-1:123456789012:identity/x.example.com"


def test_control_pauses_a_tenant_of_the_handles_account(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region)
    arn = client.create_tenant(TenantName="t")["TenantArn"]

    emulator.control.aws_pause("t", kind="trust_and_safety")

    entity = client.get_reputation_entity(ReputationEntityType="RESOURCE",
                                          ReputationEntityReference=arn)["ReputationEntity"]
    assert entity["AwsSesManagedStatus"]["Status"] == "DISABLED"
    assert client.get_tenant(TenantName="t")["Tenant"]["SendingStatus"] == "DISABLED"


def test_options_switch_behaviour_for_the_handles_account(emulator: Emulator) -> None:
    client = boto3.client("sesv2", region_name=emulator.region)
    client.create_email_identity(EmailIdentity="x.example.com")
    client.create_tenant(TenantName="t")
    client.create_tenant_resource_association(TenantName="t", ResourceArn=IDENTITY_ARN)

    emulator.options.repeat_association = "ok"

    client.create_tenant_resource_association(TenantName="t", ResourceArn=IDENTITY_ARN)
    assert len(client.list_tenant_resources(TenantName="t")["TenantResources"]) == 1


def test_faults_given_to_the_constructor_apply_from_the_first_call() -> None:
    with Emulator(faults=FaultConfig(error_rate=1.0, error_codes=("InternalFailure",))) as emu:
        client = boto3.client("sesv2", region_name=emu.region,
                              config=Config(retries={"total_max_attempts": 1}))
        with pytest.raises(ClientError, match="InternalFailure"):
            client.list_tenants()


def test_a_stopped_emulator_no_longer_counts_calls() -> None:
    with Emulator() as first:
        pass
    with Emulator() as second:
        boto3.client("sesv2", region_name=second.region).list_tenants()

    assert first.counters.attempts() == 0
    assert second.counters.attempts() == 1
