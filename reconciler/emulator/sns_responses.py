"""SNS as it treats subscriptions that need confirming, which moto confirms at once.

An email, email-json, http or https subscription stays pending until its recipient confirms it
with the token SNS sends them: Subscribe answers `pending confirmation` (unless
ReturnSubscriptionArn), the listings show its ARN as `PendingConfirmation`, GetTopicAttributes
counts it in SubscriptionsPending rather than SubscriptionsConfirmed, and ConfirmSubscription
with that token confirms it. The token is what the confirmation message carries; the control
surface hands it out (`control.subscription_token`). Pending state and token live on moto's
subscription object, so `local serve` state files keep them.
"""

from __future__ import annotations

import secrets
from typing import Any

from moto.core.responses import ActionResult

CONFIRMED_BY_RECIPIENT = ("email", "email-json", "http", "https")
PENDING_ARN = "PendingConfirmation"


def pending(subscription: Any) -> bool:
    return bool(getattr(subscription, "confirmation_token", None))


def view(subscription: Any) -> dict[str, str]:
    return {"SubscriptionArn": PENDING_ARN if pending(subscription) else subscription.arn,
            "Owner": subscription.owner, "Protocol": subscription.protocol,
            "Endpoint": subscription.endpoint, "TopicArn": subscription.topic.arn}


def count(backend: Any, topic: Any) -> None:
    """Refresh the topic's counts from its subscriptions (deletion is immediate here, so
    SubscriptionsDeleted stays 0)."""
    subs = [s for s in backend.subscriptions.values() if s.topic is topic]
    topic.subscriptions_pending = sum(1 for s in subs if pending(s))
    topic.subscriptions_confimed = len(subs) - topic.subscriptions_pending


def confirm(subscription: Any) -> None:
    subscription.confirmation_token = None
    subscription.confirmed = True
    subscription.attributes["PendingConfirmation"] = "false"


class SnsResponses:
    """Grafted onto `moto.sns.responses.SNSResponse` (see `extension.install`)."""

    backend: Any
    _get_param: Any
    _get_bool_param: Any

    def subscribe(self) -> Any:
        topic_arn, endpoint = self._get_param("TopicArn"), self._get_param("Endpoint")
        protocol = self._get_param("Protocol")
        known = self.backend._find_subscription(topic_arn, endpoint, protocol)
        answer = self._moto_subscribe()  # type: ignore[attr-defined]
        subscription = self.backend.subscriptions[answer.result["SubscriptionArn"]]
        if known is None and protocol in CONFIRMED_BY_RECIPIENT:
            subscription.confirmation_token = secrets.token_hex(32)
            subscription.attributes["PendingConfirmation"] = "true"
        if pending(subscription) and not self._get_bool_param("ReturnSubscriptionArn", False):
            return ActionResult({"SubscriptionArn": "pending confirmation"})
        return answer

    def confirm_subscription(self) -> Any:
        from moto.sns.exceptions import SNSInvalidParameter

        topic = self.backend.get_topic(self._get_param("TopicArn"))
        token = self._get_param("Token")
        for subscription in self.backend.subscriptions.values():
            if subscription.topic is topic and token and \
                    getattr(subscription, "confirmation_token", None) == token:
                confirm(subscription)
                return ActionResult({"SubscriptionArn": subscription.arn})
        raise SNSInvalidParameter("Invalid token")

    def list_subscriptions_by_topic(self) -> Any:
        subs, token = self.backend.list_subscriptions_by_topic(
            self._get_param("TopicArn"), next_token=self._get_param("NextToken"))
        return ActionResult({"Subscriptions": [view(s) for s in subs], "NextToken": token})

    def list_subscriptions(self) -> Any:
        subs, token = self.backend.list_subscriptions(next_token=self._get_param("NextToken"))
        return ActionResult({"Subscriptions": [view(s) for s in subs], "NextToken": token})

    def get_topic_attributes(self) -> Any:
        count(self.backend, self.backend.get_topic(self._get_param("TopicArn")))
        return self._moto_get_topic_attributes()  # type: ignore[attr-defined]
