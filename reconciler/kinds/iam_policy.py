"""The iam_policy kind: one customer-managed policy per tenant x IAM template it lists.

Key: `<tenant>/<template>`, so a policy belongs to its tenant (`tenant_of`) and keeps its
identity when the template's `policy_name` changes. A policy is created under
`settings.iam_path` with the ownership tag and two tags naming its tenant and template (how a
live policy is found again when its tenant leaves the config); policies without the ownership
tag are never written: a change planned for one becomes a conflict (`iam_policy_plan`), and a
create meeting one fails in one sentence (`reconciler.aws.iam_write.create_policy`). Tags are
read only for the policies a plan would write (`reconciler.kinds.iam_policy_read`).

Documents compare by meaning (`reconciler.iam.documents.equivalent`); a desired policy also
carries `source`, its document with `${tenant.id}` and `${tenant.arn}` left in, so the writer
renders the real id and ARN of a tenant created earlier in the same apply. The planning rules
are in `reconciler.kinds.iam_policy_plan`, its two-phase read in
`reconciler.kinds.iam_policy_read`; the IAM calls in `reconciler.aws.iam_read` and
`reconciler.aws.iam_write`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from reconciler.kinds import iam_policy_events
from reconciler.kinds.base import (
    ActionSpec,
    Attribute,
    EventSource,
    Kind,
    Permission,
    deferred,
    plain,
)
from reconciler.state import Attachments

KIND = "iam_policy"
UNREAD_ID = ("tenant.id", "tenant.arn")  # placeholders only apply can fill for a new tenant


@dataclass(frozen=True, slots=True)
class IamPolicy:
    """One policy, desired or live. Live-only: `arn`, `policy_id`, `version`, `tags`, `owned`
    (True or False once its tags were read, None when they were not: planning would write
    nothing to it). Desired-only: `source` (the document with the tenant's id and ARN
    placeholders kept)."""

    name: str  # <tenant>/<template>
    policy_name: str
    path: str
    document: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    attach: Attachments = field(default_factory=Attachments)
    source: Mapping[str, Any] | None = None
    arn: str | None = None
    policy_id: str | None = None
    version: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    owned: bool | None = None


@dataclass(frozen=True, slots=True, order=True)
class Attachment:
    """One principal of one policy; shown (and keyed) as `role/NAME`."""

    principal: str  # role/NAME, group/NAME or user/NAME
    policy_name: str
    path: str

    def __str__(self) -> str:
        return self.principal


class PolicyAction(StrEnum):
    CREATE_POLICY = "create_policy"  # after: IamPolicy
    UPDATE_DOCUMENT = "update_policy_document"  # before: live IamPolicy, after: desired
    ATTACH_POLICY = "attach_policy"  # after: Attachment
    DETACH_POLICY = "detach_policy"  # before: Attachment
    DELETE_POLICY = "delete_policy"  # before: live IamPolicy


def tenant_of(name: str) -> str:
    return name.split("/", 1)[0]


def principals(attach: Attachments) -> list[str]:
    return [str(p) for p in attach.principals()]


def _encode_attach(value: Attachments) -> dict[str, list[str]]:
    return {"roles": list(value.roles), "groups": list(value.groups), "users": list(value.users)}


def _decode_attach(data: Mapping[str, Any]) -> Attachments:
    return Attachments(tuple(data["roles"]), tuple(data["groups"]), tuple(data["users"]))


def _canonical(document: Mapping[str, Any]) -> str:
    from reconciler.iam.documents import canonical_json

    return canonical_json(document)


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("name", plan_key="name"),
    Attribute("policy_name", plan_key="policy_name", state_key="policy_name"),
    Attribute("path", plan_key="path"),
    Attribute("arn", plan_key="arn"),
    Attribute("policy_id", plan_key="policy_id"),
    Attribute("description", plan_key="description"),
    Attribute("document", plan_key="document", encode=dict, decode=dict,
              state_key="document", state=lambda p: _canonical(p.document)),
    Attribute("source", plan_key="source"),
    Attribute("attach", plan_key="attach", encode=_encode_attach, decode=_decode_attach,
              state_key="attach", state=lambda p: principals(p.attach)),
    Attribute("version", plan_key="version", state_key="version"),
    Attribute("tags", plan_key="tags", encode=lambda t: dict(sorted(t.items())), decode=dict),
    Attribute("owned", plan_key="owned", state_key="owned"),
)


def _whole_encode(value: IamPolicy) -> dict[str, Any]:
    return IAM_POLICY.encode(value)


def _whole_decode(data: Mapping[str, Any]) -> IamPolicy:
    return IAM_POLICY.decode(data)  # type: ignore[no-any-return]


def _attachment_encode(value: Attachment) -> dict[str, str]:
    return {"principal": value.principal, "policy_name": value.policy_name, "path": value.path}


def _attachment_decode(data: Mapping[str, str]) -> Attachment:
    return Attachment(data["principal"], data["policy_name"], data["path"])


def _writer(name: str) -> Any:
    def write(ctx: Any, change: Any) -> None:
        from reconciler.kinds import iam_policy_write

        getattr(iam_policy_write, name)(ctx, change)

    return write


A = PolicyAction
ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(A.CREATE_POLICY, "add", 0, _writer("create"), whole=True,
               encode=_whole_encode, decode=_whole_decode),
    ActionSpec(A.UPDATE_DOCUMENT, "change", 1, _writer("update_document"), attribute="document",
               encode=_whole_encode, decode=_whole_decode),
    ActionSpec(A.ATTACH_POLICY, "add", 2, _writer("attach"), attribute="attach", keyed=True,
               encode=_attachment_encode, decode=_attachment_decode),
    ActionSpec(A.DETACH_POLICY, "destroy", 3, _writer("detach"), attribute="attach",
               keyed=True, encode=_attachment_encode, decode=_attachment_decode),
    ActionSpec(A.DELETE_POLICY, "destroy", 9, _writer("delete"), whole=True,
               encode=_whole_encode, decode=_whole_decode),
)

_read_op, _write_op = Permission.read, Permission.write
# the IAM calls of reconciler/aws/iam_read.py and iam_write.py (creating with tags needs the
# Tag* action too)
OPERATIONS: Mapping[tuple[str, str], Permission] = {
    ("iam", "ListPolicies"): _read_op("iam:ListPolicies"),
    ("iam", "GetAccountAuthorizationDetails"): _read_op("iam:GetAccountAuthorizationDetails"),
    ("iam", "GetPolicy"): _read_op("iam:GetPolicy"),
    ("iam", "GetPolicyVersion"): _read_op("iam:GetPolicyVersion"),
    ("iam", "ListPolicyVersions"): _read_op("iam:ListPolicyVersions"),
    ("iam", "ListEntitiesForPolicy"): _read_op("iam:ListEntitiesForPolicy"),
    ("iam", "CreatePolicy"): _write_op("iam:CreatePolicy", "iam:TagPolicy"),
    ("iam", "CreatePolicyVersion"): _write_op("iam:CreatePolicyVersion"),
    ("iam", "DeletePolicyVersion"): _write_op("iam:DeletePolicyVersion"),
    ("iam", "DeletePolicy"): _write_op("iam:DeletePolicy"),
    ("iam", "AttachRolePolicy"): _write_op("iam:AttachRolePolicy"),
    ("iam", "DetachRolePolicy"): _write_op("iam:DetachRolePolicy"),
    ("iam", "AttachGroupPolicy"): _write_op("iam:AttachGroupPolicy"),
    ("iam", "DetachGroupPolicy"): _write_op("iam:DetachGroupPolicy"),
    ("iam", "AttachUserPolicy"): _write_op("iam:AttachUserPolicy"),
    ("iam", "DetachUserPolicy"): _write_op("iam:DetachUserPolicy"),
    # the principals a plan would attach to must exist (reconciler/aws/iam_principals.py)
    ("iam", "GetRole"): _read_op("iam:GetRole"),
    ("iam", "GetGroup"): _read_op("iam:GetGroup"),
    ("iam", "GetUser"): _read_op("iam:GetUser"),
}


_PLAN = deferred("reconciler.kinds.iam_policy_plan:plan_policies")
_EDGES = deferred("reconciler.kinds.iam_policy_plan:policy_edges")
_READ = deferred("reconciler.kinds.iam_policy_read:read_policies")
_READ_AFTER = deferred("reconciler.kinds.iam_principals:read_missing")
_IN_USE = deferred("reconciler.kinds.iam_policy_plan:wants_iam")
_SHOW = deferred("reconciler.kinds.iam_policy_plan:change_lines")
_EXPLAIN = deferred("reconciler.kinds.iam_policy_plan:drift_text")


IAM_POLICY = Kind(
    name=KIND,
    type=IamPolicy,
    attributes=ATTRIBUTES,
    actions=ACTIONS,
    plan=_PLAN,
    edges=_EDGES,
    read=_READ,
    read_targeted=_READ,
    read_after=_READ_AFTER,
    depends_on=("tenant",),
    known_after_create=("arn",),
    tenant_of=tenant_of,
    operations=OPERATIONS,
    show_change=_SHOW,
    explain=_EXPLAIN,
    events=EventSource(iam_policy_events.SOURCE, touched=iam_policy_events.touched_policies,
                       region=iam_policy_events.REGION, in_use=_IN_USE),
    in_use=_IN_USE,
)

__all__ = ["IAM_POLICY", "Attachment", "IamPolicy", "PolicyAction", "plain"]
