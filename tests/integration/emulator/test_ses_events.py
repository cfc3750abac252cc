"""SES's tenant events reach an EventBridge rule's CloudWatch Logs target, as in AWS.

The rule, its target and the log group are created with plain boto3; status writes go through
the SES v2 API, AWS-managed pauses and findings through the control surface.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from reconciler.emulator import DEFAULT_ACCOUNT, DEFAULT_REGION, Emulator
from tests.support.monitoring import logged, monitor


@pytest.fixture
def clients(emulator: Emulator) -> tuple[Any, Any, Any]:
    region = emulator.region
    return (boto3.client("sesv2", region_name=region), boto3.client("logs", region_name=region),
            boto3.client("events", region_name=region))


def _summary(event: dict[str, Any]) -> tuple[str, str | None, str]:
    """(detail-type, origin, status) of a status event; (detail-type, None, impact) of a finding."""
    detail = event["detail"]
    if "metadata" in detail:
        return event["detail-type"], None, detail["metadata"]["impact"]
    return event["detail-type"], detail["data"]["origin"], detail["data"]["record"]["status"]


def _set_status(ses: Any, arn: str, status: str) -> None:
    ses.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE", ReputationEntityReference=arn, SendingStatus=status)


def test_a_customer_managed_pause_lands_in_the_log_group_in_the_documented_shape(
        clients: tuple[Any, Any, Any]) -> None:
    ses, logs, events = clients
    monitor(logs, events)
    arn = ses.create_tenant(TenantName="Acme")["TenantArn"]
    _set_status(ses, arn, "DISABLED")
    [event] = logged(logs)
    assert event["source"] == "aws.ses"
    assert event["detail-type"] == "Sending Status Disabled"
    assert event["resources"] == [arn]
    assert event["account"] == DEFAULT_ACCOUNT and event["region"] == DEFAULT_REGION
    assert event["detail"]["version"] == "1.0.0"
    data = event["detail"]["data"]
    assert data["origin"] == "CUSTOMER_MANAGED"
    assert data["record"]["status"] == "DISABLED"
    assert data["record"]["cause"] == "Status manually updated."
    stamp = data["record"]["lastUpdatedTimestamp"]
    assert len(stamp) == 7 and all(isinstance(part, int) for part in stamp)
    entity = ses.get_reputation_entity(ReputationEntityType="RESOURCE",
                                       ReputationEntityReference=arn)["ReputationEntity"]
    written = entity["CustomerManagedStatus"]["LastUpdatedTimestamp"]
    assert stamp[:6] == [written.year, written.month, written.day, written.hour,
                         written.minute, written.second]


def test_an_aws_managed_pause_through_the_control_surface_is_an_aws_managed_event(
        emulator: Emulator, clients: tuple[Any, Any, Any]) -> None:
    ses, logs, events = clients
    monitor(logs, events)
    arn = ses.create_tenant(TenantName="Acme")["TenantArn"]
    emulator.control.aws_pause("Acme", kind="trust_and_safety", cause="Spam trap hits.")
    [event] = logged(logs)
    assert event["detail-type"] == "Sending Status Disabled"
    assert event["resources"] == [arn]
    assert event["detail"]["data"]["origin"] == "AWS_MANAGED"
    assert event["detail"]["data"]["record"]["cause"] == "Spam trap hits."


def test_a_finding_opens_pauses_and_resolves_and_reinstated_returns_to_enabled(
        emulator: Emulator, clients: tuple[Any, Any, Any]) -> None:
    ses, logs, events = clients
    monitor(logs, events)
    arn = ses.create_tenant(TenantName="Acme")["TenantArn"]
    emulator.control.add_finding("Acme", "HIGH", finding_type="COMPLAINT")
    _set_status(ses, arn, "REINSTATED")
    emulator.control.clear_findings("Acme")
    assert [_summary(e) for e in logged(logs)] == [
        ("Advisor Recommendation Status Open", None, "HIGH"),
        ("Sending Status Disabled", "AWS_MANAGED", "DISABLED"),
        ("Sending Status Enabled", "CUSTOMER_MANAGED", "REINSTATED"),
        ("Sending Status Enabled", "AWS_MANAGED", "ENABLED"),
        ("Advisor Recommendation Status Resolved", None, "HIGH"),
        ("Sending Status Enabled", "CUSTOMER_MANAGED", "ENABLED"),
    ]
    opened = logged(logs)[0]["detail"]
    assert opened["metadata"] == {"impact": "HIGH", "type": "COMPLAINT"}
    assert "complaint rate" in opened["data"]


def test_a_disabled_rule_delivers_nothing(clients: tuple[Any, Any, Any]) -> None:
    ses, logs, events = clients
    monitor(logs, events, state="DISABLED")
    _set_status(ses, ses.create_tenant(TenantName="Acme")["TenantArn"], "DISABLED")
    assert logged(logs) == []


def test_a_target_that_cannot_be_reached_never_fails_the_status_write(
        clients: tuple[Any, Any, Any]) -> None:
    ses, logs, events = clients
    monitor(logs, events)
    events.put_targets(Rule="SESTenantStatusMonitor", Targets=[
        {"Id": "gone", "Arn": f"arn:aws:logs:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:log-group:gone"},
        {"Id": "alerts", "Arn": f"arn:aws:sns:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:missing"}])
    _set_status(ses, ses.create_tenant(TenantName="Acme")["TenantArn"], "DISABLED")
    assert [e["detail-type"] for e in logged(logs)] == ["Sending Status Disabled"]


def test_an_sns_target_receives_the_event(clients: tuple[Any, Any, Any]) -> None:
    ses, logs, events = clients
    sns, sqs = boto3.client("sns", region_name=DEFAULT_REGION), boto3.client(
        "sqs", region_name=DEFAULT_REGION)
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true"})
    monitor(logs, events)
    events.put_targets(Rule="SESTenantStatusMonitor", Targets=[{"Id": "alerts", "Arn": topic}])
    _set_status(ses, ses.create_tenant(TenantName="Acme")["TenantArn"], "DISABLED")
    [message] = sqs.receive_message(QueueUrl=queue)["Messages"]
    assert json.loads(message["Body"])["detail-type"] == "Sending Status Disabled"
