"""Policy attachments name principals that must exist: a missing one fails the plan.

Only the principals a plan would attach a policy to are looked up (GetRole, GetGroup,
GetUser), so an unchanged plan asks IAM about none; roles the config's role templates make are
the iam_role kind's and are never looked up.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import NO_LIMITS, REGION, Account, engine, write_config

LOOKUPS = ("GetRole", "GetGroup", "GetUser")
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "sts:AssumeRole"}]}


def _sender(**attach: list[str]) -> dict[str, Any]:
    return {"policy_name": "ses-${tenant.name}-sender", "attach": attach,
            "document": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["ses:SendEmail"], "Resource": "${tenant.arn}"}]}}


def _config(tmp_path: Path, sender: dict[str, Any], tenant: dict[str, Any] | None = None,
            **sections: Any) -> Path:
    return write_config(tmp_path, {"Acme": {"iam": ["sender"], **(tenant or {})}},
                        extra_settings=NO_LIMITS, iam_templates={"sender": sender}, **sections)


def _line(config: Path, text: str, after: str) -> int:
    """The 1-based line of the first `text` line after the `after` line."""
    lines = config.read_text(encoding="utf-8").splitlines()
    start = lines.index(after)
    return next(i for i, line in enumerate(lines) if i > start and line == text) + 1


def _iam() -> Any:
    return boto3.client("iam", region_name=REGION)


def _lookups(emulator: Emulator, before: Any) -> dict[str, int]:
    return {op: n for (svc, op), n in (emulator.counters.snapshot() - before)
            .by_operation().items() if svc == "iam" and op in LOOKUPS}


def test_a_template_attaching_a_missing_role_fails_the_plan_in_one_sentence(
        tmp_path: Path, account: Account) -> None:
    config = _config(tmp_path, _sender(roles=["nobody"]))
    line = _line(config, "  sender:", "iam_templates:")

    result = engine("apply", config, "--auto-approve")

    assert result.exit_code == 1, result.output[-3000:]
    assert result.stderr.strip() == (
        f"error: IAM role 'nobody' (attach of IAM template 'sender', {config}:{line}) does not "
        "exist in the account, so nothing was planned or written; create it or remove it from "
        "attach, then plan again.")
    assert account.tenant("Acme") is None
    assert _iam().list_policies(Scope="Local")["Policies"] == []


def test_a_tenant_attaching_a_missing_user_names_the_tenant_and_its_file(
        tmp_path: Path, account: Account) -> None:
    _iam().create_group(GroupName="senders")
    config = _config(tmp_path, _sender(groups=["senders"]),
                     {"iam_attach": {"sender": {"users": ["ghost-${tenant.name}"]}}})
    line = _line(config, "  Acme:", "tenants:")

    result = engine("plan", config)

    assert result.exit_code == 1, result.output[-3000:]
    assert (f"IAM user 'ghost-Acme' (iam_attach of tenant 'Acme' for IAM template 'sender', "
            f"{config}:{line}) does not exist in the account") in result.stderr
    assert "senders" not in result.stderr


def test_only_principals_a_plan_would_attach_to_are_looked_up(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    _iam().create_role(RoleName="ops", AssumeRolePolicyDocument=json.dumps(TRUST))
    _iam().create_user(UserName="mailer")
    first = _config(tmp_path, _sender(roles=["ops"]))
    before = emulator.counters.snapshot()
    assert engine("apply", first, "--auto-approve").exit_code == 0
    assert _lookups(emulator, before) == {"GetRole": 1}

    before = emulator.counters.snapshot()
    assert engine("plan", first, "--detailed-exitcode").exit_code == 0
    assert _lookups(emulator, before) == {}

    more = _config(tmp_path, _sender(roles=["ops"], users=["mailer"]))
    before = emulator.counters.snapshot()
    assert engine("plan", more, "--detailed-exitcode").exit_code == 2
    assert _lookups(emulator, before) == {"GetUser": 1}


def test_a_role_the_config_makes_is_attached_by_its_role_kind_and_never_looked_up(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    role = {"role_name": "ses-${tenant.name}-sender", "policies": [], "trust_policy": TRUST}
    config = _config(tmp_path, _sender(roles=["ses-${tenant.name}-sender"]),
                     {"iam_roles": ["sender"]}, iam_roles={"sender": role})
    before = emulator.counters.snapshot()

    result = engine("apply", config, "--auto-approve")

    assert result.exit_code == 0, result.output[-3000:]
    assert "iam_role.Acme/sender attach" in result.output
    assert "iam_policy.Acme/sender attach" not in result.output
    attached = _iam().list_attached_role_policies(RoleName="ses-Acme-sender")
    assert [p["PolicyName"] for p in attached["AttachedPolicies"]] == ["ses-Acme-sender"]
    assert "GetRole" not in _lookups(emulator, before)
    assert engine("plan", config, "--detailed-exitcode").exit_code == 0
