"""A live tenant as a config document (`import`). Pure: Tenant in, YAML text out.

The document must load and validate as it is, and a plan of it against the account it came from
must change nothing, so every value is written in the exact form the loader resolves back to
the live one: the ownership tag (reserved in config) and `aws:` tags are left out, the protect
tag becomes `protect: true`, and `suppression` is written even when unset (`null`), so a
`defaults` suppression cannot silently apply to an imported tenant.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from reconciler.planning.diff import is_owned, protect_tag_key, user_tags
from reconciler.state import ResourceRef, Settings, Tenant

SCHEMA_FILE = "ses-reconciler.schema.json"
_FIELDS = (("identities", "identity"), ("configuration_sets", "configuration-set"),
           ("templates", "template"))


@dataclass(frozen=True, slots=True)
class ImportedTenant:
    """One file to write. `foreign` lists resources of another Region or account, known only
    by their full ARN: kept as they are (dropping them would make a plan disassociate them from
    an owned tenant), so `validate` flags them for the operator to decide."""

    name: str
    text: str
    owned: bool
    foreign: tuple[str, ...] = ()


def import_tenant(tenant: Tenant, settings: Settings, schema_ref: str) -> ImportedTenant:
    """The tenant as `tenants: {NAME: {...}}` under the yaml-language-server modeline."""
    body: dict[str, Any] = {}
    tags, protect = _tags(tenant, settings)
    if tags:
        body["tags"] = tags
    resources = _resources(tenant.resources)
    foreign = sorted(r.name for r in tenant.resources if r.name.startswith("arn:"))
    if resources:
        body["resources"] = resources
    body["reputation_policy"] = tenant.reputation_policy
    customer = tenant.status.customer if tenant.status is not None else tenant.sending_status
    if customer is not None:
        body["sending_status"] = customer
    body["suppression"] = _suppression(tenant)
    if protect:
        body["protect"] = True
    owned = is_owned(tenant, settings)
    text = _header(tenant, settings, schema_ref, owned, foreign) + yaml.safe_dump(
        {"tenants": {tenant.name: body}}, sort_keys=False, default_flow_style=False,
        allow_unicode=True, width=100)
    return ImportedTenant(tenant.name, text, owned, tuple(foreign))


def _tags(tenant: Tenant, settings: Settings) -> tuple[dict[str, str], bool]:
    """User tags without the ownership tag; the protect tag is returned as a flag."""
    tags = user_tags(tenant.tags)
    tags.pop(settings.ownership_tag_key, None)
    protect = tags.get(protect_tag_key(settings)) == "true"
    if protect:
        del tags[protect_tag_key(settings)]
    return tags, protect


def _resources(refs: frozenset[ResourceRef]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for field, kind in _FIELDS:
        names = sorted(r.name for r in refs if r.kind == kind)
        if names:
            out[field] = names
    return out


def _suppression(tenant: Tenant) -> dict[str, Any] | None:
    if tenant.suppression is None:
        return None
    return {"scope": tenant.suppression.scope, "reasons": sorted(tenant.suppression.reasons)}


def _header(tenant: Tenant, settings: Settings, schema_ref: str, owned: bool,
            foreign: list[str]) -> str:
    lines = [f"# yaml-language-server: $schema={schema_ref}", "#",
             f"# Imported from the live tenant {tenant.name}"
             + (f" ({tenant.tenant_id})." if tenant.tenant_id else ".")]
    if not owned:
        lines.append(f"# Not owned yet: it lacks the tag {settings.ownership_tag_key}="
                     f"{settings.ownership_tag_value}, so only what this file declares is "
                     "reconciled.")
    lines += [f"# Another Region or account, which validate refuses: {arn}" for arn in foreign]
    return "\n".join(lines) + "\n"


def file_name(tenant_name: str) -> str:
    """Tenant names are `[A-Za-z0-9_-]{1,64}`, so the name is a safe file name as it is."""
    return f"{tenant_name}.yaml"


def import_tenants(tenants: Mapping[str, Tenant], settings: Settings,
                   select: re.Pattern[str] | None, schema_ref: str) -> list[ImportedTenant]:
    """The selected tenants (`select` searched in each name; None: all), sorted by name."""
    return [import_tenant(tenants[name], settings, schema_ref) for name in sorted(tenants)
            if select is None or select.search(name)]


def import_summary(imported: Sequence[ImportedTenant], out_dir: str,
                   settings: Settings) -> str:
    """What was written and what to do next. Adopting is a step in the account, not in the
    config: the ownership tag is reserved there, and the planner never adds it to a tenant
    it does not own (that would take over someone else's tenant behind their back)."""
    if not imported:
        return "No live tenant matched; nothing was written.\n"
    lines = [f"Imported {len(imported)} tenant(s) into {out_dir}:"]
    lines += [f"  {file_name(t.name)}" + ("" if t.owned else "  (not owned)") for t in imported]
    lines += ["", "Next steps:",
              "  1. Move the files into your config next to its settings, then run",
              "     `ses-reconciler validate` and `ses-reconciler plan`: the plan should show",
              "     no changes for these tenants."]
    unowned = [t.name for t in imported if not t.owned]
    if unowned:
        key, value = settings.ownership_tag_key, settings.ownership_tag_value
        lines += [f"  2. To adopt the {len(unowned)} tenant(s) marked not owned (until then only",
                  "     what their files declare is reconciled, and they are never deleted),",
                  f"     add the ownership tag {key}={value} in the account, e.g.",
                  f"     aws sesv2 tag-resource --resource-arn TENANT_ARN "
                  f"--tags Key={key},Value={value}",
                  f"     (it cannot go under `tags:`, where {key!r} is reserved)."]
    foreign = sorted({arn for t in imported for arn in t.foreign})
    if foreign:
        lines += ["", "Resources of another Region or account (validate will refuse them):"]
        lines += [f"  {arn}" for arn in foreign]
    return "\n".join(lines) + "\n"
