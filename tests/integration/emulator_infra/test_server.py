"""`ses-reconciler local serve` as a separate process: restarts, control surface, faults."""

from __future__ import annotations

import signal
import time
from functools import partial

import boto3
import pytest
from botocore.exceptions import ClientError

from reconciler.aws.clients import ClientFactory
from reconciler.aws.iam_model import Attachments, Ownership, Principal, RoleSpec
from reconciler.aws.iam_read import read_policies, read_roles
from reconciler.aws.iam_roles import create_role
from reconciler.aws.iam_write import IamContext, attach_policy, create_policy
from reconciler.aws.settle import NO_SETTLE
from reconciler.emulator.server import EmulatorServer
from tests.integration.emulator_infra.account import populate, read_back
from tests.integration.emulator_infra.conftest import ControlRefused, ServedAccount


def test_state_survives_a_sigterm_and_restart(served: ServedAccount) -> None:
    populate(served.client)
    before = read_back(served.client)

    assert served.stop() == 0
    served.start()
    after = read_back(served.client)

    assert after == before
    assert [t["TenantName"] for t in after["tenants"]] == ["CustomerA", "CustomerB"]
    assert after["CustomerA"]["tags"] == [{"Key": "CustomerID", "Value": "1"},
                                          {"Key": "Env", "Value": "prod"}]


def test_state_is_saved_periodically_while_serving(served: ServedAccount) -> None:
    served.client("sesv2").create_tenant(TenantName="Autosaved")

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and "Autosaved" not in _saved_text(served):
        time.sleep(0.2)

    assert served.process is not None and served.process.poll() is None
    assert "Autosaved" in _saved_text(served)


def _saved_text(served: ServedAccount) -> str:
    return served.state.read_text() if served.state.exists() else ""


def test_sigint_stops_the_server_cleanly_and_saves(served: ServedAccount) -> None:
    served.client("sesv2").create_tenant(TenantName="Interrupted")

    assert served.stop(signal.SIGINT) == 0

    assert "Interrupted" in served.state.read_text()


def test_counters_endpoint_reports_calls_and_resets(served: ServedAccount) -> None:
    served.client("sesv2").list_tenants()
    served.client("sts").get_caller_identity()

    counters = served.control("GET", "counters")
    served.control("POST", "counters/reset")

    assert counters["by_operation"]["accepted"] == {"sesv2:ListTenants": 1,
                                                    "sts:GetCallerIdentity": 1}
    assert served.control("GET", "counters")["attempts"] == 0


def test_faults_endpoint_throttles_the_served_account(served: ServedAccount) -> None:
    client = served.client("sesv2", retries={"mode": "standard", "total_max_attempts": 1})
    served.control("PUT", "faults", {"tps": {"tenant-read": 1}, "burst": 1})
    client.list_tenants()

    with pytest.raises(ClientError) as raised:
        client.list_tenants()

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert served.control("GET", "counters")["throttled"] == 1


def test_targeted_failure_endpoint_fails_one_tenant(served: ServedAccount) -> None:
    client = served.client("sesv2", retries={"mode": "standard", "total_max_attempts": 1})
    client.create_tenant(TenantName="victim")
    served.control("POST", "faults/targets",
                   {"operation": "GetTenant", "resource": "victim", "times": 1})

    with pytest.raises(ClientError, match="InternalFailure"):
        client.get_tenant(TenantName="victim")
    assert client.get_tenant(TenantName="victim")["Tenant"]["TenantName"] == "victim"


def test_control_trust_and_safety_pause_and_resume_show_in_the_entity(
        served: ServedAccount) -> None:
    client = served.client("sesv2")
    arn = client.create_tenant(TenantName="paused")["TenantArn"]
    entity = partial(client.get_reputation_entity, ReputationEntityType="RESOURCE",
                     ReputationEntityReference=arn)

    served.control("POST", "control/aws-pause",
                   {"tenant_name": "paused", "kind": "trust_and_safety"})
    paused = entity()["ReputationEntity"]["SendingStatusAggregate"]
    served.control("POST", "control/aws-resume", {"tenant_name": "paused"})

    assert paused == "DISABLED"
    assert entity()["ReputationEntity"]["SendingStatusAggregate"] == "ENABLED"


def test_control_finding_and_clear_findings_reach_the_tenant(served: ServedAccount) -> None:
    client = served.client("sesv2")
    arn = client.create_tenant(TenantName="reported")["TenantArn"]

    found = served.control("POST", "control/add-finding",
                           {"tenant_name": "reported", "impact": "LOW"})
    cleared = served.control("POST", "control/clear-findings", {"tenant_name": "reported"})

    assert found["result"]["ReputationImpact"] == "LOW"
    assert cleared["result"]["ReputationImpact"] != "LOW"
    assert found["result"]["ReputationEntityReference"] == arn


