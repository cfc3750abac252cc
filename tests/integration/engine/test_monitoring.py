"""Monitoring as desired state: the tenant-events rule, its log group, the Logs resource-policy
statement, the targets and the alerts topic, through the CLI and the emulator's wire.

Every out-of-band change is made with plain boto3 against the same emulator; every check reads
the account back the same way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from reconciler.emulator import Emulator
from reconciler.emulator.accounting import OUTCOMES, CounterSnapshot
from reconciler.iam.permissions import OPERATIONS
from tests.integration.engine.conftest import (
    ACCOUNT,
    NO_LIMITS,
    REGION,
    Account,
    engine,
    run_cli,
    write_config,
)

RULE = "SESTenantStatusMonitor"
GROUP = "/aws/ses/tenants"
GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}"
SHARED_POLICY = "shared-logs"
OTHER_TEAM = {"Sid": "OtherTeamRoute53", "Effect": "Allow",
              "Principal": {"Service": "route53.amazonaws.com"},
              "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
              "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/route53/*"}
DETAIL_TYPES = {"Sending Status Enabled", "Sending Status Disabled",
                "Advisor Recommendation Status Open", "Advisor Recommendation Status Resolved",
                "Advisor Recommendation Status Closed"}


def _events(**extra: Any) -> dict[str, Any]:
    return {"tenant_events": {"rule_name": RULE, "log_group": GROUP, "retention_days": 30,
                              **extra}}


def _config(tmp_path: Path, *, tenants: dict[str, Any] | None = None,
            **events: Any) -> Path:
    return write_config(tmp_path, tenants if tenants is not None else {"Acme": {}},
                        extra_settings=NO_LIMITS, monitoring=_events(**events))


def _clients() -> tuple[Any, Any, Any]:
    return (boto3.client("events", region_name=REGION), boto3.client("logs", region_name=REGION),
            boto3.client("sns", region_name=REGION))


def _policy(logs: Any, name: str) -> dict[str, Any] | None:
    found = [p for p in logs.describe_resource_policies()["resourcePolicies"]
             if p["policyName"] == name]
    return found[0] if found else None


def _statements(logs: Any, name: str) -> list[dict[str, Any]]:
    policy = _policy(logs, name)
    return [] if policy is None else list(json.loads(policy["policyDocument"])["Statement"])


def _retention(logs: Any, name: str = GROUP) -> int | None:
    groups = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return next(g.get("retentionInDays") for g in groups if g["logGroupName"] == name)


def _share_policy_with_another_team(logs: Any) -> str:
    """The account-level policy another team already uses; returns its exact text."""
    text = json.dumps({"Version": "2012-10-17", "Statement": [OTHER_TEAM]})
    logs.put_resource_policy(policyName=SHARED_POLICY, policyDocument=text)
    return text


def _confirm(emulator: Emulator, topic: str, email: str) -> str:
    """What the recipient does with SNS's confirmation message; returns the subscription ARN."""
    token = emulator.control.subscription_token(topic, email)["Token"]
    return str(boto3.client("sns", region_name=REGION).confirm_subscription(
        TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:{topic}", Token=token)["SubscriptionArn"])


def _writes(spent: CounterSnapshot) -> dict[str, int]:
    return {op: n for (_, op), n in sorted(spent.by_operation().items())
            if not op.startswith(("Describe", "List", "Get"))}


# --- create ----------------------------------------------------------------------------------

def test_apply_creates_the_rule_log_group_statement_and_target_as_configured(
        tmp_path: Path, emulator: Emulator) -> None:
    result = engine("apply", _config(tmp_path), "--auto-approve")
    assert result.exit_code == 0, result.output
    events, logs, _ = _clients()
    rule = events.describe_rule(Name=RULE)
    pattern = json.loads(rule["EventPattern"])
    assert (rule["State"], pattern["source"], set(pattern["detail-type"])) == (
        "ENABLED", ["aws.ses"], DETAIL_TYPES)
    assert _retention(logs) == 30
    targets = events.list_targets_by_rule(Rule=RULE)["Targets"]
    assert [(t["Id"], t["Arn"]) for t in targets] == [("ses-reconciler-log-group", GROUP_ARN)]
    [statement] = _statements(logs, "ses-reconciler-tenant-events")
    assert (set(statement["Principal"]["Service"]), set(statement["Action"]),
            statement["Resource"]) == (
        {"events.amazonaws.com", "delivery.logs.amazonaws.com"},
        {"logs:CreateLogStream", "logs:PutLogEvents"}, f"{GROUP_ARN}:*")


def test_monitoring_objects_carry_the_ownership_tag_and_the_declared_tags(
        tmp_path: Path, emulator: Emulator) -> None:
    config = _config(tmp_path, tags={"Team": "mail"})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    events, logs, _ = _clients()
    expected = {"Team": "mail", "managed-by": "ses-reconciler"}
    assert logs.list_tags_for_resource(resourceArn=GROUP_ARN)["tags"] == expected
    rule_arn = events.describe_rule(Name=RULE)["Arn"]
    tags = events.list_tags_for_resource(ResourceARN=rule_arn)["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == expected


def test_a_changed_kms_key_is_associated_with_the_existing_group(
        tmp_path: Path, emulator: Emulator) -> None:
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
    assert engine("apply", _config(tmp_path, kms_key_id=key), "--auto-approve").exit_code == 0
    _, logs, _ = _clients()
    assert logs.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"][0]["kmsKeyId"] == key
    other = key.replace("1111", "9999")
    planned = engine("plan", _config(tmp_path, kms_key_id=other))
    assert f"KMS key {key} in the account, {other} in the config" in planned.output
    applied = engine("apply", _config(tmp_path, kms_key_id=other), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert logs.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"][0]["kmsKeyId"] == \
        other


def test_only_managed_tenants_narrows_the_pattern_to_the_tenants_arn_prefixes(
        tmp_path: Path, emulator: Emulator) -> None:
    config = _config(tmp_path, tenants={"Acme": {}, "Beta": {}}, only_managed_tenants=True)
    assert engine("apply", config, "--auto-approve").exit_code == 0
    events, _, _ = _clients()
    pattern = json.loads(events.describe_rule(Name=RULE)["EventPattern"])
    prefix = f"arn:aws:ses:{REGION}:{ACCOUNT}:tenant/"
    assert pattern["resources"] == [{"prefix": f"{prefix}Acme/"}, {"prefix": f"{prefix}Beta/"}]


def test_alerts_create_a_topic_eventbridge_may_publish_to_its_subscription_and_target(
        tmp_path: Path, emulator: Emulator) -> None:
    config = _config(tmp_path, alerts={"sns_topic": "ses-alerts",
                                       "subscriptions": ["oncall@example.com"]})
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 0, result.output
    events, _, sns = _clients()
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:ses-alerts"
    policy = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
    assert [(s["Principal"], s["Action"]) for s in policy["Statement"]] == [
        ({"Service": "events.amazonaws.com"}, "sns:Publish")]
    subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subs] == [("email", "oncall@example.com")]
    targets = events.list_targets_by_rule(Rule=RULE)["Targets"]
    assert sorted(t["Arn"] for t in targets) == [GROUP_ARN, topic]


def test_changed_subscriptions_subscribe_the_new_address_and_unsubscribe_the_old(
        tmp_path: Path, emulator: Emulator) -> None:
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:ses-alerts"
    first = _config(tmp_path, alerts={"sns_topic": "ses-alerts", "subscriptions": ["a@x.com"]})
    assert engine("apply", first, "--auto-approve").exit_code == 0
    _confirm(emulator, "ses-alerts", "a@x.com")
    second = _config(tmp_path, alerts={"sns_topic": "ses-alerts", "subscriptions": ["b@x.com"]})
    result = engine("apply", second, "--auto-approve")
    assert result.exit_code == 0, result.output
    _, _, sns = _clients()
    subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [s["Endpoint"] for s in subs] == ["b@x.com"]


def test_the_topic_policy_records_the_declared_subscriptions_after_writing_them(
        tmp_path: Path, emulator: Emulator) -> None:
    first = _config(tmp_path, alerts={"sns_topic": "ses-alerts", "subscriptions": ["a@x.com"]})
    assert engine("apply", first, "--auto-approve").exit_code == 0
    _confirm(emulator, "ses-alerts", "a@x.com")
    second = _config(tmp_path, alerts={"sns_topic": "ses-alerts", "subscriptions": ["b@x.com"]})
    changes = json.loads(engine("plan", second, "--format", "json").output)["changes"]
    by_action = {c["action"]: c for c in changes}
    assert set(by_action) == {"subscribe_sns_email", "unsubscribe_sns_email", "update_sns_topic"}
    assert sorted(by_action["update_sns_topic"]["depends_on"]) == sorted(
        [by_action["subscribe_sns_email"]["key"], by_action["unsubscribe_sns_email"]["key"]])


def test_a_topic_policy_without_the_record_is_listed_and_given_it(
        tmp_path: Path, emulator: Emulator) -> None:
    """A topic written before the record existed, or whose policy Id was changed by hand."""
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:ses-alerts"
    config = _config(tmp_path, alerts={"sns_topic": "ses-alerts", "subscriptions": ["a@x.com"]})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    _, _, sns = _clients()
    policy = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(
        {"Version": "2012-10-17", "Statement": policy["Statement"]}))
    drift = engine("drift", config)
    assert drift.exit_code == 2, drift.output
    assert ("sns_topic.ses-alerts: the policy Id of SNS topic ses-alerts is (none), not "
            "ses-reconciler-subscriptions-") in drift.output
    assert engine("apply", config, "--auto-approve").exit_code == 0
    assert json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"]) == \
        policy


def test_our_topic_statement_is_restored_next_to_a_statement_added_out_of_band(
        tmp_path: Path, emulator: Emulator) -> None:
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:ses-alerts"
    config = _config(tmp_path, alerts={"sns_topic": "ses-alerts"})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    _, _, sns = _clients()
    theirs = {"Sid": "Backup", "Effect": "Allow", "Principal": {"Service":
                                                                 "backup.amazonaws.com"},
              "Action": "sns:Publish", "Resource": topic}
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(
        {"Version": "2012-10-17", "Statement": [theirs]}))
    drift = engine("drift", config)
    assert drift.exit_code == 2
    assert ("sns_topic.ses-alerts: statement SesReconcilerEventBridgePublish is missing from "
            "the policy of SNS topic ses-alerts") in drift.output
    assert engine("apply", config, "--auto-approve").exit_code == 0
    policy = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["Backup",
                                                       "SesReconcilerEventBridgePublish"]
    assert policy["Statement"][0] == theirs


def test_a_second_plan_after_apply_shows_no_changes(tmp_path: Path, emulator: Emulator) -> None:
    config = _config(tmp_path, alerts={"sns_topic": "ses-alerts",
                                       "subscriptions": ["oncall@example.com"]},
                     resource_policy={"scope": "account", "name": SHARED_POLICY})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    again = engine("plan", config, "--detailed-exitcode")
    assert again.exit_code == 0, again.output


# --- drift and restore -----------------------------------------------------------------------

@pytest.fixture
def drifted(tmp_path: Path, emulator: Emulator) -> tuple[Path, str]:
    """Applied with our statement in an account-level policy shared with another team, then
    changed out of band: target deleted, retention 7, rule disabled, our statement removed."""
    _, logs, _ = _clients()
    _share_policy_with_another_team(logs)
    config = _config(tmp_path, resource_policy={"scope": "account", "name": SHARED_POLICY})
    applied = engine("apply", config, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    before = next(s for s in _statements(logs, SHARED_POLICY) if s["Sid"] == "OtherTeamRoute53")
    events = boto3.client("events", region_name=REGION)
    events.remove_targets(Rule=RULE, Ids=["ses-reconciler-log-group"])
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=7)
    events.disable_rule(Name=RULE)
    logs.put_resource_policy(policyName=SHARED_POLICY, policyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [before]}))
    return config, json.dumps(before)


