"""Resolution: defaults -> tier -> tenant, into the shared `Desired` type, plus its digest.

Scalars override only where a layer actually wrote them (`model_fields_set`), so a tier's
`reputation_policy` survives a tenant that does not mention it; resources and IAM templates are
unioned; tags merge by key with the most specific layer winning.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.config.models import (
    Attach,
    ConfigFile,
    IamRoleConfig,
    Profile,
    TenantConfig,
    TenantEvents,
)
from reconciler.config.rules import partition_of, to_ref
from reconciler.diagnostics import Location, Source
from reconciler.kinds.tenant import TENANT, Tenant
from reconciler.state import (
    KIND_BY_FIELD,
    Alerts,
    ArnContext,
    Attachments,
    Desired,
    IamRoleTemplate,
    IamTemplate,
    Monitoring,
    ResourceRef,
    Settings,
)

_SCALARS = tuple(a for a in TENANT.attributes if a.layer == "scalar")
_RECONCILED_SCALARS = frozenset(a.name for a in _SCALARS if a.reconciled)


def _layer_resources(layer: Profile) -> set[ResourceRef]:
    res = layer.resources
    refs = {to_ref(KIND_BY_FIELD["identities"], v) for v in res.identities}
    refs.update(to_ref(KIND_BY_FIELD["configuration_sets"], v) for v in res.configuration_sets)
    refs.update(to_ref(KIND_BY_FIELD["templates"], v) for v in res.templates)
    return refs


def attachments(config: Attach) -> Attachments:
    return Attachments(tuple(sorted(set(config.roles))), tuple(sorted(set(config.groups))),
                       tuple(sorted(set(config.users))))


def _merge_attach(before: Mapping[str, Attachments],
                  layer: Mapping[str, Attach]) -> Mapping[str, Attachments]:
    if not layer:
        return before
    merged = dict(before)
    for template, attach in layer.items():
        merged[template] = merged.get(template, Attachments()) | attachments(attach)
    return merged


@dataclass(frozen=True, slots=True)
class _Layers:
    """What a stack of layers adds up to so far."""

    scalars: Mapping[str, Any] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    resources: frozenset[ResourceRef] = frozenset()
    iam: frozenset[str] = frozenset()
    iam_attach: Mapping[str, Attachments] = field(default_factory=dict)
    iam_roles: frozenset[str] = frozenset()

    def then(self, layer: Profile) -> _Layers:
        written = layer.model_fields_set
        scalars = dict(self.scalars)
        for attribute in _SCALARS:
            if attribute.name in written:
                scalars[attribute.name] = getattr(layer, attribute.name)
        return _Layers(scalars, {**self.tags, **layer.tags},
                       self.resources | _layer_resources(layer), self.iam | set(layer.iam),
                       _merge_attach(self.iam_attach, layer.iam_attach),
                       self.iam_roles | set(layer.iam_roles))


class TenantResolver:
    """Applies defaults -> tier -> tenant. Each tier is layered once, not once per tenant.

    An unknown tier is skipped here (`checks` reports it), so resolution never fails.
    """

    def __init__(self, defaults: Profile, tiers: Mapping[str, Profile]) -> None:
        self._tiers = tiers
        self._bases: dict[str | None, _Layers] = {None: _Layers().then(defaults)}

    def _base(self, tier: str | None) -> _Layers:
        base = self._bases.get(tier)
        if base is None:
            layer = self._tiers.get(tier) if tier else None
            base = self._bases[None] if layer is None else self._bases[None].then(layer)
            self._bases[tier] = base
        return base

    def __call__(self, name: str, config: TenantConfig, source: Location | None) -> Tenant:
        done = self._base(config.tier).then(config)
        scalars = done.scalars
        return Tenant(
            name=name,
            tags=dict(sorted(done.tags.items())),
            resources=done.resources,
            **{a.name: a.from_config(scalars[a.name]) if a.name in scalars else a.default
               for a in _SCALARS},
            iam=tuple(sorted(done.iam)),
            iam_attach=dict(sorted(done.iam_attach.items())),
            iam_roles=tuple(sorted(done.iam_roles)),
            replaces=config.renamed_from,
            adopt=config.adopt,
            external=config.external,
            source=source,
            declared=_RECONCILED_SCALARS.intersection(scalars),
        )


def resolve_settings(config: ConfigFile) -> Settings:
    s = config.settings
    return Settings(
        region=s.region, account_id=s.account_id, target=s.target,
        ownership_tag_key=s.ownership.tag_key, ownership_tag_value=s.ownership.tag_value,
        prune=s.prune, max_delete_percent=s.safety.max_delete_percent,
        max_change_percent=s.safety.max_change_percent, max_tenants=s.max_tenants,
        min_tenants=s.safety.min_tenants, max_pause_percent=s.safety.max_pause_percent,
        lock_table=s.lock.dynamodb_table if s.lock is not None else None,
        iam_path=s.iam.path, iam_extra_services=tuple(sorted(set(s.iam.extra_services))),
        iam_trust_policy_max_chars=s.iam.trust_policy_max_chars,
        drift_overlap_minutes=float(s.drift.history_overlap_minutes))


def _role(name: str, role: IamRoleConfig, settings: Settings) -> IamRoleTemplate:
    return IamRoleTemplate(
        name=name, role_name=role.role_name, trust_policy=role.trust_policy,
        path=role.path or settings.iam_path, description=role.description,
        max_session_duration=role.max_session_duration,
        policies=None if role.policies is None else tuple(sorted(set(role.policies))))


def _attach_doc(a: Attachments) -> list[list[str]]:
    return [list(a.roles), list(a.groups), list(a.users)]


def _home(settings: Settings) -> ArnContext | None:
    """The account and Region the settings name, when they name both."""
    if settings.account_id is None:
        return None
    return ArnContext(partition_of(settings.region), settings.region, settings.account_id)


def digest(desired: Desired) -> str:
    """sha256 of a canonical JSON of the resolved content: blind to layout, not to meaning.

    An ARN of the configured account and Region means its bare name (a run elsewhere refuses
    it), so writing one or the other does not change the digest.
    """
    mon = desired.monitoring
    home = _home(desired.settings)
    doc = {
        "settings": {f: getattr(desired.settings, f) for f in Settings.__slots__},
        "iam_templates": {n: [t.policy_name, t.description, t.document, _attach_doc(t.attach)]
                          for n, t in desired.iam_templates.items()},
        "iam_roles": {n: [r.role_name, r.path, r.description, r.trust_policy,
                          r.max_session_duration, r.policies]
                      for n, r in desired.iam_roles.items()},
        "monitoring": None if mon is None else _monitoring_doc(mon),
    }
    # The JSON of `doc` plus "tenants" (the last key in sorted order), hashed tenant by tenant
    # so that 100,000 tenants are never one document or one string in memory.
    sha = hashlib.sha256(_canonical(doc)[:-1].encode() + b',"tenants":{')
    for i, name in enumerate(sorted(desired.tenants)):
        entry = _canonical(name) + ":" + _canonical(TENANT.digest(desired.tenants[name], home))
        sha.update(("," if i else "").encode() + entry.encode())
    sha.update(b"}}")
    return sha.hexdigest()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _monitoring(events: TenantEvents) -> Monitoring:
    policy, alerts = events.resource_policy, events.alerts
    return Monitoring(
        events.rule_name, events.log_group, events.retention_days, events.kms_key_id,
        dict(sorted(events.tags.items())), events.event_bus, events.only_managed_tenants,
        policy.scope, policy.name, policy.sid,
        None if alerts is None else Alerts(alerts.sns_topic, tuple(alerts.subscriptions)),
        events.remove)


def _monitoring_doc(mon: Monitoring) -> list[Any]:
    """The first three fields as before (a config that sets only them keeps its digest)."""
    doc: list[Any] = [mon.rule_name, mon.log_group, mon.retention_days]
    extra = [mon.kms_key_id, dict(mon.tags), mon.event_bus, mon.only_managed_tenants,
             mon.policy_scope, mon.policy_name, mon.policy_sid,
             None if mon.alerts is None else [mon.alerts.sns_topic,
                                               list(mon.alerts.subscriptions)], mon.remove]
    return doc if extra == [None, {}, *_DEFAULT_EXTRA] else [*doc, *extra]


_DEFAULT_EXTRA = ["default", False, "log-group", "ses-reconciler-tenant-events",
                  "SesReconcilerTenantEvents", None, False]


def resolve(config: ConfigFile, tenants: Mapping[str, Tenant],
            arn_sources: Mapping[ResourceRef, Source] | None = None,
            template_sources: Mapping[str, Location] | None = None) -> Desired:
    """The `Desired` of a valid config whose tenants were already resolved; `arn_sources` and
    `template_sources` say where each resource named by its ARN and each IAM template was
    written (for run-time refusals)."""
    events = config.monitoring.tenant_events if config.monitoring else None
    settings = resolve_settings(config)
    desired = Desired(
        settings=settings,
        tenants=dict(sorted(tenants.items())),
        iam_templates={name: IamTemplate(name, t.policy_name, t.document, t.description,
                                         attachments(t.attach),
                                         (template_sources or {}).get(name))
                       for name, t in sorted(config.iam_templates.items())},
        monitoring=None if events is None else _monitoring(events),
        iam_roles={name: _role(name, r, settings) for name, r in sorted(config.iam_roles.items())},
    )
    return Desired(desired.settings, desired.tenants, desired.iam_templates,
                   desired.monitoring, digest(desired), dict(sorted((arn_sources or {}).items())),
                   desired.iam_roles)
