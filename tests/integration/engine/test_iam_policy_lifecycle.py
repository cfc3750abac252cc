"""IAM policy behaviours of issue 8's acceptance list not pinned elsewhere: the `make demo`
path (`--target local`, separate processes, the state file), pruning IAM's oldest non-default
version when the default is the oldest, an equivalent document written out of band in another
spelling, the detach of a pruned tenant's policy, and a foreign policy tagged for a pruned
tenant."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3

from reconciler.config.load import load_desired
from reconciler.emulator import Emulator
from tests.integration.engine.conftest import OWNERSHIP, REGION, Account, engine, run_process
from tests.integration.engine.iam_helpers import (
    PATH,
    apply_ok,
    attached_roles,
    document,
    iam,
    iam_config,
    policy_arn,
    policy_names,
    role,
    sender,
    versions,
)

EXAMPLE = Path(__file__).resolve().parents[3] / "configs" / "example"


def _demo(command: str, state: Path, *args: str) -> str:
    """One `make demo` step: a process of its own on the example's local account."""
    done = run_process(command, EXAMPLE, "--target", "local", "--local-state", state, *args,
                       timeout=300)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done.stdout


def test_the_demo_leaves_the_examples_policies_with_real_ids_and_a_second_plan_empty(
        tmp_path: Path) -> None:
    state = tmp_path / "demo-account.json"
    desired = load_desired(EXAMPLE)

    _demo("apply", state, "--auto-approve")
    again = _demo("plan", state, "--detailed-exitcode")

    assert "No changes" in again
    with Emulator(desired.settings.account_id, REGION, state_file=state):
        ses, client = boto3.client("sesv2", region_name=REGION), iam()
        owned = {p["PolicyName"] for p in client.list_policies(Scope="Local")["Policies"]}
        for name, tenant in desired.tenants.items():
            live = ses.get_tenant(TenantName=name)["Tenant"]
            monitoring = f"ses-{name}-monitoring"
            assert monitoring in owned and "monitoring-readonly" in tenant.iam
            version = client.get_policy(PolicyArn=policy_arn(monitoring))["Policy"]
            text = json.dumps(client.get_policy_version(
                PolicyArn=policy_arn(monitoring),
                VersionId=version["DefaultVersionId"])["PolicyVersion"]["Document"])
            assert live["TenantArn"] in text and "(known after apply)" not in text
            assert live["TenantArn"].endswith("/" + live["TenantId"])
        assert len(owned) == sum(len(t.iam) for t in desired.tenants.values())


def test_at_five_versions_with_the_oldest_as_default_the_oldest_non_default_is_pruned(
        tmp_path: Path, account: Account) -> None:
    apply_ok(iam_config(tmp_path, {"Acme": ["sender"]}))
    wanted = document("ses-Acme-sender")
    for _ in range(4):  # v2..v5, the same document, v1 staying the default
        iam().create_policy_version(PolicyArn=policy_arn("ses-Acme-sender"),
                                    PolicyDocument=json.dumps(wanted), SetAsDefault=False)

    apply_ok(iam_config(tmp_path, {"Acme": ["sender"]},
                        templates={"sender": sender(("ses:SendEmail", "ses:SendRawEmail"))}))

    assert versions("ses-Acme-sender") == ["v1", "v3", "v4", "v5", "v6"]
    assert set(document("ses-Acme-sender")["Statement"][0]["Action"]) == {
        "ses:SendEmail", "ses:SendRawEmail"}


def test_an_equivalent_default_version_in_another_spelling_is_not_drift(
        tmp_path: Path, account: Account) -> None:
    config = iam_config(tmp_path, {"Acme": ["sender"]}, templates={
        "sender": sender(("ses:SendEmail", "ses:SendBulkEmail"))})
    apply_ok(config)
    statement = document("ses-Acme-sender")["Statement"][0]
    respelt = {"Statement": [{"Resource": [statement["Resource"]], "Sid": "Send",
                              "Action": ["ses:SendBulkEmail", "ses:SendEmail"],
                              "Effect": "Allow"}],
               "Version": "2012-10-17"}
    iam().create_policy_version(PolicyArn=policy_arn("ses-Acme-sender"), SetAsDefault=True,
                                PolicyDocument=json.dumps(respelt, indent=4))

    drift = engine("drift", config)

    assert drift.exit_code == 0, drift.output[-3000:]
    assert versions("ses-Acme-sender") == ["v1", "v2"]