def test_drift_exits_2_naming_each_out_of_band_change(drifted: tuple[Path, str]) -> None:
    config, _ = drifted
    result = engine("drift", config)
    assert result.exit_code == 2, result.output
    out = result.output
    assert "account-level objects" in out
    assert "~ event_rule.SESTenantStatusMonitor targets: missing ses-reconciler-log-group" in out
    assert "retention 7 days in the account, 30 days in the config" in out
    assert "state DISABLED in the account, ENABLED in the config" in out
    assert ("~ log_resource_policy./aws/ses/tenants: statement SesReconcilerTenantEvents of "
            "resource policy shared-logs is in the config but absent from the account") in out
    assert out.endswith("3 account-level objects drifted.\n")  # group, statement, rule


def test_apply_restores_and_keeps_the_other_teams_statement_byte_identical(
        drifted: tuple[Path, str]) -> None:
    config, other = drifted
    assert engine("apply", config, "--auto-approve").exit_code == 0
    events, logs, _ = _clients()
    assert events.describe_rule(Name=RULE)["State"] == "ENABLED"
    assert _retention(logs) == 30
    assert [t["Id"] for t in events.list_targets_by_rule(Rule=RULE)["Targets"]] == [
        "ses-reconciler-log-group"]
    text = _policy(logs, SHARED_POLICY)["policyDocument"]  # type: ignore[index]
    assert other in text
    assert [s["Sid"] for s in json.loads(text)["Statement"]] == [
        "OtherTeamRoute53", "SesReconcilerTenantEvents"]
    assert engine("drift", config).exit_code == 0


