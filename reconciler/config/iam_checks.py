"""The IAM part of `validate`: templates, role templates and attachments, checked offline.

A document is checked once per template, rendered with sample values: the longest name of the
tenants listing it (the worst case for the size) and an id and ARN of the shape SES gives. Names
are checked for the longest tenant name, since `${tenant.name}` can push one over IAM's limit
(tenant names hold only characters IAM names allow, so length is all that varies). Warnings (lint)
come back as diagnostics of severity "warning".
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from reconciler.config import rules
from reconciler.config.models import Attach, ConfigFile
from reconciler.config.sourcemap import SourceMap, child_path
from reconciler.diagnostics import Diagnostic
from reconciler.iam import names
from reconciler.iam.checks import Finding, PolicyType, check_document, join
from reconciler.iam.lint import lint_document
from reconciler.iam.substitute import render_value, substitute
from reconciler.kinds.tenant import Tenant

SAMPLE_TENANT = "ExampleTenant"
SAMPLE_ID = "tn-0123456789abcdef0123456789abcdef"
SAMPLE_ACCOUNT = "123456789012"
_KINDS: tuple[tuple[str, names.NameKind], ...] = (
    ("roles", "role"), ("groups", "group"), ("users", "user"))


def sample_values(tenant: str, region: str, account: str | None) -> dict[str, str]:
    """Placeholder values of the shape the account would give, for offline checks."""
    account = account or SAMPLE_ACCOUNT
    partition = rules.partition_of(region)
    return {"tenant.name": tenant, "tenant.id": SAMPLE_ID,
            "tenant.arn": f"arn:{partition}:ses:{region}:{account}:tenant/{tenant}/{SAMPLE_ID}",
            "account_id": account, "region": region, "partition": partition}


class IamChecker:
    """Collects the IAM diagnostics of a (valid part of a) config."""

    def __init__(self, config: ConfigFile, smap: SourceMap) -> None:
        self.config = config
        self.smap = smap
        self.found: list[Diagnostic] = []
        settings = config.settings
        self.region, self.account = settings.region, settings.account_id
        self.extra = frozenset(settings.iam.extra_services)
        self.trust_max = settings.iam.trust_policy_max_chars

    def run(self, tenants: Mapping[str, Tenant]) -> list[Diagnostic]:
        for name, template in self.config.iam_templates.items():
            users = [t for t in tenants.values() if name in t.iam]
            path = child_path("iam_templates", name)
            self._document(f"{path}.document", template.document, users, "identity")
            self._names(f"{path}.policy_name", template.policy_name, "policy", users)
            self._attach(f"{path}.attach", template.attach, users)
        for name, role in self.config.iam_roles.items():
            users = [t for t in tenants.values() if name in t.iam_roles]
            path = child_path("iam_roles", name)
            self._document(f"{path}.trust_policy", role.trust_policy, users, "trust")
            self._names(f"{path}.role_name", role.role_name, "role", users)
        self._shared_role_names(tenants)
        for name, tenant in tenants.items():
            self._tenant(child_path("tenants", name), tenant)
        return self.found

    def add(self, path: str, message: str, severity: str = "error") -> None:
        self.found.append(Diagnostic(self.smap.locate(path), path, message, severity))

    def _values(self, users: Iterable[Tenant]) -> dict[str, str]:
        longest = max((t.name for t in users), key=lambda n: (len(n), n), default=SAMPLE_TENANT)
        return sample_values(longest, self.region, self.account)

    def _document(self, path: str, document: Any, users: list[Tenant],
                  policy_type: PolicyType) -> None:
        rendered = render_value(document, self._values(users))
        findings: list[Finding] = check_document(
            rendered, policy_type=policy_type, extra_services=self.extra,
            max_chars=self.trust_max if policy_type == "trust" else None)
        if not findings and policy_type == "identity":
            findings = lint_document(rendered)
        for f in findings:
            self.add(join(path, f.path), f.message, f.severity)

    def _names(self, path: str, pattern: str, kind: names.NameKind,
               users: list[Tenant]) -> None:
        if rules.unknown_placeholders(pattern):
            return  # reported by the placeholder check
        # tenant names hold only characters IAM names allow: the longest is the worst case
        worst = max(users, key=lambda t: (len(t.name), t.name), default=None)
        name = substitute(pattern, self._values([worst] if worst else []))
        message = names.name_error(kind, name)
        if message is None:
            return
        if worst is None:  # no tenant lists it yet: speak of the pattern as written
            message = message.replace(repr(name), repr(pattern), 1)
        elif name != pattern:
            message += f" for tenant {worst.name!r}"
        self.add(path, message)

    def _attach(self, path: str, attach: Attach, users: list[Tenant]) -> None:
        for field, kind in _KINDS:
            for i, pattern in enumerate(getattr(attach, field)):
                self._names(child_path(f"{path}.{field}", i), pattern, kind, users)

    def _shared_role_names(self, tenants: Mapping[str, Tenant]) -> None:
        """IAM role names are unique in an account: two tenants (or two role templates of one
        tenant) must not render the same name. Names built from the tenant's id are skipped:
        offline, every tenant has the same sample id."""
        users: dict[str, list[tuple[str, str]]] = {}
        for tenant in sorted(tenants.values(), key=lambda t: t.name):
            for template in tenant.iam_roles:
                role = self.config.iam_roles.get(template)
                if role is None or rules.unknown_placeholders(role.role_name) or any(
                        f"${{{k}}}" in role.role_name for k in ("tenant.id", "tenant.arn")):
                    continue
                name = substitute(role.role_name, self._values([tenant]))
                users.setdefault(name, []).append((template, tenant.name))
        for name, holders in sorted(users.items()):
            if len(holders) < 2:
                continue
            who = ", ".join(f"tenant {t!r} (role template {r!r})" for r, t in holders)
            for template in sorted({r for r, _ in holders}):
                self.add(f"{child_path('iam_roles', template)}.role_name",
                         f"role_name gives the IAM role name {name!r} to {who}; role names "
                         "are unique in an account, so make each its own (e.g. with "
                         "${tenant.name})")

    def _tenant(self, path: str, tenant: Tenant) -> None:
        for template, attach in tenant.iam_attach.items():
            where = child_path(f"{path}.iam_attach", template)
            if template not in self.config.iam_templates:
                continue  # unknown or invalid: reported by the reference checks
            if template not in tenant.iam:
                self.add(where, f"iam_attach names IAM template {template!r}, which this "
                         "tenant does not list under iam")
                continue
            config = Attach(roles=list(attach.roles), groups=list(attach.groups),
                            users=list(attach.users))
            self._attach(where, config, [tenant])
        for i, role_name in enumerate(tenant.iam_roles):
            role = self.config.iam_roles.get(role_name)
            wanted = [p for p in (role.policies or ()) if p in self.config.iam_templates] if (
                role) else []
            missing = _missing(wanted, tenant.iam)
            if missing:
                self.add(child_path(f"{path}.iam_roles", i), f"role template {role_name!r} "
                         f"attaches {', '.join(map(repr, missing))}, which this tenant does "
                         "not list under iam")


def _missing(wanted: Collection[str] | None, listed: Collection[str]) -> list[str]:
    return sorted(set(wanted or ()) - set(listed))
