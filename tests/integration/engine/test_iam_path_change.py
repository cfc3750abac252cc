"""`settings.iam.path` changes: IAM cannot move a policy, and a policy name is unique in the
account whatever its path, so the owned policies at the old path are deleted before they are
created at the new one, with their declared attachments; a foreign policy of the same name
fails the create in one sentence naming where it is."""

from __future__ import annotations

import json
from pathlib import Path

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import Account, engine
from tests.integration.engine.iam_helpers import (
    PATH,
    admin,
    apply_ok,
    attached_roles,
    iam,
    iam_config,
    plan_json,
    policy_names,
    role,
    sender,
    versions,
)

NEW = "/ses/tenants/"
TEMPLATES = {"sender": {**sender(), "attach": {"roles": ["sender-${tenant.name}"]}},
             "admin": admin()}


def test_a_new_iam_path_plans_each_owned_policy_deleted_at_the_old_path_before_its_create(
        tmp_path: Path, account: Account) -> None:
    role("sender-Acme")
    apply_ok(iam_config(tmp_path, {"Acme": ["sender", "admin"]}, templates=TEMPLATES))
    moved = iam_config(tmp_path, {"Acme": ["sender", "admin"]}, templates=TEMPLATES,
                       iam_path=NEW)

    changes = {c["key"]: c for c in plan_json(moved)["changes"]}

    delete = changes["iam_policy.Acme/sender:delete_policy"]
    assert delete["before"]["path"] == PATH
    assert "path" in delete["reason"] and NEW in delete["reason"]
    create = changes["iam_policy.Acme/sender:create_policy"]
    assert create["after"]["path"] == NEW
    assert "iam_policy.Acme/sender:delete_policy" in create["depends_on"]
    assert "iam_policy.Acme/admin:delete_policy" in (
        changes["iam_policy.Acme/admin:create_policy"]["depends_on"])


def test_applying_a_new_iam_path_moves_the_policies_with_their_attachments(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    role("sender-Acme")
    apply_ok(iam_config(tmp_path, {"Acme": ["sender", "admin"]}, templates=TEMPLATES))
    moved = iam_config(tmp_path, {"Acme": ["sender", "admin"]}, templates=TEMPLATES,
                       iam_path=NEW)
    emulator.counters.start_journal()

    apply_ok(moved)

    sent = [e.operation for e in emulator.counters.journal()
            if e.operation in ("DeletePolicy", "CreatePolicy")]
    assert sent == ["DeletePolicy", "DeletePolicy", "CreatePolicy", "CreatePolicy"] or (
        sent == ["DeletePolicy", "CreatePolicy", "DeletePolicy", "CreatePolicy"])
    assert policy_names() == {"ses-Acme-sender": NEW, "ses-Acme-admin": NEW}
    assert attached_roles("ses-Acme-sender", NEW) == {"sender-Acme"}
    assert versions("ses-Acme-admin", NEW) == ["v1"]
    again = engine("plan", moved, "--detailed-exitcode")
    assert again.exit_code == 0, again.output[-3000:]


def test_a_foreign_policy_of_the_same_name_at_another_path_fails_the_create_naming_its_path(
        tmp_path: Path, account: Account) -> None:
    foreign = {"Version": "2012-10-17",
               "Statement": [{"Effect": "Deny", "Action": "ses:SendEmail", "Resource": "*"}]}
    iam().create_policy(PolicyName="ses-Acme-admin", Path="/elsewhere/",
                        PolicyDocument=json.dumps(foreign))

    result = engine("apply", iam_config(tmp_path, {"Acme": ["admin"]}), "--auto-approve")

    assert result.exit_code == 1, result.output[-3000:]
    assert ("iam_policy.ses-Acme-admin cannot be created at path /ses-reconciler/: a policy "
            "of that name exists at path /elsewhere/ without the ownership tag") in result.output
    assert policy_names() == {"ses-Acme-admin": "/elsewhere/"}
    assert versions("ses-Acme-admin", "/elsewhere/") == ["v1"]
