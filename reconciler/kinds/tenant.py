"""The tenant kind: an SES v2 tenant, its tags, reputation, status, suppression and associations.

Key: the tenant name; known after create: id and ARN. The `Tenant` type and the attribute
table below are the one place a tenant attribute is declared; the plan codec, the saved-plan
fingerprint, the config digest, resolution, `import`, planning and the renderers all read it.
The planning rules (ownership, adopt/external, renames, prune) are in
`reconciler.kinds.tenant_plan`; the SES calls of its reads and writes are in
`reconciler.aws.readers`, `reconciler.aws.inventory` and `reconciler.aws.writers`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from reconciler.aws import writers
from reconciler.aws.wire import (
    policy_from_arn,
    status_from_entity,
    suppression_from_wire,
    tags_from_wire,
)
from reconciler.diagnostics import Location
from reconciler.kinds import tenant_events
from reconciler.kinds.base import (
    OMIT,
    ActionSpec,
    Attribute,
    EventSource,
    Kind,
    Permission,
    Sync,
    deferred,
    digest_as,
    plain,
)
from reconciler.state import (
    DEFAULT_POLICY,
    DEFAULT_STATUS,
    KIND_BY_FIELD,
    ArnContext,
    Attachments,
    LiveStatus,
    ReputationPolicy,
    ResourceRef,
    SendingStatus,
    Settings,
    Suppression,
)

KIND = "tenant"
OWNERSHIP = "ownership"  # what an adoption changes, as drift names it
RESERVED_TAG_PREFIX = "aws:"


@dataclass(frozen=True, slots=True)
class Tenant:
    """One tenant, desired or live.

    Live-only fields (`tenant_id`, `arn`, `created`, `status`) are None on the desired side;
    desired-only fields (`protect`, `iam`, `iam_attach`, `iam_roles`, `replaces`, `adopt`,
    `external`, `source`) keep their defaults on the live side. `sending_status` on the live
    side is the customer-managed status (None read as ENABLED).
    """

    name: str
    tags: Mapping[str, str] = field(default_factory=dict)
    resources: frozenset[ResourceRef] = frozenset()
    reputation_policy: ReputationPolicy = DEFAULT_POLICY
    sending_status: SendingStatus = DEFAULT_STATUS
    suppression: Suppression | None = None
    protect: bool = False
    iam: tuple[str, ...] = ()
    # desired: principals this tenant adds to its policies, by IAM template name
    iam_attach: Mapping[str, Attachments] = field(default_factory=dict)
    iam_roles: tuple[str, ...] = ()  # desired: IAM role template names
    replaces: str | None = None  # desired: the old name this tenant is a rename of
    adopt: bool = False  # desired: take over an existing tenant without the ownership tag
    external: bool = False  # desired: never owned; only what the entry declares is added
    # desired: the scalars some config layer wrote; an unowned tenant is changed only in these
    declared: frozenset[str] = frozenset()
    source: Location | None = None
    tenant_id: str | None = None
    arn: str | None = None
    created: float | None = None
    status: LiveStatus | None = None


def encode_attachments(attach: Mapping[str, Attachments]) -> dict[str, list[list[str]]]:
    """Per IAM template, the roles, groups and users the tenant adds (digest form)."""
    return {k: [list(a.roles), list(a.groups), list(a.users)] for k, a in sorted(attach.items())}


class TenantAction(StrEnum):
    """The tenant's actions. `before`/`after` hold plain values, as noted per member.

    UPDATE_TAGS carries the whole tag map on both sides (`aws:` keys excluded): the executor
    untags keys of `before` missing from `after`, then tags the items of `after` that differ.
    """

    CREATE_TENANT = "create_tenant"  # after: Tenant (tags + suppression ride on CreateTenant)
    DELETE_TENANT = "delete_tenant"  # before: Tenant
    UPDATE_TAGS = "update_tags"  # before/after: dict[str, str]
    # before/after: dict[str, str] like UPDATE_TAGS; `after` adds the ownership tag (adopt: true)
    ADOPT_TENANT = "adopt_tenant"
    ASSOCIATE = "associate"  # after: ResourceRef
    DISASSOCIATE = "disassociate"  # before: ResourceRef
    SET_POLICY = "set_policy"  # before/after: ReputationPolicy
    SET_STATUS = "set_status"  # before/after: SendingStatus
    SET_SUPPRESSION = "set_suppression"  # before/after: Suppression | None


A = TenantAction


def q(value: str | None) -> str:
    """A scalar as the renderers show it."""
    return "(never set)" if value is None else json.dumps(value, ensure_ascii=False)


def protect_tag_key(settings: Settings) -> str:
    """The live tag that keeps a tenant protected after its config file is removed."""
    return f"{settings.ownership_tag_key}:protect"


def user_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """Tags sorted by key without the reserved `aws:` ones, which no caller may write."""
    return {k: tags[k] for k in sorted(tags) if not k.startswith(RESERVED_TAG_PREFIX)}


def sorted_map(value: Mapping[str, str]) -> dict[str, str]:
    return {k: value[k] for k in sorted(value)}


def encode_ref(ref: ResourceRef) -> str:
    return str(ref)


def decode_ref(text: str) -> ResourceRef:
    kind, name = text.split("/", 1)
    return ResourceRef(kind, name)  # type: ignore[arg-type]


def encode_suppression(value: Suppression | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"scope": value.scope, "reasons": sorted(value.reasons)}


def decode_suppression(data: dict[str, Any] | None) -> Suppression | None:
    if data is None:
        return None
    return Suppression(data["scope"], frozenset(data["reasons"]))


def suppression_from_config(config: Any) -> Suppression | None:
    """A `SuppressionConfig` as the stored pair; a half-written one means none."""
    if config is None or config.scope is None or config.reasons is None:
        return None
    return Suppression(config.scope, frozenset(config.reasons))


def fmt_suppression(value: Suppression | None) -> str:
    if value is None:
        return "(none)"
    return f"{value.scope} [{', '.join(sorted(value.reasons))}]"


def customer_status(live: Tenant) -> Any:
    """The customer-managed status; None when no customer ever wrote one."""
    if live.status is not None:
        return live.status.customer
    return live.sending_status


def _resources_digest(refs: frozenset[ResourceRef], home: ArnContext | None) -> list[str]:
    local = refs if home is None else {home.localize(r) for r in refs}
    return sorted(str(r) for r in local)


def _imported_tags(tenant: Tenant, settings: Settings) -> Any:
    """User tags without the ownership tag and the protect tag (written as `protect`)."""
    tags = user_tags(tenant.tags)
    tags.pop(settings.ownership_tag_key, None)
    if tags.get(protect_tag_key(settings)) == "true":
        del tags[protect_tag_key(settings)]
    return tags or OMIT


def _imported_resources(tenant: Tenant, settings: Settings) -> Any:
    out: dict[str, list[str]] = {}
    for key, kind in KIND_BY_FIELD.items():
        names = sorted(r.name for r in tenant.resources if r.kind == kind)
        if names:
            out[key] = names
    return out or OMIT


def _status_sync(desired: Any, live: Tenant) -> Sync:
    from reconciler.kinds.tenant_diff import decide_status

    status = decide_status(desired, live)
    return Sync(status.write is not None, customer_status(live), status.write, status.notice)


def _status_at_create(value: Any) -> Sync:
    """A new tenant sends; only DISABLED needs a write (REINSTATED means nothing yet)."""
    return Sync(value == "DISABLED", None, "DISABLED")


def _imported_status(tenant: Tenant, settings: Settings) -> Any:
    status = customer_status(tenant)
    return OMIT if status is None else status


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("name", plan_key="name"),
    Attribute("tenant_id", plan_key="id", state_key="id"),
    Attribute("arn", plan_key="arn"),
    Attribute("tags", default={}, plan_key="tags", encode=sorted_map, decode=dict,
              state_key="tags", state=lambda t: sorted(t.tags.items()), digest=digest_as(plain),
              layer="merge", label="tags", action=A.UPDATE_TAGS, rank=1,
              write=writers.update_tags, imported=_imported_tags),
    Attribute("resources", default=frozenset(), plan_key="resources",
              encode=lambda refs: [str(r) for r in sorted(refs)],
              decode=lambda items: frozenset(decode_ref(r) for r in items),
              state_key="resources", state=lambda t: sorted(str(r) for r in t.resources),
              digest=_resources_digest, layer="union", label="resources",
              imported=_imported_resources),
    Attribute("reputation_policy", default=DEFAULT_POLICY, plan_key="reputation_policy",
              state_key="policy", digest=digest_as(plain), layer="scalar", reconciled=True,
              label="reputation_policy", show=q, action=A.SET_POLICY, rank=3,
              write=writers.set_policy, imported=lambda t, s: t.reputation_policy,
              read=lambda wire, entity, status: policy_from_arn(
                  (entity or {}).get("ReputationManagementPolicy"))),
    Attribute("sending_status", default=DEFAULT_STATUS, plan_key="sending_status",
              state_key="customer_status", state=customer_status, digest=digest_as(plain),
              layer="scalar", reconciled=True, label="sending_status", show=q,
              action=A.SET_STATUS, rank=4, write=writers.set_status, imported=_imported_status,
              read=lambda wire, entity, status: status.customer or DEFAULT_STATUS,
              sync=_status_sync, create=_status_at_create),
    Attribute("suppression", plan_key="suppression", encode=encode_suppression,
              decode=decode_suppression, state_key="suppression",
              state=lambda t: encode_suppression(t.suppression),
              digest=digest_as(lambda v: None if v is None else [v.scope, sorted(v.reasons)]),
              layer="scalar", from_config=suppression_from_config, reconciled=True,
              label="suppression", show=fmt_suppression, action=A.SET_SUPPRESSION, rank=2,
              write=writers.set_suppression,
              imported=lambda t, s: encode_suppression(t.suppression),
              read=lambda wire, entity, status: suppression_from_wire(
                  wire.get("SuppressionAttributes")),
              create="rides"),
    Attribute("protect", default=False, plan_key="protect", digest=digest_as(plain),
              layer="scalar",
              imported=lambda t, s: True if t.tags.get(protect_tag_key(s)) == "true" else OMIT),
    Attribute("replaces", plan_key="replaces", digest=digest_as(plain)),
    Attribute("iam", default=(), digest=digest_as(list), layer="union"),
    Attribute("iam_attach", default={}, digest=digest_as(encode_attachments), layer="union"),
    Attribute("iam_roles", default=(), digest=digest_as(list), layer="union"),
    Attribute("adopt", default=False, digest=digest_as(plain)),
    Attribute("external", default=False, digest=digest_as(plain)),
    Attribute("declared", default=frozenset(), digest=digest_as(sorted)),
)

def _whole_encode(value: Tenant) -> dict[str, Any]:
    return TENANT.encode(value)


def _whole_decode(data: Mapping[str, Any]) -> Tenant:
    return TENANT.decode(data)  # type: ignore[no-any-return]


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(A.CREATE_TENANT, "add", 0, writers.create_tenant, whole=True,
               encode=_whole_encode, decode=_whole_decode),
    *(ActionSpec(a.action, "change", a.rank, a.write, attribute=a.name, encode=a.encode,
                 decode=a.decode)
      for a in ATTRIBUTES if a.action is not None and a.write is not None),
    ActionSpec(A.ADOPT_TENANT, "change", 1, writers.update_tags, attribute=OWNERSHIP,
               encode=sorted_map, decode=dict),
    ActionSpec(A.ASSOCIATE, "add", 5, writers.associate, attribute="resources", keyed=True,
               encode=encode_ref, decode=decode_ref),
    ActionSpec(A.DISASSOCIATE, "destroy", 6, writers.disassociate, attribute="resources",
               keyed=True, encode=encode_ref, decode=decode_ref),
    ActionSpec(A.DELETE_TENANT, "destroy", 7, writers.delete_tenant, whole=True,
               encode=_whole_encode, decode=_whole_decode),
)


def from_wire(wire: Mapping[str, Any], entity: Mapping[str, Any] | None,
              resources: frozenset[ResourceRef]) -> Tenant:
    """A live tenant from GetTenant's `Tenant`, its reputation entity and its associations;
    each attribute with a `read` facet reads its own value."""
    status = status_from_entity(entity, wire.get("SendingStatus"))
    return Tenant(
        name=wire["TenantName"],
        tags=tags_from_wire(wire.get("Tags")),
        resources=resources,
        tenant_id=wire.get("TenantId"),
        arn=wire.get("TenantArn"),
        created=_epoch(wire.get("CreatedTimestamp")),
        status=status,
        **{a.name: a.read(wire, entity, status) for a in ATTRIBUTES if a.read is not None},
    )


def _epoch(value: Any) -> float | None:
    if value is None:
        return None
    return value.timestamp() if hasattr(value, "timestamp") else float(value)


_read_op, _write_op = Permission.read, Permission.write
# every SES v2 call the tenant's reads (readers, inventory) and writes make
OPERATIONS: Mapping[tuple[str, str], Permission] = {
    ("sesv2", "ListTenants"): _read_op("ses:ListTenants"),
    ("sesv2", "GetTenant"): _read_op("ses:GetTenant"),
    ("sesv2", "ListTenantResources"): _read_op("ses:ListTenantResources"),
    ("sesv2", "GetReputationEntity"): _read_op("ses:GetReputationEntity"),
    ("sesv2", "ListReputationEntities"): _read_op("ses:ListReputationEntities"),
    # inventory: associations by resource, and whether referenced resources exist
    ("sesv2", "ListResourceTenants"): _read_op("ses:ListResourceTenants"),
    ("sesv2", "GetEmailIdentity"): _read_op("ses:GetEmailIdentity"),
    ("sesv2", "GetConfigurationSet"): _read_op("ses:GetConfigurationSet"),
    ("sesv2", "GetEmailTemplate"): _read_op("ses:GetEmailTemplate"),
    ("sesv2", "ListEmailIdentities"): _read_op("ses:ListEmailIdentities"),
    ("sesv2", "ListConfigurationSets"): _read_op("ses:ListConfigurationSets"),
    ("sesv2", "ListEmailTemplates"): _read_op("ses:ListEmailTemplates"),
    ("sesv2", "CreateTenant"): _write_op("ses:CreateTenant"),
    ("sesv2", "DeleteTenant"): _write_op("ses:DeleteTenant"),
    ("sesv2", "TagResource"): _write_op("ses:TagResource"),
    ("sesv2", "UntagResource"): _write_op("ses:UntagResource"),
    ("sesv2", "CreateTenantResourceAssociation"): _write_op(
        "ses:CreateTenantResourceAssociation"),
    ("sesv2", "DeleteTenantResourceAssociation"): _write_op(
        "ses:DeleteTenantResourceAssociation"),
    ("sesv2", "UpdateReputationEntityPolicy"): _write_op("ses:UpdateReputationEntityPolicy"),
    ("sesv2", "UpdateReputationEntityCustomerManagedStatus"): _write_op(
        "ses:UpdateReputationEntityCustomerManagedStatus"),
    ("sesv2", "PutTenantSuppressionAttributes"): _write_op("ses:PutTenantSuppressionAttributes"),
}


_PLAN = deferred("reconciler.kinds.tenant_plan:plan_tenants")
_EDGES = deferred("reconciler.kinds.tenant_plan:tenant_edges")
_READ = deferred("reconciler.aws.readers:read_live")


TENANT = Kind(
    name=KIND,
    type=Tenant,
    attributes=ATTRIBUTES,
    actions=ACTIONS,
    plan=_PLAN,
    edges=_EDGES,
    read=_READ,
    read_targeted=_READ,
    known_after_create=("arn", "id"),
    operations=OPERATIONS,
    events=EventSource(tenant_events.SOURCE, touched=tenant_events.touched_tenants),
)
