"""What the account must look like after a plan was applied, written from the rules themselves.

The convergence properties compare a simulated end state with this expectation rather than
planning a second time: a planner that never writes some attribute also never notices it missing.
Each function returns the differences it found, as readable lines, so a failing example says what
is wrong with which tenant.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.kinds.tenant import Tenant
from reconciler.state import Desired, Live, LiveStatus, SendingStatus

OWNERSHIP_KEY = "managed-by"
OWNERSHIP_VALUE = "ses-reconciler"
PROTECT_KEY = "managed-by:protect"


def owned(tenant: Tenant) -> bool:
    return tenant.tags.get(OWNERSHIP_KEY) == OWNERSHIP_VALUE


def in_conflict(want: Tenant, live: Tenant | None) -> bool:
    """Declared, live without our tag, and neither adopted nor external: left alone, and so is
    the tenant it renames (deleting it would leave no replacement)."""
    return live is not None and not owned(live) and not (want.adopt or want.external)


def protected(tenant: Tenant) -> bool:
    return tenant.tags.get(PROTECT_KEY) == "true"


def user_tags(tags: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in tags.items() if not k.startswith("aws:")}


def aws_tags(tags: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in tags.items() if k.startswith("aws:")}


def status_holds(wanted: SendingStatus, status: LiveStatus | None) -> bool:
    """ENABLED and REINSTATED both mean "sending"; REINSTATED must lift an SES pause."""
    status = status or LiveStatus()
    if wanted == "DISABLED":
        return status.customer == "DISABLED"
    if status.customer == "DISABLED":
        return False
    if wanted == "REINSTATED" and status.aws == "DISABLED":
        return status.customer == "REINSTATED"
    return True


def managed_differences(want: Tenant, end: Tenant, before: Tenant | None) -> list[str]:
    """An owned (or newly created) tenant equals its config entry in every attribute."""
    tags = {**want.tags, OWNERSHIP_KEY: OWNERSHIP_VALUE,
            **({PROTECT_KEY: "true"} if want.protect else {})}
    found = {
        "tags": (user_tags(end.tags), tags),
        "aws: tags": (aws_tags(end.tags), aws_tags(before.tags) if before else {}),
        "resources": (end.resources, want.resources),
        "reputation_policy": (end.reputation_policy, want.reputation_policy),
        "suppression": (end.suppression, want.suppression),
    }
    problems = [f"{want.name}: {what} is {got!r}, expected {exp!r}"
                for what, (got, exp) in found.items() if got != exp]
    if not status_holds(want.sending_status, end.status):
        problems.append(f"{want.name}: status {end.status!r} does not satisfy "
                        f"{want.sending_status}")
    return problems


def foreign_differences(want: Tenant, before: Tenant, end: Tenant) -> list[str]:
    """A declared tenant without the ownership tag keeps all it had and gains at most what the
    entry declares; it never becomes ours. (A conflict writes nothing, which also satisfies this.)
    """
    problems: list[str] = []
    if owned(end):
        problems.append(f"{want.name}: not ours, yet given the ownership tag")
    old, new = user_tags(before.tags), user_tags(end.tags)
    for key, value in new.items():
        if value not in {old.get(key), want.tags.get(key)}:
            problems.append(f"{want.name}: tag {key}={value!r} neither kept nor declared")
    problems += [f"{want.name}: tag {key} removed" for key in old if key not in new]
    if aws_tags(end.tags) != aws_tags(before.tags):
        problems.append(f"{want.name}: aws: tags changed")
    if not before.resources <= end.resources <= before.resources | want.resources:
        problems.append(f"{want.name}: resources {sorted(end.resources)} from "
                        f"{sorted(before.resources)} are not an additive change")
    for attribute in ("reputation_policy", "suppression"):
        got = getattr(end, attribute)
        allowed = [getattr(before, attribute)]
        if attribute in want.declared:
            allowed.append(getattr(want, attribute))
        if got not in allowed:
            problems.append(f"{want.name}: {attribute} {got!r} is not in {allowed!r}")
    if end.status != before.status and not (
            "sending_status" in want.declared and status_holds(want.sending_status, end.status)):
        problems.append(f"{want.name}: status changed to {end.status!r} without a declaration")
    return problems


def end_state_differences(wanted: Desired, before: Live, after: Live) -> list[str]:
    """Every way the applied account differs from what the config and the ownership rules ask."""
    problems: list[str] = []
    renames = [t for t in wanted.tenants.values()
               if t.replaces and t.replaces in before.tenants and t.replaces not in wanted.tenants]
    renamed = {t.replaces for t in renames if not in_conflict(t, before.tenants.get(t.name))}
    held = {t.replaces for t in renames} - renamed  # kept until the new name's conflict ends
    for name, want in sorted(wanted.tenants.items()):
        old, end = before.tenants.get(name), after.tenants.get(name)
        if end is None:
            problems.append(f"{name}: declared, but absent after apply")
        elif old is None or owned(old):
            problems += managed_differences(want, end, old)
        else:
            problems += foreign_differences(want, old, end)
    for name, old in sorted(before.tenants.items()):
        if name in wanted.tenants:
            continue
        end = after.tenants.get(name)
        removable = owned(old) and not protected(old) and name not in held
        if removable and (wanted.settings.prune or name in renamed):
            if end is not None:
                problems.append(f"{name}: owned and no longer declared, yet not deleted")
        elif end != old:
            problems.append(f"{name}: undeclared and kept, yet changed to {end!r}")
    return problems
