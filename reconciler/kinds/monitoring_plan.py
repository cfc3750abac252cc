"""The monitoring kinds' rules: which changes a config needs, in what order, and how they read.

Pure. Planned only for a whole-account plan (a plan targeted at tenants leaves monitoring
alone). An object that exists without the ownership tag is never written: the plan says so in
a notice instead. Order: log group -> policy statement -> topic -> subscriptions -> rule ->
targets; deletions the other way round (`monitoring_edges`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.kinds.monitoring import (
    EVENT_RULE,
    LOG_GROUP,
    LOG_POLICY,
    SNS_TOPIC,
    EventRule,
    LogGroup,
    LogsPolicy,
    MonitoringAction,
    SnsTopic,
    Subscription,
    Target,
    canonical_pattern,
    group_differs,
    missing_tags,
    our_targets,
    owned,
    rule_differs,
    same_statement,
    wanted,
)
from reconciler.planning.plan import Change
from reconciler.state import Address

A = MonitoringAction
_DESTROYS = {A.DELETE_LOG_GROUP, A.REMOVE_LOG_STATEMENT, A.UNSUBSCRIBE, A.DELETE_TOPIC,
             A.REMOVE_TARGET, A.DELETE_RULE}


def _active(builder: Any) -> bool:
    return builder.desired.monitoring is not None and builder.account_level


def _have(builder: Any, kind: str, name: str) -> Any:
    return builder.live.objects.get(kind, {}).get(name)


def _left_alone(what: str, builder: Any, why: str) -> str:
    s = builder.desired.settings
    return (f"{what} exists without the ownership tag {s.ownership_tag_key}="
            f"{s.ownership_tag_value}: {why}, but it is left alone (tag it to manage it)")


def plan_log_group(builder: Any) -> None:
    if not _active(builder):
        return
    mon = builder.desired.monitoring
    want = wanted(builder.desired, builder.live.context).log_group
    have: LogGroup | None = _have(builder, LOG_GROUP, mon.log_group)
    address = Address(LOG_GROUP, mon.log_group)
    what = f"log group {mon.log_group}"
    if want is None:
        if have is not None and owned(have.tags, builder.desired):
            builder.changes.append(Change(address, A.DELETE_LOG_GROUP, before=have,
                                          reason="monitoring.tenant_events.remove"))
        elif have is not None:
            builder.notices.append(_left_alone(what, builder, "the config removes it"))
        return
    if have is None:
        builder.changes.append(Change(address, A.CREATE_LOG_GROUP, after=want))
        return
    differs = group_differs(want, have)
    if not differs:
        return
    if not owned(have.tags, builder.desired):
        builder.notices.append(_left_alone(what, builder, f"its {' and '.join(differs)} "
                                                          "differ from the config"))
        return
    builder.changes.append(Change(address, A.UPDATE_LOG_GROUP, before=have, after=want,
                                  reason="; ".join(group_lines(have, want))))


def plan_log_policy(builder: Any) -> None:
    if not _active(builder):
        return
    mon = builder.desired.monitoring
    want = wanted(builder.desired, builder.live.context).policy
    have: LogsPolicy | None = _have(builder, LOG_POLICY, mon.log_group)
    address = Address(LOG_POLICY, mon.log_group)
    found = have is not None and have.statement is not None
    group_ok = (have is not None and have.group_owned) or any(
        c.action == A.CREATE_LOG_GROUP for c in builder.changes)
    what = f"log group {mon.log_group}"
    if want is None:
        if found and have is not None and have.group_owned:
            builder.changes.append(Change(address, A.REMOVE_LOG_STATEMENT, before=have,
                                          reason="monitoring.tenant_events.remove"))
        return
    if found and have is not None and same_statement(have.statement, want.statement):
        return
    if not group_ok:
        builder.notices.append(_left_alone(what, builder, f"statement {want.sid} of resource "
                                                          f"policy {want.policy_name} differs"))
        return
    action = A.UPDATE_LOG_STATEMENT if found else A.ADD_LOG_STATEMENT
    builder.changes.append(Change(address, action, before=have, after=want))


def plan_topic(builder: Any) -> None:
    if not _active(builder):
        return
    mon = builder.desired.monitoring
    if mon.alerts is None:
        return
    want = wanted(builder.desired, builder.live.context).topic
    name = mon.alerts.sns_topic
    have: SnsTopic | None = _have(builder, SNS_TOPIC, name)
    address = Address(SNS_TOPIC, name)
    changes: list[Change] = []
    if want is None:
        if have is not None and owned(have.tags, builder.desired):
            changes.append(Change(address, A.DELETE_TOPIC, before=have,
                                  reason="monitoring.tenant_events.remove"))
    elif have is None:
        changes.append(Change(address, A.CREATE_TOPIC, after=want))
        changes += [Change(address, A.SUBSCRIBE, after=s) for s in want.subscriptions or ()]
    else:
        listed = have.subscriptions  # None: not listed, SNS's counts match the config's
        declared = want.subscriptions or ()
        extra = [] if listed is None else [s for s in listed if s.email not in
                                           {w.email for w in declared}]
        add = [] if listed is None else [s for s in declared if s.email not in
                                         {h.email for h in listed}]
        statement = (not same_statement(want.statement, have.statement)
                     or have.policy_id != want.policy_id)
        if not (statement or extra or add):
            return
        if not owned(have.tags, builder.desired):
            builder.notices.append(_left_alone(f"SNS topic {name}", builder,
                                               "its policy or subscriptions differ"))
            return
        if statement or missing_tags(want.tags, have.tags):
            changes.append(Change(address, A.UPDATE_TOPIC, before=have, after=want))
        changes += [Change(address, A.SUBSCRIBE, after=s) for s in add]
        for s in extra:
            if s.arn.startswith("arn:"):
                changes.append(Change(address, A.UNSUBSCRIBE, before=s,
                                      reason="not declared in the config"))
            else:
                builder.notices.append(f"SNS topic {name}: the subscription of {s.email} is "
                                       "pending confirmation and cannot be removed until "
                                       "confirmed or expired")
    builder.changes.extend(changes)


def plan_rule(builder: Any) -> None:
    if not _active(builder):
        return
    mon = builder.desired.monitoring
    want = wanted(builder.desired, builder.live.context).rule
    have: EventRule | None = _have(builder, EVENT_RULE, mon.rule_name)
    address = Address(EVENT_RULE, mon.rule_name)
    what = f"EventBridge rule {mon.rule_name}"
    changes: list[Change] = []
    if want is None:
        if have is None:
            return
        if not owned(have.tags, builder.desired):
            builder.notices.append(_left_alone(what, builder, "the config removes it"))
            return
        changes += [Change(address, A.REMOVE_TARGET, before=t, reason="the rule is removed")
                    for t in our_targets(have).values()]
        if len(have.targets) > len(our_targets(have)):
            builder.notices.append(f"{what} keeps targets of others, so only ours are "
                                   "removed and the rule stays")
        else:
            changes.append(Change(address, A.DELETE_RULE, before=have,
                                  reason="monitoring.tenant_events.remove"))
        builder.changes.extend(changes)
        return
    if have is None:
        changes.append(Change(address, A.CREATE_RULE, after=want))
        changes += [Change(address, A.PUT_TARGET, after=t) for t in want.targets]
        builder.changes.extend(changes)
        return
    differs = rule_differs(want, have)
    wanted_targets, found = our_targets(want), our_targets(have)
    puts = [t for i, t in sorted(wanted_targets.items()) if found.get(i) != t]
    removes = [t for i, t in sorted(found.items()) if wanted_targets.get(i) != t]
    if not (differs or puts or removes):
        return
    if not owned(have.tags, builder.desired):
        builder.notices.append(_left_alone(what, builder, "its "
                                           + " and ".join([*differs, *(["targets"] if puts or
                                                                        removes else [])])
                                           + " differ from the config"))
        return
    if differs or missing_tags(want.tags, have.tags):
        changes.append(Change(address, A.UPDATE_RULE, before=have, after=want,
                              reason="; ".join(rule_lines(have, want))))
    for t in removes:
        if t.arn.split(":")[2:3] == ["sns"] and wanted_targets.get(t.target_id) is None:
            builder.notices.append(f"SNS topic {t.arn} is no longer a target of {what}; "
                                   "the topic itself is left in place")
        changes.append(Change(address, A.REMOVE_TARGET, before=t,
                              reason="not declared in the config"))
    changes += [Change(address, A.PUT_TARGET, after=t) for t in puts]
    builder.changes.extend(changes)


# --- order ---------------------------------------------------------------------------------

def _stage(c: Change) -> int:
    """The topic's policy is updated after its subscriptions: its Id records them done."""
    if c.action in (A.PUT_TARGET, A.REMOVE_TARGET):
        return 6
    if c.action in (A.SUBSCRIBE, A.UNSUBSCRIBE):
        return 3
    if c.action == A.UPDATE_TOPIC:
        return 4
    return {LOG_GROUP: 0, LOG_POLICY: 1, SNS_TOPIC: 2, EVENT_RULE: 5}[c.address.kind]


