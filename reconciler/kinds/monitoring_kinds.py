"""The four monitoring kinds as `Kind`s: attribute tables, actions, reads and operations.

The objects and their comparisons are in `reconciler.kinds.monitoring`, the planning rules and
renderings in `monitoring_plan`, the reads in `monitoring_read`, the writes in
`monitoring_write` (over `reconciler.aws.log_groups`, `event_rules` and `sns_topics`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from reconciler.kinds.base import ActionSpec, Attribute, EventSource, Kind, Permission, deferred
from reconciler.kinds.monitoring import (
    EVENT_RULE,
    LOG_GROUP,
    LOG_POLICY,
    SNS_TOPIC,
    EventRule,
    LogGroup,
    LogsPolicy,
    SnsTopic,
    Subscription,
    Target,
    canonical_pattern,
)
from reconciler.kinds.monitoring import MonitoringAction as A
from reconciler.kinds.monitoring_events import (
    GROUP_EVENTS,
    POLICY_EVENTS,
    RULE_EVENTS,
    TOPIC_EVENTS,
)


def _opt(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else fn(value)


_map = _opt(lambda m: dict(sorted(m.items())))


def _targets_encode(value: Sequence[Target]) -> list[dict[str, str]]:
    return [_target_encode(t) for t in value]


def _target_encode(t: Target) -> dict[str, str]:
    return {"target_id": t.target_id, "arn": t.arn, "bus": t.bus}


def _target_decode(d: Mapping[str, str]) -> Target:
    return Target(d["target_id"], d["arn"], d["bus"])


def _sub_encode(s: Subscription) -> dict[str, str]:
    return {"email": s.email, "arn": s.arn}


def _sub_decode(d: Mapping[str, str]) -> Subscription:
    return Subscription(d["email"], d["arn"])


def _canonical_text(value: Any) -> Any:
    return None if value is None else canonical_pattern(dict(value))


def _attr(name: str, **facets: Any) -> Attribute:
    return Attribute(name, plan_key=name, **facets)


GROUP_ATTRIBUTES = (
    _attr("name"), _attr("retention_days", state_key="retention_days"),
    _attr("kms_key_id", state_key="kms_key_id"), _attr("tags", encode=_map, decode=_map),
    _attr("arn"))
POLICY_ATTRIBUTES = (
    _attr("name"), _attr("policy_name", state_key="policy_name"), _attr("scope"),
    _attr("sid"), _attr("statement", encode=_map, decode=_map, state_key="statement",
                        state=lambda p: _canonical_text(p.statement)),
    _attr("others", encode=list, decode=tuple, state_key="others"),
    _attr("exists"), _attr("group_owned"))
TOPIC_ATTRIBUTES = (
    _attr("name"), _attr("statement", encode=_map, decode=_map, state_key="statement",
                         state=lambda t: _canonical_text(t.statement)),
    _attr("others", encode=list, decode=tuple),
    _attr("subscriptions", encode=_opt(lambda v: [_sub_encode(s) for s in v]),
          decode=_opt(lambda v: tuple(_sub_decode(s) for s in v)), state_key="subscriptions",
          state=lambda t: None if t.subscriptions is None
          else sorted(s.email for s in t.subscriptions)),
    _attr("tags", encode=_map, decode=_map), _attr("arn"),
    _attr("policy_id", state_key="policy_id"))
RULE_ATTRIBUTES = (
    _attr("name"), _attr("bus"),
    _attr("pattern", encode=dict, decode=dict, state_key="pattern",
          state=lambda r: canonical_pattern(dict(r.pattern))),
    _attr("state", state_key="state"), _attr("description"),
    _attr("targets", encode=_targets_encode,
          decode=lambda v: tuple(_target_decode(t) for t in v), state_key="targets",
          state=lambda r: [str(t) for t in r.targets]),
    _attr("tags", encode=_map, decode=_map), _attr("arn"))


def _writer(name: str) -> Any:
    def write(ctx: Any, change: Any) -> None:
        from reconciler.kinds import monitoring_write

        getattr(monitoring_write, name)(ctx, change)

    return write


def _whole(kind_name: str) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    def encode(value: Any) -> Any:
        from reconciler.kinds.registry import kind

        return kind(kind_name).encode(value)

    def decode(data: Any) -> Any:
        from reconciler.kinds.registry import kind

        return kind(kind_name).decode(data)

    return encode, decode


def _spec(action: A, effect: Any, rank: int, writer: str, kind_name: str, *,
          whole: bool = False, attribute: str | None = None) -> ActionSpec:
    encode, decode = _whole(kind_name)
    return ActionSpec(action, effect, rank, _writer(writer), attribute=attribute, whole=whole,
                      encode=encode, decode=decode)


def _keyed(action: A, effect: Any, rank: int, writer: str, attribute: str,
           encode: Callable[[Any], Any], decode: Callable[[Any], Any]) -> ActionSpec:
    return ActionSpec(action, effect, rank, _writer(writer), attribute=attribute, keyed=True,
                      encode=encode, decode=decode)


R, W = Permission.read, Permission.write
GROUP_OPERATIONS: Mapping[tuple[str, str], Permission] = {
    ("logs", "DescribeLogGroups"): R("logs:DescribeLogGroups"),
    ("logs", "ListTagsForResource"): R("logs:ListTagsForResource"),
    ("logs", "CreateLogGroup"): W("logs:CreateLogGroup", "logs:TagResource"),
    ("logs", "PutRetentionPolicy"): W("logs:PutRetentionPolicy"),
    ("logs", "DeleteRetentionPolicy"): W("logs:DeleteRetentionPolicy"),
    ("logs", "AssociateKmsKey"): W("logs:AssociateKmsKey"),
    ("logs", "DisassociateKmsKey"): W("logs:DisassociateKmsKey"),
    ("logs", "TagResource"): W("logs:TagResource"),
    ("logs", "DeleteLogGroup"): W("logs:DeleteLogGroup"),
}
POLICY_OPERATIONS: Mapping[tuple[str, str], Permission] = {
    ("logs", "DescribeResourcePolicies"): R("logs:DescribeResourcePolicies"),
    ("logs", "PutResourcePolicy"): W("logs:PutResourcePolicy"),
    ("logs", "DeleteResourcePolicy"): W("logs:DeleteResourcePolicy"),
}
TOPIC_OPERATIONS: Mapping[tuple[str, str], Permission] = {
    ("sns", "GetTopicAttributes"): R("sns:GetTopicAttributes"),
    ("sns", "ListSubscriptionsByTopic"): R("sns:ListSubscriptionsByTopic"),
    ("sns", "ListTagsForResource"): R("sns:ListTagsForResource"),
    ("sns", "CreateTopic"): W("sns:CreateTopic", "sns:TagResource", "sns:SetTopicAttributes"),
    ("sns", "SetTopicAttributes"): W("sns:SetTopicAttributes"),
    ("sns", "TagResource"): W("sns:TagResource"),
    ("sns", "Subscribe"): W("sns:Subscribe"),
    ("sns", "Unsubscribe"): W("sns:Unsubscribe"),
    ("sns", "DeleteTopic"): W("sns:DeleteTopic"),
}
RULE_OPERATIONS: Mapping[tuple[str, str], Permission] = {
    ("events", "DescribeRule"): R("events:DescribeRule"),
    ("events", "ListTargetsByRule"): R("events:ListTargetsByRule"),
    ("events", "ListTagsForResource"): R("events:ListTagsForResource"),
    ("events", "PutRule"): W("events:PutRule", "events:TagResource"),
    ("events", "TagResource"): W("events:TagResource"),
    ("events", "PutTargets"): W("events:PutTargets"),
    ("events", "RemoveTargets"): W("events:RemoveTargets"),
    ("events", "DeleteRule"): W("events:DeleteRule"),
}


def _no_tenant(name: str) -> None:
    return None


_SHOW = deferred("reconciler.kinds.monitoring_plan:change_lines")
_EXPLAIN = deferred("reconciler.kinds.monitoring_plan:drift_text")


def _edges(kind_name: str) -> Callable[[Sequence[Any]], Mapping[str, set[str]]]:
    def edges(changes: Sequence[Any]) -> Mapping[str, set[str]]:
        from reconciler.kinds.monitoring_plan import monitoring_edges

        return monitoring_edges(changes, kind_name)

    return edges


def _plan(name: str) -> Callable[[Any], None]:
    def plan(builder: Any) -> None:
        from reconciler.kinds import monitoring_plan

        getattr(monitoring_plan, name)(builder)

    return plan


def _read(name: str) -> Callable[..., Any]:
    def read(factory: Any, desired: Any, live: Any, *, scope: Any = None,
             parallelism: int = 8) -> Any:
        from reconciler.kinds import monitoring_read

        return getattr(monitoring_read, name)(factory, desired, live, scope=scope,
                                              parallelism=parallelism)

    return read


def _declared(desired: Any) -> bool:
    return desired.monitoring is not None


def _kind(name: str, type_: type, attributes: Sequence[Attribute],
          actions: Sequence[ActionSpec], plan: str, read: str,
          operations: Mapping[tuple[str, str], Permission], events: EventSource) -> Kind:
    return Kind(name=name, type=type_, attributes=attributes, actions=actions,
                plan=_plan(plan), edges=_edges(name), read=_read(read),
                read_targeted=_read(read), known_after_create=("arn",),
                tenant_of=_no_tenant, operations=operations, show_change=_SHOW,
                explain=_EXPLAIN, events=events, in_use=_declared)


LOG_GROUP_KIND = _kind(LOG_GROUP, LogGroup, GROUP_ATTRIBUTES, (
    _spec(A.CREATE_LOG_GROUP, "add", 0, "create_log_group", LOG_GROUP, whole=True),
    _spec(A.UPDATE_LOG_GROUP, "change", 1, "update_log_group", LOG_GROUP,
          attribute="retention_days"),
    _spec(A.DELETE_LOG_GROUP, "destroy", 9, "delete_log_group", LOG_GROUP, whole=True),
), "plan_log_group", "read_log_group", GROUP_OPERATIONS, GROUP_EVENTS)

LOG_POLICY_KIND = _kind(LOG_POLICY, LogsPolicy, POLICY_ATTRIBUTES, (
    _spec(A.ADD_LOG_STATEMENT, "add", 0, "put_log_statement", LOG_POLICY, whole=True),
    _spec(A.UPDATE_LOG_STATEMENT, "change", 1, "put_log_statement", LOG_POLICY,
          attribute="statement"),
    _spec(A.REMOVE_LOG_STATEMENT, "destroy", 9, "remove_log_statement", LOG_POLICY,
          whole=True),
), "plan_log_policy", "read_log_policy", POLICY_OPERATIONS, POLICY_EVENTS)

SNS_TOPIC_KIND = _kind(SNS_TOPIC, SnsTopic, TOPIC_ATTRIBUTES, (
    _spec(A.CREATE_TOPIC, "add", 0, "create_topic", SNS_TOPIC, whole=True),
    _spec(A.UPDATE_TOPIC, "change", 4, "update_topic", SNS_TOPIC, attribute="statement"),
    _keyed(A.SUBSCRIBE, "add", 2, "subscribe", "subscriptions", _sub_encode, _sub_decode),
    _keyed(A.UNSUBSCRIBE, "destroy", 3, "unsubscribe", "subscriptions", _sub_encode,
           _sub_decode),
    _spec(A.DELETE_TOPIC, "destroy", 9, "delete_topic", SNS_TOPIC, whole=True),
), "plan_topic", "read_topic", TOPIC_OPERATIONS, TOPIC_EVENTS)

EVENT_RULE_KIND = _kind(EVENT_RULE, EventRule, RULE_ATTRIBUTES, (
    _spec(A.CREATE_RULE, "add", 0, "create_rule", EVENT_RULE, whole=True),
    _spec(A.UPDATE_RULE, "change", 1, "update_rule", EVENT_RULE, attribute="pattern"),
    _keyed(A.REMOVE_TARGET, "destroy", 2, "remove_target", "targets", _target_encode,
           _target_decode),
    _keyed(A.PUT_TARGET, "add", 3, "put_target", "targets", _target_encode, _target_decode),
    _spec(A.DELETE_RULE, "destroy", 9, "delete_rule", EVENT_RULE, whole=True),
), "plan_rule", "read_rule", RULE_OPERATIONS, RULE_EVENTS)

MONITORING_KINDS = (LOG_GROUP_KIND, LOG_POLICY_KIND, SNS_TOPIC_KIND, EVENT_RULE_KIND)
