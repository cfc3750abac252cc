"""Rows of the `status` report: one per tenant in the config or in the account. Pure.

`status` answers "can each tenant send, and if not, whose doing is it?". SES pauses tenants on
its own (AWS-managed status) and returns REINSTATED to ENABLED when findings clear; the planner
rightly treats neither as drift, so this report is where an operator sees them.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.kinds.tenant import Tenant
from reconciler.kinds.tenant_diff import is_owned
from reconciler.state import Desired, Live


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One tenant. Live-side fields are None when the tenant is missing from the account."""

    name: str
    in_config: bool
    in_account: bool
    owned: bool
    customer_status: str | None  # None: never written by a customer
    aws_status: str | None
    aws_cause: str | None
    aggregate: str | None
    reputation_policy: str | None
    impact: str | None
    attention: str

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name, "in_config": self.in_config, "in_account": self.in_account,
            "owned": self.owned, "customer_managed_status": self.customer_status,
            "aws_managed_status": self.aws_status, "aws_managed_cause": self.aws_cause,
            "sending_status_aggregate": self.aggregate,
            "reputation_policy": self.reputation_policy, "reputation_impact": self.impact,
            "attention": self.attention,
        }


def status_rows(desired: Desired, live: Live) -> list[StatusRow]:
    """Every tenant named by either side, sorted by name."""
    names = sorted(set(desired.tenants) | set(live.tenants))
    return [_row(name, name in desired.tenants, live.tenants.get(name), desired)
            for name in names]


def _row(name: str, in_config: bool, tenant: Tenant | None, desired: Desired) -> StatusRow:
    if tenant is None:
        return StatusRow(name, in_config, False, False, None, None, None, None, None, None,
                         "in config, missing in account")
    status = tenant.status
    return StatusRow(
        name=name, in_config=in_config, in_account=True,
        owned=is_owned(tenant, desired.settings),
        customer_status=status.customer if status else tenant.sending_status,
        aws_status=status.aws if status else None,
        aws_cause=status.aws_cause if status else None,
        aggregate=status.aggregate if status else None,
        reputation_policy=tenant.reputation_policy,
        impact=status.impact if status else None,
        attention=attention(tenant, in_config),
    )


def attention(tenant: Tenant, in_config: bool) -> str:
    """The most important thing to know about a live tenant, or "" when all is well.

    Sending problems come first: a tenant that cannot send matters more than a config gap.
    """
    notes: list[str] = []
    status = tenant.status
    if status is not None and status.aws == "DISABLED":
        notes.append(f"paused by SES: {status.aws_cause or 'no cause given'}")
    elif status is not None and status.customer == "DISABLED":
        notes.append("disabled by customer")
    if status is not None and status.customer == "REINSTATED":
        notes.append("REINSTATED: returns to ENABLED when findings clear")
    if not in_config:
        notes.append("not in config")
    return "; ".join(notes)
