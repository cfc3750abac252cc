"""Whether IAM roles, groups and users exist: one GetRole, GetGroup or GetUser each.

Asked only for the principals a plan would attach a policy to (see
`reconciler.kinds.iam_principals`), so an unchanged plan makes none of these calls.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError

from reconciler.aws.pool import worker_pool
from reconciler.aws.settle import is_missing
from reconciler.state import Principal


def _get(client: Any, principal: Principal) -> Any:
    if principal.kind == "role":
        return client.get_role(RoleName=principal.name)
    if principal.kind == "group":
        return client.get_group(GroupName=principal.name, MaxItems=1)
    return client.get_user(UserName=principal.name)


def exists(client: Any, principal: Principal) -> bool:
    try:
        _get(client, principal)
    except ClientError as err:
        if is_missing(err):
            return False
        raise
    return True


def missing_principals(client: Any, principals: Iterable[Principal], *,
                       parallelism: int = 8) -> frozenset[Principal]:
    """The principals IAM answers NoSuchEntity for."""
    wanted = sorted(set(principals))
    if not wanted:
        return frozenset()
    with worker_pool(parallelism) as pool:
        found = list(pool.map(lambda p: exists(client, p), wanted))
    return frozenset(p for p, ok in zip(wanted, found, strict=True) if not ok)
