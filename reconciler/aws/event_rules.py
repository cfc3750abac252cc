"""The EventBridge calls of the monitoring kinds: the tenant-events rule and its targets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from reconciler.aws.wire import error_code

_MISSING = "ResourceNotFoundException"


def describe_rule(client: Any, name: str, bus: str) -> dict[str, Any] | None:
    try:
        return dict(client.describe_rule(Name=name, EventBusName=bus))
    except ClientError as err:
        if error_code(err) == _MISSING:
            return None
        raise


def targets(client: Any, rule: str, bus: str) -> list[dict[str, Any]] | None:
    """The rule's targets (paged), or None when the rule does not exist."""
    found: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        try:
            page = client.list_targets_by_rule(Rule=rule, EventBusName=bus,
                                               **({"NextToken": token} if token else {}))
        except ClientError as err:
            if error_code(err) == _MISSING:
                return None
            raise
        found += [dict(t) for t in page.get("Targets") or ()]
        token = page.get("NextToken")
        if not token:
            return found


def rule_tags(client: Any, arn: str) -> dict[str, str] | None:
    try:
        tags = client.list_tags_for_resource(ResourceARN=arn).get("Tags") or ()
    except ClientError as err:
        if error_code(err) == _MISSING:
            return None
        raise
    return {t["Key"]: t["Value"] for t in tags}


def put_rule(client: Any, name: str, bus: str, *, pattern: str, state: str,
             description: str, tags: Mapping[str, str] | None = None) -> str:
    """Create or overwrite the rule (PutRule replaces pattern, state and description)."""
    params: dict[str, Any] = {"Name": name, "EventBusName": bus, "EventPattern": pattern,
                              "State": state, "Description": description}
    if tags:
        params["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
    return str(client.put_rule(**params)["RuleArn"])


def tag_rule(client: Any, arn: str, tags: Mapping[str, str]) -> None:
    if tags:
        client.tag_resource(ResourceARN=arn, Tags=[{"Key": k, "Value": v}
                                                   for k, v in sorted(tags.items())])


def delete_rule(client: Any, name: str, bus: str) -> None:
    try:
        client.delete_rule(Name=name, EventBusName=bus)
    except ClientError as err:
        if error_code(err) != _MISSING:
            raise


def put_target(client: Any, rule: str, bus: str, target_id: str, arn: str) -> None:
    answer = client.put_targets(Rule=rule, EventBusName=bus,
                                Targets=[{"Id": target_id, "Arn": arn}])
    _refused(answer.get("FailedEntries") or (), "PutTargets")


def remove_target(client: Any, rule: str, bus: str, target_id: str) -> None:
    try:
        answer = client.remove_targets(Rule=rule, EventBusName=bus, Ids=[target_id])
    except ClientError as err:
        if error_code(err) == _MISSING:
            return
        raise
    _refused(answer.get("FailedEntries") or (), "RemoveTargets")


def _refused(failed: Any, operation: str) -> None:
    from reconciler.errors import RunError

    for entry in failed:
        raise RunError(f"EventBridge refused target {entry.get('TargetId')} in {operation} "
                       f"({entry.get('ErrorCode')}: {entry.get('ErrorMessage')})")
