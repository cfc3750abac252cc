"""Terraform-like text rendering of a plan, for terminals and CI logs."""

from __future__ import annotations

from reconciler.planning.plan import Conflict, Plan, PlanCounts
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


def _noun(conflicts: tuple[Conflict, ...]) -> str:
    """`tenant` while only tenants are in conflict (other kinds' objects: `object`)."""
    return "tenant" if all(c.subject is None for c in conflicts) else "object"

def warning_lines(warnings: tuple[str, ...]) -> list[str]:
    if not warnings:
        return []
    return ["Warnings (sends SES will refuse once this plan is applied):",
            *(f"  - {w}" for w in warnings), ""]


def conflict_lines(conflicts: tuple[Conflict, ...]) -> list[str]:
    if not conflicts:
        return []
    return [f"Conflicts (nothing is written to these {_noun(conflicts)}s until the config "
            "decides):", *(f"  ! {c.message}" for c in conflicts), ""]


def conflict_summary(conflicts: tuple[Conflict, ...]) -> str:
    n = len(conflicts)
    return (f"{n:,} {_noun(conflicts)}{' is' if n == 1 else 's are'} in conflict and left "
            "untouched (see Conflicts above).")


def render_plan_text(plan: Plan) -> str:
    """The whole plan; ends with the summary line, or the no-changes sentence, then the
    conflict count if any."""
    lines: list[str] = []
    if plan.scope is not None:
        lines += [f"Scope: {len(plan.scope):,} tenant(s): {shorten(plan.scope)}", ""]
    if plan.empty:
        lines += [*conflict_lines(plan.conflicts), *warning_lines(plan.warnings),
                  *notice_lines(plan.notices)]
        if not plan.conflicts:
            return "\n".join([*lines, NO_CHANGES]) + "\n"
        return "\n".join([*lines, "No changes to make.", conflict_summary(plan.conflicts)]) + "\n"
    lines += ["ses-reconciler will perform the following actions:", ""]
    for block in tenant_blocks(plan):
        lines += [*block_lines(block), ""]
    lines += conflict_lines(plan.conflicts)
    lines += warning_lines(plan.warnings)
    lines += notice_lines(plan.notices)
    lines.append(summary_line(plan.counts))
    if plan.conflicts:
        lines.append(conflict_summary(plan.conflicts))
    return "\n".join(lines) + "\n"
