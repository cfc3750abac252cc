"""Drift reports: the plan's diff worded as "the account differs from the config"."""

from __future__ import annotations

import html
from itertools import groupby

from reconciler.kinds.base import Kind
from reconciler.kinds.registry import kinds
from reconciler.kinds.tenant import TENANT, q
from reconciler.planning.drift import (
    DriftItem,
    classify_drift,
    drifted_objects,
    drifted_tenants,
)
from reconciler.planning.plan import Plan
from reconciler.render.markdown import LIMIT, Budget, add_notices, header
from reconciler.render.text import notice_lines

NO_DRIFT = "No drift. The account matches the configuration."
DRIFT_MARKERS = {"missing_tenant": "+", "unexpected_tenant": "-", "changed": "~",
                 "conflict": "!"}


def drift_summary(items: tuple[DriftItem, ...]) -> str:
    n, k = len(drifted_tenants(items)), len(drifted_objects(items))
    parts = [f"{n:,} tenant{'s' if n != 1 else ''} drifted"] if n else []
    if k:
        parts.append(f"{k:,} account-level object{'s' if k != 1 else ''} drifted")
    return "; ".join(parts) + "." if parts else NO_DRIFT


def describe(item: DriftItem) -> str:
    """One sentence on how the account differs, naming what the account has first."""
    other = _other_kind(item.attribute)
    if other is not None and other.explain is not None:
        return other.explain(item.actual, item.expected)
    if item.kind == "missing_tenant":
        if item.replace_of:
            return f"in the config as the rename of tenant.{item.replace_of}; not yet created"
        return "in the config but absent from the account"
    if item.kind == "unexpected_tenant":
        if item.replace_of:
            return f"renamed to tenant.{item.replace_of} in the config but still in the account"
        return "owned by this tool but absent from the config"
    if item.kind == "conflict":
        return str(item.expected)
    if item.attribute == "ownership":
        return ("no ownership tag; the config adopts the tenant (adopt: true): "
                + _tags(item.actual, item.expected))
    if item.attribute == "tags":
        return _tags(item.actual, item.expected)
    if item.attribute == "resources":
        parts = []
        if item.expected:
            parts.append("missing " + ", ".join(str(r) for r in item.expected))
        if item.actual:
            parts.append("not in the config: " + ", ".join(str(r) for r in item.actual))
        return "; ".join(parts)
    declared = TENANT.attribute(item.attribute)
    fmt = declared.show if declared is not None and declared.show is not None else q
    return f"{fmt(item.actual)} in the account, {fmt(item.expected)} in the config"


def _other_kind(attribute: str) -> Kind | None:
    """The kind of an item about another kind's object (`iam_policy.Acme/sender ...`)."""
    prefix = attribute.split(".", 1)[0]
    return next((k for k in kinds() if k.name == prefix and k is not TENANT), None)


def _tags(actual: dict[str, str], expected: dict[str, str]) -> str:
    parts = []
    for key in sorted(set(actual) | set(expected)):
        if key not in actual:
            parts.append(f"{q(key)} missing")
        elif key not in expected:
            parts.append(f"{q(key)} not in the config")
        elif actual[key] != expected[key]:
            parts.append(f"{q(key)} is {q(actual[key])} in the account, "
                         f"{q(expected[key])} in the config")
    return "; ".join(parts)


def render_drift_text(plan: Plan) -> str:
    items = classify_drift(plan)
    lines = [f"Drift report for account {plan.account} in {plan.region}.", ""]
    for tenant, group in groupby(items, key=lambda i: i.tenant):
        lines.append(f"  tenant.{tenant}" if tenant is not None else "  account-level objects")
        lines += [f"    {DRIFT_MARKERS[i.kind]} {i.attribute}: {describe(i)}" for i in group]
    if items:
        lines.append("")
    lines += notice_lines(plan.notices)
    lines.append(drift_summary(items))
    return "\n".join(lines) + "\n"


def render_drift_markdown(plan: Plan, *, limit: int = LIMIT) -> str:
    """One table row per drifted tenant, truncated with a count to stay under `limit`."""
    items = classify_drift(plan)
    budget = Budget(limit)
    for line in header(plan, "ses-reconciler drift"):
        budget.add(line, force=True)
    budget.add(f"**{drift_summary(items)}**\n", force=True)
    if items:
        budget.add("| Tenant | Attribute | Drift |\n|---|---|---|")
        rows = [_row(tenant, list(group)) for tenant, group in groupby(items, lambda i: i.tenant)]
        left = budget.add_all(rows, len(rows))
        if left:
            budget.add(f"| … and {left:,} more tenants (see the full report in the CI log) | | |",
                       force=True)
        budget.add("")
    add_notices(budget, plan.notices)
    return budget.text()


def _row(tenant: str | None, items: list[DriftItem]) -> str:
    attrs = "<br>".join(f"{DRIFT_MARKERS[i.kind]} {i.attribute}" for i in items)
    text = "<br>".join(html.escape(describe(i), quote=False).replace("|", "\\|") for i in items)
    name = f"`{tenant}`" if tenant is not None else "account-level"
    return f"| {name} | {attrs} | {text} |"
