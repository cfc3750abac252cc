"""The iam_role kind: one role per tenant x role template it lists (`iam_roles`).

The shape a customer in another AWS account assumes to send as its tenant: a role named from
the template's `role_name`, under its path (default `settings.iam.path`), with the rendered
trust policy, max session, the ownership tag, two tags naming its tenant and template (how a
role is found again once its tenant leaves the config), and the tenant's policies attached.

Key: `<tenant>/<template>`. The role owns its policy attachments: the iam_policy kind leaves
attachments to these roles alone. Trust policies compare by meaning
(`reconciler.iam.documents.equivalent`); a desired role carries `source`, its trust policy with
`${tenant.id}` and `${tenant.arn}` left in, rendered by the writer once its tenant exists. A
live role's `tags` are None until read: ListRoles returns none, so they are read only for the
roles a plan would write (`reconciler.kinds.iam_role_plan`), and a role without the ownership
tag is a conflict, never written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from reconciler.kinds import iam_role_events
from reconciler.kinds.base import ActionSpec, Attribute, EventSource, Kind, Permission, deferred

KIND = "iam_role"


@dataclass(frozen=True, slots=True)
class IamRole:
    """One role, desired or live. Live-only: `arn`, `role_id`, `tags` (None: not read).
    Desired-only: `source`. `policies` holds the ARNs of the attached managed policies."""

    name: str  # <tenant>/<template>
    role_name: str
    path: str
    trust_policy: Mapping[str, Any] = field(default_factory=dict)
    max_session_duration: int = 3600
    description: str = ""
    policies: tuple[str, ...] = ()
    source: Mapping[str, Any] | None = None
    arn: str | None = None
    role_id: str | None = None
    tags: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True, order=True)
class RolePolicy:
    """One managed policy attached to one role; shown (and keyed) by the policy's ARN.
    `owned`: the plan knows the role is the tool's (created by it, or its tags were read)."""

    policy_arn: str
    role_name: str
    path: str
    owned: bool = False

    def __str__(self) -> str:
        return self.policy_arn


@dataclass(frozen=True, slots=True)
class RoleSession:
    """What UpdateRole writes: the max session (and the description it must carry along)."""

    role_name: str
    max_session_duration: int
    description: str
    tags: Mapping[str, str] | None = None


class RoleAction(StrEnum):
    CREATE_ROLE = "create_role"  # after: IamRole
    UPDATE_TRUST = "update_role_trust"  # before: live IamRole, after: desired
    UPDATE_SESSION = "update_role_session"  # before/after: RoleSession
    ATTACH_ROLE_POLICY = "attach_role_policy"  # after: RolePolicy
    DETACH_ROLE_POLICY = "detach_role_policy"  # before: RolePolicy
    DELETE_ROLE = "delete_role"  # before: live IamRole


def tenant_of(name: str) -> str:
    return name.split("/", 1)[0]


def _canonical(document: Mapping[str, Any]) -> str:
    from reconciler.iam.documents import canonical_json

    return canonical_json(document)


def _tags(value: Mapping[str, str] | None) -> dict[str, str] | None:
    return None if value is None else dict(sorted(value.items()))


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("name", plan_key="name"),
    Attribute("role_name", plan_key="role_name", state_key="role_name"),
    Attribute("path", plan_key="path", state_key="path"),
    Attribute("arn", plan_key="arn"),
    Attribute("role_id", plan_key="role_id"),
    Attribute("description", plan_key="description", state_key="description"),
    Attribute("trust_policy", plan_key="trust_policy", encode=dict, decode=dict,
              state_key="trust_policy", state=lambda r: _canonical(r.trust_policy)),
    Attribute("source", plan_key="source"),
    Attribute("max_session_duration", plan_key="max_session_duration",
              state_key="max_session_duration"),
    Attribute("policies", plan_key="policies", encode=list, decode=tuple,
              state_key="policies", state=lambda r: sorted(r.policies)),
    Attribute("tags", plan_key="tags", encode=_tags, decode=_tags),
)


def _whole_encode(value: IamRole) -> dict[str, Any]:
    return IAM_ROLE.encode(value)


def _whole_decode(data: Mapping[str, Any]) -> IamRole:
    return IAM_ROLE.decode(data)  # type: ignore[no-any-return]


def _policy_encode(value: RolePolicy) -> dict[str, Any]:
    return {"policy_arn": value.policy_arn, "role_name": value.role_name, "path": value.path,
            "owned": value.owned}


def _policy_decode(data: Mapping[str, Any]) -> RolePolicy:
    return RolePolicy(data["policy_arn"], data["role_name"], data["path"],
                      bool(data.get("owned")))