def monitoring_edges(changes: Sequence[Change], kind: str) -> dict[str, set[str]]:
    """Creates and updates wait for those of earlier stages, deletions for those of later
    ones; a target put waits for the removal of the same target id."""
    ours = [c for c in changes if c.address.kind in (LOG_GROUP, LOG_POLICY, SNS_TOPIC,
                                                      EVENT_RULE)]
    edges: dict[str, set[str]] = {}
    for c in ours:
        if c.address.kind != kind:
            continue
        down = c.action in _DESTROYS
        needs = {d.key for d in ours if (d.action in _DESTROYS) == down
                 and (_stage(d) > _stage(c) if down else _stage(d) < _stage(c))}
        if c.action == A.UPDATE_TOPIC:
            needs |= {d.key for d in ours if d.action == A.UNSUBSCRIBE}
        if c.action == A.PUT_TARGET:
            needs |= {d.key for d in ours if d.action == A.REMOVE_TARGET
                      and d.before.target_id == c.after.target_id}
        if needs:
            edges[c.key] = needs
    if kind == EVENT_RULE:
        edges.update(_status_waits_for_rule(changes, ours))
    return edges


def _status_waits_for_rule(changes: Sequence[Change], ours: Sequence[Change]
                           ) -> dict[str, set[str]]:
    """A status change SES announces as an event waits for the rule and target that carry it
    to the log group, when the same apply makes or restores them: else the pause that comes
    with a new monitoring setup is the one event it never records."""
    from reconciler.kinds.tenant import TenantAction

    carriers = {c.key for c in ours if c.address.kind == EVENT_RULE
                and c.action not in _DESTROYS}
    if not carriers:
        return {}
    return {c.key: set(carriers) for c in changes if c.action == TenantAction.SET_STATUS}