def test_a_saved_plan_that_restores_monitoring_applies_while_the_account_is_unchanged(
        tmp_path: Path, emulator: Emulator) -> None:
    config = _config(tmp_path)
    assert engine("apply", config, "--auto-approve").exit_code == 0
    boto3.client("events", region_name=REGION).disable_rule(Name=RULE)
    saved = tmp_path / "plan.json"
    assert engine("plan", config, "--out", saved).exit_code == 0
    result = engine("apply", config, "--plan", saved, "--auto-approve")
    assert result.exit_code == 0, result.output
    assert boto3.client("events", region_name=REGION).describe_rule(Name=RULE)["State"] == \
        "ENABLED"


def test_a_saved_plan_is_refused_when_monitoring_changed_after_it_was_saved(
        tmp_path: Path, emulator: Emulator) -> None:
    config = _config(tmp_path)
    assert engine("apply", config, "--auto-approve").exit_code == 0
    events, logs, _ = _clients()
    events.disable_rule(Name=RULE)
    saved = tmp_path / "plan.json"
    assert engine("plan", config, "--out", saved).exit_code == 0
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=7)
    result = engine("apply", config, "--plan", saved, "--auto-approve")
    assert result.exit_code == 1
    assert "changed in the account since it was saved" in result.output
    assert events.describe_rule(Name=RULE)["State"] == "DISABLED"


