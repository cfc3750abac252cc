"""The tool's own least privilege, from the operations the gateway actually sends.

`OPERATIONS` is the table of every API operation `reconciler.aws` calls, with the IAM actions
each needs and whether a read-only run (plan, drift, status) makes it: each kind declares the
operations of its reads and writes (`Kind.operations`), the rest (STS, the lock) are here. A
test compares it with the gateway's call sites and with the operations recorded on the wire
during an apply, a plan and a drift, so adding a call without a row fails the suite instead
of failing in production with AccessDenied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.kinds.base import Permission
from reconciler.kinds.registry import kinds

__all__ = ["OPERATIONS", "Permission", "actions", "self_policy"]


_read, _write = Permission.read, Permission.write

# (boto3 service name, API operation) -> permission, for the calls no kind owns; each kind
# declares its own (`Kind.operations`), and `OPERATIONS` is the union.
_SHARED: Mapping[tuple[str, str], Permission] = {
    # STS answers GetCallerIdentity for any valid credentials; no policy can deny it.
    ("sts", "GetCallerIdentity"): _read(),
    # incremental drift reads the out-of-band writes from CloudTrail event history
    ("cloudtrail", "LookupEvents"): _read("cloudtrail:LookupEvents"),
    # the apply lease (settings.lock): taken, renewed and released by apply and force-unlock;
    # a refused write returns the holder's item, so no GetItem is needed
    ("dynamodb", "PutItem"): _write("dynamodb:PutItem"),
    ("dynamodb", "UpdateItem"): _write("dynamodb:UpdateItem"),
    ("dynamodb", "DeleteItem"): _write("dynamodb:DeleteItem"),
    # `events` reads the monitoring log group (reconciler/aws/log_events.py)
    ("logs", "FilterLogEvents"): _read("logs:FilterLogEvents"),
    # `drift --publish` (reconciler/aws/publish.py): a scheduled drift run needs them and they
    # change nothing the tool manages, so the read-only policy (plan, drift, status) has them
    ("cloudwatch", "PutMetricData"): _read("cloudwatch:PutMetricData"),
    ("events", "PutEvents"): _read("events:PutEvents"),
    # `verify --send-test` (reconciler/aws/sending.py): the send rate, then one send per tenant;
    # no read-only run (plan, drift, status) reads the rate, so the read-only role goes without
    ("sesv2", "GetAccount"): _write("ses:GetAccount"),
    ("sesv2", "SendEmail"): _write("ses:SendEmail"),
}

OPERATIONS: Mapping[tuple[str, str], Permission] = {
    **{op: p for kind in kinds() for op, p in kind.operations.items()}, **_SHARED}


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
