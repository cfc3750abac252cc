"""Saved plans: a versioned JSON document, and the checks that refuse a stale one.

A plan is only valid for the account state it was computed from, so it records a fingerprint of
the live tenants it touches, each in the form its kind's attribute table declares. `apply
--plan` re-reads those tenants, fingerprints them again and calls `check_saved_plan`; any
difference (including a tenant appearing or vanishing) refuses it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from reconciler.errors import AccountMismatchError, StalePlanError
from reconciler.kinds.registry import kinds
from reconciler.kinds.tenant import TENANT
from reconciler.planning.codec import (
    decode_change,
    decode_conflict,
    decode_ownership,
    encode_change,
    encode_conflict,
    encode_ownership,
)
from reconciler.planning.plan import Plan
from reconciler.state import Live

FORMAT_VERSION = 1
DOCUMENT_KIND = "ses-reconciler/plan"


def fingerprint(live: Live, names: Iterable[str | None]) -> str:
    """sha256 over the live state of the tenants `names` and of the objects of other kinds
    that belong to them (None in `names`: the account-level objects); a tenant's absence is
    part of the state."""
    wanted = set(names)
    state: dict[str, Any] = {name: TENANT.state(live.tenants.get(name))
                             for name in sorted(n for n in wanted if n is not None)}
    for kind in kinds():
        for name, obj in (live.objects.get(kind.name) or {}).items():
            if kind.tenant_of(name) in wanted:
                state[f"{kind.name}.{name}"] = kind.state(obj)
    blob = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()


def fingerprint_names(plan: Plan) -> frozenset[str | None]:
    """The tenants a plan's fingerprint covers: those it changes plus its scope, if any, and
    None when it changes account-level objects."""
    names: frozenset[str | None] = frozenset(plan.tenants) | frozenset(plan.scope or ())
    return names | {None} if plan.account_level else names


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan as plain JSON data; also the `--format json` rendering."""
    return _document(plan, [encode_change(c) for c in plan.changes])


def _document(plan: Plan, changes: list[Any]) -> dict[str, Any]:
    counts = plan.counts
    return {
        "format_version": FORMAT_VERSION,
        "kind": DOCUMENT_KIND,
        "account": plan.account,
        "region": plan.region,
        "partition": plan.partition,
        "config_digest": plan.config_digest,
        "fingerprint": plan.fingerprint,
        "scope": list(plan.scope) if plan.scope is not None else None,
        "ownership": encode_ownership(plan.ownership),
        "summary": {"add": counts.add, "change": counts.change, "destroy": counts.destroy,
                    "tenants": len(plan.tenants), "conflicts": len(plan.conflicts)},
        "changes": changes,
        "conflicts": [encode_conflict(c) for c in plan.conflicts],
        "notices": list(plan.notices),
        "warnings": list(plan.warnings),
        "meta": dict(plan.meta),
    }


_CHANGES = '\n  "changes": [],'


def plan_chunks(plan: Plan) -> Iterator[str]:
    """`dump_plan`'s text, piece by piece: one change is encoded at a time, so a plan of
    100,000 tenants is written without holding its whole document (several times the size
    of the plan) in memory. The text is the same as `json.dumps(plan_document(plan),
    indent=2)`: the skeleton is dumped with no changes and each change is spliced in."""
    skeleton = json.dumps(_document(plan, []), indent=2, ensure_ascii=False) + "\n"
    head, tail = skeleton.split(_CHANGES, 1)
    if not plan.changes:
        yield skeleton
        return
    yield head + _CHANGES[:-3] + "["
    for i, change in enumerate(plan.changes):
        text = json.dumps(encode_change(change), indent=2, ensure_ascii=False)
        yield ("," if i else "") + "\n    " + text.replace("\n", "\n    ")
    yield "\n  ]," + tail


def dump_plan(plan: Plan) -> str:
    return "".join(plan_chunks(plan))


def load_plan(text: str) -> Plan:
    """Parse a saved plan; refuse documents this version cannot read faithfully."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StalePlanError(f"The saved plan is not valid JSON: {exc}.") from exc
    if not isinstance(data, dict) or data.get("kind") != DOCUMENT_KIND:
        raise StalePlanError("The file is not a saved ses-reconciler plan.")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise StalePlanError(
            f"The saved plan has format version {version!r}; this version of ses-reconciler "
            f"reads version {FORMAT_VERSION} only. Run plan again."
        )
    try:
        return Plan(
            changes=tuple(decode_change(c) for c in data["changes"]),
            account=data["account"],
            region=data["region"],
            partition=data["partition"],
            config_digest=data["config_digest"],
            fingerprint=data["fingerprint"],
            notices=tuple(data["notices"]),
            scope=tuple(data["scope"]) if data["scope"] is not None else None,
            meta=dict(data.get("meta") or {}),
            conflicts=tuple(decode_conflict(c) for c in data.get("conflicts") or ()),
            ownership=decode_ownership(data.get("ownership")),
            warnings=tuple(data.get("warnings") or ()),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StalePlanError(f"The saved plan is malformed: {exc!r}.") from exc


def check_saved_plan(
    plan: Plan, *, account: str, region: str, config_digest: str, live_fingerprint: str | None
) -> None:
    """Raise if the saved plan was made for another account/region, config or live state.

    `live_fingerprint=None` checks only account, region and config, so a caller can refuse a
    foreign plan before paying for the live read.
    """
    if plan.account != account or plan.region != region:
        raise AccountMismatchError(
            f"The saved plan is for account {plan.account} in {plan.region}, but the credentials "
            f"point at account {account} in {region}."
        )
    if plan.config_digest != config_digest:
        raise StalePlanError(
            f"The configuration changed since the plan was saved (digest {plan.config_digest} "
            f"then, {config_digest} now). Run plan again."
        )
    if live_fingerprint is not None and plan.fingerprint != live_fingerprint:
        raise StalePlanError(
            f"The tenants this plan touches changed in the account since it was saved "
            f"(fingerprint {plan.fingerprint} then, {live_fingerprint} now). Run plan again."
        )