def test_a_subscription_removed_out_of_band_is_drift_and_apply_subscribes_it_again(
        tmp_path: Path, emulator: Emulator) -> None:
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:ses-alerts"
    config = _config(tmp_path, alerts={"sns_topic": "ses-alerts",
                                       "subscriptions": ["a@x.com", "b@x.com"]})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    _, _, sns = _clients()
    sns.unsubscribe(SubscriptionArn=_confirm(emulator, "ses-alerts", "a@x.com"))
    drift = engine("drift", config)
    assert drift.exit_code == 2, drift.output
    assert "~ sns_topic.ses-alerts subscriptions: missing a@x.com" in drift.output
    assert engine("apply", config, "--auto-approve").exit_code == 0
    subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert sorted(s["Endpoint"] for s in subs) == ["a@x.com", "b@x.com"]
    assert engine("drift", config).exit_code == 0


def test_a_confirmed_subscription_added_out_of_band_is_drift(
        tmp_path: Path, emulator: Emulator) -> None:
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:ses-alerts"
    config = _config(tmp_path, alerts={"sns_topic": "ses-alerts", "subscriptions": ["a@x.com"]})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    _, _, sns = _clients()
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="intruder@x.com")
    _confirm(emulator, "ses-alerts", "intruder@x.com")
    drift = engine("drift", config)
    assert drift.exit_code == 2, drift.output
    assert ("~ sns_topic.ses-alerts subscriptions: not in the config: intruder@x.com"
            in drift.output)


