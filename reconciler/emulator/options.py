"""Switches for the SES behaviours that were observed both ways, one set per account and Region.

Real SES (and the emulators whose recorded probes the contract relies on) disagree on a few
details; the reconciler must cope with either, so tests flip these per backend.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

RepeatAssociation = Literal["error", "ok"]
EmptySuppression = Literal["error", "ignore"]
Pacing = Literal["throttle", "count", "off"]
NewTenantReputation = Literal["entity", "not_found"]


@dataclass
class EmulatorOptions:
    """Defaults follow the contract's recommendation where it gives one, else floci's behaviour."""

    # floci and ministack both answer AlreadyExistsException; one live probe answered 200.
    repeat_association: RepeatAssociation = "error"
    # floci validates the ARN before looking the tenant up; ministack does the reverse.
    check_arn_before_tenant: bool = True
    # floci treats CreateTenant `SuppressionAttributes: {}` as absent; ministack refuses it.
    empty_suppression_attributes: EmptySuppression = "ignore"
    # A live probe read an entity (standard policy) on an untouched tenant.
    new_tenant_reputation: NewTenantReputation = "entity"
    # The current service model carries SendingStatus in TenantInfo.
    list_tenants_sending_status: bool = True
    # A live probe saw ReputationImpact `NONE` before any finding.
    impact_none: bool = True
    # floci issues 30 hex digits; ministack and an AWS blog example show 29.
    tenant_id_hex_length: Literal[29, 30] = 30
    max_tenants: int = 10_000
    # GetAccount's SendQuota: a sandbox account's (moto's v1 GetSendQuota says the same)
    max_send_rate: float = 1.0
    max_24_hour_send: float = 200.0
    max_tags_per_tenant: int = 50
    # CloudTrail LookupEvents: about 2 requests/s per account and Region. `throttle` refuses
    # above it (ThrottlingException), `count` answers and counts, `off` ignores the rate.
    lookup_events_pacing: Pacing = "throttle"
    lookup_events_tps: float = 2.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EmulatorOptions:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def update(self, **changes: Any) -> None:
        """Reject unknown names so a typo in a test cannot silently test the default."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown emulator options: {', '.join(unknown)}")
        for name, value in changes.items():
            setattr(self, name, value)
