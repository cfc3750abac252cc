"""JSON renderings (documented in docs/plan-json.md); each document has a `format_version`."""

from __future__ import annotations

import json
from typing import Any

from reconciler.apply.report import ApplyReport
from reconciler.kinds.registry import kinds
from reconciler.kinds.tenant import TENANT, Tenant
from reconciler.planning.drift import DriftItem, classify_drift, drifted_tenants
from reconciler.planning.ordering import sort_key
from reconciler.planning.plan import Plan
from reconciler.planning.saved import FORMAT_VERSION, plan_chunks
from reconciler.render.drift import describe


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_plan_json(plan: Plan) -> str:
    """The saved-plan document itself: `load_plan` reads what this writes."""
    return "".join(plan_chunks(plan))


def _value(attribute: str, value: Any) -> Any:
    """A drift value in plain JSON: a whole object or an attribute in its declared form."""
    if isinstance(value, Tenant):
        return TENANT.encode(value)
    other = next((k for k in kinds() if isinstance(value, k.type)), None)
    if other is not None:
        return other.encode(value)
    declared = TENANT.attribute(attribute)
    if value is not None and declared is not None and declared.show is not None:
        return declared.encode(value)
    if isinstance(value, tuple):
        return [str(v) for v in value]
    if isinstance(value, dict):
        return {k: value[k] for k in sorted(value)}
    return value


def _item(item: DriftItem) -> dict[str, Any]:
    return {
        "tenant": item.tenant,
        "attribute": item.attribute,
        "kind": item.kind,
        "actual": _value(item.attribute, item.actual),
        "expected": _value(item.attribute, item.expected),
        "replace_of": item.replace_of,
        "description": describe(item),
    }


def render_drift_json(plan: Plan) -> str:
    items = classify_drift(plan)
    return _dumps({
        "format_version": FORMAT_VERSION,
        "kind": "ses-reconciler/drift",
        "account": plan.account,
        "region": plan.region,
        "scope": list(plan.scope) if plan.scope is not None else None,
        "summary": {"tenants_drifted": len(drifted_tenants(items)), "items": len(items),
                    "conflicts": len(plan.conflicts)},
        "drift": [_item(i) for i in items],
        "notices": list(plan.notices),
    })


def render_apply_json(report: ApplyReport) -> str:
    outcomes = sorted(report.outcomes, key=lambda o: sort_key(o.change))
    return _dumps({
        "format_version": FORMAT_VERSION,
        "kind": "ses-reconciler/apply-report",
        "ok": report.ok,
        "interrupted": report.interrupted,
        "summary": {"applied": len(report.applied), "failed": len(report.failed),
                    "skipped": len(report.skipped), "not_started": len(report.not_started)},
        "outcomes": [{"key": o.change.key, "tenant": o.change.tenant,
                      "action": str(o.change.action), "status": o.status, "detail": o.detail,
                      "seconds": round(o.seconds, 3)} for o in outcomes],
        "calls": {k: report.calls[k] for k in sorted(report.calls)},
        "seconds": round(report.seconds, 3),
    })
