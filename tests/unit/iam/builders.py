"""A desired state with IAM templates, built from the shared state types."""

from __future__ import annotations

from typing import Any

from reconciler.iam.render import PolicyContext
from reconciler.kinds.tenant import Tenant
from reconciler.state import Desired, IamTemplate, Settings

CONTEXT = PolicyContext(account_id="123456789012", region="eu-west-1", partition="aws")


def statement(**extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": ["ses:GetTenant"], "Resource": "*", **extra}


def document(*statements: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements or [statement()]), **extra}


def desired(templates: dict[str, dict[str, Any]],
            tenants: dict[str, tuple[str, ...]] | None = None,
            account_id: str | None = "123456789012") -> Desired:
    """`templates`: name -> document; every template is named `p-${tenant.name}-<name>`.
    `tenants`: name -> template names (default: one tenant `Acme` with every template)."""
    tenants = tenants if tenants is not None else {"Acme": tuple(sorted(templates))}
    return Desired(
        settings=Settings(region="eu-west-1", account_id=account_id),
        tenants={name: Tenant(name, iam=iam) for name, iam in tenants.items()},
        iam_templates={name: IamTemplate(name, f"p-${{tenant.name}}-{name}", doc)
                       for name, doc in templates.items()})


def live(name: str, tenant_id: str = "tid-1") -> Tenant:
    return Tenant(name, tenant_id=tenant_id,
                  arn=f"arn:aws:ses:eu-west-1:123456789012:tenant/{name}/{tenant_id}")
