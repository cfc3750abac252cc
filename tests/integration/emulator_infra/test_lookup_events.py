"""CloudTrail LookupEvents in the emulator: the history of the writes it answered.

Every test goes through boto3's CloudTrail client (or the HTTP server): the emulator records
the SES, IAM, EventBridge, Logs and SNS writes it answers, as CloudTrail would, and answers the
documented paging, filters, errors and pacing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from reconciler.aws.clients import USER_AGENT_MARKER, ClientFactory
from reconciler.emulator import Emulator
from reconciler.emulator.server import EmulatorServer

REGION = "us-east-1"
NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})
RAW = Config(retries={"max_attempts": 1, "mode": "standard"}, parameter_validation=False)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        emulator.options.update(lookup_events_pacing="off")
        yield emulator


def trail(region: str = REGION, config: Config = NO_RETRY) -> Any:
    return boto3.client("cloudtrail", region_name=region, config=config)


def ses(region: str = REGION, **kwargs: Any) -> Any:
    return boto3.client("sesv2", region_name=region, **kwargs)


def record(event: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(event["CloudTrailEvent"]))


def names(events: list[dict[str, Any]]) -> list[str]:
    return [e["EventName"] for e in events]


def test_a_write_is_an_event_in_cloudtrails_shape(emu: Emulator) -> None:
    created = ses().create_tenant(TenantName="acme")
    [event] = trail().lookup_events()["Events"]
    assert event["EventName"] == "CreateTenant"
    assert event["EventSource"] == "ses.amazonaws.com"
    assert event["ReadOnly"] == "false"
    assert event["Username"] == "root"
    assert event["AccessKeyId"]
    assert isinstance(event["EventTime"], dt.datetime)
    assert {"ResourceType": "AWS::SES::Tenant", "ResourceName": "acme"} in event["Resources"]
    body = record(event)
    assert body["eventID"] == event["EventId"]
    assert body["userIdentity"]["type"] == "Root"
    assert body["userIdentity"]["accessKeyId"] == event["AccessKeyId"]
    assert body["requestParameters"] == {"tenantName": "acme"}
    assert body["responseElements"]["tenantArn"] == created["TenantArn"]
    assert "Boto3/" in body["userAgent"]
    assert "errorCode" not in body


def test_a_failed_write_is_recorded_with_its_error_code(emu: Emulator) -> None:
    client = ses(config=NO_RETRY)
    client.create_tenant(TenantName="acme")
    with pytest.raises(ClientError):
        client.create_tenant(TenantName="acme")
    newest = record(trail().lookup_events(MaxResults=1)["Events"][0])
    assert newest["errorCode"] == "AlreadyExistsException"
    assert "already exists" in newest["errorMessage"]


def test_reads_are_not_recorded(emu: Emulator) -> None:
    client = ses()
    client.create_tenant(TenantName="acme")
    client.get_tenant(TenantName="acme")
    client.list_tenants()
    assert names(trail().lookup_events()["Events"]) == ["CreateTenant"]


def test_uri_labels_and_arns_become_parameters_and_resources(emu: Emulator) -> None:
    client = ses()
    tenant_arn = client.create_tenant(TenantName="acme")["TenantArn"]
    client.update_reputation_entity_policy(
        ReputationEntityType="RESOURCE", ReputationEntityReference=tenant_arn,
        ReputationEntityPolicy="arn:aws:ses:us-east-1:aws:reputation-policy/strict")
    client.untag_resource(ResourceArn=tenant_arn, TagKeys=["team"])
    untag, policy = trail().lookup_events(MaxResults=2)["Events"]
    assert record(untag)["requestParameters"] == {"resourceArn": tenant_arn,
                                                  "tagKeys": ["team"]}
    assert record(policy)["requestParameters"]["reputationEntityReference"] == tenant_arn
    assert policy["Resources"] == [{"ResourceType": "AWS::SES::Tenant",
                                    "ResourceName": tenant_arn}]


def test_iam_events_are_recorded_in_us_east_1_only(emu: Emulator) -> None:
    boto3.client("iam", region_name=REGION).create_policy(
        PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ses:GetTenant", "Resource": "*"}]}))
    ses("eu-west-1").create_tenant(TenantName="acme")
    east = trail().lookup_events()["Events"]
    west = trail("eu-west-1").lookup_events()["Events"]
    assert [(e["EventSource"], e["EventName"]) for e in east] == [
        ("iam.amazonaws.com", "CreatePolicy")]
    assert names(west) == ["CreateTenant"]
    assert record(east[0])["requestParameters"]["policyName"] == "p"


def test_pages_are_newest_first_with_a_token_until_the_last(emu: Emulator) -> None:
    client = ses()
    for i in range(7):
        client.create_tenant(TenantName=f"t{i}")
    seen: list[str] = []
    pages = 0
    kwargs: dict[str, Any] = {"MaxResults": 3}
    while True:
        page = trail().lookup_events(**kwargs)
        pages += 1
        seen += [record(e)["requestParameters"]["tenantName"] for e in page["Events"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert pages == 3
    assert seen == [f"t{i}" for i in reversed(range(7))]


def test_a_token_is_bound_to_its_query(emu: Emulator) -> None:
    client = ses()
    for i in range(3):
        client.create_tenant(TenantName=f"t{i}")
    token = trail().lookup_events(MaxResults=1)["NextToken"]
    with pytest.raises(ClientError) as raised:
        trail().lookup_events(MaxResults=1, NextToken=token, LookupAttributes=[
            {"AttributeKey": "EventName", "AttributeValue": "CreateTenant"}])
    assert raised.value.response["Error"]["Code"] == "InvalidNextTokenException"
    with pytest.raises(ClientError) as garbage:
        trail().lookup_events(NextToken="not-a-token")
    assert garbage.value.response["Error"]["Code"] == "InvalidNextTokenException"


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("EventName", "TagResource", ["TagResource"]),
    ("EventSource", "iam.amazonaws.com", ["CreatePolicy"]),
    ("ResourceName", "acme", ["CreateTenant"]),
    ("ResourceType", "AWS::IAM::Policy", ["CreatePolicy"]),
    ("ReadOnly", "true", []),
    ("Username", "root", ["CreatePolicy", "TagResource", "CreateTenant"]),
])
def test_one_lookup_attribute_filters_the_events(emu: Emulator, key: str, value: str,
                                                 expected: list[str]) -> None:
    tenant_arn = ses().create_tenant(TenantName="acme")["TenantArn"]
    ses().tag_resource(ResourceArn=tenant_arn, Tags=[{"Key": "k", "Value": "v"}])
    boto3.client("iam", region_name=REGION).create_policy(
        PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ses:GetTenant", "Resource": "*"}]}))
    events = trail().lookup_events(
        LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}])["Events"]
    assert names(events) == expected


def test_event_id_and_access_key_attributes_find_their_event(emu: Emulator) -> None:
    ses().create_tenant(TenantName="acme")
    ses().create_tenant(TenantName="beta")
    newest = trail().lookup_events(MaxResults=1)["Events"][0]
    by_id = trail().lookup_events(LookupAttributes=[
        {"AttributeKey": "EventId", "AttributeValue": newest["EventId"]}])["Events"]
    by_key = trail().lookup_events(LookupAttributes=[
        {"AttributeKey": "AccessKeyId", "AttributeValue": newest["AccessKeyId"]}])["Events"]
    assert [e["EventId"] for e in by_id] == [newest["EventId"]]
    assert len(by_key) == 2


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "CreateTenant"},
                           {"AttributeKey": "Username", "AttributeValue": "root"}]},
     "InvalidLookupAttributesException"),
    ({"LookupAttributes": [{"AttributeKey": "Colour", "AttributeValue": "red"}]},
     "InvalidLookupAttributesException"),
    ({"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": ""}]},
     "InvalidLookupAttributesException"),
    ({"MaxResults": 51}, "InvalidMaxResultsException"),
    ({"MaxResults": 0}, "InvalidMaxResultsException"),
    ({"StartTime": dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
      "EndTime": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}, "InvalidTimeRangeException"),
    ({"EventCategory": "management"}, "InvalidEventCategoryException"),
])
def test_documented_errors(emu: Emulator, kwargs: dict[str, Any], code: str) -> None:
    with pytest.raises(ClientError) as raised:
        trail(config=RAW).lookup_events(**kwargs)
    assert raised.value.response["Error"]["Code"] == code
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_start_and_end_time_bound_the_events(emu: Emulator) -> None:
    ses().create_tenant(TenantName="old")
    assert emu.control.age_events(3 * 86400) == {"events": 1}
    ses().create_tenant(TenantName="new")
    now = dt.datetime.now(dt.UTC)
    recent = trail().lookup_events(StartTime=now - dt.timedelta(days=1))["Events"]
    older = trail().lookup_events(StartTime=now - dt.timedelta(days=4),
                                  EndTime=now - dt.timedelta(days=2))["Events"]
    assert [record(e)["requestParameters"]["tenantName"] for e in recent] == ["new"]
    assert [record(e)["requestParameters"]["tenantName"] for e in older] == ["old"]


def test_lookups_above_the_rate_are_throttled(emu: Emulator) -> None:
    """2 requests/s by default; a slow rate here, so a loaded machine cannot refill it."""
    assert emu.options.lookup_events_tps == 2.0
    emu.options.update(lookup_events_pacing="throttle", lookup_events_tps=0.05)
    client = trail()
    client.lookup_events()
    with pytest.raises(ClientError) as raised:
        client.lookup_events()
    assert raised.value.response["Error"]["Code"] == "ThrottlingException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_count_pacing_answers_and_counts_what_it_would_have_throttled(emu: Emulator) -> None:
    emu.options.update(lookup_events_pacing="count", lookup_events_tps=0.05)
    client = trail()
    for _ in range(4):
        client.lookup_events()
    assert emu.control.event_history()["would_throttle"] == 3


def test_pacing_off_never_throttles(emu: Emulator) -> None:
    emu.options.update(lookup_events_pacing="off", lookup_events_tps=0.05)
    client = trail()
    for _ in range(4):
        client.lookup_events()
    assert emu.control.event_history()["would_throttle"] == 0


def test_another_principal_is_named_with_its_key_and_user_agent(emu: Emulator) -> None:
    iam = boto3.client("iam", region_name=REGION)
    iam.create_user(UserName="mallory")
    key = iam.create_access_key(UserName="mallory")["AccessKey"]
    session = boto3.Session(aws_access_key_id=key["AccessKeyId"],
                            aws_secret_access_key=key["SecretAccessKey"], region_name=REGION)
    session.client("sesv2", config=Config(user_agent_extra="console/1.0")).create_tenant(
        TenantName="acme")
    event = trail().lookup_events(MaxResults=1)["Events"][0]
    assert event["Username"] == "mallory"
    assert event["AccessKeyId"] == key["AccessKeyId"]
    body = record(event)
    assert body["userIdentity"] == {
        "type": "IAMUser", "principalId": key["AccessKeyId"],
        "arn": "arn:aws:iam::123456789012:user/mallory", "accountId": "123456789012",
        "accessKeyId": key["AccessKeyId"], "userName": "mallory"}
    assert "console/1.0" in body["userAgent"]
    assert USER_AGENT_MARKER not in body["userAgent"]


def test_the_tools_own_calls_carry_its_marker(emu: Emulator) -> None:
    ClientFactory.for_emulator(REGION).client("sesv2").create_tenant(TenantName="acme")
    event = trail().lookup_events(MaxResults=1)["Events"][0]
    assert USER_AGENT_MARKER in record(event)["userAgent"]


def test_history_survives_a_save_and_load(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    with Emulator(state_file=state):
        ses().create_tenant(TenantName="acme")
        first = trail().lookup_events()["Events"]
    with Emulator(state_file=state):
        again = trail().lookup_events()["Events"]
    assert again == first


def test_lookup_events_over_http(emu: Emulator) -> None:
    server = EmulatorServer("127.0.0.1", 0).start()
    try:
        url = server.url
        boto3.client("sesv2", region_name=REGION, endpoint_url=url).create_tenant(
            TenantName="acme")
        events = boto3.client("cloudtrail", region_name=REGION, endpoint_url=url,
                              config=NO_RETRY).lookup_events()["Events"]
    finally:
        server.stop()
    assert names(events) == ["CreateTenant"]
    assert record(events[0])["requestParameters"] == {"tenantName": "acme"}


def test_history_keeps_90_days(emu: Emulator) -> None:
    ses().create_tenant(TenantName="ancient")
    emu.control.age_events(91 * 86400)
    ses().create_tenant(TenantName="recent")
    assert emu.control.event_history()["events"] == 1


def _by_source(source: str) -> list[dict[str, Any]]:
    return trail().lookup_events(LookupAttributes=[
        {"AttributeKey": "EventSource", "AttributeValue": source}])["Events"]


@pytest.mark.parametrize(("source", "write", "expected"), [
    ("events.amazonaws.com",
     lambda: boto3.client("events", region_name=REGION).put_rule(
         Name="r", EventPattern=json.dumps({"source": ["aws.ses"]})),
     ("PutRule", "name", "r")),
    ("logs.amazonaws.com",
     lambda: boto3.client("logs", region_name=REGION).create_log_group(logGroupName="/g"),
     ("CreateLogGroup", "logGroupName", "/g")),
    ("sns.amazonaws.com",
     lambda: boto3.client("sns", region_name=REGION).create_topic(Name="alerts"),
     ("CreateTopic", "name", "alerts")),
])
def test_monitoring_writes_are_recorded_under_their_event_source(
        emu: Emulator, source: str, write: Any, expected: tuple[str, str, str]) -> None:
    write()
    [event] = _by_source(source)
    name, key, value = expected
    assert event["EventName"] == name
    assert record(event)["requestParameters"][key] == value


def test_data_plane_puts_and_publishes_are_not_recorded(emu: Emulator) -> None:
    logs = boto3.client("logs", region_name=REGION)
    logs.create_log_group(logGroupName="/g")
    logs.create_log_stream(logGroupName="/g", logStreamName="s")
    logs.put_log_events(logGroupName="/g", logStreamName="s",
                        logEvents=[{"timestamp": 1, "message": "m"}])
    sns = boto3.client("sns", region_name=REGION)
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    sns.publish(TopicArn=topic, Message="m")
    assert names(_by_source("logs.amazonaws.com")) == ["CreateLogStream", "CreateLogGroup"]
    assert names(_by_source("sns.amazonaws.com")) == ["CreateTopic"]
