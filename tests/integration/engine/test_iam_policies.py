"""IAM policies per tenant x template, through the CLI, the emulator and plain boto3.

The policies the config's templates render are created after their tenant (with its real id
and ARN in the document), edited by new default versions, deleted before their tenant, and
their out-of-band edits are drift that `apply` repairs. A policy without the ownership tag is
never written.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import boto3
import pytest

from reconciler.config.load import load_desired
from reconciler.emulator import Emulator
from reconciler.iam.permissions import OPERATIONS
from reconciler.state import ArnContext
from tests.integration.engine.conftest import (
    ACCOUNT,
    NO_LIMITS,
    OWNERSHIP,
    REGION,
    Account,
    engine,
    write_config,
)

EXAMPLE = Path(__file__).resolve().parents[3] / "configs" / "example"
PATH = "/ses-reconciler/"


def _sender(actions: Any = ("ses:SendEmail",), **statement: Any) -> dict[str, Any]:
    return {"policy_name": "ses-${tenant.name}-sender",
            "document": {"Version": "2012-10-17", "Statement": [{
                "Sid": "Send", "Effect": "Allow", "Action": list(actions),
                "Resource": "${tenant.arn}", **statement}]}}


def _admin() -> dict[str, Any]:
    return {"policy_name": "ses-${tenant.name}-admin",
            "document": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["ses:GetTenant"],
                "Resource": "arn:${partition}:ses:${region}:${account_id}:tenant/"
                            "${tenant.name}/${tenant.id}"}]}}


def _config(tmp_path: Path, tenants: dict[str, list[str]], *, prune: bool = False,
            sender: dict[str, Any] | None = None) -> Path:
    return write_config(tmp_path, {name: {"iam": iam} for name, iam in tenants.items()},
                        prune=prune, extra_settings=NO_LIMITS,
                        iam_templates={"sender": sender or _sender(), "admin": _admin()})


def _apply(config: Path, *args: str) -> str:
    result = engine("apply", config, "--auto-approve", *args)
    assert result.exit_code == 0, result.output[-3000:]
    return result.output


def _plan_json(config: Path) -> dict[str, Any]:
    result = engine("plan", config, "--format", "json")
    assert result.exit_code == 0, result.output[-3000:]
    return dict(json.loads(result.stdout))


def _plan_json_any(config: Path) -> dict[str, Any]:
    """The JSON plan whatever the exit code (conflicts exit 1)."""
    return dict(json.loads(engine("plan", config, "--format", "json").stdout))


def _iam() -> Any:
    return boto3.client("iam", region_name=REGION)


def _arn(name: str) -> str:
    return f"arn:aws:iam::123456789012:policy{PATH}{name}"


def _document(name: str) -> dict[str, Any]:
    iam = _iam()
    version = iam.get_policy(PolicyArn=_arn(name))["Policy"]["DefaultVersionId"]
    return dict(iam.get_policy_version(PolicyArn=_arn(name),
                                       VersionId=version)["PolicyVersion"]["Document"])


def _versions(name: str) -> list[str]:
    return sorted(v["VersionId"] for v in
                  _iam().list_policy_versions(PolicyArn=_arn(name))["Versions"])


@pytest.fixture
def two_tenants(tmp_path: Path, account: Account) -> Path:
    config = _config(tmp_path, {"Acme": ["sender", "admin"], "Bravo": ["sender"]})
    _apply(config)
    return config


def test_the_example_creates_its_policies_with_real_ids_and_a_second_plan_is_empty(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    desired = load_desired(EXAMPLE)
    home = ArnContext("aws", REGION, ACCOUNT)
    account.seed.resources({home.localize(r) for t in desired.tenants.values()
                            for r in t.resources})
    _apply(EXAMPLE, "--allow-delete")
    before = emulator.counters.snapshot()
    again = engine("plan", EXAMPLE, "--detailed-exitcode")
    spent = {op: n for (svc, op), n in (emulator.counters.snapshot() - before)
             .by_operation().items() if svc == "iam"}
    assert again.exit_code == 0, again.output[-3000:]
    assert "No changes" in again.output
    policies = {t: n for t, tenant in desired.tenants.items() for n in tenant.iam}
    count = sum(len(tenant.iam) for tenant in desired.tenants.values())
    assert policies and count == 20
    # P owned policies, none changed: ListPolicies ceil(P/1000) + GetPolicyVersion P, no tags
    assert spent == {"ListPolicies": math.ceil(count / 1000), "GetPolicyVersion": count}
    for name, tenant in desired.tenants.items():
        live = account.tenant(name)
        assert live is not None
        if "tenant-admin" in tenant.iam:
            text = json.dumps(_document(f"ses-{name}-admin"))
            assert live["TenantArn"] in text and "(known after apply)" not in text
        if "monitoring-readonly" in tenant.iam:
            statement = _document(f"ses-{name}-monitoring")["Statement"][0]
            assert statement["Resource"] == live["TenantArn"]
            assert live["TenantArn"].endswith("/" + live["TenantId"])


def test_a_new_tenants_policy_names_its_real_id_and_waits_for_its_create(
        tmp_path: Path, account: Account) -> None:
    config = _config(tmp_path, {"Acme": ["admin"]})
    plan = _plan_json(config)
    create = next(c for c in plan["changes"] if c["action"] == "create_policy")
    assert create["depends_on"] == ["tenant.Acme:create_tenant"]
    assert "(known after apply)" in json.dumps(create["after"]["document"])
    _apply(config)
    tenant_id = account.tenant("Acme")["TenantId"]  # type: ignore[index]
    assert _document("ses-Acme-admin")["Statement"][0]["Resource"].endswith(
        f":tenant/Acme/{tenant_id}")
    tags = {t["Key"]: t["Value"] for t in
            _iam().get_policy(PolicyArn=_arn("ses-Acme-admin"))["Policy"]["Tags"]}
    assert tags.items() >= OWNERSHIP.items()


def test_a_template_edit_makes_one_new_default_version_per_affected_policy_and_nothing_else(
        tmp_path: Path, two_tenants: Path) -> None:
    edited = _config(tmp_path, {"Acme": ["sender", "admin"], "Bravo": ["sender"]},
                     sender=_sender(("ses:SendEmail", "ses:SendBulkEmail")))
    plan = _plan_json(edited)
    assert sorted((c["address"], c["action"]) for c in plan["changes"]) == [
        ("iam_policy.Acme/sender", "update_policy_document"),
        ("iam_policy.Bravo/sender", "update_policy_document")]
    assert plan["changes"][0]["reason"] == "Statement[0].Action[+] ses:SendBulkEmail"
    text = engine("plan", edited).output
    assert "Statement[0].Action[+] ses:SendBulkEmail" in text
    _apply(edited)
    assert _versions("ses-Acme-sender") == _versions("ses-Bravo-sender") == ["v1", "v2"]
    assert _versions("ses-Acme-admin") == ["v1"]
    assert set(_document("ses-Bravo-sender")["Statement"][0]["Action"]) == {
        "ses:SendEmail", "ses:SendBulkEmail"}


def test_an_equivalent_respelling_of_a_document_plans_no_change(
        tmp_path: Path, two_tenants: Path) -> None:
    respelt = {"policy_name": "ses-${tenant.name}-sender",
               "document": {"Statement": [{"Resource": ["${tenant.arn}"],
                                           "Action": "ses:SendEmail", "Effect": "Allow",
                                           "Sid": "Send"}],
                            "Version": "2012-10-17"}}
    config = _config(tmp_path, {"Acme": ["sender", "admin"], "Bravo": ["sender"]},
                     sender=respelt)
    result = engine("plan", config, "--detailed-exitcode")
    assert result.exit_code == 0, result.output[-3000:]


def test_pruning_a_tenant_deletes_its_policies_before_the_tenant(
        tmp_path: Path, two_tenants: Path, emulator: Emulator, account: Account) -> None:
    config = _config(tmp_path, {"Acme": ["sender", "admin"]}, prune=True)
    emulator.counters.start_journal()
    _apply(config, "--allow-delete")
    sent = [e.operation for e in emulator.counters.journal()
            if e.operation in ("DeletePolicy", "DeleteTenant")]
    assert sent == ["DeletePolicy", "DeleteTenant"]
    assert account.tenant("Bravo") is None
    names = {p["PolicyName"] for p in _iam().list_policies(Scope="Local")["Policies"]}
    assert names == {"ses-Acme-sender", "ses-Acme-admin"}


def test_an_out_of_band_default_version_is_drift_and_apply_restores_it(
        tmp_path: Path, two_tenants: Path) -> None:
    wanted = _document("ses-Bravo-sender")
    _iam().create_policy_version(
        PolicyArn=_arn("ses-Bravo-sender"), SetAsDefault=True,
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ses:*", "Resource": "*"}]}))
    drift = engine("drift", two_tenants)
    assert drift.exit_code == 2, drift.output
    assert "iam_policy.Bravo/sender" in drift.output
    assert "Statement[0].Action" in drift.output
    _apply(two_tenants)
    assert _document("ses-Bravo-sender") == wanted
    assert engine("drift", two_tenants).exit_code == 0


def test_a_deleted_policy_is_drift_and_apply_recreates_it(
        tmp_path: Path, two_tenants: Path) -> None:
    _iam().delete_policy(PolicyArn=_arn("ses-Acme-admin"))
    drift = engine("drift", two_tenants)
    assert drift.exit_code == 2, drift.output
    assert "iam_policy.Acme/admin" in drift.output
    assert "absent from the account" in drift.output
    _apply(two_tenants)
    assert engine("drift", two_tenants).exit_code == 0


def test_a_policy_without_the_ownership_tag_is_never_modified(
        tmp_path: Path, account: Account) -> None:
    foreign = {"Version": "2012-10-17",
               "Statement": [{"Effect": "Deny", "Action": "ses:SendEmail", "Resource": "*"}]}
    _iam().create_policy(PolicyName="ses-Acme-sender", Path=PATH,
                         PolicyDocument=json.dumps(foreign))
    config = _config(tmp_path, {"Acme": ["sender"]})
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 1, result.output[-3000:]
    assert ("conflict: iam_policy.Acme/sender (policy /ses-reconciler/ses-Acme-sender) differs "
            "from the config but does not carry the ownership tag managed-by=ses-reconciler, "
            "so nothing is written to it") in result.output
    assert _versions("ses-Acme-sender") == ["v1"]
    assert _document("ses-Acme-sender") == foreign
    assert account.tenant("Acme") is not None


def test_a_changed_document_of_a_policy_that_lost_its_ownership_tag_is_left_alone_and_reported(
        tmp_path: Path, two_tenants: Path, emulator: Emulator) -> None:
    tag_key = next(iter(OWNERSHIP))
    _iam().untag_policy(PolicyArn=_arn("ses-Bravo-sender"), TagKeys=[tag_key])
    before = _document("ses-Bravo-sender")
    edited = _config(tmp_path, {"Acme": ["sender", "admin"], "Bravo": ["sender"]},
                     sender=_sender(("ses:SendEmail", "ses:SendBulkEmail")))

    plan = _plan_json_any(edited)
    assert [(c["address"], c["action"]) for c in plan["changes"]] == [
        ("iam_policy.Acme/sender", "update_policy_document")]
    assert [(c["tenant"], c["subject"]) for c in plan["conflicts"]] == [
        ("Bravo", "iam_policy.Bravo/sender")]
    emulator.counters.start_journal()
    result = engine("apply", edited, "--auto-approve")

    assert result.exit_code == 1, result.output[-3000:]
    assert "conflict: iam_policy.Bravo/sender" in result.output
    assert "1 object is in conflict and left untouched" in result.output
    written = [e.operation for e in emulator.counters.journal()
               if e.operation.startswith(("Create", "Delete", "Attach", "Detach"))]
    assert written == ["CreatePolicyVersion"]
    assert _versions("ses-Bravo-sender") == ["v1"]
    assert _document("ses-Bravo-sender") == before
    assert _versions("ses-Acme-sender") == ["v1", "v2"]


def _attached(name: str) -> set[str]:
    return {r["RoleName"] for r in
            _iam().list_entities_for_policy(PolicyArn=_arn(name))["PolicyRoles"]}


def _role(name: str) -> None:
    _iam().create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"Service": "ses.amazonaws.com"}}]}))


def test_declared_attachments_are_made_and_undeclared_ones_are_drift_that_apply_removes(
        tmp_path: Path, account: Account) -> None:
    _role("sender-Acme")
    _role("intruder")
    sender = {**_sender(), "attach": {"roles": ["sender-${tenant.name}"]}}
    config = _config(tmp_path, {"Acme": ["sender"]}, sender=sender)
    _apply(config)
    assert _attached("ses-Acme-sender") == {"sender-Acme"}
    _iam().attach_role_policy(RoleName="intruder", PolicyArn=_arn("ses-Acme-sender"))
    _iam().detach_role_policy(RoleName="sender-Acme", PolicyArn=_arn("ses-Acme-sender"))
    drift = engine("drift", config)
    assert drift.exit_code == 2, drift.output
    assert "iam_policy.Acme/sender attach" in drift.output
    assert "not attached to role/sender-Acme" in drift.output
    assert "attached to role/intruder (not in the config)" in drift.output
    _apply(config)
    assert _attached("ses-Acme-sender") == {"sender-Acme"}


def test_at_five_versions_an_edit_deletes_the_oldest_non_default_version_first(
        tmp_path: Path, account: Account) -> None:
    actions = ["ses:SendEmail", "ses:SendBulkEmail", "ses:SendRawEmail", "ses:GetTenant",
               "ses:ListTenants", "ses:GetReputationEntity"]
    for n in range(1, len(actions) + 1):
        _apply(_config(tmp_path, {"Acme": ["sender"]}, sender=_sender(actions[:n])))
    assert _versions("ses-Acme-sender") == ["v2", "v3", "v4", "v5", "v6"]
    assert set(_document("ses-Acme-sender")["Statement"][0]["Action"]) == set(actions)


def test_every_iam_call_of_the_kind_is_in_the_self_policy(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    _role("sender-Acme")
    sender = {**_sender(), "attach": {"roles": ["sender-${tenant.name}"]}}
    emulator.counters.start_journal()
    _apply(_config(tmp_path, {"Acme": ["sender", "admin"]}, sender=sender))
    _apply(_config(tmp_path, {"Acme": ["sender", "admin"]},
                   sender={**sender, **_sender(("ses:SendEmail", "ses:SendBulkEmail"))}))
    _apply(_config(tmp_path, {}, prune=True), "--allow-delete")
    sent = {(e.service, e.operation) for e in emulator.counters.journal() if e.service == "iam"}
    assert {"CreatePolicy", "CreatePolicyVersion", "AttachRolePolicy", "DeletePolicy",
            "ListPolicies", "GetPolicy"} <= {op for _, op in sent}
    assert sent <= set(OPERATIONS)


def test_a_renamed_tenants_policies_are_rendered_with_its_new_id_in_the_same_apply(
        tmp_path: Path, account: Account) -> None:
    _apply(_config(tmp_path, {"Acme": ["admin"]}, prune=True))
    old_id = account.tenant("Acme")["TenantId"]  # type: ignore[index]
    renamed = write_config(tmp_path, {"Zed": {"iam": ["admin"], "renamed_from": "Acme"}},
                           prune=True, extra_settings=NO_LIMITS,
                           iam_templates={"sender": _sender(), "admin": _admin()})
    plan = {c["key"]: c for c in _plan_json(renamed)["changes"]}
    assert plan["iam_policy.Zed/admin:create_policy"]["depends_on"] == [
        "tenant.Zed:create_tenant"]
    assert ("iam_policy.Acme/admin:delete_policy"
            in plan["tenant.Acme:delete_tenant"]["depends_on"])

    _apply(renamed, "--allow-delete")

    new_id = account.tenant("Zed")["TenantId"]  # type: ignore[index]
    assert new_id != old_id and account.tenant("Acme") is None
    assert _document("ses-Zed-admin")["Statement"][0]["Resource"].endswith(
        f":tenant/Zed/{new_id}")
    with pytest.raises(_iam().exceptions.NoSuchEntityException):
        _iam().get_policy(PolicyArn=_arn("ses-Acme-admin"))
    assert engine("plan", renamed, "--detailed-exitcode").exit_code == 0