def _session_encode(value: RoleSession) -> dict[str, Any]:
    return {"role_name": value.role_name, "max_session_duration": value.max_session_duration,
            "description": value.description, "tags": _tags(value.tags)}


def _session_decode(data: Mapping[str, Any]) -> RoleSession:
    return RoleSession(data["role_name"], int(data["max_session_duration"]),
                       data["description"], _tags(data.get("tags")))


def _writer(name: str) -> Any:
    def write(ctx: Any, change: Any) -> None:
        from reconciler.kinds import iam_role_write

        getattr(iam_role_write, name)(ctx, change)

    return write


A = RoleAction
ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(A.CREATE_ROLE, "add", 0, _writer("create"), whole=True,
               encode=_whole_encode, decode=_whole_decode),
    ActionSpec(A.UPDATE_TRUST, "change", 1, _writer("update_trust"),
               attribute="trust_policy", encode=_whole_encode, decode=_whole_decode),
    ActionSpec(A.UPDATE_SESSION, "change", 2, _writer("update_session"),
               attribute="max_session_duration", encode=_session_encode,
               decode=_session_decode),
    ActionSpec(A.ATTACH_ROLE_POLICY, "add", 3, _writer("attach"), attribute="policies",
               keyed=True, encode=_policy_encode, decode=_policy_decode),
    ActionSpec(A.DETACH_ROLE_POLICY, "destroy", 4, _writer("detach"), attribute="policies",
               keyed=True, encode=_policy_encode, decode=_policy_decode),
    ActionSpec(A.DELETE_ROLE, "destroy", 9, _writer("delete"), whole=True,
               encode=_whole_encode, decode=_whole_decode),
)

_read_op, _write_op = Permission.read, Permission.write
# the IAM calls of reconciler/aws/iam_role_read.py and iam_roles.py (creating with tags needs
# the Tag* action too)
OPERATIONS: Mapping[tuple[str, str], Permission] = {
    ("iam", "ListRoles"): _read_op("iam:ListRoles"),
    ("iam", "GetRole"): _read_op("iam:GetRole"),
    ("iam", "ListAttachedRolePolicies"): _read_op("iam:ListAttachedRolePolicies"),
    ("iam", "ListRolePolicies"): _read_op("iam:ListRolePolicies"),
    ("iam", "ListInstanceProfilesForRole"): _read_op("iam:ListInstanceProfilesForRole"),
    ("iam", "CreateRole"): _write_op("iam:CreateRole", "iam:TagRole"),
    ("iam", "UpdateAssumeRolePolicy"): _write_op("iam:UpdateAssumeRolePolicy"),
    ("iam", "UpdateRole"): _write_op("iam:UpdateRole"),
    ("iam", "AttachRolePolicy"): _write_op("iam:AttachRolePolicy"),
    ("iam", "DetachRolePolicy"): _write_op("iam:DetachRolePolicy"),
    ("iam", "DeleteRolePolicy"): _write_op("iam:DeleteRolePolicy"),
    ("iam", "RemoveRoleFromInstanceProfile"): _write_op("iam:RemoveRoleFromInstanceProfile"),
    ("iam", "DeleteRole"): _write_op("iam:DeleteRole"),
}


_PLAN = deferred("reconciler.kinds.iam_role_plan:plan_roles")
_EDGES = deferred("reconciler.kinds.iam_role_plan:role_edges")
_READ = deferred("reconciler.kinds.iam_role_plan:read_roles")
_IN_USE = deferred("reconciler.kinds.iam_role_plan:wants_roles")
_SHOW = deferred("reconciler.kinds.iam_role_plan:change_lines")
_EXPLAIN = deferred("reconciler.kinds.iam_role_plan:drift_text")


IAM_ROLE = Kind(
    name=KIND,
    type=IamRole,
    attributes=ATTRIBUTES,
    actions=ACTIONS,
    plan=_PLAN,
    edges=_EDGES,
    read=_READ,
    read_targeted=_READ,
    depends_on=("tenant", "iam_policy"),
    known_after_create=("arn",),
    tenant_of=tenant_of,
    operations=OPERATIONS,
    show_change=_SHOW,
    explain=_EXPLAIN,
    events=EventSource(iam_role_events.SOURCE, touched=iam_role_events.touched_roles,
                       region=iam_role_events.REGION, names=iam_role_events.ROLE_WRITES,
                       in_use=_IN_USE),
    in_use=_IN_USE,
)

__all__ = ["IAM_ROLE", "IamRole", "RoleAction", "RolePolicy", "RoleSession"]
