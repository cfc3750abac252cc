"""Writers for IAM roles: create (with trust policy, path, max session and the ownership tag),
update the trust policy or the max session, attach and detach managed policies, delete after
emptying it (managed policies, inline policies, instance profiles).

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

_ROUNDS = 3


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


def attach_role_policy(ctx: IamContext, role: LiveRole, arn: str) -> None:
    """AttachRolePolicy; attaching twice is a no-op in IAM. NoSuchEntity (a role or policy
    created moments ago) is retried within the settle budget."""
    ctx.ownership.require("iam_role", role.name, role.tags, f"attached to {arn}")
    settled(lambda: ctx.client.attach_role_policy(RoleName=role.name, PolicyArn=arn),
            ctx.settle)


def detach_role_policy(ctx: IamContext, role: LiveRole, arn: str) -> None:
    """DetachRolePolicy; NoSuchEntity means it is not attached (or either side is gone)."""
    ctx.ownership.require("iam_role", role.name, role.tags, f"detached from {arn}")
    tolerate_missing(lambda: ctx.client.detach_role_policy(RoleName=role.name, PolicyArn=arn))


def delete_role(ctx: IamContext, role: LiveRole) -> None:
    """Detach every managed policy (ListAttachedRolePolicies), delete every inline policy
    (ListRolePolicies), leave every instance profile (ListInstanceProfilesForRole), then
    DeleteRole: IAM refuses to delete a role with any of them. NoSuchEntity means it is gone;
    a DeleteConflict (something added meanwhile) starts the steps again, a few times."""
    ctx.ownership.require("iam_role", role.name, role.tags, "deleted")
    for _ in range(_ROUNDS):
        try:
            _empty(ctx, role.name)
            ctx.client.delete_role(RoleName=role.name)
            return
        except ClientError as err:
            if is_missing(err):
                return
            if error_code(err) != "DeleteConflict":
                raise
    raise RunError(
        f"iam_role.{role.name} could not be deleted: IAM kept answering DeleteConflict after "
        "its policies and instance profiles were removed (something keeps adding them); run "
        "the apply again.")


def _listed(call: Any, key: str, **params: Any) -> list[Any]:
    return [item for page in marker_pages(call, **params, MaxItems=1000)
            for item in page.get(key) or ()]


def _empty(ctx: IamContext, name: str) -> None:
    """Remove what IAM requires gone before DeleteRole."""
    client = ctx.client
    for item in _listed(client.list_attached_role_policies, "AttachedPolicies", RoleName=name):
        tolerate_missing(lambda a=item["PolicyArn"]: client.detach_role_policy(
            RoleName=name, PolicyArn=a))
    for policy in _listed(client.list_role_policies, "PolicyNames", RoleName=name):
        tolerate_missing(lambda p=policy: client.delete_role_policy(
            RoleName=name, PolicyName=p))
    for profile in _listed(client.list_instance_profiles_for_role, "InstanceProfiles",
                           RoleName=name):
        tolerate_missing(lambda p=profile["InstanceProfileName"]:
                         client.remove_role_from_instance_profile(
                             InstanceProfileName=p, RoleName=name))
