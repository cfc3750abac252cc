"""Policies found by name anywhere in the account, whatever their path.

IAM names are unique in the account whatever the path, so a policy the config wants under
`settings.iam.path` that is not there may exist at another path: left behind when the path
setting changed (the plan then moves it), or someone else's (the create would fail). Only
asked when a wanted policy of an existing tenant is missing under the path: ListPolicies
(`Scope=Local`, no path prefix, pages of 1,000) over the account's customer-managed policies,
L of them, ⌈L/1000⌉ calls, then `read_policy`'s calls for each name that matches.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from reconciler.aws.iam_model import LivePolicy, Ownership
from reconciler.aws.iam_read import MAX_ITEMS, fetch_policy, marker_pages


def policies_named(client: Any, names: Collection[str], ownership: Ownership, *,
                   skip_path: str | None = None, page_size: int = MAX_ITEMS
                   ) -> dict[str, LivePolicy]:
    """Lower-cased name -> the policy of that name (names compare without case, as in IAM),
    read with its attachments when owned; policies at `skip_path` are left out."""
    wanted = {n.lower() for n in names}
    if not wanted:
        return {}
    arns = [item["Arn"] for page in marker_pages(client.list_policies, Scope="Local",
                                                 MaxItems=page_size)
            for item in page.get("Policies") or ()
            if str(item["PolicyName"]).lower() in wanted and item.get("Path") != skip_path]
    found = (fetch_policy(client, arn, ownership, attachments=True) for arn in arns)
    return {p.name.lower(): p for p in found if p is not None}
