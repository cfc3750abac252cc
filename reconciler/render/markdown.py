"""Markdown for pull-request comments: a summary table and one collapsible section per tenant.

GitHub rejects comments above 65,536 characters, so every rendering stays within `LIMIT` and
says how much it left out; the full plan is in the CI log.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from reconciler.kinds.tenant import TenantAction
from reconciler.kinds.tenant_plan import RENAME_WARNING
from reconciler.planning.plan import Conflict, Plan
from reconciler.render.blocks import MARKERS, VERBS, TenantBlock, block_lines, tenant_blocks
from reconciler.render.text import NO_CHANGES, conflict_summary, shorten, summary_line

LIMIT = 65_000
TABLE_ROWS = 200
NOTICES_SHOWN = 50
CALLOUTS_SHOWN = 20
RESERVE = 400
_MARKER = re.compile(r"^( *)(-/\+|[+~-]) (.*)$")


class Budget:
    """Appends parts while the document stays under its limit, keeping room for the footers."""

    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.limit = limit

    def fits(self, text: str) -> bool:
        return self.size + len(text) + 1 <= self.limit - RESERVE

    def add(self, text: str, *, force: bool = False) -> bool:
        if not force and not self.fits(text):
            return False
        self.parts.append(text)
        self.size += len(text) + 1
        return True

    def add_all(self, items: Iterable[str], cap: int) -> int:
        """Add items up to `cap` and the budget; return how many were left out."""
        items = list(items)
        for i, item in enumerate(items):
            if i >= cap or not self.add(item):
                return len(items) - i
        return 0

    def text(self) -> str:
        return "\n".join(self.parts) + "\n"


def fence(body: str) -> str:
    """A code fence longer than any backtick run inside the body."""
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)


def diff_line(line: str) -> str:
    """Move the marker to column 0 so GitHub's diff highlighting colours the line."""
    match = _MARKER.match(line)
    if match is None:
        return line
    indent, marker, rest = match.groups()
    return f"{'!' if marker == '~' else marker} {indent}{rest}"


def details(block: TenantBlock) -> str:
    body = "\n".join(diff_line(line) for line in block_lines(block))
    c = block.counts
    verb = "must be replaced" if block.kind == "replace" else VERBS[block.kind]
    title = (f"{block.old} → {block.name}" if block.old else
             "account-level objects" if block.kind == "account" else block.name)
    f = fence(body)
    return (f"<details><summary><code>{MARKERS[block.kind]} {title}</code> {verb} "
            f"({c.add} to add, {c.change} to change, {c.destroy} to destroy)</summary>\n\n"
            f"{f}diff\n{body}\n{f}\n\n</details>")


def table_row(block: TenantBlock) -> str:
    c = block.counts
    title = (f"`{block.old}` → `{block.name}`" if block.old else
             "account-level" if block.kind == "account" else f"`{block.name}`")
    return f"| {title} | {MARKERS[block.kind]} {block.kind} | {c.add} | {c.change} | {c.destroy} |"


def header(plan: Plan, title: str) -> list[str]:
    scope = "all tenants" if plan.scope is None else f"scope: {shorten(plan.scope)}"
    return [f"## {title}", "",
            f"Account `{plan.account}` · region `{plan.region}` · {scope}", ""]


def add_notices(budget: Budget, notices: tuple[str, ...]) -> None:
    if not notices:
        return
    budget.add("### Notices\n")
    left = budget.add_all((f"- {html.escape(n, quote=False)}" for n in notices), NOTICES_SHOWN)
    if left:
        budget.add(f"- … and {left:,} more notices (see the CI log)", force=True)
    budget.add("")


def add_warnings(budget: Budget, warnings: tuple[str, ...]) -> None:
    """Sends SES will refuse once the plan is applied: worth a look before merging."""
    if not warnings:
        return
    budget.add("### Send-path warnings\n")
    left = budget.add_all((f"- {html.escape(w, quote=False)}" for w in warnings), NOTICES_SHOWN)
    if left:
        budget.add(f"- … and {left:,} more warnings (see the CI log)", force=True)
    budget.add("")


def add_conflicts(budget: Budget, conflicts: tuple[Conflict, ...]) -> None:
    """One warning callout per conflict: each needs a decision in the config."""
    left = budget.add_all((f"> [!WARNING]\n> **Conflict** `{c.tenant}`: "
                           f"{html.escape(c.message, quote=False)}\n" for c in conflicts),
                          CALLOUTS_SHOWN)
    if left:
        budget.add(f"> [!WARNING]\n> … and {left:,} more conflicts (see the CI log).\n",
                   force=True)


def render_plan_markdown(plan: Plan, *, limit: int = LIMIT) -> str:
    """Summary, conflicts, rename and adoption call-outs, per-tenant table, notices, then
    collapsible details."""
    budget = Budget(limit)
    for line in header(plan, "ses-reconciler plan"):
        budget.add(line, force=True)
    if plan.empty:
        if plan.conflicts:
            budget.add(f"**No changes to make. {conflict_summary(plan.conflicts)}**\n",
                       force=True)
            add_conflicts(budget, plan.conflicts)
            add_warnings(budget, plan.warnings)
            add_notices(budget, plan.notices)
            return budget.text()
        add_warnings(budget, plan.warnings)
        add_notices(budget, plan.notices)
        budget.add(f"**{NO_CHANGES}**", force=True)
        return budget.text()
    summary = summary_line(plan.counts)
    if plan.conflicts:
        summary += f" {conflict_summary(plan.conflicts)}"
    budget.add(f"**{summary}**\n", force=True)
    add_conflicts(budget, plan.conflicts)
    blocks = tenant_blocks(plan)
    renames = [b for b in blocks if b.kind == "replace"]
    left = budget.add_all((f"> [!CAUTION]\n> **Rename** `{b.old}` → `{b.name}`: "
                           f"{RENAME_WARNING}.\n" for b in renames), CALLOUTS_SHOWN)
    if left:
        budget.add(f"> [!CAUTION]\n> … and {left:,} more renames.\n", force=True)
    adoptions = [c for c in plan.changes if c.action is TenantAction.ADOPT_TENANT]
    left = budget.add_all((f"> [!IMPORTANT]\n> **Adopt** `{c.tenant}`: {c.reason}.\n"
                           for c in adoptions), CALLOUTS_SHOWN)
    if left:
        budget.add(f"> [!IMPORTANT]\n> … and {left:,} more adoptions.\n", force=True)
    budget.add("| Tenant | Action | Add | Change | Destroy |\n|---|---|--:|--:|--:|")
    left = budget.add_all((table_row(b) for b in blocks), TABLE_ROWS)
    if left:
        budget.add(f"| … and {left:,} more tenants | | | | |", force=True)
    budget.add("")
    add_warnings(budget, plan.warnings)
    add_notices(budget, plan.notices)
    budget.add("### Changes\n")
    left = budget.add_all((details(b) for b in blocks), len(blocks))
    if left:
        budget.add(f"\n… and {left:,} more tenants (see the full plan in the CI log)", force=True)
    return budget.text()
