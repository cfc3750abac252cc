"""The SNS calls of the monitoring kinds: the alerts topic, its policy and subscriptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from reconciler.aws.wire import error_code

_MISSING = ("NotFound", "NotFoundException")
PENDING = "PendingConfirmation"


def attributes(client: Any, arn: str) -> dict[str, str] | None:
    try:
        return dict(client.get_topic_attributes(TopicArn=arn).get("Attributes") or {})
    except ClientError as err:
        if error_code(err) in _MISSING:
            return None
        raise


def subscriptions(client: Any, arn: str) -> list[dict[str, Any]]:
    """The topic's subscriptions, paged; pending ones have the ARN `PendingConfirmation`."""
    found: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        try:
            page = client.list_subscriptions_by_topic(TopicArn=arn,
                                                      **({"NextToken": token} if token else {}))
        except ClientError as err:
            if error_code(err) in _MISSING:
                return found
            raise
        found += [dict(s) for s in page.get("Subscriptions") or ()]
        token = page.get("NextToken")
        if not token:
            return found


def topic_tags(client: Any, arn: str) -> dict[str, str] | None:
    try:
        tags = client.list_tags_for_resource(ResourceArn=arn).get("Tags") or ()
    except ClientError as err:
        if error_code(err) in (*_MISSING, "ResourceNotFound", "ResourceNotFoundException"):
            return None
        raise
    return {t["Key"]: t["Value"] for t in tags}


def create_topic(client: Any, name: str, *, tags: Mapping[str, str], policy: str) -> str:
    answer = client.create_topic(Name=name, Attributes={"Policy": policy},
                                 Tags=[{"Key": k, "Value": v} for k, v in sorted(tags.items())])
    return str(answer["TopicArn"])


def set_policy(client: Any, arn: str, policy: str) -> None:
    client.set_topic_attributes(TopicArn=arn, AttributeName="Policy", AttributeValue=policy)


def tag_topic(client: Any, arn: str, tags: Mapping[str, str]) -> None:
    if tags:
        client.tag_resource(ResourceArn=arn, Tags=[{"Key": k, "Value": v}
                                                   for k, v in sorted(tags.items())])


def subscribe(client: Any, arn: str, email: str) -> None:
    client.subscribe(TopicArn=arn, Protocol="email", Endpoint=email)


def unsubscribe(client: Any, subscription_arn: str) -> None:
    try:
        client.unsubscribe(SubscriptionArn=subscription_arn)
    except ClientError as err:
        if error_code(err) not in _MISSING:
            raise


def delete_topic(client: Any, arn: str) -> None:
    try:
        client.delete_topic(TopicArn=arn)
    except ClientError as err:
        if error_code(err) not in _MISSING:
            raise
