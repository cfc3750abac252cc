"""The object types shared by the desired and the live side.

Desired (from YAML) and Live (from the account) use the same object types (`Tenant`, in
`reconciler.kinds.tenant`, and each other kind's) and the same identity key, so the planner
diffs two mappings. Resource references are kept as (kind, name) rather than
ARNs: comparisons do not depend on the account, and ARNs are built at the edge from `ArnContext`.
A resource the config names by its full ARN, or one of another account or Region seen live, keeps
that whole ARN as its name, so it never passes for the local resource of the same name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from reconciler.diagnostics import Location, Source

if TYPE_CHECKING:
    from reconciler.kinds.tenant import Tenant

ReputationPolicy = Literal["none", "standard", "strict"]
SendingStatus = Literal["ENABLED", "DISABLED", "REINSTATED"]
SuppressionScope = Literal["TENANT", "ACCOUNT"]
SuppressionReason = Literal["BOUNCE", "COMPLAINT"]
Target = Literal["aws", "local"]
ResourceKind = Literal["identity", "configuration-set", "template"]

RESOURCE_KINDS: tuple[ResourceKind, ...] = ("identity", "configuration-set", "template")
# config key under `resources:` -> the resource kind it lists
KIND_BY_FIELD: Mapping[str, ResourceKind] = {
    "identities": "identity", "configuration_sets": "configuration-set", "templates": "template"}
# The defaults of a tenant that no config layer sets, and what SES reports for a fresh one.
DEFAULT_POLICY: ReputationPolicy = "standard"
DEFAULT_STATUS: SendingStatus = "ENABLED"
# settings.safety.max_pause_percent: owned tenants a plan may pause or set to `none` without --force
DEFAULT_MAX_PAUSE_PERCENT = 10.0


@dataclass(frozen=True, slots=True, order=True)
class Address:
    """Identity of one managed object: `tenant.Acme`, `association.Acme/identity/acme.com`..."""

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}.{self.name}"


@dataclass(frozen=True, slots=True)
class ArnContext:
    partition: str
    region: str
    account: str

    def resource_arn(self, ref: ResourceRef) -> str:
        return f"arn:{self.partition}:ses:{self.region}:{self.account}:{ref.kind}/{ref.name}"

    def localize(self, ref: ResourceRef) -> ResourceRef:
        """A ref named by an ARN of this partition, Region and account, as the bare name it
        means; any other ref unchanged (a foreign ARN never passes for a local resource)."""
        if not ref.name.startswith("arn:"):
            return ref
        try:
            bare = ResourceRef.from_arn(ref.name)
        except ValueError:
            return ref
        return bare if bare.kind == ref.kind and self.resource_arn(bare) == ref.name else ref

    def policy_arn(self, policy: ReputationPolicy) -> str:
        return f"arn:{self.partition}:ses:{self.region}:aws:reputation-policy/{policy}"


@dataclass(frozen=True, slots=True, order=True)
class ResourceRef:
    """An email identity, configuration set or email template, by ARN resource type and name."""

    kind: ResourceKind
    name: str

    def __str__(self) -> str:
        return f"{self.kind}/{self.name}"

    @classmethod
    def from_arn(cls, arn: str) -> ResourceRef:
        """Parse `arn:aws:ses:r:a:identity/example.com`; raises ValueError on anything else."""
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn" or parts[2] != "ses" or "/" not in parts[5]:
            raise ValueError(f"not an SES resource ARN: {arn}")
        kind, name = parts[5].split("/", 1)
        if kind not in RESOURCE_KINDS:
            raise ValueError(f"unsupported SES resource type {kind!r} in {arn}")
        return cls(kind, name)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Suppression:
    """A stored (scope, reasons) pair. `None` in `Tenant.suppression` means never set / cleared."""

    scope: SuppressionScope
    reasons: frozenset[str]


@dataclass(frozen=True, slots=True)
class LiveStatus:
    """What the account says about sending, beyond the customer-managed status we reconcile."""

    customer: SendingStatus | None = None  # None: never written by a customer
    aws: SendingStatus | None = None
    aggregate: str = DEFAULT_STATUS
    impact: str | None = None
    aws_cause: str | None = None
    customer_cause: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    region: str = "us-east-1"
    account_id: str | None = None
    target: Target = "aws"
    ownership_tag_key: str = "managed-by"
    ownership_tag_value: str = "ses-reconciler"
    prune: bool = False
    max_delete_percent: float = 10.0
    max_change_percent: float = 50.0
    max_tenants: int = 10_000
    lock_table: str | None = None  # DynamoDB table of the apply lease (target aws)
    min_tenants: int = 10  # the safety percentages apply from this many owned tenants
    max_pause_percent: float = DEFAULT_MAX_PAUSE_PERCENT
    iam_path: str = "/ses-reconciler/"  # IAM path of the policies and roles made here
    iam_extra_services: tuple[str, ...] = ()  # IAM prefixes accepted without botocore's model
    iam_trust_policy_max_chars: int = 2048  # the account's role trust policy quota
    drift_overlap_minutes: float = 15.0  # incremental drift: event-history delivery delay


PrincipalKind = Literal["role", "group", "user"]
PRINCIPAL_KINDS: tuple[PrincipalKind, ...] = ("role", "group", "user")


@dataclass(frozen=True, slots=True, order=True)
class Principal:
    """A role, group or user a managed policy is attached to; shown as `role/NAME`."""

    kind: PrincipalKind
    name: str

    def __str__(self) -> str:
        return f"{self.kind}/{self.name}"


@dataclass(frozen=True, slots=True, order=True)
class Attachments:
    """IAM principals a policy is attached to, by entity type, each sorted and unique: what
    the config declares (names may hold placeholders such as `${tenant.name}`, rendered per
    tenant like the policy itself) and what the account answers, in one shape."""

    roles: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    users: tuple[str, ...] = ()

    @classmethod
    def of(cls, principals: Iterable[Principal]) -> Attachments:
        found: dict[str, set[str]] = {kind: set() for kind in PRINCIPAL_KINDS}
        for principal in principals:
            found[principal.kind].add(principal.name)
        return cls(*(tuple(sorted(found[kind])) for kind in PRINCIPAL_KINDS))

    def principals(self) -> list[Principal]:
        return sorted([Principal("role", n) for n in self.roles]
                      + [Principal("group", n) for n in self.groups]
                      + [Principal("user", n) for n in self.users])

    def __or__(self, other: Attachments) -> Attachments:
        return Attachments.of([*self.principals(), *other.principals()])

    def __bool__(self) -> bool:
        return bool(self.roles or self.groups or self.users)


@dataclass(frozen=True, slots=True)
class IamTemplate:
    name: str
    policy_name: str
    document: Mapping[str, object]
    description: str = ""
    attach: Attachments = Attachments()  # for every tenant; a tenant may add (`iam_attach`)
    source: Location | None = None  # where the template is written (layout: not digested)


@dataclass(frozen=True, slots=True)
class IamRoleTemplate:
    """A role made once per tenant listing it (`iam_roles`), with some of the tenant's policies
    attached: what a customer in another account assumes to act as its tenant."""

    name: str
    role_name: str
    trust_policy: Mapping[str, object]
    path: str = "/ses-reconciler/"
    description: str = ""
    max_session_duration: int = 3600
    policies: tuple[str, ...] | None = None  # IAM template names; None: all of the tenant's


@dataclass(frozen=True, slots=True)
class Alerts:
    sns_topic: str
    subscriptions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Monitoring:
    """`monitoring.tenant_events`: the rule, log group, Logs resource policy and targets."""

    rule_name: str
    log_group: str
    retention_days: int | None = None
    kms_key_id: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    event_bus: str = "default"
    only_managed_tenants: bool = False
    policy_scope: Literal["log-group", "account"] = "log-group"
    policy_name: str = "ses-reconciler-tenant-events"
    policy_sid: str = "SesReconcilerTenantEvents"
    alerts: Alerts | None = None
    remove: bool = False


@dataclass(frozen=True, slots=True)
class Desired:
    """The resolved desired state: defaults -> tier -> tenant already applied.

    `digest` is a stable hash of the resolved content (not of file bytes), so reformatting YAML
    does not invalidate a saved plan while any semantic edit does.
    """

    settings: Settings
    tenants: Mapping[str, Tenant]
    iam_templates: Mapping[str, IamTemplate] = field(default_factory=dict)
    monitoring: Monitoring | None = None
    digest: str = ""
    # where each resource named by a full ARN was first written (layout, so not in the digest)
    arn_sources: Mapping[ResourceRef, Source] = field(default_factory=dict)
    iam_roles: Mapping[str, IamRoleTemplate] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AssociationReads:
    """How a full read got every tenant's associations, and the two estimates it compared:
    one ListTenantResources per tenant read, or the account's resource List walks plus
    ListResourceTenants pages for every resource (100 tenants a page, counted from the config)."""

    per_resource: bool
    per_tenant_calls: int
    per_resource_calls: int
    listed: bool  # the resources were enumerated (else the per-resource figure is a floor)


@dataclass(frozen=True, slots=True)
class Live:
    """What the reader saw. `scope` is None for a full read, else the tenant names it covered."""

    context: ArnContext
    tenants: Mapping[str, Tenant]
    missing_resources: frozenset[ResourceRef] = frozenset()
    scope: frozenset[str] | None = None
    # live tenants outside the config that were read (prune) and found not owned: left alone,
    # and said so in the plan; their details are not kept
    unowned: frozenset[str] = frozenset()
    # objects of the other kinds, kind -> name -> object (tenants are `tenants`)
    objects: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # IAM principals (`role/NAME`) a plan would attach a policy to, found missing
    missing_principals: frozenset[str] = frozenset()
    # identity name -> its default configuration set (None: none), for the identities the read
    # called GetEmailIdentity on; the others are unknown and absent
    identity_configuration_sets: Mapping[str, str | None] = field(default_factory=dict)
    # the full read's choice of association reads (None for a targeted read)
    association_reads: AssociationReads | None = None


class ChangedScope(frozenset[str | None]):
    """A tenant scope incremental drift found in event history: a kind may read only what
    belongs to these tenants (None: the account-level objects, touched too). A targeted
    plan's scope (`--only`, a saved plan's re-read) is a plain frozenset, for which a kind
    may have to read more (orphans keyed by tags)."""
