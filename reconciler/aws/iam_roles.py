"""Writers for IAM roles: create (with trust policy, path, max session and the ownership tag),
update the trust policy or the max session, delete after detaching its managed policies.

Same contract as the policy writers: an existing role is changed or deleted only through the
`LiveRole` it was read as, and only if its tags carry the ownership tag; `create_role` meeting
an existing role continues it only if IAM shows that tag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from botocore.exceptions import ClientError

from reconciler.aws.iam_model import LiveRole, RoleSpec, document_to_wire, iam_tags, tags_to_iam
from reconciler.aws.iam_read import fetch_role, marker_pages
from reconciler.aws.iam_write import Documents, IamContext, identical, tolerate_missing
from reconciler.aws.settle import is_missing, settled
from reconciler.aws.wire import error_code
from reconciler.errors import NotOwnedError, RunError


def create_role(ctx: IamContext, spec: RoleSpec, *, equivalent: Documents = identical) -> LiveRole:
    """CreateRole with the ownership tag. On EntityAlreadyExists the role is continued only if
    it carries the tag and lives at `spec.path` (IAM cannot move a role): its trust policy and
    max session are brought to `spec`. Anyone else's role: NotOwnedError, nothing written."""
    wanted = {**spec.tags, **ctx.ownership.tag()}
    kwargs: dict[str, Any] = {
        "RoleName": spec.name, "Path": spec.path, "Tags": tags_to_iam(wanted),
        "AssumeRolePolicyDocument": document_to_wire(spec.trust_policy),
        "MaxSessionDuration": spec.max_session_duration}
    if spec.description:
        kwargs["Description"] = spec.description
    try:
        wire = ctx.client.create_role(**kwargs)["Role"]
    except ClientError as err:
        if error_code(err) != "EntityAlreadyExists":
            raise
        return _continue_role(ctx, spec, equivalent)
    return LiveRole(name=spec.name, path=spec.path, arn=str(wire["Arn"]),
                    role_id=str(wire.get("RoleId") or ""), trust_policy=dict(spec.trust_policy),
                    max_session_duration=spec.max_session_duration,
                    description=spec.description, tags=iam_tags(wire.get("Tags")) or wanted,
                    owned=True, attached=frozenset())


def _continue_role(ctx: IamContext, spec: RoleSpec, equivalent: Documents) -> LiveRole:
    existing = fetch_role(ctx.client, spec.name, ctx.ownership, settle=ctx.settle)
    if existing is None:
        raise RunError(
            f"iam_role.{spec.name} was reported as existing by CreateRole but cannot be read "
            "back, so nothing was written; run the apply again in a moment.")
    if not existing.owned:
        raise NotOwnedError(
            f"iam_role.{spec.name} already exists without the ownership tag "
            f"{ctx.ownership.key}={ctx.ownership.value} (it was created outside this tool), so "
            "nothing was written to it; choose another role name or remove that role, then "
            "plan again.")
    if existing.path != spec.path:
        raise RunError(
            f"iam_role.{spec.name} exists at path {existing.path}, not {spec.path}, and IAM "
            "cannot move a role, so nothing was written; delete the role or set its path in "
            "the config, then plan again.")
    if not equivalent(existing.trust_policy, spec.trust_policy):
        update_role_trust(ctx, existing, spec.trust_policy)
        existing = replace(existing, trust_policy=dict(spec.trust_policy))
    if existing.max_session_duration != spec.max_session_duration:
        update_role_max_session(ctx, existing, spec.max_session_duration)
        existing = replace(existing, max_session_duration=spec.max_session_duration)
    return existing


def update_role_trust(ctx: IamContext, role: LiveRole, trust_policy: Mapping[str, Any]) -> None:
    """UpdateAssumeRolePolicy."""
    ctx.ownership.require("iam_role", role.name, role.tags, "given a new trust policy")
    settled(lambda: ctx.client.update_assume_role_policy(
        RoleName=role.name, PolicyDocument=document_to_wire(trust_policy)), ctx.settle)


def update_role_max_session(ctx: IamContext, role: LiveRole, seconds: int) -> None:
    """UpdateRole for MaxSessionDuration; the description is sent back as read, since moto
    (unlike IAM) clears a description UpdateRole does not carry."""
    ctx.ownership.require("iam_role", role.name, role.tags, "given a new max session")
    kwargs: dict[str, Any] = {"RoleName": role.name, "MaxSessionDuration": seconds}
    if role.description:
        kwargs["Description"] = role.description
    settled(lambda: ctx.client.update_role(**kwargs), ctx.settle)


def delete_role(ctx: IamContext, role: LiveRole) -> None:
    """Detach every managed policy (ListAttachedRolePolicies), then DeleteRole; NoSuchEntity
    means it is gone. Inline policies or instance profiles, which this tool never adds, stop
    it with one sentence."""
    ctx.ownership.require("iam_role", role.name, role.tags, "deleted")
    try:
        arns = sorted(p["PolicyArn"] for page in marker_pages(
            ctx.client.list_attached_role_policies, RoleName=role.name, MaxItems=1000)
            for p in page.get("AttachedPolicies") or ())
    except ClientError as err:
        if is_missing(err):
            return
        raise
    for arn in arns:
        tolerate_missing(lambda a=arn: ctx.client.detach_role_policy(
            RoleName=role.name, PolicyArn=a))
    try:
        ctx.client.delete_role(RoleName=role.name)
    except ClientError as err:
        if is_missing(err):
            return
        if error_code(err) != "DeleteConflict":
            raise
        raise RunError(
            f"iam_role.{role.name} could not be deleted: IAM answered DeleteConflict after its "
            "managed policies were detached (it has inline policies or is in an instance "
            "profile, which this tool does not manage); remove those and run the apply "
            "again.") from err