def test_pruning_a_tenant_detaches_its_policy_then_deletes_it_before_the_tenant(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    role("sender-Acme")
    role("sender-Bravo")
    templates: dict[str, Any] = {"sender": {**sender(),
                                            "attach": {"roles": ["sender-${tenant.name}"]}}}
    apply_ok(iam_config(tmp_path, {"Acme": ["sender"], "Bravo": ["sender"]},
                        templates=templates))
    assert attached_roles("ses-Bravo-sender") == {"sender-Bravo"}
    emulator.counters.start_journal()

    apply_ok(iam_config(tmp_path, {"Acme": ["sender"]}, templates=templates, prune=True),
             "--allow-delete")

    sent = [e.operation for e in emulator.counters.journal()
            if e.operation in ("DetachRolePolicy", "DeletePolicy", "DeleteTenant")]
    assert sent == ["DetachRolePolicy", "DeletePolicy", "DeleteTenant"]
    assert account.tenant("Bravo") is None
    assert set(policy_names()) == {"ses-Acme-sender"}
    assert iam().get_role(RoleName="sender-Bravo")["Role"]["RoleName"] == "sender-Bravo"


def test_a_foreign_policy_tagged_for_a_pruned_tenant_is_left_alone(
        tmp_path: Path, account: Account) -> None:
    apply_ok(iam_config(tmp_path, {"Acme": ["sender"], "Bravo": ["sender"]}))
    foreign = {"Version": "2012-10-17",
               "Statement": [{"Effect": "Allow", "Action": "ses:GetTenant", "Resource": "*"}]}
    tags = {**{f"{k}:tenant": "Bravo" for k in OWNERSHIP}, **{
        f"{k}:template": "admin" for k in OWNERSHIP}}
    iam().create_policy(PolicyName="bravo-by-hand", Path=PATH,
                        PolicyDocument=json.dumps(foreign),
                        Tags=[{"Key": k, "Value": v} for k, v in tags.items()])

    apply_ok(iam_config(tmp_path, {"Acme": ["sender"]}, prune=True), "--allow-delete")

    assert account.tenant("Bravo") is None
    assert set(policy_names()) == {"ses-Acme-sender", "bravo-by-hand"}
    assert document("bravo-by-hand") == foreign
    assert versions("bravo-by-hand") == ["v1"]


def test_drift_names_each_out_of_band_change_by_kind_name_and_iam_path(
        tmp_path: Path, account: Account) -> None:
    role("intruder")
    config = iam_config(tmp_path, {"Acme": ["sender", "admin"]})
    apply_ok(config)
    iam().delete_policy(PolicyArn=policy_arn("ses-Acme-admin"))
    iam().attach_role_policy(RoleName="intruder", PolicyArn=policy_arn("ses-Acme-sender"))
    iam().create_policy_version(
        PolicyArn=policy_arn("ses-Acme-sender"), SetAsDefault=True,
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ses:*", "Resource": "*"}]}))

    drift = engine("drift", config)

    assert drift.exit_code == 2, drift.output[-3000:]
    lines = [line.strip() for line in drift.stdout.splitlines()]
    assert ("~ iam_policy.Acme/admin: policy /ses-reconciler/ses-Acme-admin is in the config "
            "but absent from the account") in lines
    assert ("~ iam_policy.Acme/sender attach: policy /ses-reconciler/ses-Acme-sender is "
            "attached to role/intruder (not in the config)") in lines
    assert any(line.startswith("~ iam_policy.Acme/sender: default version of /ses-reconciler/"
                               "ses-Acme-sender differs from the config: Statement[0].Action")
               for line in lines)
