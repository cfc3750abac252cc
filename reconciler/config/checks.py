"""Cross-document rules: what no single value can know on its own.

References to tiers and IAM templates, ARNs against the configured region and account, renames,
the tenant quota, IAM placeholders, and the tag total once layers are merged. Each check returns
diagnostics; none stops the others.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.config import rules
from reconciler.config.iam_checks import IamChecker
from reconciler.config.models import ConfigFile, Profile, Settings
from reconciler.config.sourcemap import SourceMap, child_path
from reconciler.diagnostics import Diagnostic, Source
from reconciler.kinds.tenant import Tenant
from reconciler.state import KIND_BY_FIELD, ResourceKind, ResourceRef


@dataclass(frozen=True, slots=True)
class Declared:
    """Every name declared in the config, including entries that failed validation."""

    tenants: Collection[str]
    tiers: Collection[str]
    iam_templates: Collection[str]
    iam_roles: Collection[str] = ()


class Checker:
    def __init__(self, config: ConfigFile, declared: Declared, smap: SourceMap,
                 settings_valid: bool = True) -> None:
        self.config = config
        self.declared = declared
        self.smap = smap
        self.settings_valid = settings_valid
        self.found: list[Diagnostic] = []

    def error(self, path: str, message: str) -> None:
        self.found.append(Diagnostic(self.smap.locate(path), path, message))

    def run(self, resolved: Mapping[str, Tenant]) -> list[Diagnostic]:
        """Every cross-document problem of the (valid part of the) config, given its tenants
        already resolved; the tenant quota is skipped if settings are invalid. ARN scope is
        checked on the raw document instead (`arn_scope`), so that no entry escapes it."""
        for path, layer in self._layers():
            self._iam_refs(path, layer)
            self._ownership_tag(path, layer)
        self._tenants()
        self._role_refs()
        self._placeholders()
        self._tag_totals(resolved)
        return self.found + IamChecker(self.config, self.smap).run(resolved)

    def _layers(self) -> Iterator[tuple[str, Profile]]:
        yield "defaults", self.config.defaults
        for name, tier in self.config.tiers.items():
            yield child_path("tiers", name), tier
        for name, tenant in self.config.tenants.items():
            yield child_path("tenants", name), tenant

    def _unknown(self, path: str, what: str, name: str, known: Collection[str]) -> None:
        close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        self.error(path, f"unknown {what} {name!r}{hint}")

    def _iam_refs(self, path: str, layer: Profile) -> None:
        for i, name in enumerate(layer.iam):
            if name not in self.declared.iam_templates:
                self._unknown(child_path(f"{path}.iam", i), "IAM template", name,
                              self.declared.iam_templates)
        for name in layer.iam_attach:
            if name not in self.declared.iam_templates:
                self._unknown(child_path(f"{path}.iam_attach", name), "IAM template", name,
                              self.declared.iam_templates)
        for i, name in enumerate(layer.iam_roles):
            if name not in self.declared.iam_roles:
                self._unknown(child_path(f"{path}.iam_roles", i), "IAM role template", name,
                              self.declared.iam_roles)

    def _role_refs(self) -> None:
        for name, role in self.config.iam_roles.items():
            for i, template in enumerate(role.policies or ()):
                if template not in self.declared.iam_templates:
                    self._unknown(child_path(f"{child_path('iam_roles', name)}.policies", i),
                                  "IAM template", template, self.declared.iam_templates)

    def _ownership_tag(self, path: str, layer: Profile) -> None:
        key = self.config.settings.ownership.tag_key
        if key in layer.tags:
            self.error(child_path(f"{path}.tags", key),
                       f"tag {key!r} is reserved: it marks ownership and is added by the tool")

    def _tenants(self) -> None:
        declared = self.declared.tenants
        renamed: dict[str, str] = {}
        for name, tenant in self.config.tenants.items():
            path = child_path("tenants", name)
            if tenant.tier is not None and tenant.tier not in self.declared.tiers:
                self._unknown(f"{path}.tier", "tier", tenant.tier, self.declared.tiers)
            if tenant.adopt and tenant.external:
                self.error(f"{path}.external", "adopt and external cannot both be true: adopt "
                           "makes the tenant owned and fully managed, external keeps it someone "
                           "else's; keep one")
            old = tenant.renamed_from
            if old is None:
                continue
            if old in declared:
                self.error(f"{path}.renamed_from", f"renamed_from {old!r} names a tenant that is "
                           "still declared; remove the old tenant (a rename is a replace)")
            elif old in renamed:
                self.error(f"{path}.renamed_from",
                           f"tenant {renamed[old]!r} is already renamed from {old!r}")
            renamed.setdefault(old, name)
        limit = self.config.settings.max_tenants
        if self.settings_valid and len(declared) > limit:
            self.error("tenants", f"{len(declared)} tenants declared, more than "
                       f"settings.max_tenants ({limit})")

    def _placeholders(self) -> None:
        """In names; documents are checked rendered (`IamChecker`), leftovers included."""
        for name, template in self.config.iam_templates.items():
            path = child_path("iam_templates", name)
            self._scan(f"{path}.policy_name", template.policy_name)
            self._scan(f"{path}.attach", template.attach.model_dump())
        for name, role in self.config.iam_roles.items():
            self._scan(f"{child_path('iam_roles', name)}.role_name", role.role_name)
        for path, layer in self._layers():
            self._scan(f"{path}.iam_attach", {k: v.model_dump()
                                              for k, v in layer.iam_attach.items()})

    def _scan(self, path: str, value: Any) -> None:
        if isinstance(value, str):
            for bad in rules.unknown_placeholders(value):
                self.error(path, f"unknown placeholder ${{{bad}}} (allowed: "
                           + " ".join(f"${{{p}}}" for p in sorted(rules.PLACEHOLDERS)) + ")")
        elif isinstance(value, dict):
            for key, item in value.items():
                self._scan(child_path(path, key), item)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self._scan(child_path(path, i), item)

    def _tag_totals(self, resolved: Mapping[str, Tenant]) -> None:
        limit = rules.MAX_TAGS - 1
        for name, tenant in resolved.items():
            if len(tenant.tags) > limit:
                self.error(f"{child_path('tenants', name)}.tags",
                           f"{len(tenant.tags)} tags after merging defaults and tier, more than "
                           f"{limit} (SES allows {rules.MAX_TAGS}, one is the ownership tag)")


def arn_entries(merged: Mapping[str, Any]) -> Iterator[tuple[str, ResourceKind, str]]:
    """(path, kind, ARN) of every well-formed ARN under `resources` in defaults, tiers and tenants
    of the merged document, including entries that fail validation for another reason."""
    layers: list[tuple[str, Any]] = [("defaults", merged.get("defaults"))]
    for section in ("tiers", "tenants"):
        entries = merged.get(section)
        if isinstance(entries, dict):
            layers += [(child_path(section, name), entry) for name, entry in entries.items()]
    for path, layer in layers:
        resources = layer.get("resources") if isinstance(layer, dict) else None
        if not isinstance(resources, dict):
            continue
        for field, kind in KIND_BY_FIELD.items():
            values = resources.get(field)
            for i, value in enumerate(values if isinstance(values, list) else ()):
                if (isinstance(value, str) and value.startswith("arn:")
                        and rules.arn_error(value, kind) is None):
                    yield child_path(f"{path}.resources.{field}", i), kind, value


def _scope_settings(merged: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """(region, account id or None) as written, each only if valid; None without a region."""
    settings = merged.get("settings")
    settings = {} if settings is None else settings
    if not isinstance(settings, dict):
        return None
    region = settings.get("region", Settings.model_fields["region"].default)
    if not isinstance(region, str) or not rules.REGION_RE.fullmatch(region):
        return None
    account = settings.get("account_id")
    valid = isinstance(account, str) and rules.ACCOUNT_RE.fullmatch(account)
    return region, account if valid else None


def arn_scope(entries: Iterable[tuple[str, ResourceKind, str]], merged: Mapping[str, Any],
              smap: SourceMap) -> list[Diagnostic]:
    """ARNs outside the configured partition, region or (when set) account. Checked wherever a
    resource is declared, whatever else is wrong with the entry or the other settings."""
    scope = _scope_settings(merged)
    if scope is None:
        return []
    found = []
    for path, _, arn in entries:
        problem = rules.arn_scope_error(arn, *scope)
        if problem:
            found.append(Diagnostic(smap.locate(path), path, problem))
    return found


def arn_sources(entries: Iterable[tuple[str, ResourceKind, str]],
                smap: SourceMap) -> dict[ResourceRef, Source]:
    """The first place (in file order) each resource named by an ARN is written."""
    first: dict[ResourceRef, Source] = {}
    for path, kind, arn in entries:
        source = Source(smap.locate(path), path)
        ref = rules.to_ref(kind, arn)
        if ref not in first or source < first[ref]:
            first[ref] = source
    return first
