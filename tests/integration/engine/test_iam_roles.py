"""IAM roles per tenant x role template, through the CLI, the emulator and plain boto3.

A tenant's role is created after the tenant (its trust policy names the real id) and after the
policies it holds, kept in line with the config (trust policy, max session, attached policies),
deleted before its tenant and its policies, and never written when it lacks the ownership tag.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import boto3
import pytest

from reconciler.emulator import Emulator
from reconciler.iam.permissions import OPERATIONS
from tests.integration.engine.conftest import (
    NO_LIMITS,
    OWNERSHIP,
    REGION,
    Account,
    engine,
    write_config,
)

PATH = "/ses-reconciler/"
CUSTOMER = "arn:aws:iam::111122223333:root"


def _policy(suffix: str, action: str) -> dict[str, Any]:
    return {"policy_name": "ses-${tenant.name}-" + suffix,
            "document": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": [action], "Resource": "${tenant.arn}"}]}}


def _role(max_session: int = 7200, principal: str = CUSTOMER,
          policies: tuple[str, ...] = ("sender",)) -> dict[str, Any]:
    return {"role_name": "ses-${tenant.name}-sender", "max_session_duration": max_session,
            "policies": list(policies),
            "trust_policy": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "${tenant.id}"}}}]}}


def _config(tmp_path: Path, tenants: tuple[str, ...] = ("Acme", "Bravo"), *,
            prune: bool = False, role: dict[str, Any] | None = None) -> Path:
    return write_config(
        tmp_path, {n: {"iam": ["sender", "reader"], "iam_roles": ["sender"]} for n in tenants},
        prune=prune, extra_settings=NO_LIMITS,
        iam_templates={"sender": _policy("sender", "ses:SendEmail"),
                       "reader": _policy("reader", "ses:GetTenant")},
        iam_roles={"sender": role or _role()})


def _apply(config: Path, *args: str) -> str:
    result = engine("apply", config, "--auto-approve", *args)
    assert result.exit_code == 0, result.output[-3000:]
    return result.output


def _iam() -> Any:
    return boto3.client("iam", region_name=REGION)


def _policy_arn(name: str) -> str:
    return f"arn:aws:iam::123456789012:policy{PATH}{name}"


def _live_role(name: str) -> dict[str, Any]:
    return dict(_iam().get_role(RoleName=name)["Role"])


def _attached(name: str) -> set[str]:
    return {p["PolicyArn"] for p in
            _iam().list_attached_role_policies(RoleName=name)["AttachedPolicies"]}


def _iam_calls(emulator: Emulator, before: Any) -> dict[str, int]:
    return {op: n for (svc, op), n in (emulator.counters.snapshot() - before)
            .by_operation().items() if svc == "iam"}


@pytest.fixture
def two_tenants(tmp_path: Path, account: Account) -> Path:
    config = _config(tmp_path)
    _apply(config)
    return config


def test_a_tenants_role_is_created_after_its_tenant_and_policy_with_the_real_id(
        tmp_path: Path, account: Account) -> None:
    config = _config(tmp_path, ("Acme",))
    plan = {c["key"]: c for c in json.loads(
        engine("plan", config, "--format", "json").stdout)["changes"]}
    assert plan["iam_role.Acme/sender:create_role"]["depends_on"] == [
        "tenant.Acme:create_tenant"]
    attach = f"iam_role.Acme/sender:attach_role_policy:{_policy_arn('ses-Acme-sender')}"
    assert plan[attach]["depends_on"] == [
        "iam_policy.Acme/sender:create_policy", "iam_role.Acme/sender:create_role",
        "tenant.Acme:create_tenant"]

    _apply(config)

    role = _live_role("ses-Acme-sender")
    tenant_id = account.tenant("Acme")["TenantId"]  # type: ignore[index]
    assert (role["Path"], role["MaxSessionDuration"]) == (PATH, 7200)
    condition = role["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]
    assert condition == {"StringEquals": {"sts:ExternalId": tenant_id}}
    tags = {t["Key"]: t["Value"] for t in role["Tags"]}
    assert tags == {**OWNERSHIP, "managed-by:tenant": "Acme", "managed-by:template": "sender"}
    assert _attached("ses-Acme-sender") == {_policy_arn("ses-Acme-sender")}


def test_an_unchanged_plan_lists_roles_once_and_reads_each_roles_policies_and_no_tags(
        two_tenants: Path, emulator: Emulator) -> None:
    before = emulator.counters.snapshot()
    again = engine("plan", two_tenants, "--detailed-exitcode")
    spent = _iam_calls(emulator, before)
    assert again.exit_code == 0, again.output[-3000:]
    roles = 2
    # R roles, all the config's: ListRoles ceil(R/1000) + ListAttachedRolePolicies R, no GetRole
    assert {op: n for op, n in spent.items() if "Role" in op} == {
        "ListRoles": math.ceil(roles / 1000), "ListAttachedRolePolicies": roles}


def test_an_out_of_band_trust_edit_is_drift_and_apply_restores_it(
        two_tenants: Path) -> None:
    wanted = _live_role("ses-Bravo-sender")["AssumeRolePolicyDocument"]
    _iam().update_assume_role_policy(RoleName="ses-Bravo-sender", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"AWS": "*"}}]}))
    drift = engine("drift", two_tenants)
    assert drift.exit_code == 2, drift.output
    assert "iam_role.Bravo/sender" in drift.output
    assert "Statement[0].Principal.AWS" in drift.output
    assert "iam_role.Acme/sender" not in drift.output

    _apply(two_tenants)

    assert _live_role("ses-Bravo-sender")["AssumeRolePolicyDocument"] == wanted
    assert engine("drift", two_tenants).exit_code == 0


def test_a_detached_policy_is_drift_and_apply_attaches_it_again(two_tenants: Path) -> None:
    _iam().detach_role_policy(RoleName="ses-Acme-sender",
                              PolicyArn=_policy_arn("ses-Acme-sender"))
    drift = engine("drift", two_tenants)
    assert drift.exit_code == 2, drift.output
    assert "iam_role.Acme/sender policies" in drift.output
    assert f"policies not attached: {_policy_arn('ses-Acme-sender')}" in drift.output

    _apply(two_tenants)

    assert _attached("ses-Acme-sender") == {_policy_arn("ses-Acme-sender")}
    assert engine("drift", two_tenants).exit_code == 0


def test_a_template_edit_updates_max_session_and_attached_policies_in_place(
        tmp_path: Path, two_tenants: Path, emulator: Emulator) -> None:
    edited = _config(tmp_path, role=_role(max_session=43200, policies=("reader",)))
    plan = json.loads(engine("plan", edited, "--format", "json").stdout)
    assert sorted((c["address"], c["action"]) for c in plan["changes"]
                  if c["address"].startswith("iam_role.Acme")) == [
        ("iam_role.Acme/sender", "attach_role_policy"),
        ("iam_role.Acme/sender", "detach_role_policy"),
        ("iam_role.Acme/sender", "update_role_session")]

    _apply(edited)

    assert _live_role("ses-Acme-sender")["MaxSessionDuration"] == 43200
    assert _attached("ses-Acme-sender") == {_policy_arn("ses-Acme-reader")}
    assert engine("plan", edited, "--detailed-exitcode").exit_code == 0


def test_removing_a_tenant_deletes_its_role_before_its_policies_and_the_tenant(
        tmp_path: Path, two_tenants: Path, emulator: Emulator, account: Account) -> None:
    _iam().put_role_policy(RoleName="ses-Bravo-sender", PolicyName="inline",
                           PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                               {"Effect": "Allow", "Action": "ses:GetTenant", "Resource": "*"}]}))
    config = _config(tmp_path, ("Acme",), prune=True)
    emulator.counters.start_journal()

    _apply(config, "--allow-delete")

    sent = [e.operation for e in emulator.counters.journal()
            if e.operation in ("DeleteRole", "DeletePolicy", "DeleteTenant")]
    assert sent == ["DeleteRole", "DeletePolicy", "DeletePolicy", "DeleteTenant"]
    assert account.tenant("Bravo") is None
    names = {r["RoleName"] for r in _iam().list_roles(PathPrefix=PATH)["Roles"]}
    assert names == {"ses-Acme-sender"}


def test_a_role_without_the_ownership_tag_is_never_modified(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    theirs = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}}]}
    _iam().create_role(RoleName="ses-Acme-sender", Path=PATH,
                       AssumeRolePolicyDocument=json.dumps(theirs))
    config = _config(tmp_path, ("Acme",))
    emulator.counters.start_journal()

    result = engine("apply", config, "--auto-approve")

    assert result.exit_code == 1, result.output[-3000:]
    assert ("iam_role.Acme/sender: role ses-Acme-sender exists without the ownership tag "
            "managed-by=ses-reconciler, so nothing is planned for it") in result.output
    written = {e.operation for e in emulator.counters.journal()
               if e.service == "iam" and "Role" in e.operation and not e.operation.startswith(
                   ("List", "Get"))}
    assert written == set()
    role = _live_role("ses-Acme-sender")
    assert role["AssumeRolePolicyDocument"] == theirs
    assert _attached("ses-Acme-sender") == set()
    assert account.tenant("Acme") is not None


def test_every_iam_call_of_the_role_kind_is_in_the_self_policy(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    emulator.counters.start_journal()
    _apply(_config(tmp_path))
    other = "arn:aws:iam::444455556666:root"
    _apply(_config(tmp_path, role=_role(max_session=3600, principal=other, policies=("reader",))))
    _apply(_config(tmp_path, (), prune=True), "--allow-delete")
    sent = {(e.service, e.operation) for e in emulator.counters.journal() if e.service == "iam"}
    assert {"CreateRole", "UpdateAssumeRolePolicy", "UpdateRole", "AttachRolePolicy",
            "DetachRolePolicy", "DeleteRole", "ListRoles",
            "ListAttachedRolePolicies"} <= {op for _, op in sent}
    assert sent <= set(OPERATIONS)


def _external_id(role: str) -> str:
    statement = _live_role(role)["AssumeRolePolicyDocument"]["Statement"][0]
    return str(statement["Condition"]["StringEquals"]["sts:ExternalId"])


def test_a_renamed_tenants_role_is_made_with_its_new_id_and_the_old_one_deleted_first(
        tmp_path: Path, account: Account) -> None:
    _apply(_config(tmp_path, ("Acme",), prune=True))
    renamed = write_config(
        tmp_path, {"Zed": {"iam": ["sender", "reader"], "iam_roles": ["sender"],
                           "renamed_from": "Acme"}},
        prune=True, extra_settings=NO_LIMITS,
        iam_templates={"sender": _policy("sender", "ses:SendEmail"),
                       "reader": _policy("reader", "ses:GetTenant")},
        iam_roles={"sender": _role()})
    plan = {c["key"]: c for c in json.loads(
        engine("plan", renamed, "--format", "json").stdout)["changes"]}
    assert plan["iam_role.Zed/sender:create_role"]["depends_on"] == ["tenant.Zed:create_tenant"]
    assert "iam_role.Acme/sender:delete_role" in plan["tenant.Acme:delete_tenant"]["depends_on"]
    assert "iam_role.Acme/sender:delete_role" in (
        plan["iam_policy.Acme/sender:delete_policy"]["depends_on"])

    _apply(renamed, "--allow-delete")

    assert _external_id("ses-Zed-sender") == account.tenant("Zed")["TenantId"]  # type: ignore[index]
    names = {r["RoleName"] for r in _iam().list_roles(PathPrefix=PATH)["Roles"]}
    assert names == {"ses-Zed-sender"}
    assert engine("plan", renamed, "--detailed-exitcode").exit_code == 0


def test_a_tenant_re_created_under_its_name_gets_its_roles_trust_re_rendered(
        two_tenants: Path, account: Account) -> None:
    old_id = _external_id("ses-Acme-sender")
    account.ses.delete_tenant(TenantName="Acme")
    plan = {c["key"]: c for c in json.loads(
        engine("plan", two_tenants, "--format", "json").stdout)["changes"]}
    update = plan["iam_role.Acme/sender:update_role_trust"]
    assert update["depends_on"] == ["tenant.Acme:create_tenant"]
    assert "(known after apply)" in update["reason"]

    _apply(two_tenants)

    new_id = account.tenant("Acme")["TenantId"]  # type: ignore[index]
    assert new_id != old_id and _external_id("ses-Acme-sender") == new_id
    assert engine("plan", two_tenants, "--detailed-exitcode").exit_code == 0


def test_an_equivalent_respelling_of_the_trust_policy_plans_no_change(
        tmp_path: Path, two_tenants: Path, emulator: Emulator) -> None:
    respelt = _role()
    statement = respelt["trust_policy"]["Statement"][0]
    respelt["trust_policy"] = {"Statement": [{
        "Condition": {"StringEquals": {"sts:ExternalId": ["${tenant.id}"]}},
        "Action": ["sts:AssumeRole"], "Principal": {"AWS": [CUSTOMER]},
        "Effect": statement["Effect"]}], "Version": "2012-10-17"}
    before = emulator.counters.snapshot()

    result = engine("plan", _config(tmp_path, role=respelt), "--detailed-exitcode")

    assert result.exit_code == 0, result.output[-3000:]
    assert "GetRole" not in _iam_calls(emulator, before)


def test_a_saved_plan_with_roles_applies_and_a_changed_role_makes_it_stale(
        tmp_path: Path, account: Account) -> None:
    config = _config(tmp_path, ("Acme",))
    _apply(config)
    edited = _config(tmp_path, ("Acme",), role=_role(max_session=3600))
    saved = tmp_path / "plan.json"
    assert engine("plan", edited, "--out", saved).exit_code == 0

    _apply(edited, "--plan", str(saved))

    assert _live_role("ses-Acme-sender")["MaxSessionDuration"] == 3600
    longer = _config(tmp_path, ("Acme",), role=_role(max_session=43200))
    assert engine("plan", longer, "--out", saved).exit_code == 0
    _iam().update_role(RoleName="ses-Acme-sender", MaxSessionDuration=7200)
    stale = engine("apply", longer, "--auto-approve", "--plan", saved)
    assert stale.exit_code == 1, stale.output[-3000:]
    assert "changed in the account since it was saved" in stale.output
    assert _live_role("ses-Acme-sender")["MaxSessionDuration"] == 7200
