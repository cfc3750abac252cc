"""The config file model: what a user may write, with the single-value rules attached.

One model serves a single file and the merged whole, so every top-level section is optional.
Models are frozen, strict (YAML already gives types; `"5"` is not a number) and refuse unknown keys.
Rules that need another part of the config (references, ARN scope, tag totals) live in `checks`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from reconciler.config import rules
from reconciler.iam import names
from reconciler.state import (
    DEFAULT_MAX_PAUSE_PERCENT,
    DEFAULT_POLICY,
    DEFAULT_STATUS,
    ReputationPolicy,
    ResourceKind,
    SendingStatus,
    SuppressionReason,
    SuppressionScope,
    Target,
)


def _rule(check: Callable[[Any], str | None], code: str) -> AfterValidator:
    """Wrap a `rules` function as a validator whose message is the rule's own wording."""

    def validate(value: Any) -> Any:
        message = check(value)
        if message is not None:
            raise PydanticCustomError(code, message)
        return value

    return AfterValidator(validate)


def _name_schema(description: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,64}$",
                           "description": description})


def _resource(kind: ResourceKind) -> Any:
    return Annotated[str, _rule(lambda v: rules.resource_error(kind, v), "resource"),
                     WithJsonSchema({"type": "string", "description":
                                     f"{kind} name or full SES ARN"})]


TenantName = Annotated[str, _rule(rules.tenant_name_error, "tenant_name"),
                       _name_schema("SES tenant name")]
TierName = Annotated[str, _rule(lambda v: rules.tenant_name_error(v, "tier"), "tier_name"),
                     _name_schema("tier name")]
IamTemplateName = Annotated[
    str, _rule(lambda v: rules.tenant_name_error(v, "IAM template"), "iam_template_name"),
    _name_schema("IAM template name")]
IamRoleTemplateName = Annotated[
    str, _rule(lambda v: rules.tenant_name_error(v, "IAM role template"), "iam_template_name"),
    _name_schema("IAM role template name")]
TagKey = Annotated[str, _rule(rules.tag_key_error, "tag_key"),
                   WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 128,
                                   "pattern": "^(?![aA][wW][sS]:)"})]
TagValue = Annotated[str, _rule(rules.tag_value_error, "tag_value"),
                     WithJsonSchema({"type": "string", "maxLength": 256})]


def _tag_count(tags: dict[str, str]) -> str | None:
    if len(tags) > rules.MAX_TAGS:
        return f"{len(tags)} tags, more than the SES limit of {rules.MAX_TAGS}"
    return None


Tags = Annotated[dict[TagKey, TagValue], _rule(_tag_count, "tag_count"),
                 Field(description="Tags; merged defaults -> tier -> tenant, the tenant winning")]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Ownership(_Model):
    """The tag that marks a tenant as managed here; only owned tenants are ever deleted."""

    tag_key: Annotated[str, _rule(rules.tag_key_error, "tag_key")] = "managed-by"
    tag_value: Annotated[str, _rule(rules.tag_value_error, "tag_value")] = "ses-reconciler"


class Safety(_Model):
    """Above these shares of the owned tenants, a plan needs `--force`; the shares count only
    from `min_tenants` owned tenants (below it deletes still need `--allow-delete`)."""

    max_delete_percent: float = Field(10.0, ge=0, le=100)
    max_change_percent: float = Field(50.0, ge=0, le=100)
    min_tenants: int = Field(10, ge=0, description=(
        "the percentages apply only when at least this many owned tenants exist"))
    max_pause_percent: float = Field(DEFAULT_MAX_PAUSE_PERCENT, ge=0, le=100, description=(
        "owned tenants a plan may pause (DISABLED) or set to reputation policy none"))


class Lock(_Model):
    """Where `apply` takes its lease against AWS, so two applies never overlap."""

    dynamodb_table: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{3,255}$", description=(
        "DynamoDB table keyed LockID (string) holding one lease per account and region"))]


IamPath = Annotated[str, _rule(names.path_error, "iam_path"), WithJsonSchema({
    "type": "string", "pattern": "^(/|/[\\x21-\\x7e]+/)$", "maxLength": 512,
    "description": "IAM path: starts and ends with /"})]
IamPrincipalName = Annotated[str, Field(min_length=1, max_length=128, description=(
    "IAM role, group or user name; may hold placeholders such as ${tenant.name}"))]
IamServicePrefix = Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]


