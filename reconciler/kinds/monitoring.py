"""The monitoring objects (`monitoring.tenant_events`): what each is, desired and live, and
the pure rules that build the desired ones and compare them with the account.

Four kinds, planned in this order and deleted in the reverse one: `log_group`,
`log_resource_policy` (our statement, found by its Sid), `sns_topic` (only with `alerts`,
subscriptions as its children) and `event_rule` (targets as its children: the log group,
and the topic). None belongs to a tenant (`tenant_of` is None), so renderings show them in
their own account-level block. Ownership: the ownership tag on the log group, rule and topic;
the policy statement and the targets are written only when their group or rule is ours.
Tags are read only for objects planning would write (listings do not return them), so a
live object's `tags` is None when they were not needed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from reconciler.state import ArnContext, Desired, Monitoring

LOG_GROUP = "log_group"
LOG_POLICY = "log_resource_policy"
SNS_TOPIC = "sns_topic"
EVENT_RULE = "event_rule"
KINDS = (LOG_GROUP, LOG_POLICY, SNS_TOPIC, EVENT_RULE)

DETAIL_TYPES = ("Sending Status Enabled", "Sending Status Disabled",
                "Advisor Recommendation Status Open", "Advisor Recommendation Status Resolved",
                "Advisor Recommendation Status Closed")
LOG_TARGET_ID = "ses-reconciler-log-group"
ALERTS_TARGET_ID = "ses-reconciler-alerts"
OUR_TARGETS = (LOG_TARGET_ID, ALERTS_TARGET_ID)
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
LOG_SERVICES = ("delivery.logs.amazonaws.com", "events.amazonaws.com")
TOPIC_SID = "SesReconcilerEventBridgePublish"
RULE_DESCRIPTION = "SES tenant status and reputation findings (ses-reconciler)"


class MonitoringAction(StrEnum):
    CREATE_LOG_GROUP = "create_log_group"
    UPDATE_LOG_GROUP = "update_log_group"
    DELETE_LOG_GROUP = "delete_log_group"
    ADD_LOG_STATEMENT = "add_log_policy_statement"
    UPDATE_LOG_STATEMENT = "update_log_policy_statement"
    REMOVE_LOG_STATEMENT = "remove_log_policy_statement"
    CREATE_TOPIC = "create_sns_topic"
    UPDATE_TOPIC = "update_sns_topic"
    SUBSCRIBE = "subscribe_sns_email"
    UNSUBSCRIBE = "unsubscribe_sns_email"
    DELETE_TOPIC = "delete_sns_topic"
    CREATE_RULE = "create_event_rule"
    UPDATE_RULE = "update_event_rule"
    PUT_TARGET = "put_rule_target"
    REMOVE_TARGET = "remove_rule_target"
    DELETE_RULE = "delete_event_rule"


@dataclass(frozen=True, slots=True)
class LogGroup:
    name: str
    retention_days: int | None = None
    kms_key_id: str | None = None
    tags: Mapping[str, str] | None = None
    arn: str | None = None


@dataclass(frozen=True, slots=True)
class LogsPolicy:
    """Our statement in a resource policy, keyed by the log group it grants on. Live-only:
    `others` (the other statements as JSON text), `exists`, `group_owned` (None: not read)."""

    name: str
    policy_name: str
    scope: str
    sid: str
    statement: Mapping[str, Any] | None = None
    others: tuple[str, ...] = ()
    exists: bool = False
    group_owned: bool | None = None


@dataclass(frozen=True, slots=True, order=True)
class Target:
    """One target of the rule; shown and keyed as `ID -> ARN`."""

    target_id: str
    arn: str
    bus: str = "default"

    def __str__(self) -> str:
        return f"{self.target_id} -> {self.arn}"


@dataclass(frozen=True, slots=True)
class EventRule:
    name: str
    bus: str
    pattern: Mapping[str, Any] = field(default_factory=dict)
    state: str = "ENABLED"
    description: str = RULE_DESCRIPTION
    targets: tuple[Target, ...] = ()
    tags: Mapping[str, str] | None = None
    arn: str | None = None


@dataclass(frozen=True, slots=True, order=True)
class Subscription:
    email: str
    arn: str = ""

    def __str__(self) -> str:
        return self.email


@dataclass(frozen=True, slots=True)
class SnsTopic:
    """The alerts topic; `statement` is ours in its policy (by Sid), `others` the rest.
    `policy_id` is the policy document's Id, which records the subscriptions declared when
    the tool last wrote them (`subscriptions_id`). A live topic's `subscriptions` is None when
    they were not listed (see `monitoring_read`)."""

    name: str
    statement: Mapping[str, Any] | None = None
    others: tuple[str, ...] = ()
    subscriptions: tuple[Subscription, ...] | None = ()
    tags: Mapping[str, str] | None = None
    arn: str | None = None
    policy_id: str | None = None


@dataclass(frozen=True, slots=True)
class Wanted:
    """The desired monitoring objects of a config (none when it removes them)."""

    log_group: LogGroup | None
    policy: LogsPolicy | None
    topic: SnsTopic | None
    rule: EventRule | None


def group_arn(ctx: ArnContext, name: str) -> str:
    return f"arn:{ctx.partition}:logs:{ctx.region}:{ctx.account}:log-group:{name}"


def topic_arn(ctx: ArnContext, name: str) -> str:
    return f"arn:{ctx.partition}:sns:{ctx.region}:{ctx.account}:{name}"


def rule_arn(ctx: ArnContext, name: str, bus: str) -> str:
    path = name if bus == "default" else f"{bus}/{name}"
    return f"arn:{ctx.partition}:events:{ctx.region}:{ctx.account}:rule/{path}"


def our_tags(mon: Monitoring, key: str, value: str) -> dict[str, str]:
    return dict(sorted({**mon.tags, key: value}.items()))


def owned(tags: Mapping[str, str] | None, desired: Desired) -> bool:
    s = desired.settings
    return tags is not None and tags.get(s.ownership_tag_key) == s.ownership_tag_value


def pattern(desired: Desired, ctx: ArnContext) -> dict[str, Any]:
    """source aws.ses and the five detail-types (findings closed under either name);
    narrowed to the config's own tenants by ARN prefix (their ids are not needed)."""
    body: dict[str, Any] = {"source": ["aws.ses"], "detail-type": list(DETAIL_TYPES)}
    mon = desired.monitoring
    if mon is not None and mon.only_managed_tenants:
        prefix = f"arn:{ctx.partition}:ses:{ctx.region}:{ctx.account}:tenant/"
        body["resources"] = [{"prefix": f"{prefix}{name}/"} for name, t in
                             sorted(desired.tenants.items()) if not t.external]
    return body


