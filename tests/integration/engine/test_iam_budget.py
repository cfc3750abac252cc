"""What IAM policies add to a plan's calls, exactly, through the CLI and the emulator.

With P owned policies under the path, A of them declaring attachments, an unchanged plan
costs the tenant budget + ⌈P/1000⌉ ListPolicies + P GetPolicyVersion + A
ListEntitiesForPolicy; ownership tags (GetPolicy) are read only for the policies the plan
changes. `--only` reads the selected tenants' policies alone.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import boto3
import pytest

from reconciler.emulator import Emulator
from reconciler.emulator.accounting import CounterSnapshot
from tests.integration.engine.conftest import NO_LIMITS, Account, engine, write_config

TENANTS = 8
PAGE = 100  # ListTenants and ListReputationEntities page size


def _template(name: str, actions: list[str], attach: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "policy_name": f"ses-${{tenant.name}}-{name}",
        "document": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": actions, "Resource": "${tenant.arn}",
            **({"Condition": {"StringEquals": {"ses:TenantName": "${tenant.name}"}}}
               if name == "sender" else {})}]}}
    if attach:
        body["attach"] = {"roles": ["sender-${tenant.name}"]}
    return body


def _config(tmp_path: Path, sender_actions: list[str] | None = None,
            safety: dict[str, Any] | None = None) -> Path:
    templates = {"sender": _template("sender", sender_actions or ["ses:SendEmail"], True),
                 "reader": _template("reader", ["ses:GetTenant"], False)}
    tenants = {f"T{i:03d}": {"iam": ["sender", "reader"], "resources": {
        "identities": [f"t{i:03d}.example.com"], "configuration_sets": ["shared-set"],
        "templates": ["welcome"]}} for i in range(TENANTS)}
    limits = {"safety": safety} if safety is not None else NO_LIMITS
    return write_config(tmp_path, tenants, extra_settings=limits, iam_templates=templates)


@pytest.fixture
def applied(tmp_path: Path, account: Account) -> Path:
    iam = boto3.client("iam", region_name="us-east-1")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}]})
    for i in range(TENANTS):
        iam.create_role(RoleName=f"sender-T{i:03d}", AssumeRolePolicyDocument=trust)
    account.identities(*(f"t{i:03d}.example.com" for i in range(TENANTS)))
    account.configuration_sets("shared-set")
    account.templates("welcome")
    config = _config(tmp_path)
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 0, result.output[-3000:]
    return config


def _cost(emulator: Emulator, *args: str | Path, exit_code: int = 0) -> CounterSnapshot:
    before = emulator.counters.snapshot()
    result = engine("plan", *args, "--detailed-exitcode")
    assert result.exit_code == exit_code, result.output[-3000:]
    return emulator.counters.snapshot() - before


def _calls(spent: CounterSnapshot) -> dict[str, int]:
    return {op: n for (_, op), n in sorted(spent.by_operation().items())}


def _tenant_budget(n: int) -> dict[str, int]:
    """The tenant kind's no-change plan (tests/integration/engine/test_budgets_and_formats.py)."""
    return {"GetCallerIdentity": 1, "ListTenants": math.ceil(n / PAGE),
            "ListReputationEntities": math.ceil(n / PAGE), "GetTenant": n,
            "ListTenantResources": n}


def _policy_budget(policies: int, attached: int) -> dict[str, int]:
    return {"ListPolicies": math.ceil(policies / 1000), "GetPolicyVersion": policies,
            "ListEntitiesForPolicy": attached}


def test_an_unchanged_plan_costs_the_tenant_budget_plus_one_version_read_per_policy(
        applied: Path, emulator: Emulator) -> None:
    policies, attached = 2 * TENANTS, TENANTS
    spent = _cost(emulator, applied)
    expected = {**_tenant_budget(TENANTS), **_policy_budget(policies, attached)}
    assert _calls(spent) == dict(sorted(expected.items()))
    assert spent.attempts() == (1 + 2 * math.ceil(TENANTS / PAGE) + 2 * TENANTS
                                + math.ceil(policies / 1000) + policies + attached)


