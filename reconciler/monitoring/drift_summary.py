"""What a drift run publishes for dashboards and alarms: metrics and one event. Pure.

A scheduled drift run ends in an exit code and a report nobody watches; `drift --publish`
puts the same findings where CloudWatch alarms and EventBridge rules can see them. Metrics go
in one PutMetricData call (4 of the 1,000 metrics a request may carry), dimensioned by account,
Region and stack, plus a `RunSucceeded` heartbeat: a run that could not read the account
publishes nothing, so an alarm on missing heartbeats catches a broken schedule. The event
carries counts and the first names of each list, trimmed to stay under PutEvents' 256 KB entry
limit however large the account.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.kinds.tenant_diff import is_owned
from reconciler.planning.plan import Plan
from reconciler.state import Desired, Live

NAMESPACE = "SESReconciler"
SOURCE = "ses-reconciler"
DETAIL_TYPE = "Drift Detected"
MAX_ENTRY_BYTES = 256 * 1024
FIRST_NAMES = 50  # names per list in the event, before any trimming for size
STACKS_DIR = "stacks"


@dataclass(frozen=True, slots=True)
class DriftSummary:
    account: str
    region: str
    stack: str
    drifted: tuple[str, ...]  # addresses of the drifted objects (and conflicting tenants)
    paused_by_ses: tuple[str, ...]  # tenants whose AWS-managed status is DISABLED
    high_impact: tuple[str, ...]  # tenants with a HIGH-impact reputation finding

    @property
    def dimensions(self) -> dict[str, str]:
        return {"Account": self.account, "Region": self.region, "Stack": self.stack}

    @property
    def metrics(self) -> dict[str, float]:
        return {"DriftedObjects": len(self.drifted), "TenantsPausedBySES": len(self.paused_by_ses),
                "TenantsWithHighImpactFindings": len(self.high_impact), "RunSucceeded": 1}

    def event_detail(self, first: int = FIRST_NAMES) -> dict[str, Any]:
        """Counts and at most `first` names per list, fewer if the entry would be too big."""
        while True:
            detail = self._detail(first)
            if entry_size(SOURCE, DETAIL_TYPE, detail) < MAX_ENTRY_BYTES or first == 0:
                return detail
            first //= 2

    def _detail(self, first: int) -> dict[str, Any]:
        lists = {"drifted": self.drifted, "paused_by_ses": self.paused_by_ses,
                 "high_impact_findings": self.high_impact}
        return {"account": self.account, "region": self.region, "stack": self.stack,
                "counts": {"drifted_objects": len(self.drifted),
                           "tenants_paused_by_ses": len(self.paused_by_ses),
                           "tenants_with_high_impact_findings": len(self.high_impact)},
                "first": {key: list(names[:first]) for key, names in lists.items()},
                "truncated": any(len(names) > first for names in lists.values())}


def entry_size(source: str, detail_type: str, detail: dict[str, Any]) -> int:
    """PutEvents' entry size: the UTF-8 bytes of Source, DetailType and Detail (+ Time: 14)."""
    return (len(source.encode()) + len(detail_type.encode())
            + len(json.dumps(detail).encode()) + 14)


def summarize(plan: Plan, live: Live, desired: Desired, stack: str) -> DriftSummary:
    drifted = sorted({str(c.address) for c in plan.changes}
                     | {f"tenant.{c.tenant}" for c in plan.conflicts})
    watched = [t for name, t in sorted(live.tenants.items())
               if name in desired.tenants or is_owned(t, desired.settings)]
    return DriftSummary(
        plan.account, plan.region, stack, tuple(drifted),
        tuple(t.name for t in watched if t.status is not None and t.status.aws == "DISABLED"),
        tuple(t.name for t in watched if t.status is not None and t.status.impact == "HIGH"))


def stack_name(config: Path) -> str:
    """`prod` for a config under `stacks/prod/` (a fleet's stack), else the directory holding
    the config (the config itself when it is a directory)."""
    path = config.resolve()
    parts = path.parts
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] == STACKS_DIR:
            return parts[index + 1]
    return path.name if path.is_dir() else path.parent.name