# --- renderings ----------------------------------------------------------------------------

def _days(value: int | None) -> str:
    return "never expire" if value is None else f"{value} days"


def group_lines(have: LogGroup, want: LogGroup) -> list[str]:
    out = []
    if have.retention_days != want.retention_days:
        out.append(f"retention {_days(have.retention_days)} in the account, "
                   f"{_days(want.retention_days)} in the config")
    if have.kms_key_id != want.kms_key_id:
        out.append(f"KMS key {have.kms_key_id or '(none)'} in the account, "
                   f"{want.kms_key_id or '(none)'} in the config")
    if missing_tags(want.tags, have.tags):
        out.append("tags " + ", ".join(f"{k}={v}" for k, v in
                                       missing_tags(want.tags, have.tags).items())
                   + " missing")
    return out


def _pattern_text(value: Mapping[str, Any]) -> str:
    import json

    return json.dumps(canonical_pattern(dict(value)), separators=(",", ":"))


def rule_lines(have: EventRule, want: EventRule) -> list[str]:
    out = []
    if have.state != want.state:
        out.append(f"state {have.state} in the account, {want.state} in the config")
    if canonical_pattern(dict(have.pattern)) != canonical_pattern(dict(want.pattern)):
        out.append(f"pattern {_pattern_text(have.pattern)} in the account, "
                   f"{_pattern_text(want.pattern)} in the config")
    if have.description != want.description:
        out.append(f"description {have.description!r} in the account, "
                   f"{want.description!r} in the config")
    if missing_tags(want.tags, have.tags):
        out.append("tags " + ", ".join(f"{k}={v}" for k, v in
                                       missing_tags(want.tags, have.tags).items())
                   + " missing")
    return out


def _statement_lines(have: Mapping[str, Any] | None, want: Mapping[str, Any]) -> list[str]:
    from reconciler.iam.documents import explain

    return explain({"Statement": [dict(have)]} if have is not None else None,
                   {"Statement": [dict(want)]})


