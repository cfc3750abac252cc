"""Which iam_role objects a CloudTrail IAM event touched.

IAM's role writes name the role by `roleName` (and `role/NAME` ARNs in the resources). A role
template's `role_name` (`ses-${tenant.name}-sender`) read as a pattern gives the tenant back
from the name, as `iam_policy_events` does for policies, so a role of a tenant the config no
longer lists is found too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reconciler.kinds.iam_policy_events import REGION, SOURCE, rendered_patterns
from reconciler.state import ArnContext, Desired

__all__ = ["REGION", "ROLE_WRITES", "SOURCE", "touched_roles"]

ROLE_WRITES = frozenset({
    "CreateRole", "DeleteRole", "UpdateAssumeRolePolicy", "UpdateRole",
    "UpdateRoleDescription", "AttachRolePolicy", "DetachRolePolicy", "PutRolePolicy",
    "DeleteRolePolicy", "TagRole", "UntagRole", "PutRolePermissionsBoundary",
    "DeleteRolePermissionsBoundary"})


def touched_roles(events: Sequence[Any], desired: Desired, ctx: ArnContext) -> set[str]:
    """`<tenant>/<template>` of every role the events name."""
    return touched_names([n for e in events for n in _role_names(e)], desired, ctx)


def touched_names(names: Iterable[str], desired: Desired, ctx: ArnContext) -> set[str]:
    """`<tenant>/<template>` of every role name a role template renders."""
    patterns = rendered_patterns({t: desired.iam_roles[t].role_name
                                  for t in desired.iam_roles}, ctx)
    touched: set[str] = set()
    for name in names:
        for template, pattern in patterns:
            match = pattern.fullmatch(name)
            if match:
                touched.add(f"{match.group('tenant')}/{template}")
    return touched


def _role_names(event: Any) -> Iterable[str]:
    for key, value in event.values():
        if isinstance(value, str) and value and key.lower() == "rolename":
            yield value
    for name in event.resources:
        if name.startswith("arn:") and ":role/" in name:
            yield name.rsplit("/", 1)[-1]
        elif not name.startswith("arn:") and "/" not in name:
            yield name