def test_options_endpoint_switches_a_behaviour(served: ServedAccount) -> None:
    client = served.client("sesv2")
    client.create_email_identity(EmailIdentity="x.example.com")
    client.create_tenant(TenantName="t")
    arn = "arn:aws:ses:us-east-1:123456789012:identity/x.example.com"
    client.create_tenant_resource_association(TenantName="t", ResourceArn=arn)

    served.control("PUT", "options", {"repeat_association": "ok"})
    client.create_tenant_resource_association(TenantName="t", ResourceArn=arn)

    assert served.control("GET", "options")["repeat_association"] == "ok"


def test_control_errors_answer_with_the_emulated_error(served: ServedAccount) -> None:
    with pytest.raises(ControlRefused) as raised:
        served.control("POST", "control/add-finding", {"tenant_name": "nope", "impact": "HIGH"})

    assert raised.value.status == 404
    assert raised.value.body["type"] == "NotFoundException"


def test_unknown_control_route_is_404(served: ServedAccount) -> None:
    with pytest.raises(ControlRefused) as raised:
        served.control("GET", "no-such-thing")

    assert raised.value.status == 404


def test_served_clients_can_retry_through_throttling(served: ServedAccount) -> None:
    client = served.client("sesv2", retries={"mode": "standard", "max_attempts": 10})
    served.control("PUT", "faults", {"tps": {"*": 5}, "burst": 1})

    for index in range(5):
        client.create_tenant(TenantName=f"t{index}")

    counters = served.control("GET", "counters")
    assert counters["by_operation"]["accepted"]["sesv2:CreateTenant"] == 5
    assert counters["attempts"] == counters["total"] + counters["throttled"]


def test_bad_fault_configuration_is_a_400_naming_the_field(served: ServedAccount) -> None:
    with pytest.raises(ControlRefused) as raised:
        served.control("PUT", "faults", {"tsp": {"*": 1}})

    assert raised.value.status == 400
    assert "tsp" in raised.value.body["message"]


def test_in_process_server_fixture_serves_a_fresh_account(emulator_server: EmulatorServer) -> None:
    client = boto3.client("sesv2", region_name="us-east-1", endpoint_url=emulator_server.url)

    client.create_tenant(TenantName="OverHttp")

    assert [t["TenantName"] for t in client.list_tenants()["Tenants"]] == ["OverHttp"]
    assert emulator_server.counters.by_operation() == {("sesv2", "CreateTenant"): 1,
                                                       ("sesv2", "ListTenants"): 1}


def test_local_serve_answers_iam_and_keeps_policies_and_roles_across_a_restart(
        served: ServedAccount) -> None:
    ownership = Ownership("managed-by", "ses-reconciler")
    factory = ClientFactory(region="us-east-1", endpoint_url=served.url)
    ctx = IamContext.from_factory(factory, ownership, NO_SETTLE)
    policy = create_policy(ctx, "ses-a-sender", "/ses-reconciler/", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ses:SendEmail", "Resource": "*"}]})
    create_role(ctx, RoleSpec("a-sender", "/ses-reconciler/", {
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "sts:AssumeRole"}]}, 7200))
    attach_policy(ctx, policy, Principal("role", "a-sender"))
    before = read_policies(factory, "/ses-reconciler/", ownership), read_roles(
        factory, "/ses-reconciler/", ownership)

    assert served.stop() == 0
    served.start()
    again = ClientFactory(region="us-east-1", endpoint_url=served.url)
    after = read_policies(again, "/ses-reconciler/", ownership), read_roles(
        again, "/ses-reconciler/", ownership)

    assert after == before
    assert after[0]["ses-a-sender"].attachments == Attachments(roles=("a-sender",))
    assert after[1]["a-sender"].attached == frozenset({policy.arn})


def test_the_server_answers_eventbridge_logs_and_sns_and_counts_their_calls(
        emulator_server: EmulatorServer) -> None:
    client = partial(boto3.client, region_name="us-east-1", endpoint_url=emulator_server.url)
    events, logs, sns = client("events"), client("logs"), client("sns")
    events.put_rule(Name="R", EventPattern='{"source": ["aws.ses"]}')
    logs.create_log_group(logGroupName="/aws/ses/tenants")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    assert events.describe_rule(Name="R")["EventPattern"] == '{"source": ["aws.ses"]}'
    assert [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]] == [
        "/aws/ses/tenants"]
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
    assert {("events", "PutRule"), ("logs", "CreateLogGroup"), ("sns", "CreateTopic")} <= set(
        emulator_server.counters.snapshot().by_operation())
