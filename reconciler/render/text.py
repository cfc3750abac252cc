"""Terraform-like text rendering of a plan, for terminals and CI logs."""

from __future__ import annotations

from reconciler.planning.plan import Plan, PlanCounts
from reconciler.render.blocks import block_lines, tenant_blocks

NO_CHANGES = "No changes. The account matches the configuration."
NAMES_SHOWN = 10


def shorten(names: tuple[str, ...]) -> str:
    more = len(names) - NAMES_SHOWN
    shown = ", ".join(names[:NAMES_SHOWN])
    return f"{shown}, … and {more:,} more" if more > 0 else shown


def summary_line(counts: PlanCounts) -> str:
    return (f"Plan: {counts.add:,} to add, {counts.change:,} to change, "
            f"{counts.destroy:,} to destroy.")


def notice_lines(notices: tuple[str, ...]) -> list[str]:
    if not notices:
        return []
    return ["Notices (reported, not acted on):", *(f"  - {n}" for n in notices), ""]


def render_plan_text(plan: Plan) -> str:
    """The whole plan; ends with the summary line, or the no-changes sentence."""
    lines: list[str] = []
    if plan.scope is not None:
        lines += [f"Scope: {len(plan.scope):,} tenant(s): {shorten(plan.scope)}", ""]
    if plan.empty:
        return "\n".join([*lines, *notice_lines(plan.notices), NO_CHANGES]) + "\n"
    lines += ["ses-reconciler will perform the following actions:", ""]
    for block in tenant_blocks(plan):
        lines += [*block_lines(block), ""]
    lines += notice_lines(plan.notices)
    lines.append(summary_line(plan.counts))
    return "\n".join(lines) + "\n"
