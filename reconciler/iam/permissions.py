"""The tool's own least privilege, from the operations the gateway actually sends.

`OPERATIONS` is the single table of every API operation `reconciler.aws` calls, with the IAM
actions each needs and whether a read-only run (plan, drift, status) makes it. A test compares
it with the gateway's call sites and with the operations recorded on the wire during an
apply, a plan and a drift, so adding a call without a row here fails the suite instead of
failing in production with AccessDenied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Access = Literal["read", "write"]


@dataclass(frozen=True, slots=True)
class Permission:
    """What one API operation needs: IAM actions (none for GetCallerIdentity) and its access."""

    actions: tuple[str, ...]
    access: Access


def _read(*actions: str) -> Permission:
    return Permission(actions, "read")


def _write(*actions: str) -> Permission:
    return Permission(actions, "write")


# (boto3 service name, API operation) -> permission. SES v2 actions use the `ses:` prefix.
OPERATIONS: Mapping[tuple[str, str], Permission] = {
    # STS answers GetCallerIdentity for any valid credentials; no policy can deny it.
    ("sts", "GetCallerIdentity"): _read(),
    # readers: tenants, their associations and reputation
    ("sesv2", "ListTenants"): _read("ses:ListTenants"),
    ("sesv2", "GetTenant"): _read("ses:GetTenant"),
    ("sesv2", "ListTenantResources"): _read("ses:ListTenantResources"),
    ("sesv2", "GetReputationEntity"): _read("ses:GetReputationEntity"),
    ("sesv2", "ListReputationEntities"): _read("ses:ListReputationEntities"),
    # inventory: associations by resource, and whether referenced resources exist
    ("sesv2", "ListResourceTenants"): _read("ses:ListResourceTenants"),
    ("sesv2", "GetEmailIdentity"): _read("ses:GetEmailIdentity"),
    ("sesv2", "GetConfigurationSet"): _read("ses:GetConfigurationSet"),
    ("sesv2", "GetEmailTemplate"): _read("ses:GetEmailTemplate"),
    ("sesv2", "ListEmailIdentities"): _read("ses:ListEmailIdentities"),
    ("sesv2", "ListConfigurationSets"): _read("ses:ListConfigurationSets"),
    ("sesv2", "ListEmailTemplates"): _read("ses:ListEmailTemplates"),
    # writers
    ("sesv2", "CreateTenant"): _write("ses:CreateTenant"),
    ("sesv2", "DeleteTenant"): _write("ses:DeleteTenant"),
    ("sesv2", "TagResource"): _write("ses:TagResource"),
    ("sesv2", "UntagResource"): _write("ses:UntagResource"),
    ("sesv2", "CreateTenantResourceAssociation"): _write("ses:CreateTenantResourceAssociation"),
    ("sesv2", "DeleteTenantResourceAssociation"): _write("ses:DeleteTenantResourceAssociation"),
    ("sesv2", "UpdateReputationEntityPolicy"): _write("ses:UpdateReputationEntityPolicy"),
    ("sesv2", "UpdateReputationEntityCustomerManagedStatus"): _write(
        "ses:UpdateReputationEntityCustomerManagedStatus"),
    ("sesv2", "PutTenantSuppressionAttributes"): _write("ses:PutTenantSuppressionAttributes"),
    # IAM policies and roles under settings.iam.path (reconciler/aws/iam_*.py); creating
    # with tags needs the Tag* action too
    ("iam", "ListPolicies"): _read("iam:ListPolicies"),
    ("iam", "GetAccountAuthorizationDetails"): _read("iam:GetAccountAuthorizationDetails"),
    ("iam", "GetPolicy"): _read("iam:GetPolicy"),
    ("iam", "GetPolicyVersion"): _read("iam:GetPolicyVersion"),
    ("iam", "ListPolicyVersions"): _read("iam:ListPolicyVersions"),
    ("iam", "ListEntitiesForPolicy"): _read("iam:ListEntitiesForPolicy"),
    ("iam", "ListRoles"): _read("iam:ListRoles"),
    ("iam", "GetRole"): _read("iam:GetRole"),
    ("iam", "ListAttachedRolePolicies"): _read("iam:ListAttachedRolePolicies"),
    ("iam", "CreatePolicy"): _write("iam:CreatePolicy", "iam:TagPolicy"),
    ("iam", "CreatePolicyVersion"): _write("iam:CreatePolicyVersion"),
    ("iam", "DeletePolicyVersion"): _write("iam:DeletePolicyVersion"),
    ("iam", "DeletePolicy"): _write("iam:DeletePolicy"),
    ("iam", "AttachRolePolicy"): _write("iam:AttachRolePolicy"),
    ("iam", "DetachRolePolicy"): _write("iam:DetachRolePolicy"),
    ("iam", "AttachGroupPolicy"): _write("iam:AttachGroupPolicy"),
    ("iam", "DetachGroupPolicy"): _write("iam:DetachGroupPolicy"),
    ("iam", "AttachUserPolicy"): _write("iam:AttachUserPolicy"),
    ("iam", "DetachUserPolicy"): _write("iam:DetachUserPolicy"),
    ("iam", "CreateRole"): _write("iam:CreateRole", "iam:TagRole"),
    ("iam", "UpdateAssumeRolePolicy"): _write("iam:UpdateAssumeRolePolicy"),
    ("iam", "UpdateRole"): _write("iam:UpdateRole"),
    ("iam", "DeleteRole"): _write("iam:DeleteRole"),
    # the apply lease (settings.lock): taken, renewed and released by apply and force-unlock;
    # a refused write returns the holder's item, so no GetItem is needed
    ("dynamodb", "PutItem"): _write("dynamodb:PutItem"),
    ("dynamodb", "UpdateItem"): _write("dynamodb:UpdateItem"),
    ("dynamodb", "DeleteItem"): _write("dynamodb:DeleteItem"),
}


def actions(read_only: bool = False) -> list[str]:
    """The sorted, de-duplicated IAM actions of the table (reads only, if asked)."""
    return sorted({action for permission in OPERATIONS.values()
                   if permission.access == "read" or not read_only
                   for action in permission.actions})


def self_policy(read_only: bool = False) -> dict[str, Any]:
    """An identity policy granting exactly the table's actions.

    `Resource: "*"` because the List operations (tenants, reputation entities, resources) accept
    no resource-level scoping, and tenants the tool creates do not exist yet to be named.
    """
    statements: list[dict[str, Any]] = [
        {"Sid": "SesReconcilerRead", "Effect": "Allow", "Action": actions(read_only=True),
         "Resource": "*"}]
    if not read_only:
        writes = [a for a in actions() if a not in set(actions(read_only=True))]
        statements.append({"Sid": "SesReconcilerWrite", "Effect": "Allow", "Action": writes,
                           "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}
