"""SNS keeps an email subscription pending until its recipient confirms it, and counts it so.

moto confirms every subscription at once and reports 0 for the topic's counts; the emulator
answers as SNS does, in-process here and under `local serve` in `emulator_infra`.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from reconciler.emulator import DEFAULT_REGION, Emulator


@pytest.fixture
def sns(emulator: Emulator) -> Any:
    return boto3.client("sns", region_name=DEFAULT_REGION)


def _counts(sns: Any, topic: str) -> tuple[str, str, str]:
    found = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    return (found["SubscriptionsConfirmed"], found["SubscriptionsPending"],
            found["SubscriptionsDeleted"])


def test_an_email_subscription_is_pending_until_its_token_confirms_it(
        emulator: Emulator, sns: Any) -> None:
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    answer = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com")
    pending = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    counted = _counts(sns, topic)
    token = emulator.control.subscription_token("alerts", "a@example.com")["Token"]
    confirmed = sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]

    assert answer["SubscriptionArn"] == "pending confirmation"
    assert [s["SubscriptionArn"] for s in pending] == ["PendingConfirmation"]
    assert counted == ("0", "1", "0")
    assert _counts(sns, topic) == ("1", "0", "0")
    assert [s["SubscriptionArn"] for s in
            sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]] == [confirmed]


def test_the_counts_separate_pending_email_from_subscriptions_that_need_no_confirming(
        sns: Any) -> None:
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    boto3.client("sqs", region_name=DEFAULT_REGION).create_queue(QueueName="q")
    queue_arn = f"arn:aws:sqs:{DEFAULT_REGION}:123456789012:q"
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    for address in ("a@example.com", "b@example.com"):
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=address)

    assert _counts(sns, topic) == ("1", "2", "0")


def test_return_subscription_arn_gives_the_pending_subscriptions_arn(sns: Any) -> None:
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    arn = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com",
                        ReturnSubscriptionArn=True)["SubscriptionArn"]

    assert arn.startswith(f"{topic}:")
    assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"][
        "PendingConfirmation"] == "true"


def test_a_wrong_token_confirms_nothing(sns: Any) -> None:
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com")

    with pytest.raises(ClientError) as raised:
        sns.confirm_subscription(TopicArn=topic, Token="0" * 64)

    assert raised.value.response["Error"]["Code"] == "InvalidParameter"
    assert _counts(sns, topic) == ("0", "1", "0")


def test_an_unsubscribed_subscription_leaves_the_counts(emulator: Emulator, sns: Any) -> None:
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com")
    token = emulator.control.subscription_token("alerts", "a@example.com")["Token"]
    arn = sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]
    sns.unsubscribe(SubscriptionArn=arn)

    assert _counts(sns, topic) == ("0", "0", "0")
