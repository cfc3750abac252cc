"""Per-tenant IAM policies from `iam_templates`: substitution, validation and output.

Pure: the caller supplies where the policies live (`PolicyContext`) and what the account says
about each tenant (its id and ARN), so the same code serves a live render and `--offline`.
A value only the account can give (a tenant not created yet, or no account access at all)
renders as `(known after apply)`, as in a plan. IAM's own policy variables (`${aws:username}`)
contain a colon and pass through untouched.

Every problem of every rendered policy is collected before failing, each naming the tenant, the
template and the offending value, because a template error usually hits many tenants at once.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.config.sourcemap import child_path
from reconciler.diagnostics import Diagnostic, Location
from reconciler.errors import ConfigError, RunError
from reconciler.iam.checks import UNKNOWN, check_document, join
from reconciler.iam.names import name_error
from reconciler.iam.substitute import render_value, substitute
from reconciler.kinds.tenant import Tenant
from reconciler.state import Desired, Settings

KNOWN_AFTER_APPLY = UNKNOWN
_PARTITIONS = (("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"), ("us-isob-", "aws-iso-b"),
               ("us-isof-", "aws-iso-f"), ("eu-isoe-", "aws-iso-e"), ("us-iso-", "aws-iso"))

Document = dict[str, Any]


@dataclass(frozen=True, slots=True)
class PolicyContext:
    """Account-wide placeholder values: from the account, or from settings when offline."""

    account_id: str
    region: str
    partition: str


@dataclass(frozen=True, slots=True)
class RenderedPolicy:
    tenant: str
    template: str
    policy_name: str
    description: str
    document: Document


def partition_for_region(region: str) -> str:
    """The AWS partition of a Region name, without asking anyone (offline rendering)."""
    for prefix, partition in _PARTITIONS:
        if region.startswith(prefix):
            return partition
    return "aws"


def offline_context(settings: Settings) -> PolicyContext:
    """Account and Region from the config alone; the account id must then be written there."""
    if not settings.account_id:
        raise RunError("--offline needs settings.account_id in the config (the account the "
                       "policies are for); add it or render against the account")
    return PolicyContext(settings.account_id, settings.region,
                         partition_for_region(settings.region))


def select_tenants(desired: Desired, names: Iterable[str]) -> list[str]:
    """The named tenants (all of them must be in the config), or every tenant with templates."""
    wanted = sorted(set(names))
    unknown = [name for name in wanted if name not in desired.tenants]
    if unknown:
        raise RunError(f"no tenant named {', '.join(map(repr, unknown))} in the config")
    if wanted:
        return wanted
    return sorted(name for name, tenant in desired.tenants.items() if tenant.iam)


def placeholder_values(tenant: str, live: Tenant | None, ctx: PolicyContext) -> dict[str, str]:
    """The six placeholders for one tenant; id and ARN only once the tenant exists."""
    exists = live is not None
    return {
        "tenant.name": tenant,
        "tenant.id": (live.tenant_id if exists else None) or KNOWN_AFTER_APPLY,
        "tenant.arn": (live.arn if exists else None) or KNOWN_AFTER_APPLY,
        "account_id": ctx.account_id,
        "region": ctx.region,
        "partition": ctx.partition,
    }


def render_policies(desired: Desired, names: Iterable[str], ctx: PolicyContext,
                    live: Mapping[str, Tenant]) -> list[RenderedPolicy]:
    """Every template of every named tenant, validated; raises ConfigError listing all problems."""
    rendered: list[RenderedPolicy] = []
    for name in names:
        values = placeholder_values(name, live.get(name), ctx)
        for template_name in desired.tenants[name].iam:
            template = desired.iam_templates[template_name]
            rendered.append(RenderedPolicy(
                tenant=name, template=template_name,
                policy_name=substitute(template.policy_name, values),
                description=substitute(template.description, values),
                document=render_value(template.document, values)))
    extra = desired.settings.iam_extra_services
    problems = [d for policy in rendered for d in validate_policy(policy, extra)]
    problems += _duplicate_names(rendered)
    if problems:
        raise ConfigError(problems)
    return rendered


def _duplicate_names(rendered: list[RenderedPolicy]) -> list[Diagnostic]:
    """Two templates of one tenant must not render to one policy name (one would be lost)."""
    seen: dict[tuple[str, str], str] = {}
    found: list[Diagnostic] = []
    for policy in rendered:
        first = seen.setdefault((policy.tenant, policy.policy_name), policy.template)
        if first != policy.template:
            found.append(_problem(policy, "policy_name", f"renders to {policy.policy_name!r}, "
                                  f"the same name as template {first!r}"))
    return found


def _problem(policy: RenderedPolicy, path: str, message: str) -> Diagnostic:
    where = child_path("iam_templates", policy.template)
    return Diagnostic(Location(""), f"{where}.{path}" if path else where,
                      f"tenant {policy.tenant!r}: {message}")


def validate_policy(policy: RenderedPolicy,
                    extra_services: Collection[str] = ()) -> list[Diagnostic]:
    """What IAM would refuse (`reconciler.iam.checks`), and a policy name IAM would refuse."""
    found = [_problem(policy, join("document", f.path), f.message)
             for f in check_document(policy.document, extra_services=extra_services)]
    name_problem = name_error("policy", policy.policy_name)
    if name_problem and UNKNOWN not in policy.policy_name:
        found.append(_problem(policy, "policy_name", name_problem))
    return found


def policies_json(policies: Iterable[RenderedPolicy], names: Iterable[str]) -> str:
    """`{tenant: {policy_name: document}}`; a selected tenant without templates maps to {}."""
    out: dict[str, dict[str, Document]] = {name: {} for name in sorted(names)}
    for policy in policies:
        out.setdefault(policy.tenant, {})[policy.policy_name] = policy.document
    return json.dumps(out, indent=2) + "\n"


def policies_text(policies: Iterable[RenderedPolicy]) -> str:
    """One header and one pretty JSON block per policy, for reading and pasting."""
    blocks = []
    for p in policies:
        header = f"# tenant {p.tenant}: policy {p.policy_name} (template {p.template})"
        if p.description:
            header += f"\n# {p.description}"
        blocks.append(f"{header}\n{json.dumps(p.document, indent=2)}\n")
    return "\n".join(blocks) if blocks else "no IAM policies to render\n"
