"""The `status` report as plain columns, a rich table, or JSON. Pure builders.

Plain text is what scripts and tests see (stdout not a TTY): fixed columns, no colour, stable
order. The rich table carries the same cells; only the CLI decides which one to print.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.table import Table

from reconciler.operations.status import StatusRow

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