def logs_statement(mon: Monitoring, ctx: ArnContext) -> dict[str, Any]:
    return {"Sid": mon.policy_sid, "Effect": "Allow",
            "Principal": {"Service": list(LOG_SERVICES)}, "Action": list(LOG_ACTIONS),
            "Resource": f"{group_arn(ctx, mon.log_group)}:*"}


def topic_statement(ctx: ArnContext, name: str) -> dict[str, Any]:
    return {"Sid": TOPIC_SID, "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sns:Publish", "Resource": topic_arn(ctx, name)}


def subscriptions_id(emails: Iterable[str]) -> str:
    """The topic policy's Id for a set of declared addresses: a digest, so it stays short."""
    text = "\n".join(sorted(set(emails)))
    return f"ses-reconciler-subscriptions-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def wanted(desired: Desired, ctx: ArnContext) -> Wanted:
    mon = desired.monitoring
    if mon is None or mon.remove:
        return Wanted(None, None, None, None)
    s = desired.settings
    tags = our_tags(mon, s.ownership_tag_key, s.ownership_tag_value)
    group = LogGroup(mon.log_group, mon.retention_days, mon.kms_key_id, tags)
    policy = LogsPolicy(mon.log_group, mon.policy_name, mon.policy_scope, mon.policy_sid,
                        logs_statement(mon, ctx))
    targets = [Target(LOG_TARGET_ID, group_arn(ctx, mon.log_group), mon.event_bus)]
    topic = None
    if mon.alerts is not None:
        name = mon.alerts.sns_topic
        topic = SnsTopic(name, topic_statement(ctx, name),
                         subscriptions=tuple(Subscription(e)
                                             for e in sorted(set(mon.alerts.subscriptions))),
                         tags=tags, policy_id=subscriptions_id(mon.alerts.subscriptions))
        targets.append(Target(ALERTS_TARGET_ID, topic_arn(ctx, name), mon.event_bus))
    rule = EventRule(mon.rule_name, mon.event_bus, pattern(desired, ctx),
                     targets=tuple(sorted(targets)), tags=tags)
    return Wanted(group, policy, topic, rule)


def canonical_pattern(value: Any) -> Any:
    """An event pattern in a form where equal meaning is equal value: arrays in patterns
    are sets of alternatives, so their order and duplicates do not count."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
        return canonical_pattern(value) if isinstance(value, dict) else value
    if isinstance(value, Mapping):
        return {k: canonical_pattern(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = {json.dumps(canonical_pattern(v), sort_keys=True): canonical_pattern(v)
                 for v in value}
        return [items[k] for k in sorted(items)]
    return value


def same_pattern(a: Any, b: Any) -> bool:
    return bool(canonical_pattern(a) == canonical_pattern(b))


def same_statement(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    if a is None or b is None:
        return a is b
    from reconciler.iam.documents import equivalent

    return equivalent({"Statement": [dict(a)]}, {"Statement": [dict(b)]})


# What planning compares (the readers use the same rules to decide whether tags are needed)

def group_differs(want: LogGroup, have: LogGroup) -> list[str]:
    return [a for a in ("retention_days", "kms_key_id") if getattr(want, a) != getattr(have, a)]


def rule_differs(want: EventRule, have: EventRule) -> list[str]:
    out = []
    if not same_pattern(want.pattern, have.pattern):
        out.append("pattern")
    if want.state != have.state:
        out.append("state")
    if want.description != have.description:
        out.append("description")
    return out


def our_targets(rule: EventRule) -> dict[str, Target]:
    return {t.target_id: t for t in rule.targets if t.target_id in OUR_TARGETS}


def targets_differ(want: EventRule | None, have: EventRule) -> bool:
    return (our_targets(want) if want is not None else {}) != our_targets(have)


def topic_differs(want: SnsTopic, have: SnsTopic) -> bool:
    return (not same_statement(want.statement, have.statement)
            or want.policy_id != have.policy_id
            or (have.subscriptions is not None
                and {s.email for s in want.subscriptions or ()}
                != {s.email for s in have.subscriptions}))


def missing_tags(want: Mapping[str, str] | None,
                 have: Mapping[str, str] | None) -> dict[str, str]:
    """The declared tags the live object lacks or holds another value of (never removes)."""
    if want is None or have is None:
        return {}
    return {k: v for k, v in want.items() if have.get(k) != v}


def policy_document(statement: Mapping[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [dict(statement)]})
