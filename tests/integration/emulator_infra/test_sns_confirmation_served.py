"""Under `local serve`, a pending email subscription, its token and its confirmation survive a
restart, and the control surface hands out the token its confirmation message carries."""

from __future__ import annotations

from tests.integration.emulator_infra.conftest import ServedAccount


def test_a_pending_subscription_is_confirmed_with_its_token_after_a_restart(
        served: ServedAccount) -> None:
    sns = served.client("sns")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com")
    before = sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsPending"]

    assert served.stop() == 0
    served.start()
    sns = served.client("sns")
    token = served.control("POST", "control/subscription-token",
                           {"topic": topic, "endpoint": "a@example.com"})["result"]["Token"]
    sns.confirm_subscription(TopicArn=topic, Token=token)
    after = sns.get_topic_attributes(TopicArn=topic)["Attributes"]

    assert before == "1"
    assert (after["SubscriptionsConfirmed"], after["SubscriptionsPending"]) == ("1", "0")
