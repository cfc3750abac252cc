"""Pure planning: Desired x Live -> Plan. No I/O here."""

from reconciler.planning.drift import DriftItem, classify_drift
from reconciler.planning.plan import Change, Plan, PlanCounts
from reconciler.planning.planner import make_plan
from reconciler.planning.safety import check_safety
from reconciler.planning.saved import (
    check_saved_plan,
    dump_plan,
    fingerprint,
    fingerprint_names,
    load_plan,
    plan_chunks,
)

__all__ = [
    "Change",
    "DriftItem",
    "Plan",
    "PlanCounts",
    "check_safety",
    "check_saved_plan",
    "classify_drift",
    "dump_plan",
    "fingerprint",
    "fingerprint_names",
    "load_plan",
    "make_plan",
    "plan_chunks",
]
