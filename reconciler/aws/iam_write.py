"""Writers for customer-managed policies; each idempotent, so a re-run after a failure converges.

Ownership contract: a writer that changes or deletes an existing policy takes the `LivePolicy`
it was read as (or that `create_policy` returned) and refuses, before any call, unless its tags
carry the ownership tag; `create_policy` meeting an existing policy continues it only if IAM
shows that tag. A policy without the tag is never modified, attached, detached or deleted here.

"Already so" answers count as success: NoSuchEntity on a detach, a version delete or a policy
delete; attaching twice is a no-op in IAM. Calls that target a policy or principal written
earlier in the run retry NoSuchEntity within `IamContext.settle` (IAM is eventually consistent).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from botocore.exceptions import ClientError

from reconciler.aws.clients import ClientFactory
from reconciler.aws.iam_lookup import policies_named
from reconciler.aws.iam_model import (
    Attachments,
    LivePolicy,
    Ownership,
    PolicyVersion,
    Principal,
    document_to_wire,
    iam_tags,
    policy_arn,
    tags_to_iam,
)
from reconciler.aws.iam_read import fetch_policy, policy_attachments, policy_versions
from reconciler.aws.settle import AFTER_WRITE, Settle, is_missing, settled
from reconciler.aws.wire import error_code
from reconciler.errors import NotOwnedError, RunError

Documents = Callable[[Mapping[str, Any], Mapping[str, Any]], bool]
_ROUNDS = 3


@dataclass(frozen=True, slots=True)
class IamContext:
    """What every IAM writer needs: the client, the ownership tag, where ARNs point, and how
    long to wait for IAM to show what this run wrote."""

    client: Any  # the iam client
    ownership: Ownership
    partition: str
    account: str
    settle: Settle = AFTER_WRITE

    @classmethod
    def from_factory(cls, factory: ClientFactory, ownership: Ownership,
                     settle: Settle = AFTER_WRITE) -> IamContext:
        return cls(factory.client("iam"), ownership, factory.partition,
                   factory.caller_account(), settle)

    def policy_arn(self, path: str, name: str) -> str:
        return policy_arn(self.partition, self.account, path, name)


def tolerate_missing(call: Callable[[], Any]) -> None:
    """`call()`, where NoSuchEntity means the thing to remove is already gone."""
    try:
        call()
    except ClientError as err:
        if not is_missing(err):
            raise


def identical(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """The default `equivalent`: the kind passes its canonical comparison instead."""
    return a == b


def create_policy(ctx: IamContext, name: str, path: str, document: Mapping[str, Any], *,
                  description: str = "", tags: Mapping[str, str] | None = None,
                  equivalent: Documents = identical) -> LivePolicy:
    """CreatePolicy with the ownership tag (and `tags`). On EntityAlreadyExists the policy is
    continued only if it carries the ownership tag (an interrupted apply made it): its default
    document is brought to `document` when `equivalent` says they differ. Anyone else's policy
    is never taken over: NotOwnedError, nothing written. A policy of that name at another path
    (names are unique in the account) fails the create in a sentence naming its path."""
    wanted = {**(tags or {}), **ctx.ownership.tag()}
    kwargs: dict[str, Any] = {"PolicyName": name, "Path": path, "Tags": tags_to_iam(wanted),
                              "PolicyDocument": document_to_wire(document)}
    if description:
        kwargs["Description"] = description
    try:
        wire = ctx.client.create_policy(**kwargs)["Policy"]
    except ClientError as err:
        if error_code(err) != "EntityAlreadyExists":
            raise
        return _continue_policy(ctx, name, path, document, equivalent)
    created = iam_tags(wire.get("Tags")) or wanted
    return LivePolicy(
        name=name, path=path, arn=str(wire["Arn"]), policy_id=str(wire.get("PolicyId") or ""),
        default_version_id=str(wire.get("DefaultVersionId") or "v1"), tags=created,
        owned=True, description=description, document=dict(document),
        versions=(PolicyVersion(str(wire.get("DefaultVersionId") or "v1"), True,
                                wire.get("CreateDate")),),
        attachments=Attachments())


def _elsewhere(ctx: IamContext, name: str, path: str) -> None:
    """Raise, naming it, if the policy holding `name` is at another path than `path`."""
    other = policies_named(ctx.client, [name], ctx.ownership, skip_path=path).get(name.lower())
    if other is None:
        return
    if other.owned:
        raise RunError(
            f"iam_policy.{name} cannot be created at path {path}: this tool's policy of that "
            f"name is still at path {other.path} (settings.iam.path changed after this plan "
            "was made), so nothing was written; plan again: the new plan deletes it there "
            f"before creating it at {path}.")
    raise NotOwnedError(
        f"iam_policy.{name} cannot be created at path {path}: a policy of that name exists "
        f"at path {other.path} without the ownership tag {ctx.ownership.key}="
        f"{ctx.ownership.value} (names are unique in the account whatever the path), so "
        "nothing was written; rename the template's policy_name or remove that policy, then "
        "plan again.")


def _continue_policy(ctx: IamContext, name: str, path: str, document: Mapping[str, Any],
                     equivalent: Documents) -> LivePolicy:
    _elsewhere(ctx, name, path)
    existing = fetch_policy(ctx.client, ctx.policy_arn(path, name), ctx.ownership,
                            attachments=True, settle=ctx.settle)
    if existing is None:
        raise RunError(
            f"iam_policy.{name} cannot be created at path {path}: IAM reports a policy of that "
            "name elsewhere in the account (names are unique per account, whatever the path), "
            "so nothing was written; rename the template's policy_name or remove the other "
            "policy, then plan again.")
    if not existing.owned:
        raise NotOwnedError(
            f"iam_policy.{name} already exists without the ownership tag "
            f"{ctx.ownership.key}={ctx.ownership.value} (it was created outside this tool), so "
            "nothing was written to it; rename the template's policy_name or remove that "
            "policy, then plan again.")
    if existing.document is not None and equivalent(existing.document, document):
        return existing
    version = new_default_version(ctx, existing, document)
    return replace(existing, default_version_id=version, document=dict(document),
                   versions=None)


def new_default_version(ctx: IamContext, policy: LivePolicy,
                        document: Mapping[str, Any]) -> str:
    """CreatePolicyVersion with SetAsDefault; at IAM's 5-version limit (LimitExceeded) the
    oldest non-default version is deleted first and the create tried again. Returns the new
    default version id."""
    ctx.ownership.require("iam_policy", policy.name, policy.tags, "given a new version")
    text = document_to_wire(document)
    for _ in range(_ROUNDS):
        try:
            answer = settled(lambda: ctx.client.create_policy_version(
                PolicyArn=policy.arn, PolicyDocument=text, SetAsDefault=True), ctx.settle)
            return str(answer["PolicyVersion"]["VersionId"])
        except ClientError as err:
            if error_code(err) != "LimitExceeded":
                raise
        prune_oldest_version(ctx, policy)
    raise RunError(
        f"iam_policy.{policy.name} kept answering LimitExceeded to a new version although its "
        "oldest non-default versions were deleted (another writer is adding versions); run "
        "the apply again.")


def oldest_non_default(versions: tuple[PolicyVersion, ...]) -> PolicyVersion | None:
    """The version IAM numbered first among those that are not the default."""
    spare = [v for v in versions if not v.is_default]
    return min(spare, key=lambda v: v.number) if spare else None


def prune_oldest_version(ctx: IamContext, policy: LivePolicy) -> str | None:
    """Delete the oldest non-default version (ListPolicyVersions + DeletePolicyVersion);
    returns its id, None when there is none to delete."""
    ctx.ownership.require("iam_policy", policy.name, policy.tags, "pruned")
    oldest = oldest_non_default(policy_versions(ctx.client, policy.arn))
    if oldest is None:
        return None
    tolerate_missing(lambda: ctx.client.delete_policy_version(
        PolicyArn=policy.arn, VersionId=oldest.version_id))
    return oldest.version_id


def _attach_calls(client: Any, kind: str) -> tuple[Callable[..., Any], Callable[..., Any], str]:
    """(attach, detach, name parameter) for a principal kind."""
    calls = {
        "role": (client.attach_role_policy, client.detach_role_policy, "RoleName"),
        "group": (client.attach_group_policy, client.detach_group_policy, "GroupName"),
        "user": (client.attach_user_policy, client.detach_user_policy, "UserName"),
    }
    return calls[kind]


def attach_policy(ctx: IamContext, policy: LivePolicy, principal: Principal) -> None:
    """Attach*Policy; attaching an attached policy is a no-op in IAM. NoSuchEntity (a policy
    or principal created moments ago) is retried within the settle budget."""
    ctx.ownership.require("iam_policy", policy.name, policy.tags, f"attached to {principal}")
    call, _, key = _attach_calls(ctx.client, principal.kind)
    settled(lambda: call(PolicyArn=policy.arn, **{key: principal.name}), ctx.settle)


def detach_policy(ctx: IamContext, policy: LivePolicy, principal: Principal) -> None:
    """Detach*Policy; NoSuchEntity means it is not attached (or the principal is gone)."""
    ctx.ownership.require("iam_policy", policy.name, policy.tags, f"detached from {principal}")
    _, call, key = _attach_calls(ctx.client, principal.kind)
    tolerate_missing(lambda: call(PolicyArn=policy.arn, **{key: principal.name}))


def delete_policy(ctx: IamContext, policy: LivePolicy) -> None:
    """Detach from every role, group and user (ListEntitiesForPolicy), delete every
    non-default version, then DeletePolicy; NoSuchEntity at any step means it is gone. A
    DeleteConflict (attached or versioned meanwhile) starts the steps again, a few times."""
    ctx.ownership.require("iam_policy", policy.name, policy.tags, "deleted")
    for _ in range(_ROUNDS):
        attached = policy_attachments(ctx.client, policy.arn)
        if attached is None:
            return
        for principal in attached.principals():
            detach_policy(ctx, policy, principal)
        try:
            versions = policy_versions(ctx.client, policy.arn)
        except ClientError as err:
            if is_missing(err):
                return
            raise
        for version in versions:
            if not version.is_default:
                tolerate_missing(lambda v=version: ctx.client.delete_policy_version(
                    PolicyArn=policy.arn, VersionId=v.version_id))
        try:
            ctx.client.delete_policy(PolicyArn=policy.arn)
            return
        except ClientError as err:
            if is_missing(err):
                return
            if error_code(err) != "DeleteConflict":
                raise
    raise RunError(
        f"iam_policy.{policy.name} could not be deleted: IAM kept answering DeleteConflict "
        "after it was detached and its old versions deleted (something keeps attaching it); "
        "run the apply again.")
