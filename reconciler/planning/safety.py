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
"""

from __future__ import annotations

from collections.abc import Collection

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
    """Existing tenants the plan alters: not created by it, and not only gaining additions."""
    created = {c.tenant for c in plan.changes if c.action is Action.CREATE_TENANT}
    altering = {c.tenant for c in plan.changes if not _only_adds(c) and c.tenant is not None}
    return sorted(altering - created)


def deleted_objects(plan: Plan) -> list[str]:
    """Account-level objects (monitoring) the plan deletes: a log group's events go too."""
    return sorted({str(c.address) for c in plan.changes if c.tenant is None
                   and c.effect == "destroy" and action_spec(c.action).whole})


def _percent(part: int, whole: int) -> float:
    return 100.0 * part / max(whole, 1)


def check_safety(
    plan: Plan, settings: Settings, *, live_managed_count: int, allow_delete: bool, force: bool,
    owned: Collection[str] | None = None,
) -> None:
    """Raise `SafetyError` naming the flag that would allow the plan.

    `live_managed_count` is the number of live tenants the tool manages (owned ones). The change
    share counts tenants that exist and would be altered (`changed_tenants`) or deleted;
    creating new tenants is never "changing" existing ones. `force` lifts the percentage limits,
    not the delete flag; with fewer than `settings.min_tenants` owned tenants the percentages do
    not apply. `owned` names the live tenants carrying the ownership tag: the share is a share of
    them, so changes to `external: true` or adopted tenants, outside that base, do not count.
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
    if force or live_managed_count < settings.min_tenants:
        return
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
