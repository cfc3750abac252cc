"""The iam_policy kind's writers: a change of the plan -> the IAM gateway's calls.

Each renders the document from `source` with the tenant's ARN and id as they are now (taken
from the create of this apply, else asked once from SES), so a tenant created or re-created
in the same apply is named by its real id. Ownership is enforced by the gateway
(`reconciler.aws.iam_write`): nothing without the ownership tag is written.
"""

from __future__ import annotations

from typing import Any

from reconciler.aws.iam_model import LivePolicy, Ownership, Principal
from reconciler.aws.iam_write import (
    IamContext,
    attach_policy,
    create_policy,
    delete_policy,
    detach_policy,
    new_default_version,
)
from reconciler.iam.documents import equivalent
from reconciler.iam.substitute import render_value
from reconciler.kinds.iam_policy import Attachment, IamPolicy, tenant_of
from reconciler.kinds.iam_policy_plan import tag_keys
from reconciler.planning.plan import Change
from reconciler.state import Settings


def _ownership(ctx: Any) -> Ownership:
    """The plan's ownership tag; a plan without one owns nothing, so every write refuses."""
    if ctx.ownership is None:
        return Ownership("", "\x00no ownership tag")
    return Ownership(*ctx.ownership)


def _iam(ctx: Any) -> IamContext:
    return IamContext.from_factory(ctx.factory, _ownership(ctx))


def _document(ctx: Any, policy: IamPolicy) -> dict[str, Any]:
    source = policy.source if policy.source is not None else policy.document
    arn = ctx.tenant_arn(tenant_of(policy.name))
    values = {"tenant.arn": arn, "tenant.id": arn.rsplit("/", 1)[-1]}
    return dict(render_value(source, values))


def _live(policy: IamPolicy) -> LivePolicy:
    return LivePolicy(name=policy.policy_name, path=policy.path, arn=policy.arn or "",
                      policy_id=policy.policy_id or "", default_version_id=policy.version or "",
                      tags=dict(policy.tags), owned=True)


def _owned(iam: IamContext, item: Attachment) -> LivePolicy:
    """A policy the plan found owned (or created): its ARN, with the ownership tag."""
    return LivePolicy(name=item.policy_name, path=item.path,
                      arn=iam.policy_arn(item.path, item.policy_name), policy_id="",
                      default_version_id="", tags=iam.ownership.tag(), owned=True)


def create(ctx: Any, change: Change) -> None:
    policy: IamPolicy = change.after
    iam = _iam(ctx)
    tenant_key, template_key = tag_keys(Settings(ownership_tag_key=iam.ownership.key))
    tenant, template = policy.name.split("/", 1)
    create_policy(iam, policy.policy_name, policy.path, _document(ctx, policy),
                  description=policy.description,
                  tags={tenant_key: tenant, template_key: template}, equivalent=equivalent)


def update_document(ctx: Any, change: Change) -> None:
    new_default_version(_iam(ctx), _live(change.before), _document(ctx, change.after))


def _principal(item: Attachment) -> Principal:
    kind, name = item.principal.split("/", 1)
    return Principal(kind, name)  # type: ignore[arg-type]


def attach(ctx: Any, change: Change) -> None:
    iam = _iam(ctx)
    attach_policy(iam, _owned(iam, change.after), _principal(change.after))


def detach(ctx: Any, change: Change) -> None:
    iam = _iam(ctx)
    detach_policy(iam, _owned(iam, change.before), _principal(change.before))


def delete(ctx: Any, change: Change) -> None:
    delete_policy(_iam(ctx), _live(change.before))
