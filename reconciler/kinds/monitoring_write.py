"""The monitoring kinds' writers: a change of the plan -> the Logs, SNS and EventBridge calls.

Creates carry the ownership tag; policy statements are merged into the policy as it is when
written (`reconciler.aws.log_groups.put_statement`), so a statement added by someone else between
plan and apply survives.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.aws import event_rules as events
from reconciler.aws import log_groups as logs
from reconciler.aws import sns_topics as sns
from reconciler.kinds.monitoring import (
    EventRule,
    LogGroup,
    LogsPolicy,
    SnsTopic,
    group_arn,
    missing_tags,
    topic_arn,
)
from reconciler.planning.plan import Change


def _client(ctx: Any, service: str) -> Any:
    return ctx.factory.client(service)


def create_log_group(ctx: Any, change: Change) -> None:
    group: LogGroup = change.after
    logs.create_group(_client(ctx, "logs"), group.name, kms_key_id=group.kms_key_id,
                      tags=group.tags or {}, retention_days=group.retention_days)


def update_log_group(ctx: Any, change: Change) -> None:
    have: LogGroup = change.before
    want: LogGroup = change.after
    client = _client(ctx, "logs")
    if have.retention_days != want.retention_days:
        logs.set_retention(client, want.name, want.retention_days)
    if have.kms_key_id != want.kms_key_id:
        logs.set_kms_key(client, want.name, want.kms_key_id)
    logs.tag_group(client, have.arn or group_arn(ctx.context, want.name),
                   missing_tags(want.tags, have.tags))


def delete_log_group(ctx: Any, change: Change) -> None:
    logs.delete_group(_client(ctx, "logs"), change.before.name)


def _put_statement(ctx: Any, policy: LogsPolicy, statement: Any) -> None:
    arn = group_arn(ctx.context, policy.name)
    logs.put_statement(_client(ctx, "logs"), policy.policy_name, policy.sid, statement,
                       resource_arn=arn if policy.scope == "log-group" else None,
                       group=policy.name)


def put_log_statement(ctx: Any, change: Change) -> None:
    _put_statement(ctx, change.after, change.after.statement)


def remove_log_statement(ctx: Any, change: Change) -> None:
    _put_statement(ctx, change.before, None)


def create_topic(ctx: Any, change: Change) -> None:
    topic: SnsTopic = change.after
    policy = json.dumps({"Version": "2012-10-17", "Id": topic.policy_id,
                         "Statement": [dict(topic.statement or {})]})
    sns.create_topic(_client(ctx, "sns"), topic.name, tags=topic.tags or {}, policy=policy)


def update_topic(ctx: Any, change: Change) -> None:
    """Our statement merged by Sid into the topic's policy as it is now, and the policy's Id
    set to the record of the declared subscriptions (they are written before this)."""
    have: SnsTopic = change.before
    want: SnsTopic = change.after
    client = _client(ctx, "sns")
    arn = have.arn or topic_arn(ctx.context, want.name)
    current = sns.attributes(client, arn) or {}
    document = json.loads(current.get("Policy") or '{"Version": "2012-10-17"}')
    statements = document.get("Statement") or []
    kept = [s for s in (statements if isinstance(statements, list) else [statements])
            if not (isinstance(s, dict) and s.get("Sid") == (want.statement or {}).get("Sid"))]
    document["Statement"] = [*kept, dict(want.statement or {})]
    document["Id"] = want.policy_id
    sns.set_policy(client, arn, json.dumps(document))
    sns.tag_topic(client, arn, missing_tags(want.tags, have.tags))


def subscribe(ctx: Any, change: Change) -> None:
    sns.subscribe(_client(ctx, "sns"), topic_arn(ctx.context, change.address.name),
                  change.after.email)


def unsubscribe(ctx: Any, change: Change) -> None:
    sns.unsubscribe(_client(ctx, "sns"), change.before.arn)


def delete_topic(ctx: Any, change: Change) -> None:
    sns.delete_topic(_client(ctx, "sns"), change.before.arn
                     or topic_arn(ctx.context, change.before.name))


def _put_rule(ctx: Any, rule: EventRule, tags: Any) -> str:
    return events.put_rule(_client(ctx, "events"), rule.name, rule.bus,
                           pattern=json.dumps(dict(rule.pattern)), state=rule.state,
                           description=rule.description, tags=tags)


def create_rule(ctx: Any, change: Change) -> None:
    _put_rule(ctx, change.after, change.after.tags)


def update_rule(ctx: Any, change: Change) -> None:
    have: EventRule = change.before
    want: EventRule = change.after
    arn = _put_rule(ctx, want, None)
    events.tag_rule(_client(ctx, "events"), have.arn or arn, missing_tags(want.tags, have.tags))


def put_target(ctx: Any, change: Change) -> None:
    target = change.after
    events.put_target(_client(ctx, "events"), change.address.name, target.bus,
                      target.target_id, target.arn)


def remove_target(ctx: Any, change: Change) -> None:
    target = change.before
    events.remove_target(_client(ctx, "events"), change.address.name, target.bus,
                         target.target_id)


def delete_rule(ctx: Any, change: Change) -> None:
    rule: EventRule = change.before
    events.delete_rule(_client(ctx, "events"), rule.name, rule.bus)