class IamSettings(_Model):
    """Where the IAM policies and roles made here live, and how their documents are checked."""

    path: IamPath = Field("/ses-reconciler/", description=(
        "IAM path of every policy and role made here; starts and ends with /"))
    extra_services: list[IamServicePrefix] = Field([], description=(
        "IAM service prefixes accepted with any action name: services botocore does not model, "
        "or permissions that are not API operations (s3:ListBucket)"))
    trust_policy_max_chars: int = Field(2048, ge=2048, le=4096, description=(
        "the account's role trust policy length quota (IAM default 2048, raisable to 4096)"))


class DriftSettings(_Model):
    """How incremental drift (`drift --since`/`--watermark`) reads CloudTrail event history."""

    history_overlap_minutes: float = Field(15, ge=0, le=1440, description=(
        "minutes the event-history window opens earlier than asked, because CloudTrail "
        "delivers events minutes after the call"))


class Settings(_Model):
    """Account-wide settings: where to reconcile and how carefully."""

    region: Annotated[str, Field(pattern=f"^{rules.REGION_RE.pattern}$")] = "us-east-1"
    account_id: Annotated[str, Field(pattern=f"^{rules.ACCOUNT_RE.pattern}$", description=(
        "guard: refuse to run against another account (quote it: \"0123...\")"))] | None = None
    target: Target = "aws"
    ownership: Ownership = Ownership()
    prune: bool = Field(False, description="delete owned tenants absent from the config")
    safety: Safety = Safety()
    max_tenants: int = Field(10_000, ge=1, description="the account's tenant quota")
    lock: Lock | None = Field(None, description="apply lock against AWS (--target local always "
                              "locks its state file)")
    iam: IamSettings = IamSettings()
    drift: DriftSettings = DriftSettings()


class Resources(_Model):
    """Resources associated with the tenant; layers are unioned (defaults, tier, tenant)."""

    identities: list[_resource("identity")] = []  # type: ignore[valid-type]
    configuration_sets: list[_resource("configuration-set")] = []  # type: ignore[valid-type]
    templates: list[_resource("template")] = []  # type: ignore[valid-type]


class SuppressionConfig(_Model):
    """Tenant suppression attributes; SES stores the pair whole, so both halves go together."""

    scope: SuppressionScope | None = None
    reasons: list[SuppressionReason] | None = None

    @model_validator(mode="after")
    def _pairing(self) -> SuppressionConfig:
        if self.reasons is not None and len(set(self.reasons)) != len(self.reasons):
            raise PydanticCustomError(
                "suppression", "each suppressed reason can only be specified at most once")
        if self.reasons is not None and self.scope is None:
            raise PydanticCustomError(
                "suppression", "reasons cannot be specified without scope (TENANT or ACCOUNT)")
        if self.scope is not None and self.reasons is None:
            raise PydanticCustomError(
                "suppression", "scope cannot be specified without reasons (use [] for none)")
        return self


class Attach(_Model):
    """IAM principals a policy is attached to, by entity type (existing roles, groups, users)."""

    roles: list[IamPrincipalName] = []
    groups: list[IamPrincipalName] = []
    users: list[IamPrincipalName] = []


class Profile(_Model):
    """Attributes shared by defaults, tiers and tenants. Only keys actually written override."""

    tags: Tags = {}
    resources: Resources = Resources()
    reputation_policy: ReputationPolicy = DEFAULT_POLICY
    sending_status: SendingStatus = DEFAULT_STATUS
    suppression: SuppressionConfig | None = None
    iam: list[IamTemplateName] = Field([], description="IAM template names; layers are unioned")
    iam_attach: dict[IamTemplateName, Attach] = Field({}, description=(
        "principals this tenant's policy of each IAM template is also attached to; unioned"))
    iam_roles: list[IamRoleTemplateName] = Field([], description=(
        "IAM role template names (iam_roles section); layers are unioned"))
    protect: bool = Field(False, description="never delete this tenant, whatever prune says")


class Tier(Profile):
    """A named set of attributes that tenants start from (`tier: NAME`)."""


class TenantConfig(Profile):
    """One SES tenant: defaults, then its tier, then what it writes itself."""

    tier: TierName | None = None
    renamed_from: TenantName | None = Field(None, description=(
        "old name of this tenant: a rename is a replace (new tenant, fresh reputation)"))
    adopt: bool = Field(False, description=(
        "the tenant exists without the ownership tag: add the tag and manage it fully"))
    external: bool = Field(False, description=(
        "the tenant belongs to someone else: only add what this entry declares, never remove, "
        "never delete, never tag it as ours"))


