"""Which IAM templates a live tenant's owned policies come from: what `import` lists under the
tenant's `iam:` (and `iam_attach:`). Pure: the desired templates and the live policies in.

A policy is the tool's only with the ownership tag, and its tenant and template are its tags
(`reconciler.kinds.iam_policy_plan.tag_keys`), so a foreign policy is never listed. Only
templates the config declares are listed (another name would fail `validate`); the others are
named so the operator can add the template. The attachments a live policy has beyond its
template's are written as the tenant's own (`iam_attach`), so a plan of the imported file does
not detach them. Like every other attribute `import` writes, the list is the tenant's whole
live value, not what is left after defaults and tiers: those layers are unions, so repeating
a template they already give changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reconciler.iam.render import PolicyContext, placeholder_values
from reconciler.iam.substitute import substitute
from reconciler.kinds.iam_policy import KIND, IamPolicy
from reconciler.state import Attachments, Desired, Live


@dataclass(frozen=True, slots=True)
class TenantIam:
    """One tenant's IAM references. `undeclared`: (policy name, template) of owned policies
    whose template the config does not declare, so they are not listed."""

    templates: tuple[str, ...] = ()
    attach: Mapping[str, Attachments] = field(default_factory=dict)
    undeclared: tuple[tuple[str, str], ...] = ()


NO_IAM = TenantIam()


def _extra(have: Attachments, template: Attachments, values: Mapping[str, str]) -> Attachments:
    def minus(live: tuple[str, ...], declared: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(set(live) - {substitute(n, values) for n in declared}))

    return Attachments(minus(have.roles, template.roles), minus(have.groups, template.groups),
                       minus(have.users, template.users))


def tenant_iam(desired: Desired, live: Live) -> dict[str, TenantIam]:
    """Tenant name -> its references, for every live tenant with an owned policy."""
    policies: Mapping[str, IamPolicy] = live.objects.get(KIND, {})
    ctx = PolicyContext(live.context.account, live.context.region, live.context.partition)
    found: dict[str, dict[str, IamPolicy]] = {}
    for key, policy in policies.items():
        tenant, template = key.split("/", 1)
        found.setdefault(tenant, {})[template] = policy
    out: dict[str, TenantIam] = {}
    for tenant, by_template in sorted(found.items()):
        values = placeholder_values(tenant, live.tenants.get(tenant), ctx)
        declared = sorted(t for t in by_template if t in desired.iam_templates)
        attach = {t: extra for t in declared if (extra := _extra(
            by_template[t].attach, desired.iam_templates[t].attach, values))}
        undeclared = tuple(sorted((by_template[t].policy_name, t) for t in by_template
                                  if t not in desired.iam_templates))
        out[tenant] = TenantIam(tuple(declared), attach, undeclared)
    return out


def config_entry(refs: TenantIam) -> dict[str, object]:
    """The `iam` and `iam_attach` keys of the tenant's entry (none when it lists nothing)."""
    entry: dict[str, object] = {}
    if refs.templates:
        entry["iam"] = list(refs.templates)
    if refs.attach:
        entry["iam_attach"] = {
            t: {k: list(v) for k, v in (("roles", a.roles), ("groups", a.groups),
                                         ("users", a.users)) if v}
            for t, a in sorted(refs.attach.items())}
    return entry


def comment_lines(refs: TenantIam) -> list[str]:
    return [f"# The policy {policy} comes from the IAM template {template}, which the config "
            f"does not declare, so it is not listed under iam:; declare the template to list "
            f"it." for policy, template in refs.undeclared]
