"""The CloudWatch Logs calls of the monitoring kinds: the log group and its resource policy.

Resource policies have no tags: the statement is found again by its Sid, and every write
merges it into the policy as it is at that moment, so other statements are never lost.
moto does not return `resourceArn` from DescribeResourcePolicies (AWS does): a policy whose
answer names another resource is skipped, one that names none is matched by its name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from reconciler.aws.wire import error_code
from reconciler.errors import RunError

ACCOUNT_POLICY_LIMIT = 10
_MISSING = "ResourceNotFoundException"


def describe_group(client: Any, name: str) -> dict[str, Any] | None:
    """The group called exactly `name` (DescribeLogGroups by prefix, paged), or None."""
    token: str | None = None
    while True:
        page = client.describe_log_groups(logGroupNamePrefix=name,
                                          **({"nextToken": token} if token else {}))
        for group in page.get("logGroups") or ():
            if group.get("logGroupName") == name:
                return dict(group)
        token = page.get("nextToken")
        if not token:
            return None


def group_tags(client: Any, arn: str) -> dict[str, str] | None:
    """The group's tags, or None when it does not exist."""
    try:
        return dict(client.list_tags_for_resource(resourceArn=arn).get("tags") or {})
    except ClientError as err:
        if error_code(err) == _MISSING:
            return None
        raise


def create_group(client: Any, name: str, *, kms_key_id: str | None,
                 tags: Mapping[str, str], retention_days: int | None) -> None:
    params: dict[str, Any] = {"logGroupName": name, "tags": dict(tags)}
    if kms_key_id:
        params["kmsKeyId"] = kms_key_id
    try:
        client.create_log_group(**params)
    except ClientError as err:
        if error_code(err) != "ResourceAlreadyExistsException":
            raise
        raise RunError(f"log group {name} was created by someone else after the plan read "
                       f"the account; run plan again (nothing was written to it)") from err
    if retention_days is not None:
        client.put_retention_policy(logGroupName=name, retentionInDays=retention_days)


def set_retention(client: Any, name: str, days: int | None) -> None:
    if days is None:
        client.delete_retention_policy(logGroupName=name)
    else:
        client.put_retention_policy(logGroupName=name, retentionInDays=days)


def set_kms_key(client: Any, name: str, key: str | None) -> None:
    if key is None:
        client.disassociate_kms_key(logGroupName=name)
    else:
        client.associate_kms_key(logGroupName=name, kmsKeyId=key)


def tag_group(client: Any, arn: str, tags: Mapping[str, str]) -> None:
    if tags:
        client.tag_resource(resourceArn=arn, tags=dict(tags))


def delete_group(client: Any, name: str) -> None:
    try:
        client.delete_log_group(logGroupName=name)
    except ClientError as err:
        if error_code(err) != _MISSING:
            raise


def policies(client: Any, *, resource_arn: str | None) -> list[dict[str, Any]]:
    """Resource policies: those of one log group (`resource_arn`), else the account-level
    ones; paged."""
    params: dict[str, Any] = ({"resourceArn": resource_arn, "policyScope": "RESOURCE"}
                              if resource_arn else {"policyScope": "ACCOUNT"})
    found: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        try:
            page = client.describe_resource_policies(**params,
                                                     **({"nextToken": token} if token else {}))
        except ClientError as err:
            if error_code(err) == _MISSING:
                return found
            raise
        for policy in page.get("resourcePolicies") or ():
            named = policy.get("resourceArn")
            scope = policy.get("policyScope")
            if resource_arn and named and named != resource_arn:
                continue
            if not resource_arn and (scope == "RESOURCE" or named):
                continue
            found.append(dict(policy))
        token = page.get("nextToken")
        if not token:
            return found


def find_policy(client: Any, name: str, *, resource_arn: str | None) -> dict[str, Any] | None:
    return next((p for p in policies(client, resource_arn=resource_arn)
                 if p.get("policyName") == name), None)


def statements(policy: Mapping[str, Any] | None) -> list[Any]:
    """The statements of a policy as read (a one-statement object read as a list)."""
    if policy is None:
        return []
    document = json.loads(policy.get("policyDocument") or "{}")
    found = document.get("Statement") or []
    return list(found) if isinstance(found, list) else [found]


def merged(policy: Mapping[str, Any] | None, sid: str,
           statement: Mapping[str, Any] | None) -> list[Any]:
    """The policy's statements with ours (by Sid) replaced, appended, or (None) removed;
    every other statement kept as it was, in place."""
    kept: list[Any] = []
    placed = False
    for item in statements(policy):
        if isinstance(item, Mapping) and item.get("Sid") == sid:
            if statement is not None and not placed:
                kept.append(dict(statement))
                placed = True
            continue
        kept.append(item)
    if statement is not None and not placed:
        kept.append(dict(statement))
    return kept


def put_statement(client: Any, name: str, sid: str, statement: Mapping[str, Any] | None, *,
                  resource_arn: str | None, group: str) -> None:
    """Merge our statement into the policy as it is now (re-read); delete the policy when
    removing ours leaves none. A new account-level policy over the limit is one sentence."""
    current = find_policy(client, name, resource_arn=resource_arn)
    remaining = merged(current, sid, statement)
    target = {"resourceArn": resource_arn} if resource_arn else {}
    if not remaining:
        if current is not None:
            client.delete_resource_policy(policyName=name, **target)
        return
    if current is None and resource_arn is None:
        count = len(policies(client, resource_arn=None))
        if count >= ACCOUNT_POLICY_LIMIT:
            raise RunError(_limit_sentence(name, group, count))
    document = {"Version": "2012-10-17", "Statement": remaining}
    if current is not None:
        version = json.loads(current.get("policyDocument") or "{}").get("Version")
        document = {"Version": version or "2012-10-17", "Statement": remaining}
    try:
        client.put_resource_policy(policyName=name, policyDocument=json.dumps(document),
                                   **target)
    except ClientError as err:
        if error_code(err) == "LimitExceededException" and current is None:
            raise RunError(_limit_sentence(name, group, ACCOUNT_POLICY_LIMIT)) from err
        raise


def _limit_sentence(name: str, group: str, count: int) -> str:
    return (f"the account already has {count} CloudWatch Logs resource policies, the most it "
            f"allows, so policy {name} for log group {group} cannot be created; set "
            f"monitoring.tenant_events.resource_policy.name to an existing policy, or scope "
            f"it to the log group (scope: log-group)")
