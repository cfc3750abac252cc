"""Resources named by full ARN, held against the account and Region a run is in. Pure.

An ARN in the config keeps its partition, Region and account through resolution, so it never
passes for "this account's resource of that name". Once the credentials and `--region` are known,
an ARN of the run's own account and Region means exactly its bare name (`localize`), and any
other is refused before the first read of the plan, hence before any write
(`check_resource_scope`): SES associates only resources of the tenant's own account and Region.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from reconciler.diagnostics import Location, Source
from reconciler.errors import AccountMismatchError
from reconciler.state import ArnContext, Desired, ResourceRef


def localize(desired: Desired, context: ArnContext) -> Desired:
    """`desired` with every ARN of the run's account and Region written as its bare name, so it
    plans, reads and compares exactly like the name (the digest is kept: same config)."""
    memo: dict[ResourceRef, ResourceRef] = {}  # tiers share their ARNs among many tenants

    def local(ref: ResourceRef) -> ResourceRef:
        if not _by_arn(ref):
            return ref
        found = memo.get(ref)
        if found is None:
            found = memo[ref] = context.localize(ref)
        return found

    changed = {name: replace(t, resources=frozenset(map(local, t.resources)))
               for name, t in desired.tenants.items() if any(map(_by_arn, t.resources))}
    if not changed:
        return desired
    return replace(desired, tenants={**desired.tenants, **changed})


def outside(desired: Desired, context: ArnContext) -> Iterator[tuple[str, ResourceRef]]:
    """(tenant, ref) for each ARN that points outside the run's account and Region."""
    for name, tenant in desired.tenants.items():
        for ref in sorted(tenant.resources):
            if _by_arn(ref) and context.localize(ref) == ref:
                yield name, ref


def check_resource_scope(desired: Desired, context: ArnContext) -> None:
    """Raise `AccountMismatchError` naming the first (in file order) ARN outside the run."""
    found = {ref: tenant for tenant, ref in outside(desired, context)}
    if not found:
        return
    sources = desired.arn_sources
    first = min(found, key=lambda r: (r not in sources, sources.get(r, _NOWHERE), r))
    where = sources.get(first) or f"tenants.{found[first]}.resources"
    more = len(found) - 1
    others = f" (and {more} other ARN{'s' if more > 1 else ''} outside it)" if more else ""
    raise AccountMismatchError(
        f"{where}: the resource ARN {first.name} is in {_differs(first.name, context)}, but this "
        f"run is in account {context.account} in {context.region}{others}, and a tenant can only "
        f"use resources of its own account and Region; nothing was changed: "
        f"{_remedy(first.name, context)}.")


_NOWHERE = Source(Location(""), "")


def _by_arn(ref: ResourceRef) -> bool:
    return ref.name.startswith("arn:")


def _parts(arn: str) -> tuple[str, str, str, str]:
    """(partition, Region, account, bare name) of a resource ARN."""
    _, partition, _, region, account, resource = arn.split(":", 5)
    return partition, region, account, resource.partition("/")[2]


def _differs(arn: str, context: ArnContext) -> str:
    partition, region, account, _ = _parts(arn)
    parts = [f"account {account}"] if account != context.account else []
    if region != context.region:
        parts.append(f"Region {region}")
    if partition != context.partition and not parts:
        parts.append(f"partition {partition}")
    return " and ".join(parts)


def _remedy(arn: str, context: ArnContext) -> str:
    _, region, account, bare = _parts(arn)
    fixes = [f"credentials for account {account}"] if account != context.account else []
    if region != context.region:
        fixes.append(f"--region {region}")
    run = f"run with {' and '.join(fixes)}, or " if fixes else ""
    return (f"{run}write {bare!r} instead of the ARN to mean the resource of account "
            f"{context.account} in {context.region}")
