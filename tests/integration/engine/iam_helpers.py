"""Builders and probes shared by the IAM policy acceptance tests: two templates (a sender
policy on the tenant's ARN, an admin policy on its `tenant/<name>/<id>`), a config writer,
the CLI runs that must succeed, and plain boto3 reads of what IAM holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3

from tests.integration.engine.conftest import NO_LIMITS, REGION, engine, write_config

PATH = "/ses-reconciler/"


def sender(actions: Any = ("ses:SendEmail",), **statement: Any) -> dict[str, Any]:
    return {"policy_name": "ses-${tenant.name}-sender",
            "document": {"Version": "2012-10-17", "Statement": [{
                "Sid": "Send", "Effect": "Allow", "Action": list(actions),
                "Resource": "${tenant.arn}", **statement}]}}


def admin(**extra: Any) -> dict[str, Any]:
    return {"policy_name": "ses-${tenant.name}-admin",
            "document": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["ses:GetTenant"],
                "Resource": "arn:${partition}:ses:${region}:${account_id}:tenant/"
                            "${tenant.name}/${tenant.id}"}]}, **extra}


def iam_config(tmp_path: Path, tenants: dict[str, Any], *, prune: bool = False,
               templates: dict[str, Any] | None = None, iam_path: str | None = None,
               name: str = "ses.yaml") -> Path:
    """A config whose tenants list templates (`{name: [templates]}`, or a whole entry)."""
    entries = {n: {"iam": t} if isinstance(t, list) else t for n, t in tenants.items()}
    extra = {**NO_LIMITS, **({"iam": {"path": iam_path}} if iam_path else {})}
    return write_config(tmp_path, entries, prune=prune, extra_settings=extra, name=name,
                        iam_templates=templates or {"sender": sender(), "admin": admin()})


def apply_ok(config: Path, *args: str) -> str:
    result = engine("apply", config, "--auto-approve", *args)
    assert result.exit_code == 0, result.output[-3000:]
    return result.output


def plan_json(config: Path) -> dict[str, Any]:
    result = engine("plan", config, "--format", "json")
    assert result.exit_code == 0, result.output[-3000:]
    return dict(json.loads(result.stdout))


def iam() -> Any:
    return boto3.client("iam", region_name=REGION)


def policy_arn(name: str, path: str = PATH) -> str:
    return f"arn:aws:iam::123456789012:policy{path}{name}"


def document(name: str, path: str = PATH) -> dict[str, Any]:
    client = iam()
    version = client.get_policy(PolicyArn=policy_arn(name, path))["Policy"]["DefaultVersionId"]
    return dict(client.get_policy_version(PolicyArn=policy_arn(name, path),
                                          VersionId=version)["PolicyVersion"]["Document"])


def versions(name: str, path: str = PATH) -> list[str]:
    return sorted(v["VersionId"] for v in
                  iam().list_policy_versions(PolicyArn=policy_arn(name, path))["Versions"])


def policy_names() -> dict[str, str]:
    """Every customer-managed policy of the account: name -> path."""
    return {p["PolicyName"]: p["Path"] for p in iam().list_policies(Scope="Local")["Policies"]}


def role(name: str) -> None:
    iam().create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"Service": "ses.amazonaws.com"}}]}))


def attached_roles(name: str, path: str = PATH) -> set[str]:
    return {r["RoleName"] for r in
            iam().list_entities_for_policy(PolicyArn=policy_arn(name, path))["PolicyRoles"]}
