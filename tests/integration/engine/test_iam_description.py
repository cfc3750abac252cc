"""A template's `description`: IAM sets a managed policy's description at creation only and
has no call to change it, so a changed one is a plan notice (not a replace, which would detach
the policy from its principals for a cosmetic change). ListPolicies returns no description, so
it is known, and compared, only for a policy whose GetPolicy the plan reads: one it changes."""

from __future__ import annotations

from pathlib import Path

from tests.integration.engine.conftest import Account, engine
from tests.integration.engine.iam_helpers import (
    admin,
    apply_ok,
    iam,
    iam_config,
    plan_json,
    policy_arn,
    sender,
)

NOTICE = ("iam_policy.Acme/admin: the template's description 'Reads the tenant v2' differs from "
          "the policy's 'Reads the tenant', and IAM cannot change a managed policy's "
          "description in place")


def _templates(description: str, *actions: str) -> dict[str, object]:
    template = admin(description=description)
    if actions:
        template["document"]["Statement"][0]["Action"] = list(actions)  # type: ignore[index]
    return {"sender": sender(), "admin": template}


def test_a_changed_description_of_a_changed_policy_is_a_notice_not_a_replace(
        tmp_path: Path, account: Account) -> None:
    apply_ok(iam_config(tmp_path, {"Acme": ["admin"]}, templates=_templates("Reads the tenant")))
    edited = iam_config(tmp_path, {"Acme": ["admin"]}, templates=_templates(
        "Reads the tenant v2", "ses:GetTenant", "ses:ListTenantResources"))

    plan = plan_json(edited)

    assert [c["action"] for c in plan["changes"]] == ["update_policy_document"]
    assert [n for n in plan["notices"] if n.startswith(NOTICE)] == plan["notices"]
    assert len(plan["notices"]) == 1
    assert NOTICE in engine("plan", edited).output


def test_a_description_alone_is_not_read_so_plans_no_change(
        tmp_path: Path, account: Account) -> None:
    apply_ok(iam_config(tmp_path, {"Acme": ["admin"]}, templates=_templates("Reads the tenant")))
    edited = iam_config(tmp_path, {"Acme": ["admin"]},
                        templates=_templates("Reads the tenant v2"))

    text = engine("plan", edited, "--detailed-exitcode")

    assert text.exit_code == 0, text.output[-3000:]
    assert NOTICE not in text.output


def test_an_unchanged_description_gives_no_notice(tmp_path: Path, account: Account) -> None:
    config = iam_config(tmp_path, {"Acme": ["admin"]}, templates=_templates("Reads the tenant"))
    apply_ok(config)

    assert iam().get_policy(PolicyArn=policy_arn("ses-Acme-admin"))["Policy"][
        "Description"] == "Reads the tenant"
    assert plan_json(config)["notices"] == []
