"""A live tenant as a config document (`import`). Pure: Tenant in, YAML text out.

The entry's keys and values come from the tenant kind's attribute table (`imported` facets).

The document must load and validate as it is, and a plan of it against the account it came from
must change nothing, so every value is written in the exact form the loader resolves back to
the live one: the ownership tag (reserved in config) and `aws:` tags are left out, the protect
tag becomes `protect: true`, and `suppression` is written even when unset (`null`), so a
`defaults` suppression cannot silently apply to an imported tenant. A tenant without the
ownership tag gets the explicit choice the planner asks for: `external: true` (only what the
file declares is added), or, with `--adopt`, `adopt: true` (taken over by the next apply).
The IAM templates its owned policies come from are listed under `iam:`
(`reconciler.operations.import_iam`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from reconciler.kinds.tenant import TENANT, Tenant
from reconciler.kinds.tenant_diff import is_owned
from reconciler.operations.import_iam import NO_IAM, TenantIam, comment_lines, config_entry
from reconciler.state import Settings

SCHEMA_FILE = "ses-reconciler.schema.json"


@dataclass(frozen=True, slots=True)
class ImportedTenant:
    """One file to write. `foreign` lists resources of another Region or account, known only
    by their full ARN: kept as they are (dropping them would make a plan disassociate them from
    an owned tenant), so `validate` flags them for the operator to decide."""

    name: str
    text: str
    owned: bool
    foreign: tuple[str, ...] = ()
    adopt: bool = False  # not owned and written with `adopt: true` (else `external: true`)
    undeclared: tuple[tuple[str, str], ...] = ()  # owned policies of templates not declared


def import_tenant(tenant: Tenant, settings: Settings, schema_ref: str, *,
                  adopt: bool = False, iam: TenantIam = NO_IAM) -> ImportedTenant:
    """The tenant as `tenants: {NAME: {...}}` under the yaml-language-server modeline;
    `adopt` chooses `adopt: true` over `external: true` for a tenant that is not owned."""
    body: dict[str, Any] = {**TENANT.imported(tenant, settings), **config_entry(iam)}
    foreign = sorted(r.name for r in tenant.resources if r.name.startswith("arn:"))
    owned = is_owned(tenant, settings)
    if not owned:
        body["adopt" if adopt else "external"] = True
    choice = None if owned else adopt
    header = _header(tenant, settings, schema_ref, choice, foreign, comment_lines(iam))
    text = header + yaml.safe_dump(
        {"tenants": {tenant.name: body}}, sort_keys=False, default_flow_style=False,
        allow_unicode=True, width=100)
    return ImportedTenant(tenant.name, text, owned, tuple(foreign), adopt and not owned,
                          iam.undeclared)


def _header(tenant: Tenant, settings: Settings, schema_ref: str, adopt: bool | None,
            foreign: list[str], notes: list[str]) -> str:
    """`adopt`: None for an owned tenant, else whether it is written with `adopt: true`."""
    lines = [f"# yaml-language-server: $schema={schema_ref}", "#",
             f"# Imported from the live tenant {tenant.name}"
             + (f" ({tenant.tenant_id})." if tenant.tenant_id else ".")]
    tag = f"{settings.ownership_tag_key}={settings.ownership_tag_value}"
    if adopt is True:
        lines += [f"# Not owned yet: it lacks the tag {tag}. `adopt: true` makes the next apply",
                  "# add the tag and manage the tenant fully (surplus tags and associations are",
                  "# then removed, and prune may delete it once it leaves the config)."]
    elif adopt is False:
        lines += [f"# Not owned: it lacks the tag {tag}. `external: true` keeps it someone",
                  "# else's: only what this file declares is added, nothing is removed. Write",
                  "# `adopt: true` instead to take it over."]
    lines += [f"# Another Region or account, which validate refuses: {arn}" for arn in foreign]
    lines += notes
    return "\n".join(lines) + "\n"


def _marker(t: ImportedTenant) -> str:
    if t.owned:
        return ""
    return "  (not owned) adopt: true" if t.adopt else "  (not owned) external: true"


def file_name(tenant_name: str) -> str:
    """Tenant names are `[A-Za-z0-9_-]{1,64}`, so the name is a safe file name as it is."""
    return f"{tenant_name}.yaml"


def import_tenants(tenants: Mapping[str, Tenant], settings: Settings,
                   select: re.Pattern[str] | None, schema_ref: str, *,
                   adopt: bool = False,
                   iam: Mapping[str, TenantIam] | None = None) -> list[ImportedTenant]:
    """The selected tenants (`select` searched in each name; None: all), sorted by name;
    `iam` gives each tenant's IAM references (`import_iam.tenant_iam`)."""
    refs = iam or {}
    return [import_tenant(tenants[name], settings, schema_ref, adopt=adopt,
                          iam=refs.get(name, NO_IAM))
            for name in sorted(tenants) if select is None or select.search(name)]


def import_summary(imported: Sequence[ImportedTenant], out_dir: str,
                   settings: Settings) -> str:
    """What was written and what to do next. Ownership is given only in the config: tenants
    without the ownership tag were written with `external: true` or, with `--adopt`,
    `adopt: true`, so the imported config plans without conflicts either way."""
    if not imported:
        return "No live tenant matched; nothing was written.\n"
    lines = [f"Imported {len(imported)} tenant(s) into {out_dir}:"]
    lines += [f"  {file_name(t.name)}" + _marker(t) for t in imported]
    adopted = [t.name for t in imported if t.adopt]
    external = [t.name for t in imported if not t.owned and not t.adopt]
    lines += ["", "Next steps:",
              "  1. Move the files into your config next to its settings, then run",
              "     `ses-reconciler validate` and `ses-reconciler plan`: the plan should show",
              "     no changes for these tenants" + (", apart from the adoptions." if adopted
                                                     else ".")]
    tag = f"{settings.ownership_tag_key}={settings.ownership_tag_value}"
    if adopted:
        lines += [f"  2. The {len(adopted)} tenant(s) without the ownership tag {tag} were "
                  "written with",
                  "     `adopt: true`: the plan shows them as \"will be adopted\"; apply adds "
                  "the tag,",
                  "     then manages them fully (prune may delete them once they leave the "
                  "config)."]
    if external:
        lines += [f"  2. The {len(external)} tenant(s) without the ownership tag {tag} were "
                  "written with",
                  "     `external: true`: only what their files declare is added, nothing is "
                  "removed,",
                  "     and they are never deleted. To take one over, write `adopt: true` "
                  "instead",
                  "     (or import again with --adopt)."]
    foreign = sorted({arn for t in imported for arn in t.foreign})
    if foreign:
        lines += ["", "Resources of another Region or account (validate will refuse them):"]
        lines += [f"  {arn}" for arn in foreign]
    undeclared = sorted({item for t in imported for item in t.undeclared})
    if undeclared:
        lines += ["", "Owned IAM policies of templates the config does not declare (not listed "
                  "under iam:; declare the template to list them):"]
        lines += [f"  {policy} (template {template})" for policy, template in undeclared]
    return "\n".join(lines) + "\n"
