"""Refuse destructive or unusually large plans unless the operator asked for them.

Like octoDNS's `raise_if_unsafe`: deleting needs `--allow-delete`; deleting or changing a large
share of the tenants needs `--force`, because a broken config or a wrong account usually shows up
as "everything changes". As in octoDNS (whose percentages start at 10 existing records), the
shares only count from `min_tenants` owned tenants: below that any single change is a large
share, and re-running an apply that was interrupted would need `--force` to recover.

An existing tenant counts as changed only when the plan alters or removes something it has, or
loosens or pauses it. A tenant whose changes only add associations, or tighten SES's default
policy (`standard` to `strict`), gains what a create would have given it: that is what
re-running an apply killed between a CreateTenant and its follow-ups looks like, so it does not
count, whatever the size of the account.

Objects of the other kinds (IAM policies) are checked the same way, each kind against its own
base: the share of its managed objects the plan deletes (a whole-object destroy) or changes
(any other write that is not an addition, on an object the plan does not create), so a
template edit that rewrites every tenant's policy is as visible as a change to every tenant.
Pausing a tenant (`DISABLED`) stops its mail, and reputation policy `none` stops SES from
pausing it on findings: both have their own, lower share, `max_pause_percent` of the owned
tenants, counted on the same floor.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from reconciler.errors import SafetyError
from reconciler.kinds.registry import action_spec
from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning.plan import Change, Plan
from reconciler.state import DEFAULT_POLICY, Settings

NAMES_SHOWN = 5


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return f"{shown}, … and {more:,} more" if more > 0 else shown


def _only_adds(change: Change) -> bool:
    """Whether a change on an existing tenant leaves everything it had in place."""
    if change.action is Action.ASSOCIATE:
        return True
    # tightening SES's default policy; loosening to `none` or pausing always counts
    return (change.action is Action.SET_POLICY and change.before == DEFAULT_POLICY
            and change.after == "strict")


def changed_tenants(plan: Plan) -> list[str]:
    """Existing tenants the plan alters: not created by it, and not only gaining additions.
    Changes to the objects of other kinds (a tenant's policies) count in their own kind."""
    created = {c.tenant for c in plan.changes if c.action is Action.CREATE_TENANT}
    altering = {c.tenant for c in plan.changes
                if c.address.kind == "tenant" and not _only_adds(c)}
    return sorted(altering - created)


def deleted_objects(plan: Plan) -> list[str]:
    """Account-level objects (monitoring) the plan deletes: a log group's events go too."""
    return sorted({str(c.address) for c in plan.changes if c.tenant is None
                   and c.effect == "destroy" and action_spec(c.action).whole})


def _percent(part: int, whole: int) -> float:
    return 100.0 * part / max(whole, 1)


def check_safety(
    plan: Plan, settings: Settings, *, live_managed_count: int, allow_delete: bool, force: bool,
    owned: Collection[str] | None = None, managed_objects: Mapping[str, int] | None = None,
) -> None:
    """Raise `SafetyError` naming the flag that would allow the plan.

    `live_managed_count` is the number of live tenants the tool manages (owned ones). The change
    share counts tenants that exist and would be altered (`changed_tenants`) or deleted;
    creating new tenants is never "changing" existing ones. `force` lifts the percentage limits,
    not the delete flag; with fewer than `settings.min_tenants` owned tenants the percentages do
    not apply. `owned` names the live tenants carrying the ownership tag: the share is a share of
    them, so changes to `external: true` or adopted tenants, outside that base, do not count.
    `managed_objects` (kind -> managed live objects) is the base of each other kind's shares,
    checked when that base reaches `min_tenants` too.
    """
    deleted = sorted(str(c.tenant) for c in plan.changes if c.action is Action.DELETE_TENANT)
    if deleted and not allow_delete:
        raise SafetyError(
            f"The plan deletes {len(deleted)} tenant(s) ({_names(deleted)}); "
            "pass --allow-delete to allow it."
        )
    objects = deleted_objects(plan)
    if objects and not allow_delete:
        raise SafetyError(
            f"The plan deletes {len(objects)} account-level object(s) ({_names(objects)}); "
            "pass --allow-delete to allow it."
        )
    if force:
        return
    if live_managed_count >= settings.min_tenants:
        _check_tenants(plan, settings, deleted, live_managed_count, owned)
    for kind, (changed_objects, gone_objects) in sorted(object_shares(plan).items()):
        _check_kind(kind, changed_objects, gone_objects, (managed_objects or {}).get(kind, 0),
                    settings)


def _check_tenants(plan: Plan, settings: Settings, deleted: list[str], live_managed_count: int,
                   owned: Collection[str] | None) -> None:
    share = _percent(len(deleted), live_managed_count)
    if deleted and share > settings.max_delete_percent:
        raise SafetyError(
            f"The plan deletes {len(deleted)} of {live_managed_count} owned tenants "
            f"({share:.1f}%), above max_delete_percent {settings.max_delete_percent:g}%; "
            "pass --force to allow it."
        )
    changed = changed_tenants(plan)
    if owned is not None:
        changed = [name for name in changed if name in owned]
    share = _percent(len(changed), live_managed_count)
    if changed and share > settings.max_change_percent:
        raise SafetyError(
            f"The plan changes {len(changed)} of {live_managed_count} managed tenants "
            f"({share:.1f}%), above max_change_percent {settings.max_change_percent:g}%; "
            "pass --force to allow it."
        )
    _check_pauses(plan, settings, live_managed_count, owned)


def object_shares(plan: Plan) -> dict[str, tuple[list[str], list[str]]]:
    """kind -> (changed, deleted) object names, for every kind but tenants. Deleted: a whole
    destroy; changed: any other write that is not an addition, to an object the plan neither
    creates nor deletes."""
    created: set[tuple[str, str]] = set()
    deleted: set[tuple[str, str]] = set()
    altered: set[tuple[str, str]] = set()
    for c in plan.changes:
        if c.address.kind == "tenant":
            continue
        spec, key = action_spec(c.action), (c.address.kind, c.address.name)
        if spec.whole:
            (created if spec.effect == "add" else deleted).add(key)
        elif spec.effect != "add":
            altered.add(key)
    shares: dict[str, tuple[list[str], list[str]]] = {}
    for kind in sorted({k for k, _ in created | deleted | altered}):
        changed = sorted(n for k, n in altered - created - deleted if k == kind)
        shares[kind] = (changed, sorted(n for k, n in deleted if k == kind))
    return shares


def _check_kind(kind: str, changed: list[str], deleted: list[str], base: int,
                settings: Settings) -> None:
    if base < max(settings.min_tenants, 1):
        return
    share = _percent(len(deleted), base)
    if deleted and share > settings.max_delete_percent:
        raise SafetyError(
            f"The plan deletes {len(deleted)} of {base} managed {kind} objects "
            f"({_names(deleted)}; {share:.1f}%), above max_delete_percent "
            f"{settings.max_delete_percent:g}%; pass --force to allow it.")
    share = _percent(len(changed), base)
    if changed and share > settings.max_change_percent:
        raise SafetyError(
            f"The plan changes {len(changed)} of {base} managed {kind} objects "
            f"({_names(changed)}; {share:.1f}%), above max_change_percent "
            f"{settings.max_change_percent:g}%; pass --force to allow it.")


def paused_tenants(plan: Plan) -> list[str]:
    """Existing tenants the plan pauses (`DISABLED`) or leaves to findings (policy `none`)."""
    created = {c.tenant for c in plan.changes if c.action is Action.CREATE_TENANT}
    pausing = {c.tenant for c in plan.changes
               if (c.action is Action.SET_STATUS and c.after == "DISABLED")
               or (c.action is Action.SET_POLICY and c.after == "none")}
    return sorted(pausing - created)


def _check_pauses(plan: Plan, settings: Settings, live_managed_count: int,
                  owned: Collection[str] | None) -> None:
    """Pausing tenants stops their mail and `none` drops SES's protection of the account's
    reputation: a smaller share than other changes needs `--force` (`max_pause_percent`)."""
    paused = paused_tenants(plan)
    if owned is not None:
        paused = [name for name in paused if name in owned]
    share = _percent(len(paused), live_managed_count)
    if paused and share > settings.max_pause_percent:
        raise SafetyError(
            f"The plan pauses or sets reputation policy none on {len(paused)} of "
            f"{live_managed_count} owned tenants ({share:.1f}%: {_names(paused)}), above "
            f"max_pause_percent {settings.max_pause_percent:g}%; pass --force to allow it."
        )