class IamTemplateConfig(_Model):
    """An IAM policy rendered once for every tenant that lists this template under `iam`."""

    policy_name: Annotated[str, Field(min_length=1, max_length=128)]
    description: str = ""
    document: dict[str, Any] = Field(description=(
        "IAM policy document; placeholders: ${tenant.name} ${tenant.id} ${tenant.arn} "
        "${account_id} ${region} ${partition}"))
    attach: Attach = Field(Attach(), description=(
        "principals every tenant's policy of this template is attached to"))


class IamRoleConfig(_Model):
    """An IAM role made once for every tenant that lists this role template under `iam_roles`."""

    role_name: Annotated[str, Field(min_length=1, max_length=64, description=(
        "role name; placeholders as in policy_name"))]
    path: IamPath | None = Field(None, description="IAM path (default: settings.iam.path)")
    description: Annotated[str, Field(max_length=1000)] = ""
    trust_policy: dict[str, Any] = Field(description=(
        "who may assume the role (Principal, sts:AssumeRole); placeholders allowed"))
    max_session_duration: Annotated[int, Field(ge=3600, le=43200, description=(
        "seconds, 3600-43200"))] = 3600
    policies: list[IamTemplateName] | None = Field(None, description=(
        "IAM templates of the tenant attached to the role (default: all the tenant lists)"))


class LogsPolicyConfig(_Model):
    """Where the statement letting EventBridge write to the log group lives: a policy on the
    group itself (outside the account's limit of 10), or merged into an account-level one."""

    scope: Literal["log-group", "account"] = "log-group"
    name: Annotated[str, Field(min_length=1, max_length=255)] = "ses-reconciler-tenant-events"
    sid: Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,100}$")] = "SesReconcilerTenantEvents"


class AlertsConfig(_Model):
    """An SNS topic the tenant-events rule publishes to, and who is told."""

    sns_topic: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,256}$")]
    subscriptions: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]] = Field(
        [], description="e-mail addresses subscribed to the topic")


class TenantEvents(_Model):
    """The EventBridge rule and CloudWatch log group that record tenant status changes."""

    rule_name: Annotated[str, Field(pattern=f"^{rules.RULE_NAME_RE.pattern}$")] = (
        "SESTenantStatusMonitor")
    log_group: Annotated[str, Field(pattern=f"^{rules.LOG_GROUP_RE.pattern}$")] = (
        "/aws/ses/tenants")
    retention_days: Annotated[int, _rule(
        lambda v: None if v in rules.RETENTION_DAYS else
        f"retention_days must be one of {', '.join(map(str, rules.RETENTION_DAYS))}",
        "retention_days"), WithJsonSchema({"enum": list(rules.RETENTION_DAYS)})] | None = None
    kms_key_id: Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/.+$",
                                     max_length=256, description=(
        "ARN of the KMS key that encrypts the log group (the form DescribeLogGroups returns)"
    ))] | None = None
    tags: Tags = Field({}, description=(
        "tags of the log group, rule and topic (the ownership tag is added)"))
    event_bus: Annotated[str, Field(pattern=r"^[/.\-_A-Za-z0-9]{1,256}$")] = Field(
        "default", description="event bus of the rule (SES sends to the default bus)")
    only_managed_tenants: bool = Field(False, description=(
        "narrow the rule's pattern to the ARNs of the tenants in the config"))
    resource_policy: LogsPolicyConfig = Field(LogsPolicyConfig(), description=(
        "the Logs resource policy letting EventBridge write to the log group"))
    alerts: AlertsConfig | None = Field(None, description=(
        "an SNS topic the rule also targets, with e-mail subscriptions"))
    remove: bool = Field(False, description=(
        "delete the owned rule, targets, topic, policy statement and log group named here"))


class MonitoringConfig(_Model):
    """Monitoring resources managed next to the tenants."""

    tenant_events: TenantEvents | None = None


class ConfigFile(_Model):
    """One config file, or all of them merged. Every section is optional."""

    settings: Settings = Settings()
    defaults: Profile = Profile()
    tiers: dict[TierName, Tier] = {}
    tenants: dict[TenantName, TenantConfig] = {}
    iam_templates: dict[IamTemplateName, IamTemplateConfig] = {}
    iam_roles: dict[IamRoleTemplateName, IamRoleConfig] = {}
    monitoring: MonitoringConfig | None = None


SINGLE_SECTIONS = ("settings", "defaults", "monitoring")
NAMED_SECTIONS = {"tiers": "tier", "tenants": "tenant", "iam_templates": "IAM template",
                  "iam_roles": "IAM role template"}
