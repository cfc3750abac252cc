"""Incremental drift over the IAM role and monitoring kinds: what the full drift finds, for the
price of their event sources' history pages.

A kind the config does not use costs nothing and never forces a full refresh; the monitoring
objects belong to no tenant, so they are read (in full: about four calls) only when an
out-of-band event in the window touched them. Every change is made with plain boto3 (no
user-agent marker) against the emulator the tool applied to.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from reconciler.emulator import Emulator
from reconciler.kinds.base import Kind
from reconciler.kinds.registry import kinds, register, unregister
from tests.integration.engine.conftest import (
    ACCOUNT,
    NO_LIMITS,
    REGION,
    engine,
    write_config,
)

TENANTS = ("Acme", "Beta", "Core")
RULE = "SESTenantStatusMonitor"
GROUP = "/aws/ses/tenants"
POLICY = "ses-reconciler-tenant-events"
CUSTOMER = "arn:aws:iam::111122223333:root"
DAY = 86400
MONITORING_READS = {"DescribeLogGroups", "DescribeResourcePolicies", "DescribeRule",
                    "ListTargetsByRule", "GetTopicAttributes", "ListSubscriptionsByTopic"}


def _monitoring(**extra: Any) -> dict[str, Any]:
    return {"tenant_events": {"rule_name": RULE, "log_group": GROUP, "retention_days": 30,
                              **extra}}


def _policy() -> dict[str, Any]:
    return {"policy_name": "ses-${tenant.name}-sender",
            "document": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["ses:SendEmail"], "Resource": "${tenant.arn}"}]}}


def _role() -> dict[str, Any]:
    return {"role_name": "ses-${tenant.name}-sender", "policies": ["sender"],
            "trust_policy": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": CUSTOMER}, "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "${tenant.id}"}}}]}}


def _apply(config: Path) -> Path:
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 0, result.output[-2000:]
    return config


@pytest.fixture
def monitored(tmp_path: Path, emulator: Emulator) -> Path:
    emulator.options.update(lookup_events_pacing="off")
    return _apply(write_config(tmp_path, {n: {} for n in TENANTS}, extra_settings=NO_LIMITS,
                               monitoring=_monitoring()))


@pytest.fixture
def with_roles(tmp_path: Path, emulator: Emulator) -> Path:
    emulator.options.update(lookup_events_pacing="off")
    return _apply(write_config(
        tmp_path, {n: {"iam": ["sender"], "iam_roles": ["sender"]} for n in TENANTS},
        extra_settings=NO_LIMITS, iam_templates={"sender": _policy()},
        iam_roles={"sender": _role()}))


def _drift(config: Path, *args: str) -> dict[str, Any]:
    result = engine("drift", config, "--format", "json", *args)
    assert result.exit_code in (0, 2), result.output[-2000:]
    return dict(json.loads(result.stdout))


def _incremental(config: Path, emulator: Emulator) -> tuple[dict[str, Any], dict[str, int]]:
    before = emulator.counters.snapshot()
    report = _drift(config, "--since", "1h")
    calls = {op: n for (_, op), n in (emulator.counters.snapshot() - before)
             .by_operation().items()}
    assert str(report["notices"][0]).startswith("Incremental refresh: CloudTrail events"), (
        report["notices"][0])
    return report, calls


def _same_findings(config: Path, emulator: Emulator) -> tuple[dict[str, Any], dict[str, int]]:
    full = _drift(config)
    report, calls = _incremental(config, emulator)
    assert full["drift"], "the out-of-band change must be drift"
    assert report["drift"] == full["drift"]
    assert "ListTenants" not in calls
    return report, calls


def _attributes(report: dict[str, Any]) -> list[str]:
    return sorted({str(item["attribute"]) for item in report["drift"]})


# --- kinds without a source, kinds not in use ------------------------------------------------

@pytest.fixture
def plain(tmp_path: Path, emulator: Emulator) -> Path:
    emulator.options.update(lookup_events_pacing="off")
    return _apply(write_config(tmp_path, {n: {} for n in TENANTS}, extra_settings=NO_LIMITS))


@pytest.fixture
def unfollowed_kind() -> Iterator[Callable[[bool], None]]:
    """Plugs in a kind with no event source, used by the config or not."""
    def plug(used: bool) -> None:
        register(Kind(name="unfollowed", type=dict, attributes=(), actions=(),
                      plan=lambda builder: None, edges=lambda changes: {},
                      in_use=lambda desired: used))

    yield plug
    if any(k.name == "unfollowed" for k in kinds()):
        unregister("unfollowed")


def test_kinds_the_config_does_not_use_never_force_a_full_refresh(
        plain: Path, emulator: Emulator) -> None:
    report, calls = _incremental(plain, emulator)
    assert report["drift"] == []
    assert calls == {"GetCallerIdentity": 1, "LookupEvents": 1, "ListReputationEntities": 1}


def test_an_unused_kind_without_an_event_source_is_ignored(
        plain: Path, emulator: Emulator, unfollowed_kind: Callable[[bool], None]) -> None:
    unfollowed_kind(False)
    report, _ = _incremental(plain, emulator)
    assert report["drift"] == []


def test_a_used_kind_without_an_event_source_falls_back_to_full(
        plain: Path, unfollowed_kind: Callable[[bool], None]) -> None:
    unfollowed_kind(True)
    report = _drift(plain, "--since", "1h")
    assert report["notices"][0] == ("Full refresh (every tenant read): the unfollowed kind has "
                                    "no CloudTrail event source.")
    assert report["scope"] is None


# --- cost -----------------------------------------------------------------------------------

def test_unchanged_monitoring_costs_its_history_pages_and_no_monitoring_read(
        monitored: Path, emulator: Emulator) -> None:
    emulator.control.age_events(DAY)
    report, calls = _incremental(monitored, emulator)
    assert report["drift"] == [] and report["scope"] == []
    # SES as before, plus one page each for Logs and EventBridge (no alerts: no SNS lookup)
    assert calls == {"GetCallerIdentity": 1, "LookupEvents": 3, "ListReputationEntities": 1}


def test_alerts_add_one_sns_history_page_and_no_read(tmp_path: Path,
                                                     emulator: Emulator) -> None:
    emulator.options.update(lookup_events_pacing="off")
    config = _apply(write_config(
        tmp_path, {n: {} for n in TENANTS}, extra_settings=NO_LIMITS,
        monitoring=_monitoring(alerts={"sns_topic": "ses-alerts",
                                       "subscriptions": ["oncall@example.com"]})))
    emulator.control.age_events(DAY)
    report, calls = _incremental(config, emulator)
    assert report["drift"] == []
    assert calls == {"GetCallerIdentity": 1, "LookupEvents": 4, "ListReputationEntities": 1}


def test_an_alerts_topic_policy_edit_is_found(tmp_path: Path, emulator: Emulator) -> None:
    emulator.options.update(lookup_events_pacing="off")
    config = _apply(write_config(
        tmp_path, {n: {} for n in TENANTS}, extra_settings=NO_LIMITS,
        monitoring=_monitoring(alerts={"sns_topic": "ses-alerts"})))
    boto3.client("sns", region_name=REGION).set_topic_attributes(
        TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:ses-alerts", AttributeName="Policy",
        AttributeValue=json.dumps({"Version": "2012-10-17", "Statement": []}))
    _, calls = _same_findings(config, emulator)
    assert calls["GetTopicAttributes"] == 1


def test_the_tools_own_monitoring_writes_are_skipped(monitored: Path,
                                                     emulator: Emulator) -> None:
    report, calls = _incremental(monitored, emulator)
    assert report["drift"] == [] and report["scope"] == []
    assert not MONITORING_READS & set(calls)
    # 3 CreateTenant; CreateLogGroup, PutRetentionPolicy, PutResourcePolicy, PutRule,
    # PutTargets
    assert "0 out-of-band writes read, 8 of this tool's own" in str(report["notices"][0])


def test_an_unrelated_log_group_is_not_read_as_a_monitoring_change(
        monitored: Path, emulator: Emulator) -> None:
    boto3.client("logs", region_name=REGION).create_log_group(logGroupName="/other/team")
    _, calls = _incremental(monitored, emulator)
    assert not MONITORING_READS & set(calls)


# --- monitoring changes ---------------------------------------------------------------------

def test_a_disabled_rule_is_found(monitored: Path, emulator: Emulator) -> None:
    boto3.client("events", region_name=REGION).disable_rule(Name=RULE)
    report, calls = _same_findings(monitored, emulator)
    assert any(RULE in a for a in _attributes(report))
    assert calls["DescribeRule"] == 1
    assert "monitoring touched and read" in str(report["notices"][0])


def test_a_removed_target_is_found(monitored: Path, emulator: Emulator) -> None:
    events = boto3.client("events", region_name=REGION)
    ids = [t["Id"] for t in events.list_targets_by_rule(Rule=RULE)["Targets"]]
    events.remove_targets(Rule=RULE, Ids=ids)
    report, _ = _same_findings(monitored, emulator)
    assert any(RULE in a for a in _attributes(report))


def test_a_retention_change_is_found(monitored: Path, emulator: Emulator) -> None:
    boto3.client("logs", region_name=REGION).put_retention_policy(logGroupName=GROUP,
                                                                  retentionInDays=7)
    report, calls = _same_findings(monitored, emulator)
    assert any(GROUP in a for a in _attributes(report))
    assert calls["DescribeLogGroups"] >= 1


def test_our_statement_removed_from_the_resource_policy_is_found(
        monitored: Path, emulator: Emulator) -> None:
    logs = boto3.client("logs", region_name=REGION)
    group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}"
    found = logs.describe_resource_policies(resourceArn=group_arn)["resourcePolicies"]
    document = json.loads(found[0]["policyDocument"])
    other = {"Sid": "OtherTeam", "Effect": "Allow",
             "Principal": {"Service": "route53.amazonaws.com"},
             "Action": ["logs:PutLogEvents"], "Resource": group_arn}
    document["Statement"] = [other]
    logs.put_resource_policy(policyName=found[0]["policyName"], resourceArn=group_arn,
                             policyDocument=json.dumps(document))
    _same_findings(monitored, emulator)


# --- role changes ---------------------------------------------------------------------------

def test_a_role_trust_policy_edit_is_found(with_roles: Path, emulator: Emulator) -> None:
    boto3.client("iam", region_name=REGION).update_assume_role_policy(
        RoleName="ses-Beta-sender", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}))
    report, calls = _same_findings(with_roles, emulator)
    assert report["scope"] == ["Beta"]
    # the listing, then only the touched tenant's role (of three)
    assert (calls["ListRoles"], calls["ListAttachedRolePolicies"]) == (1, 1)


def test_a_detached_role_policy_is_found(with_roles: Path, emulator: Emulator) -> None:
    iam = boto3.client("iam", region_name=REGION)
    attached = iam.list_attached_role_policies(RoleName="ses-Core-sender")["AttachedPolicies"]
    iam.detach_role_policy(RoleName="ses-Core-sender", PolicyArn=attached[0]["PolicyArn"])
    report, _ = _same_findings(with_roles, emulator)
    assert report["scope"] == ["Core"]


def test_role_templates_add_one_iam_history_lookup(with_roles: Path,
                                                   emulator: Emulator) -> None:
    emulator.control.age_events(DAY)
    report, calls = _incremental(with_roles, emulator)
    assert report["drift"] == []
    assert calls["LookupEvents"] == 2  # SES, and IAM (us-east-1) once for policies and roles


def test_only_the_tagged_roles_tenant_is_in_scope(with_roles: Path,
                                                  emulator: Emulator) -> None:
    boto3.client("iam", region_name=REGION).tag_role(
        RoleName="ses-Acme-sender", Tags=[{"Key": "note", "Value": "x"}])
    report, _ = _incremental(with_roles, emulator)
    assert report["scope"] == ["Acme"]


def test_an_incremental_plan_repairs_a_touched_rule_through_a_saved_plan(
        monitored: Path, tmp_path: Path) -> None:
    events = boto3.client("events", region_name=REGION)
    events.disable_rule(Name=RULE)
    saved = tmp_path / "repair.plan.json"
    planned = engine("plan", monitored, "--refresh", "incremental", "--since", "1h",
                     "--out", saved)
    assert planned.exit_code == 0, planned.output[-2000:]
    applied = engine("apply", monitored, "--plan", saved, "--auto-approve")
    assert applied.exit_code == 0, applied.output[-2000:]
    assert events.describe_rule(Name=RULE)["State"] == "ENABLED"
