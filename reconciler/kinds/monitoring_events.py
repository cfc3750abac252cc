"""Which monitoring objects a CloudTrail event touched (incremental drift).

The monitoring objects belong to no tenant and are few: an event that names the config's log
group, its Logs resource policy, its rule or its alerts topic (by name or ARN) marks them all
for reading. Events of other teams' groups, rules and topics touch nothing. EventBridge names
a rule by `name` (`rule` for targets) on a bus (`eventBusName`, a name or an ARN; absent: the
default bus); Logs names a group by `logGroupName`, `logGroupIdentifier` or `resourceArn`;
SNS names a topic by `topicArn`, `resourceArn`, a subscription ARN under it, or `name` on
create.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reconciler.kinds.base import EventSource
from reconciler.kinds.monitoring import group_arn, rule_arn, topic_arn
from reconciler.state import ArnContext, Desired

EVENTS_SOURCE = "events.amazonaws.com"
LOGS_SOURCE = "logs.amazonaws.com"
SNS_SOURCE = "sns.amazonaws.com"

RULE_WRITES = frozenset({"PutRule", "DeleteRule", "DisableRule", "EnableRule", "PutTargets",
                         "RemoveTargets", "TagResource", "UntagResource"})
GROUP_WRITES = frozenset({"CreateLogGroup", "DeleteLogGroup", "PutRetentionPolicy",
                          "DeleteRetentionPolicy", "AssociateKmsKey", "DisassociateKmsKey",
                          "TagResource", "UntagResource", "TagLogGroup", "UntagLogGroup",
                          "PutResourcePolicy", "DeleteResourcePolicy"})
POLICY_WRITES = frozenset({"PutResourcePolicy", "DeleteResourcePolicy", "DeleteLogGroup"})
TOPIC_WRITES = frozenset({"CreateTopic", "DeleteTopic", "SetTopicAttributes", "Subscribe",
                          "Unsubscribe", "TagResource", "UntagResource", "AddPermission",
                          "RemovePermission"})


def _pairs(event: Any) -> Iterable[tuple[str, str]]:
    for key, value in event.values():
        if isinstance(value, str) and value:
            yield str(key).lower(), value
    for name in event.resources:
        yield "", name


def _in_use(desired: Any) -> bool:
    return desired.monitoring is not None


def _alerts_in_use(desired: Any) -> bool:
    return desired.monitoring is not None and desired.monitoring.alerts is not None


def touched_group(events: Sequence[Any], desired: Desired, ctx: ArnContext) -> set[str]:
    """{log group name} if an event names the config's log group."""
    mon = desired.monitoring
    if mon is None:
        return set()
    arn = group_arn(ctx, mon.log_group)
    names = {mon.log_group, arn, f"{arn}:*"}
    for event in events:
        if any(value in names for _, value in _pairs(event)):
            return {mon.log_group}
    return set()


def touched_policy(events: Sequence[Any], desired: Desired, ctx: ArnContext) -> set[str]:
    """{log group name} (the statement's key) if an event wrote the config's resource
    policy: by its name (account-level) or on the log group (group-scoped)."""
    mon = desired.monitoring
    if mon is None:
        return set()
    arn = group_arn(ctx, mon.log_group)
    for event in events:
        for key, value in _pairs(event):
            if (key == "policyname" and value == mon.policy_name) or value in (arn, f"{arn}:*") \
                    or (key == "loggroupname" and value == mon.log_group):
                return {mon.log_group}
    return set()


def touched_rule(events: Sequence[Any], desired: Desired, ctx: ArnContext) -> set[str]:
    """{rule name} if an event names the config's rule on its bus."""
    mon = desired.monitoring
    if mon is None:
        return set()
    arn = rule_arn(ctx, mon.rule_name, mon.event_bus)
    for event in events:
        pairs = list(_pairs(event))
        bus = next((v for k, v in pairs if k == "eventbusname"), "default")
        on_bus = bus == mon.event_bus or bus.endswith(f":event-bus/{mon.event_bus}")
        for key, value in pairs:
            if value == arn or (on_bus and key in ("name", "rule") and value == mon.rule_name):
                return {mon.rule_name}
    return set()


def touched_topic(events: Sequence[Any], desired: Desired, ctx: ArnContext) -> set[str]:
    """{topic name} if an event names the config's alerts topic or one of its
    subscriptions."""
    mon = desired.monitoring
    if mon is None or mon.alerts is None:
        return set()
    name = mon.alerts.sns_topic
    arn = topic_arn(ctx, name)
    for event in events:
        for key, value in _pairs(event):
            if value == arn or value.startswith(f"{arn}:") or (key == "name" and value == name):
                return {name}
    return set()


GROUP_EVENTS = EventSource(LOGS_SOURCE, touched=touched_group, names=GROUP_WRITES,
                           in_use=_in_use)
POLICY_EVENTS = EventSource(LOGS_SOURCE, touched=touched_policy, names=POLICY_WRITES,
                            in_use=_in_use)
RULE_EVENTS = EventSource(EVENTS_SOURCE, touched=touched_rule, names=RULE_WRITES,
                          in_use=_in_use)
TOPIC_EVENTS = EventSource(SNS_SOURCE, touched=touched_topic, names=TOPIC_WRITES,
                           in_use=_alerts_in_use)
