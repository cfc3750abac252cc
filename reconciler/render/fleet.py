"""One Markdown summary for every stack of a fleet, within GitHub's 65,536-character limit.

A totals table always fits; each stack then gets a share of what is left, smallest plans first so
that they show in full, and any plan that does not fit its share (or is large) is collapsed into
`<details>` and truncated with counts by the plan renderer itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.planning import Plan
from reconciler.render.markdown import LIMIT, render_plan_markdown

COLLAPSE_TENANTS = 20  # plans touching more tenants than this are collapsed
MIN_SHARE = 1_500
TITLE = "## ses-reconciler plan"


def _row(name: str, plan: Plan) -> str:
    c = plan.counts
    return (f"| `{name}` | `{plan.account}` | `{plan.region}` | {len(plan.tenants):,} | "
            f"{c.add:,} | {c.change:,} | {c.destroy:,} |")


def _section(name: str, plan: Plan, share: int) -> str:
    body = render_plan_markdown(plan, limit=share)
    body = body.replace(TITLE, f"### Stack `{name}`", 1)
    if len(plan.tenants) <= COLLAPSE_TENANTS and len(body) < share - 200:
        return body
    inner = render_plan_markdown(plan, limit=share - 200).split("\n", 1)[1]
    c = plan.counts
    return (f"<details><summary>Stack <code>{name}</code>: {len(plan.tenants):,} tenants, "
            f"{c.add:,} to add, {c.change:,} to change, {c.destroy:,} to destroy</summary>\n"
            f"{inner}\n</details>\n")


def render_fleet_markdown(plans: Sequence[tuple[str, Plan]], *, limit: int = LIMIT) -> str:
    total = sum(p.counts.total for _, p in plans)
    head = [f"{TITLE} · {len(plans)} stacks", "",
            f"**{total:,} changes across {sum(1 for _, p in plans if p.changes)} of "
            f"{len(plans)} stacks.**", "",
            "| Stack | Account | Region | Tenants | Add | Change | Destroy |",
            "|---|---|---|--:|--:|--:|--:|",
            *(_row(n, p) for n, p in plans), ""]
    text = "\n".join(head) + "\n"
    left = limit - len(text)
    sections: dict[str, str] = {}
    pending = sorted(plans, key=lambda item: (len(item[1].changes), item[0]))
    for i, (name, plan) in enumerate(pending):
        share = max(MIN_SHARE, left // (len(pending) - i))
        if share > left:
            sections[name] = f"### Stack `{name}`\n\nLeft out to stay within the comment limit; " \
                             f"{plan.counts.total:,} changes (see the CI log).\n"
        else:
            sections[name] = _section(name, plan, share)
        left -= len(sections[name]) + 1
    return text + "\n".join(sections[n] for n, _ in plans)
