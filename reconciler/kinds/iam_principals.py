"""Principals a policy is attached to must exist: looked up before planning, refused in it.

`attach: {roles, groups, users}` (a template's, or a tenant's `iam_attach`) names principals
this tool does not create. Before planning, `read_missing` asks IAM (GetRole, GetGroup,
GetUser) about each principal a plan would attach a policy to (declared but not attached, on a
policy that exists or will), so an unchanged plan asks nothing; roles made by the iam_role kind
are that kind's and are not asked about. Planning then refuses (`refuse_missing`) an attachment
to a principal found missing, in one sentence naming it, who declared it and where.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from reconciler.errors import PlanError
from reconciler.iam.render import PolicyContext, placeholder_values
from reconciler.iam.specs import render_attach
from reconciler.kinds.iam_policy import KIND, Attachment, principals, tenant_of
from reconciler.planning.plan import Change
from reconciler.state import Desired, Live, Principal

_NOUNS = {"role": "IAM role", "group": "IAM group", "user": "IAM user"}


def to_add(desired: Desired, live: Live, names: frozenset[str] | None = None) -> set[str]:
    """`role/NAME`... a plan would attach some policy to (those of the iam_role kind aside)."""
    from reconciler.kinds.iam_policy_plan import desired_policies
    from reconciler.kinds.iam_role_plan import role_principals

    have = live.objects.get(KIND, {})
    roles = role_principals(desired, live)
    out: set[str] = set()
    for key, policy in desired_policies(desired, live, frozenset(), names).items():
        found = set(principals(have[key].attach)) if key in have else set()
        out.update(p for p in principals(policy.attach) if p not in found and p not in roles)
    return out


def read_missing(factory: Any, desired: Desired, live: Live, *,
                 parallelism: int = 8) -> Live:
    """`live` with the principals a plan would attach to and IAM does not know."""
    from reconciler.aws.iam_principals import missing_principals

    wanted = to_add(desired, live, live.scope)
    if not wanted:
        return live
    asked = [Principal(*p.split("/", 1)) for p in sorted(wanted)]  # type: ignore[arg-type]
    missing = missing_principals(factory.client("iam"), asked, parallelism=parallelism)
    return replace(live, missing_principals=frozenset(str(p) for p in missing))


def _origin(desired: Desired, live: Live, key: str, principal: str) -> str:
    """Who declared `principal` for the policy `key`: its template's `attach`, or its
    tenant's `iam_attach`, with the place it is written."""
    tenant_name, template_name = key.split("/", 1)
    template = desired.iam_templates[template_name]
    tenant = desired.tenants[tenant_name]
    ctx = PolicyContext(live.context.account, live.context.region, live.context.partition)
    values = placeholder_values(tenant_name, live.tenants.get(tenant_name), ctx)
    if principal in principals(render_attach(template.attach, values)):
        where = f", {template.source.file}:{template.source.line}" if template.source else ""
        return f"attach of IAM template {template_name!r}{where}"
    where = f", {tenant.source.file}:{tenant.source.line}" if tenant.source else ""
    return f"iam_attach of tenant {tenant_name!r} for IAM template {template_name!r}{where}"


def refuse_missing(desired: Desired, live: Live, changes: Iterable[Change]) -> None:
    """Raise PlanError when a planned attachment names a principal found missing."""
    if not live.missing_principals:
        return
    wanted = desired.tenants
    found: dict[str, str] = {}
    for c in changes:
        item = c.after
        if not isinstance(item, Attachment) or item.principal not in live.missing_principals:
            continue
        if tenant_of(c.address.name) in wanted and item.principal not in found:
            found[item.principal] = _origin(desired, live, c.address.name, item.principal)
    if not found:
        return
    parts = [f"{_NOUNS[p.split('/', 1)[0]]} {p.split('/', 1)[1]!r} ({found[p]})"
             for p in sorted(found)]
    verb, it = ("does", "it") if len(parts) == 1 else ("do", "them")
    raise PlanError(
        f"{', '.join(parts)} {verb} not exist in the account, so nothing was planned or "
        f"written; create {it} or remove {it} from attach, then plan again.")