def test_a_policy_under_the_path_that_the_config_does_not_name_costs_one_tag_read(
        applied: Path, emulator: Emulator) -> None:
    boto3.client("iam", region_name="us-east-1").create_policy(
        PolicyName="someone-elses", Path="/ses-reconciler/", Tags=[{"Key": "team", "Value": "x"}],
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ses:GetTenant", "Resource": "*"}]}))
    spent = _cost(emulator, applied)
    expected = {**_tenant_budget(TENANTS), **_policy_budget(2 * TENANTS + 1, TENANTS),
                "GetPolicyVersion": 2 * TENANTS, "GetPolicy": 1}
    assert _calls(spent) == dict(sorted(expected.items()))


def test_a_template_edit_adds_one_ownership_read_per_changed_policy(
        tmp_path: Path, applied: Path, emulator: Emulator) -> None:
    edited = _config(tmp_path, ["ses:SendEmail", "ses:SendBulkEmail"])
    spent = _cost(emulator, edited, exit_code=2)
    expected = {**_tenant_budget(TENANTS), **_policy_budget(2 * TENANTS, TENANTS),
                "GetPolicy": TENANTS}
    assert _calls(spent) == dict(sorted(expected.items()))


def test_plan_only_reads_the_selected_tenants_policies_alone(
        applied: Path, emulator: Emulator) -> None:
    spent = _cost(emulator, applied, "--only", "T005")
    assert _calls(spent) == {"GetCallerIdentity": 1, "GetPolicyVersion": 2,
                             "GetReputationEntity": 1, "GetTenant": 1,
                             "ListEntitiesForPolicy": 1, "ListPolicies": 1,
                             "ListTenantResources": 1}
    assert spent.attempts() == 4 + 1 + 2 + 1


def test_a_saved_plan_is_refused_when_a_policy_it_changes_lost_its_ownership_tag(
        tmp_path: Path, applied: Path) -> None:
    edited = _config(tmp_path, ["ses:SendEmail", "ses:SendBulkEmail"])
    saved = tmp_path / "plan.json"
    assert engine("plan", edited, "--out", saved).exit_code == 0
    iam = boto3.client("iam", region_name="us-east-1")
    iam.untag_policy(PolicyArn="arn:aws:iam::123456789012:policy/ses-reconciler/ses-T003-sender",
                     TagKeys=["managed-by"])

    result = engine("apply", edited, "--plan", saved, "--auto-approve")

    assert result.exit_code == 1, result.output[-3000:]
    assert "changed in the account since it was saved" in result.output
    versions = iam.list_policy_versions(
        PolicyArn="arn:aws:iam::123456789012:policy/ses-reconciler/ses-T003-sender")
    assert [v["VersionId"] for v in versions["Versions"]] == ["v1"]


def test_a_saved_plan_of_a_template_edit_applies_after_its_re_read(
        tmp_path: Path, applied: Path) -> None:
    edited = _config(tmp_path, ["ses:SendEmail", "ses:SendBulkEmail"])
    saved = tmp_path / "plan.json"
    assert engine("plan", edited, "--out", saved).exit_code == 0

    result = engine("apply", edited, "--plan", saved, "--auto-approve")

    assert result.exit_code == 0, result.output[-3000:]
    assert engine("plan", edited, "--detailed-exitcode").exit_code == 0


def test_a_template_edit_above_max_change_percent_of_the_policies_needs_force(
        tmp_path: Path, applied: Path) -> None:
    edited = _config(tmp_path, ["ses:SendEmail", "ses:SendBulkEmail"],
                     safety={"max_change_percent": 40, "min_tenants": 4})

    refused = engine("apply", edited, "--auto-approve")

    assert refused.exit_code == 1, refused.output[-3000:]
    assert (f"The plan changes {TENANTS} of {2 * TENANTS} managed iam_policy objects"
            in refused.output)
    assert "pass --force to allow it." in refused.output
    assert engine("plan", edited, "--detailed-exitcode").exit_code == 2
    assert engine("apply", edited, "--auto-approve", "--force").exit_code == 0
