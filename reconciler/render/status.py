"""The `status` report as plain columns, a rich table, JSON or Markdown. Pure builders.

Plain text is what scripts and tests see (stdout not a TTY): fixed columns, no colour, stable
order. The rich table carries the same cells; only the CLI decides which one to print.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table

from reconciler.operations.status import StatusRow

if TYPE_CHECKING:
    from reconciler.render.markdown import Budget

HEADERS = ("TENANT", "CONFIG", "OWNED", "CUSTOMER", "SES-MANAGED", "SENDING", "POLICY",
           "IMPACT", "ATTENTION")
_ABSENT = "-"


def status_cells(row: StatusRow) -> tuple[str, ...]:
    """The row as display strings, in HEADERS order."""
    if not row.in_account:
        return (row.name, "yes", _ABSENT, _ABSENT, _ABSENT, _ABSENT, _ABSENT, _ABSENT,
                row.attention)
    aws = row.aws_status or _ABSENT
    if row.aws_status and row.aws_cause:
        aws = f"{row.aws_status} ({row.aws_cause})"
    return (row.name, _yes(row.in_config), _yes(row.owned), row.customer_status or "unset",
            aws, row.aggregate or _ABSENT, row.reputation_policy or _ABSENT,
            row.impact or _ABSENT, row.attention)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def render_status_text(rows: Sequence[StatusRow]) -> str:
    """Left-aligned columns two spaces apart; trailing blanks stripped."""
    if not rows:
        return "No tenants in the config or the account.\n"
    table = [HEADERS, *(status_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
             for line in table]
    return "\n".join(lines) + "\n"


def status_table(rows: Sequence[StatusRow], *, title: str | None = None) -> Table:
    """The same cells as `render_status_text`, as a rich table for a terminal."""
    table = Table(*HEADERS, title=title)
    for row in rows:
        style = "red" if row.aggregate == "DISABLED" or not row.in_account else None
        table.add_row(*status_cells(row), style=style)
    return table


def render_status_json(rows: Sequence[StatusRow], *, account: str, region: str) -> str:
    """`{"account", "region", "tenants": [row...]}`; absent values are null."""
    document = {"account": account, "region": region,
                "tenants": [row.to_dict() for row in rows]}
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def render_status_markdown(rows: Sequence[StatusRow], *, account: str, region: str) -> str:
    """For an issue, a step summary or a chat post: counts, the tenants needing attention,
    then every tenant in a collapsed section; within GitHub's comment limit however large the
    account (what does not fit is counted, and `status` prints it all)."""
    from reconciler.render.markdown import LIMIT, Budget

    budget = Budget(LIMIT)
    budget.add("\n".join(["## ses-reconciler status", "",
                          f"Account `{account}` · region `{region}` · {_counts(rows)}", ""]))
    if not rows:
        budget.add("No tenants in the config or the account.")
        return budget.text()
    flagged = [r for r in rows if r.attention]
    if flagged:
        budget.add(f"### Needs attention ({len(flagged):,})\n")
        _table(budget, flagged)
    else:
        budget.add("Every tenant can send and matches the config.\n")
    if budget.add(f"<details><summary>All tenants ({len(rows):,})</summary>\n"):
        _table(budget, rows)
        budget.add("</details>", force=True)
    return budget.text()


def _counts(rows: Sequence[StatusRow]) -> str:
    live = [r for r in rows if r.in_account]
    sending = sum(1 for r in live if r.aggregate in ("ENABLED", "REINSTATED"))
    by_ses = sum(1 for r in live if r.aws_status == "DISABLED")
    by_customer = sum(1 for r in live if r.aws_status != "DISABLED"
                      and r.customer_status == "DISABLED")
    missing = len(rows) - len(live)
    parts = [f"{len(rows):,} tenant{'s' * (len(rows) != 1)}", f"{sending:,} sending",
             f"{by_ses:,} paused by SES", f"{by_customer:,} disabled by customer"]
    if missing:
        parts.append(f"{missing:,} missing from the account")
    return ", ".join(parts)


def _table(budget: Budget, rows: Sequence[StatusRow]) -> None:
    budget.add("| " + " | ".join(_md(h.title() if h != "SES-MANAGED" else "SES-managed")
                                 for h in HEADERS) + " |", force=True)
    budget.add("|" + "---|" * len(HEADERS), force=True)
    left = budget.add_all((_md_row(r) for r in rows), len(rows))
    if left:
        budget.add(f"\n_{left:,} more not shown; `ses-reconciler status` lists every "
                   "tenant._", force=True)
    budget.add("", force=True)


def _md_row(row: StatusRow) -> str:
    name, *rest = status_cells(row)
    return f"| `{_md(name)}` | " + " | ".join(_md(cell) for cell in rest) + " |"


def _md(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")
