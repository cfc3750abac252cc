"""The plan digest: what a pull-request comment shows and the merge job must reproduce.

It covers exactly what decides the writes: the changes, the resolved config of the tenants they
touch (plus settings and IAM templates) and the live state of those tenants. It ignores the plan's
scope, so an unrelated change merged meanwhile does not invalidate a reviewed plan, while any
edit to a touched tenant, in the config or in the account, does.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace

from reconciler.config.resolve import digest as config_digest
from reconciler.planning import Plan, fingerprint
from reconciler.planning.codec import encode_change
from reconciler.state import Desired, Live

DIGEST_PATTERN = re.compile(r"sha256:[0-9a-f]{64}")


def touched_config_digest(desired: Desired, names: frozenset[str]) -> str:
    """The config digest restricted to `names`: settings and templates still count in full."""
    subset = {n: t for n, t in desired.tenants.items() if n in names}
    return config_digest(replace(desired, tenants=subset, digest=""))


def plan_digest(plan: Plan, desired: Desired, live: Live) -> str:
    names = frozenset(plan.tenants)
    document = {
        "account": plan.account,
        "region": plan.region,
        "changes": [encode_change(c) for c in plan.changes],
        "config": touched_config_digest(desired, names),
        # None: the account-level objects (monitoring), when the plan changes any
        "live": fingerprint(live, {*names, None} if plan.account_level else names),
    }
    blob = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()