def change_lines(c: Change) -> list[str]:
    """How a monitoring change reads in the plan's account-level block."""
    a, after, before = c.action, c.after, c.before
    if a == A.CREATE_LOG_GROUP:
        kms = f", KMS key {after.kms_key_id}" if after.kms_key_id else ""
        return [f"      + {c.address} (retention {_days(after.retention_days)}{kms})"]
    if a in (A.UPDATE_LOG_GROUP, A.UPDATE_RULE):
        lines = group_lines(before, after) if a == A.UPDATE_LOG_GROUP else rule_lines(before,
                                                                                       after)
        return [f"      ~ {c.address}", *(f"          {line}" for line in lines)]
    if a in (A.ADD_LOG_STATEMENT, A.UPDATE_LOG_STATEMENT):
        marker = "+" if a == A.ADD_LOG_STATEMENT else "~"
        where = (f"policy {after.policy_name} on the log group" if after.scope == "log-group"
                 else f"account-level policy {after.policy_name}")
        head = f"      {marker} {c.address} statement {after.sid} in {where}"
        if a == A.ADD_LOG_STATEMENT:
            return [head, "          allows events.amazonaws.com and delivery.logs.amazonaws.com"
                          " logs:CreateLogStream, logs:PutLogEvents"]
        return [head, *(f"          {line}" for line in _statement_lines(before.statement,
                                                                          after.statement))]
    if a == A.CREATE_TOPIC:
        return [f"      + {c.address} (policy lets events.amazonaws.com publish)"]
    if a == A.UPDATE_TOPIC:
        if same_statement(before.statement, after.statement):
            return [f"      ~ {c.address} policy Id {after.policy_id} (records the declared "
                    "subscriptions)"]
        return [f"      ~ {c.address} policy statement {after.statement.get('Sid')}"]
    if a == A.SUBSCRIBE:
        return [f"      + {c.address} subscription {after}"]
    if a == A.UNSUBSCRIBE:
        return [f"      - {c.address} subscription {before}  # {c.reason}"]
    if a == A.CREATE_RULE:
        return [f"      + {c.address} (bus {after.bus}, state {after.state})",
                f"          pattern {_pattern_text(after.pattern)}"]
    if a == A.PUT_TARGET:
        return [f"      + {c.address} target {after}"]
    if a == A.REMOVE_TARGET:
        return [f"      - {c.address} target {before}  # {c.reason}"]
    if a == A.REMOVE_LOG_STATEMENT:
        return [f"      - {c.address} statement {before.sid} of policy {before.policy_name}"]
    return [f"      - {c.address}"]


def drift_text(actual: Any, expected: Any) -> str:
    """A drift sentence for a monitoring value: a whole object, or targets/subscriptions."""
    obj = expected if expected is not None and not isinstance(expected, tuple) else actual
    if isinstance(obj, LogGroup | EventRule | SnsTopic | LogsPolicy):
        return _object_drift(actual, expected)
    parts = []
    if expected:
        parts.append("missing " + ", ".join(str(v) for v in expected))
    if actual:
        parts.append("not in the config: " + ", ".join(str(v) for v in actual))
    return "; ".join(parts)


def _noun(obj: Any) -> str:
    if isinstance(obj, LogGroup):
        return f"log group {obj.name}"
    if isinstance(obj, EventRule):
        return f"rule {obj.name}"
    if isinstance(obj, SnsTopic):
        return f"SNS topic {obj.name}"
    return f"statement {obj.sid} of resource policy {obj.policy_name}"


def _object_drift(actual: Any, expected: Any) -> str:
    if expected is None:
        return f"{_noun(actual)} is owned by this tool and the config removes it"
    if isinstance(expected, LogsPolicy):
        if actual is None or actual.statement is None:
            return f"{_noun(expected)} is in the config but absent from the account"
        return (f"{_noun(expected)} differs from the config: "
                + "; ".join(_statement_lines(actual.statement, expected.statement)))
    if actual is None:
        return f"{_noun(expected)} is in the config but absent from the account"
    if isinstance(expected, LogGroup):
        return "; ".join(group_lines(actual, expected))
    if isinstance(expected, EventRule):
        return "; ".join(rule_lines(actual, expected))
    sid = expected.statement.get("Sid")
    if same_statement(actual.statement, expected.statement):
        return (f"the policy Id of {_noun(expected)} is {actual.policy_id or '(none)'}, not "
                f"{expected.policy_id}, the record of the subscriptions the config declares")
    if actual.statement is None:
        return f"statement {sid} is missing from the policy of {_noun(expected)}"
    return (f"statement {sid} in the policy of {_noun(expected)} differs from the config: "
            + "; ".join(_statement_lines(actual.statement, expected.statement)))


__all__ = ["MonitoringAction", "Subscription", "Target", "change_lines", "drift_text",
           "monitoring_edges", "plan_log_group", "plan_log_policy", "plan_rule", "plan_topic"]
