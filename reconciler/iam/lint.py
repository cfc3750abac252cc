"""Warnings on policies IAM accepts but that weaken tenant isolation.

A warning never fails `validate`: the author may mean it (an operator's break-glass policy), but
should see it. Three patterns: every SES action at once, sending without pinning the tenant, and
tenant-scoped actions granted on every resource.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from reconciler.iam import catalog
from reconciler.iam.checks import ACTION_RE, Finding, condition_keys, each, statements

SEND_ACTIONS = frozenset({"SendEmail", "SendRawEmail", "SendBulkEmail", "SendTemplatedEmail",
                          "SendBulkTemplatedEmail"})
TENANT_CONDITION_KEY = "ses:tenantname"


@cache
def tenant_actions() -> frozenset[str]:
    """SES actions whose request names a tenant (`TenantName`), sending aside: the ones a
    resource ARN can confine to one tenant."""
    return frozenset(catalog.input_members("ses", "TenantName")) - SEND_ACTIONS


def _ses_actions(statement: Mapping[str, Any]) -> Iterator[tuple[str, str, frozenset[str]]]:
    """(path, action as written, SES action names it grants) of each Action entry."""
    for path, action in each(statement.get("Action", []), "Action"):
        if action == "*":
            yield path, action, frozenset(catalog.actions("ses"))
            continue
        match = ACTION_RE.fullmatch(action) if isinstance(action, str) else None
        if match and match.group(1).lower() == "ses":
            yield path, action, frozenset(catalog.matching("ses", match.group(2)))


def lint_document(document: Any) -> list[Finding]:
    """Warnings for each Allow statement of a (valid) identity policy, in document order."""
    if not isinstance(document, Mapping):
        return []
    found: list[Finding] = []
    for base, statement in statements(document):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        found += _statement(base, statement)
    return found


def _statement(base: str, statement: Mapping[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    granted: set[str] = set()
    for path, action, names in _ses_actions(statement):
        granted |= names
        if action in ("*", "ses:*") or (names and names == frozenset(catalog.actions("ses"))):
            found.append(Finding(f"{base}.{path}", f"{action!r} grants every SES action; "
                                 "list the actions the tenant needs", "warning"))
    sends = sorted(granted & SEND_ACTIONS)
    if sends and TENANT_CONDITION_KEY not in set(condition_keys(statement)):
        found.append(Finding(base, f"sending ({', '.join(sends)}) is allowed without a "
                             "ses:TenantName condition, so any tenant's name can be used; add "
                             "Condition: {StringEquals: {ses:TenantName: ${tenant.name}}}",
                             "warning"))
    scoped = sorted(granted & tenant_actions())
    if scoped and "*" in [r for _, r in each(statement.get("Resource", []), "Resource")]:
        found.append(Finding(f"{base}.Resource", f"tenant actions ({', '.join(scoped[:3])}"
                             f"{', ...' if len(scoped) > 3 else ''}) are allowed on every "
                             "resource (\"*\"); use ${tenant.arn}", "warning"))
    return found
