"""Cross-document rules: what no single value can know on its own.

References to tiers and IAM templates, ARNs against the configured region and account, renames,
the tenant quota, IAM placeholders, and the tag total once layers are merged. Each check returns
diagnostics; none stops the others.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.config import rules
from reconciler.config.models import ConfigFile, Profile
from reconciler.config.sourcemap import SourceMap, child_path
from reconciler.diagnostics import Diagnostic
from reconciler.state import Tenant


@dataclass(frozen=True, slots=True)
class Declared:
    """Every name declared in the config, including entries that failed validation."""

    tenants: Collection[str]
    tiers: Collection[str]
    iam_templates: Collection[str]


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
        already resolved; ARN scope and the tenant quota are skipped if settings are invalid."""
        for path, layer in self._layers():
            self._iam_refs(path, layer)
            self._ownership_tag(path, layer)
            if self.settings_valid:
                self._arn_scope(path, layer)
        self._tenants()
        self._placeholders()
        self._tag_totals(resolved)
        return self.found

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

    def _ownership_tag(self, path: str, layer: Profile) -> None:
        key = self.config.settings.ownership.tag_key
        if key in layer.tags:
            self.error(child_path(f"{path}.tags", key),
                       f"tag {key!r} is reserved: it marks ownership and is added by the tool")

    def _arn_scope(self, path: str, layer: Profile) -> None:
        settings = self.config.settings
        for field in rules.KIND_BY_FIELD:
            for i, value in enumerate(getattr(layer.resources, field)):
                if value.startswith("arn:"):
                    problem = rules.arn_scope_error(value, settings.region, settings.account_id)
                    if problem:
                        self.error(child_path(f"{path}.resources.{field}", i), problem)

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
        for name, template in self.config.iam_templates.items():
            path = child_path("iam_templates", name)
            self._scan(f"{path}.policy_name", template.policy_name)
            self._scan(f"{path}.document", template.document)

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
