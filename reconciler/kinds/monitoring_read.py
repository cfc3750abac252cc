"""Reading the monitoring objects: one listing call per kind (two for the rule), and tags only
for an object that planning would write (`reconciler.kinds.monitoring`'s comparisons decide),
so an unchanged account costs DescribeLogGroups, DescribeResourcePolicies, DescribeRule and
ListTargetsByRule, plus GetTopicAttributes when the config declares alerts.

The topic's subscriptions are listed (ListSubscriptionsByTopic) only when something in
GetTopicAttributes' answer says they may differ from the config: its counts (confirmed +
pending) differ from the number declared; its policy's Id, which records the declared set at
the tool's last write (`subscriptions_id`), differs from the config's, so the config changed;
our statement differs; or the config removes the topic. Otherwise planning writes nothing on
the topic and the live object's `subscriptions` is None (not listed). The price: a subscription
swapped out of band for another, keeping the count, is seen only once the list is read.

Nothing is read when the config has no `monitoring.tenant_events`, nor for a plan targeted
at some tenants (monitoring belongs to none of them); a saved plan that touches monitoring
re-reads it, and so does an incremental refresh whose events touched it (their scope holds
None, the key of objects without a tenant).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from reconciler.aws import event_rules as events
from reconciler.aws import log_groups as logs
from reconciler.aws import sns_topics as sns
from reconciler.kinds.monitoring import (
    TOPIC_SID,
    EventRule,
    LogGroup,
    LogsPolicy,
    SnsTopic,
    Subscription,
    Target,
    group_arn,
    group_differs,
    rule_arn,
    rule_differs,
    same_statement,
    targets_differ,
    topic_arn,
    topic_differs,
    wanted,
)
from reconciler.state import Desired, Live


def _reads(desired: Desired, scope: Any) -> bool:
    return desired.monitoring is not None and (scope is None or None in scope)


def read_log_group(factory: Any, desired: Desired, live: Live, *, scope: Any = None,
                   parallelism: int = 8) -> Mapping[str, LogGroup]:
    if not _reads(desired, scope):
        return {}
    mon = desired.monitoring
    assert mon is not None
    client = factory.client("logs")
    found = logs.describe_group(client, mon.log_group)
    if found is None:
        return {}
    arn = group_arn(live.context, mon.log_group)
    have = LogGroup(mon.log_group, found.get("retentionInDays"), found.get("kmsKeyId"), None,
                    arn)
    want = wanted(desired, live.context).log_group
    if want is None or group_differs(want, have):
        have = LogGroup(have.name, have.retention_days, have.kms_key_id,
                        logs.group_tags(client, arn), arn)
    return {have.name: have}


def read_log_policy(factory: Any, desired: Desired, live: Live, *, scope: Any = None,
                    parallelism: int = 8) -> Mapping[str, LogsPolicy]:
    if not _reads(desired, scope):
        return {}
    mon = desired.monitoring
    assert mon is not None
    client = factory.client("logs")
    arn = group_arn(live.context, mon.log_group)
    on_group = arn if mon.policy_scope == "log-group" else None
    policy = logs.find_policy(client, mon.policy_name, resource_arn=on_group)
    ours: Mapping[str, Any] | None = None
    others: list[str] = []
    for item in logs.statements(policy):
        if isinstance(item, Mapping) and item.get("Sid") == mon.policy_sid and ours is None:
            ours = dict(item)
        else:
            others.append(json.dumps(item))
    want = wanted(desired, live.context).policy
    needed = want is None or not same_statement(want.statement, ours)
    group_owned = None
    if needed and (ours is not None or want is not None):
        tags = logs.group_tags(client, arn)
        group_owned = None if tags is None else _owned(tags, desired)
    if policy is None and group_owned is None:
        return {}
    return {mon.log_group: LogsPolicy(mon.log_group, mon.policy_name, mon.policy_scope,
                                      mon.policy_sid, ours, tuple(others), policy is not None,
                                      group_owned)}


def read_topic(factory: Any, desired: Desired, live: Live, *, scope: Any = None,
               parallelism: int = 8) -> Mapping[str, SnsTopic]:
    if not _reads(desired, scope):
        return {}
    mon = desired.monitoring
    assert mon is not None
    if mon.alerts is None:
        return {}  # a topic of alerts since removed is found through the rule's target
    client = factory.client("sns")
    name = mon.alerts.sns_topic
    arn = topic_arn(live.context, name)
    attributes = sns.attributes(client, arn)
    if attributes is None:
        return {}
    ours: Mapping[str, Any] | None = None
    others: list[str] = []
    document = json.loads(attributes.get("Policy") or "{}")
    for item in document.get("Statement") or []:
        if isinstance(item, Mapping) and item.get("Sid") == TOPIC_SID and ours is None:
            ours = dict(item)
        else:
            others.append(json.dumps(item))
    want = wanted(desired, live.context).topic
    recorded = document.get("Id")
    subs: tuple[Subscription, ...] | None = None
    if (want is None or not same_statement(want.statement, ours)
            or recorded != want.policy_id
            or _counted(attributes) != len(want.subscriptions or ())):
        subs = tuple(sorted(Subscription(s.get("Endpoint", ""), s.get("SubscriptionArn", ""))
                            for s in sns.subscriptions(client, arn)
                            if s.get("Protocol") == "email"))
    have = SnsTopic(name, ours, tuple(others), subs, None, arn, recorded)
    if want is None or topic_differs(want, have):
        have = SnsTopic(name, ours, tuple(others), subs, sns.topic_tags(client, arn), arn,
                        recorded)
    return {name: have}


def read_rule(factory: Any, desired: Desired, live: Live, *, scope: Any = None,
              parallelism: int = 8) -> Mapping[str, EventRule]:
    if not _reads(desired, scope):
        return {}
    mon = desired.monitoring
    assert mon is not None
    client = factory.client("events")
    found = events.describe_rule(client, mon.rule_name, mon.event_bus)
    if found is None:
        return {}
    listed = events.targets(client, mon.rule_name, mon.event_bus) or []
    targets = tuple(sorted(Target(str(t.get("Id")), str(t.get("Arn")), mon.event_bus)
                           for t in listed))
    arn = str(found.get("Arn") or rule_arn(live.context, mon.rule_name, mon.event_bus))
    raw = found.get("EventPattern")
    have = EventRule(mon.rule_name, mon.event_bus, json.loads(raw) if raw else {},
                     str(found.get("State") or ""), str(found.get("Description") or ""),
                     targets, None, arn)
    want = wanted(desired, live.context).rule
    if want is None or rule_differs(want, have) or targets_differ(want, have):
        have = EventRule(have.name, have.bus, have.pattern, have.state, have.description,
                         targets, events.rule_tags(client, arn), arn)
    return {have.name: have}


def _counted(attributes: Mapping[str, str]) -> int | None:
    """The topic's subscriptions by SNS's counts, confirmed or pending (deleted ones are
    leaving); None when SNS does not say."""
    try:
        return (int(attributes["SubscriptionsConfirmed"])
                + int(attributes["SubscriptionsPending"]))
    except (KeyError, ValueError):
        return None


def _owned(tags: Mapping[str, str], desired: Desired) -> bool:
    s = desired.settings
    return tags.get(s.ownership_tag_key) == s.ownership_tag_value
