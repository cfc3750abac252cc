"""IAM builders for the gateway tests: seeding goes through the wire with a client of its own,
so the factory's counters see only the calls under test."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import boto3

from reconciler.aws.iam_model import Ownership
from reconciler.aws.iam_write import IamContext
from reconciler.aws.settle import Settle

PATH = "/ses-reconciler/"
ACCOUNT = "123456789012"
OWNERSHIP = Ownership("managed-by", "ses-reconciler")
OWNED = {"managed-by": "ses-reconciler"}
FAST = Settle(timeout=0.05, first_delay=0.01, max_delay=0.02)
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "sts:AssumeRole"}]}


def document(*actions: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": list(actions) or ["ses:SendEmail"], "Resource": "*"}]}


def arn(name: str, path: str = PATH) -> str:
    return f"arn:aws:iam::{ACCOUNT}:policy{path}{name}"


class IamSeeder:
    def __init__(self) -> None:
        self.iam = boto3.client("iam", region_name="us-east-1")

    def policy(self, name: str, tags: Mapping[str, str] | None = None, path: str = PATH,
               doc: Mapping[str, Any] | None = None) -> str:
        kwargs: dict[str, Any] = {"PolicyName": name, "Path": path,
                                  "PolicyDocument": json.dumps(doc or document())}
        if tags:
            kwargs["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        return str(self.iam.create_policy(**kwargs)["Policy"]["Arn"])

    def versions(self, policy_arn: str, count: int, default: bool = False) -> None:
        for n in range(count):
            self.iam.create_policy_version(
                PolicyArn=policy_arn, PolicyDocument=json.dumps(document(f"ses:Get{n}")),
                SetAsDefault=default)

    def principals(self, name: str = "p") -> None:
        """A role, a group and a user, all called `name`."""
        self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))
        self.iam.create_group(GroupName=name)
        self.iam.create_user(UserName=name)

    def role(self, name: str, tags: Mapping[str, str] | None = None, path: str = PATH,
             **extra: Any) -> None:
        self.iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=json.dumps(TRUST),
                             Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()],
                             **extra)

    def version_ids(self, policy_arn: str) -> list[tuple[str, bool]]:
        items = self.iam.list_policy_versions(PolicyArn=policy_arn)["Versions"]
        return sorted(((v["VersionId"], v["IsDefaultVersion"]) for v in items),
                      key=lambda v: int(v[0][1:]))

    def default_document(self, policy_arn: str) -> dict[str, Any]:
        policy = self.iam.get_policy(PolicyArn=policy_arn)["Policy"]
        version = self.iam.get_policy_version(PolicyArn=policy_arn,
                                              VersionId=policy["DefaultVersionId"])
        return dict(version["PolicyVersion"]["Document"])


def context(factory: Any, settle: Settle = FAST) -> IamContext:
    return IamContext(factory.client("iam"), OWNERSHIP, "aws", ACCOUNT, settle)
