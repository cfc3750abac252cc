"""The iam_role kind's writers: a change of the plan -> the IAM gateway's role calls.

The trust policy is rendered from `source` with the tenant's ARN and id as they are now (the
create of this apply, else asked once from SES), only when it names them. Ownership is enforced
by the gateway (`reconciler.aws.iam_roles`): a role whose tags the plan did not read is read
first (GetRole), and nothing without the ownership tag is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from reconciler.aws.iam_model import LiveRole, Ownership, RoleSpec
from reconciler.aws.iam_read import fetch_role
from reconciler.aws.iam_roles import (
    attach_role_policy,
    create_role,
    delete_role,
    detach_role_policy,
    update_role_max_session,
    update_role_trust,
)
from reconciler.aws.iam_write import IamContext
from reconciler.errors import RunError
from reconciler.iam.documents import equivalent
from reconciler.iam.substitute import render_value
from reconciler.kinds.iam_policy import UNREAD_ID
from reconciler.kinds.iam_policy_plan import tag_keys
from reconciler.kinds.iam_role import IamRole, RolePolicy, RoleSession, tenant_of
from reconciler.planning.plan import Change
from reconciler.state import Settings


def _iam(ctx: Any) -> IamContext:
    """The plan's ownership tag; a plan without one owns nothing, so every write refuses."""
    ownership = Ownership(*ctx.ownership) if ctx.ownership is not None else Ownership(
        "", "\x00no ownership tag")
    return IamContext.from_factory(ctx.factory, ownership)


def _trust(ctx: Any, role: IamRole) -> dict[str, Any]:
    source = role.source if role.source is not None else role.trust_policy
    if not any("${" + k + "}" in repr(source) for k in UNREAD_ID):
        return dict(source)
    arn = ctx.tenant_arn(tenant_of(role.name))
    return dict(render_value(source, {"tenant.arn": arn, "tenant.id": arn.rsplit("/", 1)[-1]}))


def _role(iam: IamContext, name: str, path: str, tags: Mapping[str, str] | None, *,
          owned: bool = False, description: str = "") -> LiveRole | None:
    """The role to write, as the gateway's ownership check needs it: with the tags the plan
    read, with the ownership tag when the plan created it, else read now (None: gone)."""
    if tags is None and not owned:
        return fetch_role(iam.client, name, iam.ownership, attached=False, settle=iam.settle)
    return LiveRole(name=name, path=path, arn="", role_id="", trust_policy={},
                    description=description,
                    tags=dict(tags) if tags is not None else iam.ownership.tag())


def create(ctx: Any, change: Change) -> None:
    role: IamRole = change.after
    iam = _iam(ctx)
    tenant_key, template_key = tag_keys(Settings(ownership_tag_key=iam.ownership.key))
    tenant, template = role.name.split("/", 1)
    create_role(iam, RoleSpec(role.role_name, role.path, _trust(ctx, role),
                              role.max_session_duration, role.description,
                              {tenant_key: tenant, template_key: template}),
                equivalent=equivalent)


def update_trust(ctx: Any, change: Change) -> None:
    before: IamRole = change.before
    iam = _iam(ctx)
    live = _role(iam, before.role_name, before.path, before.tags)
    if live is not None:
        update_role_trust(iam, live, _trust(ctx, change.after))


def update_session(ctx: Any, change: Change) -> None:
    before: RoleSession = change.before
    after: RoleSession = change.after
    iam = _iam(ctx)
    live = _role(iam, before.role_name, "", before.tags, description=after.description)
    if live is not None:
        live = replace(live, description=after.description)
        update_role_max_session(iam, live, after.max_session_duration)


def attach(ctx: Any, change: Change) -> None:
    item: RolePolicy = change.after
    iam = _iam(ctx)
    live = _role(iam, item.role_name, item.path, None, owned=item.owned)
    if live is None:
        raise RunError(f"iam_role {item.role_name} no longer exists, so {item.policy_arn} was "
                       "not attached to it; plan again to create it.")
    attach_role_policy(iam, live, item.policy_arn)


def detach(ctx: Any, change: Change) -> None:
    item: RolePolicy = change.before
    iam = _iam(ctx)
    live = _role(iam, item.role_name, item.path, None, owned=item.owned)
    if live is not None:
        detach_role_policy(iam, live, item.policy_arn)


def delete(ctx: Any, change: Change) -> None:
    before: IamRole = change.before
    iam = _iam(ctx)
    live = _role(iam, before.role_name, before.path, before.tags)
    if live is not None:
        delete_role(iam, live)
