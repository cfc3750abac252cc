"""IAM roles under the tool's paths, read in three steps so a plan pays only for what it uses.

- `list_roles`: ListRoles per path prefix (1,000 a page): name, path, ARN, trust policy, max
  session and description of every role, but no tags (AWS and moto alike): ⌈R/1000⌉ calls.
- `attached_policies`: ListAttachedRolePolicies, one call per role (at most 1,000 attached,
  far above IAM's quota of 20 managed policies per role).
- `role_tags`: GetRole, for the roles whose tags decide something (ownership before a write).

The kind decides which roles need the second and third steps (`reconciler.kinds.iam_role_plan`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from botocore.exceptions import ClientError

from reconciler.aws.iam_model import LiveRole, document_from_wire, iam_tags
from reconciler.aws.iam_read import MAX_ITEMS, marker_pages
from reconciler.aws.settle import is_missing


def _covering(paths: Iterable[str]) -> list[str]:
    """The path prefixes to list: a path under another one listed is not listed again."""
    unique = sorted(set(paths))
    return [p for p in unique if not any(p != q and p.startswith(q) for q in unique)]


def _live(wire: Mapping[str, Any]) -> LiveRole:
    return LiveRole(
        name=str(wire["RoleName"]), path=str(wire.get("Path") or "/"), arn=str(wire["Arn"]),
        role_id=str(wire.get("RoleId") or ""),
        trust_policy=document_from_wire(wire.get("AssumeRolePolicyDocument")),
        max_session_duration=int(wire.get("MaxSessionDuration") or 3600),
        description=str(wire.get("Description") or ""), tags=iam_tags(wire.get("Tags")))


def list_roles(client: Any, paths: Iterable[str], *,
               page_size: int = MAX_ITEMS) -> dict[str, LiveRole]:
    """Every role under `paths`, by name, without tags or attachments (ListRoles only)."""
    found = [_live(item) for path in _covering(paths)
             for page in marker_pages(client.list_roles, PathPrefix=path, MaxItems=page_size)
             for item in page.get("Roles") or ()]
    return {r.name: r for r in sorted(found, key=lambda r: r.name)}


def attached_policies(client: Any, name: str) -> frozenset[str] | None:
    """The ARNs of the managed policies attached to role `name`; None if the role is gone."""
    try:
        return frozenset(p["PolicyArn"] for page in marker_pages(
            client.list_attached_role_policies, RoleName=name, MaxItems=MAX_ITEMS)
            for p in page.get("AttachedPolicies") or ())
    except ClientError as err:
        if is_missing(err):
            return None
        raise


def role_tags(client: Any, name: str) -> dict[str, str] | None:
    """The tags of role `name` (GetRole); None if the role is gone."""
    try:
        return iam_tags(client.get_role(RoleName=name)["Role"].get("Tags"))
    except ClientError as err:
        if is_missing(err):
            return None
        raise
