"""What one tenant's IAM objects should be: its policies and roles, fully rendered.

Pure: the caller gives the placeholder values (`render.placeholder_values`, with the live tenant
when it exists, so a tenant to be created shows `(known after apply)`). A policy's principals
are the template's `attach` joined with the tenant's `iam_attach` for that template; a role gets
the tenant's policies its template names (all of them when it names none).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.iam.substitute import render_value, substitute
from reconciler.state import Attachments, Desired


@dataclass(frozen=True, slots=True)
class PolicySpec:
    tenant: str
    template: str
    policy_name: str
    path: str
    description: str
    document: Mapping[str, Any]
    attach: Attachments


@dataclass(frozen=True, slots=True)
class RoleSpec:
    tenant: str
    template: str
    role_name: str
    path: str
    description: str
    trust_policy: Mapping[str, Any]
    max_session_duration: int
    policies: tuple[str, ...]  # rendered names of the tenant's policies attached to the role


def render_attach(attach: Attachments, values: Mapping[str, str]) -> Attachments:
    def names(items: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted({substitute(n, values) for n in items}))

    return Attachments(names(attach.roles), names(attach.groups), names(attach.users))


def policy_specs(desired: Desired, tenant: str, values: Mapping[str, str]) -> list[PolicySpec]:
    """One per IAM template the tenant lists, in template name order."""
    entry = desired.tenants[tenant]
    specs = []
    for name in entry.iam:
        template = desired.iam_templates[name]
        attach = template.attach | entry.iam_attach.get(name, Attachments())
        specs.append(PolicySpec(
            tenant=tenant, template=name, policy_name=substitute(template.policy_name, values),
            path=desired.settings.iam_path, description=substitute(template.description, values),
            document=render_value(template.document, values),
            attach=render_attach(attach, values)))
    return specs


def role_specs(desired: Desired, tenant: str, values: Mapping[str, str]) -> list[RoleSpec]:
    """One per role template the tenant lists, in template name order."""
    entry = desired.tenants[tenant]
    policy_names = {name: substitute(desired.iam_templates[name].policy_name, values)
                    for name in entry.iam}
    specs = []
    for name in entry.iam_roles:
        role = desired.iam_roles[name]
        wanted = entry.iam if role.policies is None else role.policies
        specs.append(RoleSpec(
            tenant=tenant, template=name, role_name=substitute(role.role_name, values),
            path=role.path, description=substitute(role.description, values),
            trust_policy=render_value(role.trust_policy, values),
            max_session_duration=role.max_session_duration,
            policies=tuple(sorted(policy_names[p] for p in wanted if p in policy_names))))
    return specs