# --- ownership -------------------------------------------------------------------------------

def test_an_unowned_log_group_and_rule_are_never_modified(
        tmp_path: Path, emulator: Emulator) -> None:
    events, logs, _ = _clients()
    logs.create_log_group(logGroupName=GROUP, tags={"Team": "other"})
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=7)
    events.put_rule(Name=RULE, EventPattern=json.dumps({"source": ["aws.ec2"]}),
                    State="DISABLED")
    before = emulator.counters.snapshot()
    result = engine("apply", _config(tmp_path), "--auto-approve")
    assert result.exit_code == 0, result.output
    writes = _writes(emulator.counters.snapshot() - before)
    assert _retention(logs) == 7
    rule = events.describe_rule(Name=RULE)
    assert (rule["State"], json.loads(rule["EventPattern"])) == ("DISABLED",
                                                                 {"source": ["aws.ec2"]})
    assert events.list_targets_by_rule(Rule=RULE)["Targets"] == []
    assert logs.list_tags_for_resource(resourceArn=GROUP_ARN)["tags"] == {"Team": "other"}
    assert not {"PutRetentionPolicy", "PutRule", "PutTargets", "PutResourcePolicy",
                "CreateLogGroup"} & set(writes)
    assert "exists without the ownership tag managed-by=ses-reconciler" in result.output


def test_the_account_policy_limit_is_one_sentence_and_nothing_is_written(
        tmp_path: Path, emulator: Emulator) -> None:
    _, logs, _ = _clients()
    for i in range(10):
        logs.put_resource_policy(policyName=f"team-{i}", policyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [OTHER_TEAM]}))
    config = _config(tmp_path, resource_policy={"scope": "account", "name": "ours"})
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 1, result.output
    assert ("the account already has 10 CloudWatch Logs resource policies, the most it allows, "
            "so policy ours for log group /aws/ses/tenants cannot be created") in result.output
    assert "Traceback" not in result.output
    assert _policy(logs, "ours") is None
    assert len(logs.describe_resource_policies()["resourcePolicies"]) == 10


def test_remove_plans_the_deletions_in_reverse_order(tmp_path: Path,
                                                     emulator: Emulator) -> None:
    assert engine("apply", _config(tmp_path), "--auto-approve").exit_code == 0
    planned = engine("plan", _config(tmp_path, remove=True), "--format", "json")
    changes = json.loads(planned.output)["changes"]
    assert [c["action"] for c in changes] == [
        "remove_rule_target", "delete_event_rule", "remove_log_policy_statement",
        "delete_log_group"]
    keys = [c["key"] for c in changes]
    assert [sorted(c["depends_on"]) for c in changes] == [
        [], keys[:1], sorted(keys[:2]), sorted(keys[:3])]


def test_remove_needs_allow_delete_then_deletes_the_owned_objects(
        tmp_path: Path, emulator: Emulator) -> None:
    assert engine("apply", _config(tmp_path), "--auto-approve").exit_code == 0
    removing = _config(tmp_path, remove=True)
    refused = engine("apply", removing, "--auto-approve")
    assert refused.exit_code == 1
    assert ("The plan deletes 3 account-level object(s) (event_rule.SESTenantStatusMonitor, "
            "log_group./aws/ses/tenants, log_resource_policy./aws/ses/tenants); pass "
            "--allow-delete to allow it.") in refused.output
    result = engine("apply", removing, "--auto-approve", "--allow-delete")
    assert result.exit_code == 0, result.output
    events, logs, _ = _clients()
    assert events.list_rules()["Rules"] == []
    assert logs.describe_log_groups()["logGroups"] == []
    assert _policy(logs, "ses-reconciler-tenant-events") is None


