"""The tenant-extension state of one (account, Region) and its JSON form.

Everything the tenant APIs remember lives in one `TenancyStore`, so persistence can save and
restore a Region by calling `to_dict()` / `TenancyStore.from_dict()`; identities and
configuration sets stay in moto's own SES backend. Reach a Region's store with
`reconciler.emulator.backend.tenancy_store(account_id, region)` and swap a restored one in
with `reconciler.emulator.backend.replace_tenancy_store(account_id, region, store)`.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from reconciler.emulator.options import EmulatorOptions


def now() -> float:
    """Epoch seconds with millisecond precision, as SES serialises timestamps."""
    return round(time.time(), 3)


@dataclass
class Tenant:
    name: str
    tenant_id: str
    arn: str
    created: float
    tags: dict[str, str] = field(default_factory=dict)
    suppression: dict[str, Any] | None = None


@dataclass
class Association:
    tenant_id: str
    resource_arn: str
    associated: float


@dataclass
class StatusRecord:
    """One of an entity's two status records; `kind` says which SES process paused it."""

    status: str
    cause: str | None = None
    updated: float | None = None
    kind: str | None = None


@dataclass
class Finding:
    finding_id: str
    impact: str
    opened: float


@dataclass
class ReputationRecord:
    reference: str
    policy: str = "standard"
    customer: StatusRecord | None = None
    aws: StatusRecord = field(default_factory=lambda: StatusRecord("ENABLED"))
    findings: list[Finding] = field(default_factory=list)
    touched: bool = False

    def aggregate(self) -> str:
        statuses = {self.aws.status, self.customer.status if self.customer else "ENABLED"}
        if "DISABLED" in statuses:
            return "DISABLED"
        return "REINSTATED" if "REINSTATED" in statuses else "ENABLED"

    def impact(self) -> str | None:
        impacts = {f.impact for f in self.findings}
        if "HIGH" in impacts:
            return "HIGH"
        return "LOW" if impacts else None


@dataclass
class EmailTemplate:
    name: str
    subject: str | None
    text: str | None
    html: str | None
    created: float
    tags: list[dict[str, str]] = field(default_factory=list)

    def content(self) -> dict[str, str]:
        pairs = {"Subject": self.subject, "Text": self.text, "Html": self.html}
        return {k: v for k, v in pairs.items() if v is not None}


class TenancyStore:
    """Tenants keyed by name, associations in creation order, entities keyed by reference."""

    def __init__(self, options: EmulatorOptions | None = None) -> None:
        self.options = options or EmulatorOptions()
        self.tenants: dict[str, Tenant] = {}
        self.associations: list[Association] = []
        self.reputation: dict[str, ReputationRecord] = {}
        self.templates: dict[str, EmailTemplate] = {}

    def new_tenant_id(self) -> str:
        length = self.options.tenant_id_hex_length
        return "tn-" + secrets.token_hex(16)[:length]

    def tenant_by_id(self, tenant_id: str) -> Tenant | None:
        return next((t for t in self.tenants.values() if t.tenant_id == tenant_id), None)

    def associations_of_tenant(self, tenant_id: str) -> list[Association]:
        return [a for a in self.associations if a.tenant_id == tenant_id]

    def associations_of_resource(self, arn: str) -> list[Association]:
        return [a for a in self.associations if a.resource_arn == arn]

    def to_dict(self) -> dict[str, Any]:
        return {
            "options": self.options.to_dict(),
            "tenants": [asdict(t) for t in self.tenants.values()],
            "associations": [asdict(a) for a in self.associations],
            "reputation": [asdict(r) for r in self.reputation.values()],
            "templates": [asdict(t) for t in self.templates.values()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TenancyStore:
        store = cls(EmulatorOptions.from_dict(data.get("options", {})))
        for item in data.get("tenants", []):
            tenant = Tenant(**item)
            store.tenants[tenant.name] = tenant
        store.associations = [Association(**a) for a in data.get("associations", [])]
        for item in data.get("reputation", []):
            record = _record_from_dict(item)
            store.reputation[record.reference] = record
        for item in data.get("templates", []):
            template = EmailTemplate(**item)
            store.templates[template.name] = template
        return store


def _record_from_dict(item: dict[str, Any]) -> ReputationRecord:
    customer = item.get("customer")
    return ReputationRecord(
        reference=item["reference"],
        policy=item["policy"],
        customer=StatusRecord(**customer) if customer else None,
        aws=StatusRecord(**item["aws"]),
        findings=[Finding(**f) for f in item.get("findings", [])],
        touched=item.get("touched", False),
    )