# --- cost ------------------------------------------------------------------------------------

def _plan_cost(emulator: Emulator, config: Path) -> dict[str, int]:
    before = emulator.counters.snapshot()
    result = engine("plan", config, "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    spent = emulator.counters.snapshot() - before
    return {op: n for (_, op), n in sorted(spent.by_operation().items())}


def _extra(with_monitoring: dict[str, int], without: dict[str, int]) -> dict[str, int]:
    return {op: n - without.get(op, 0) for op, n in with_monitoring.items()
            if n != without.get(op, 0)}


def test_an_unchanged_plan_costs_the_tenant_budget_plus_exactly_4_monitoring_calls(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    tenants = {f"T{i}": {"tags": {"c": str(i)}} for i in range(5)}
    config = _config(tmp_path, tenants=tenants)
    assert engine("apply", config, "--auto-approve").exit_code == 0
    plain = write_config(tmp_path, tenants, extra_settings=NO_LIMITS, name="plain.yaml")
    assert _extra(_plan_cost(emulator, config), _plan_cost(emulator, plain)) == {
        "DescribeLogGroups": 1, "DescribeResourcePolicies": 1, "DescribeRule": 1,
        "ListTargetsByRule": 1}


def test_alerts_add_exactly_1_sns_read_to_an_unchanged_plan(
        tmp_path: Path, emulator: Emulator) -> None:
    tenants = {"Acme": {}}
    alerts = {"sns_topic": "ses-alerts", "subscriptions": ["a@example.com", "b@example.com"]}
    config = _config(tmp_path, tenants=tenants, alerts=alerts)
    assert engine("apply", config, "--auto-approve").exit_code == 0
    _confirm(emulator, "ses-alerts", "a@example.com")  # one confirmed, one still pending
    plain = write_config(tmp_path, tenants, extra_settings=NO_LIMITS, name="plain.yaml")
    assert _extra(_plan_cost(emulator, config), _plan_cost(emulator, plain)) == {
        "DescribeLogGroups": 1, "DescribeResourcePolicies": 1, "DescribeRule": 1,
        "ListTargetsByRule": 1, "GetTopicAttributes": 1}


# --- permissions -----------------------------------------------------------------------------

def _operations(emulator: Emulator, *commands: tuple[str, ...]) -> set[tuple[str, str]]:
    """The operations sent on the wire by the commands (any outcome)."""
    seen: set[tuple[str, str]] = set()
    for command in commands:
        before = emulator.counters.snapshot()
        assert engine(*command).exit_code in (0, 2)
        spent = emulator.counters.snapshot() - before
        for outcome in OUTCOMES:
            seen |= set(spent.by_operation(outcome))
    return {op for op in seen if op[0] in ("logs", "events", "sns")}


def _granted(*args: str) -> set[str]:
    policy = json.loads(run_cli("iam", "self-policy", *args).stdout)
    return {a for s in policy["Statement"] for a in s["Action"]}


def test_self_policy_covers_every_monitoring_call_and_read_only_covers_plan_and_drift(
        tmp_path: Path, emulator: Emulator) -> None:
    config = _config(tmp_path, tags={"Team": "mail"}, resource_policy={"scope": "account"},
                     alerts={"sns_topic": "ses-alerts", "subscriptions": ["a@example.com"]})
    applied = _operations(emulator, ("apply", config, "--auto-approve"))
    events, logs, _ = _clients()
    events.disable_rule(Name=RULE)
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=7)
    read = _operations(emulator, ("plan", str(config)), ("drift", str(config)))
    applied |= _operations(emulator, ("apply", config, "--auto-approve"))
    assert {("events", "PutRule"), ("logs", "PutResourcePolicy"), ("sns", "CreateTopic"),
            ("events", "ListTagsForResource")} <= applied | read
    everything, reads = _granted(), _granted("--read-only")
    assert {op for op in applied | read
            if not set(OPERATIONS[op].actions) <= everything} == set()
    assert {op for op in read if not set(OPERATIONS[op].actions) <= reads} == set()
