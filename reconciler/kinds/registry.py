"""The registered kinds, in planning order, and lookups by kind and by action name.

Adding a kind is one module that builds a `Kind` and one `register(...)` line below; action
names are unique across kinds, so a saved plan's action alone says which kind handles it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reconciler.errors import RunError
from reconciler.kinds.base import ActionSpec, Kind
from reconciler.kinds.iam_policy import IAM_POLICY
from reconciler.kinds.iam_role import IAM_ROLE
from reconciler.kinds.monitoring_kinds import MONITORING_KINDS
from reconciler.kinds.tenant import TENANT
from reconciler.state import Desired, Live

_BY_NAME: dict[str, Kind] = {}
_ACTIONS: dict[str, ActionSpec] = {}
_KIND_OF: dict[str, Kind] = {}


def register(new: Kind) -> Kind:
    """Add a kind after those registered so far (so after the kinds it depends on)."""
    clash = sorted(a.name for a in new.actions if a.name in _ACTIONS)
    if new.name in _BY_NAME or clash:
        raise ValueError(f"kind {new.name!r} is already registered or reuses actions {clash}")
    missing = [d for d in new.depends_on if d not in _BY_NAME]
    if missing:
        raise ValueError(f"kind {new.name!r} depends on unregistered kinds {missing}")
    _BY_NAME[new.name] = new
    for spec in new.actions:
        _ACTIONS[spec.name], _KIND_OF[spec.name] = spec, new
    return new


def unregister(name: str) -> None:
    """Remove a kind (tests that plug in a kind of their own)."""
    gone = _BY_NAME.pop(name)
    for spec in gone.actions:
        del _ACTIONS[spec.name], _KIND_OF[spec.name]


def kinds() -> tuple[Kind, ...]:
    """The registered kinds, in registration (planning) order."""
    return tuple(_BY_NAME.values())


register(TENANT)
register(IAM_POLICY)
register(IAM_ROLE)
for _monitoring in MONITORING_KINDS:  # log group, policy statement, topic, rule (+ targets)
    register(_monitoring)


def kind(name: str) -> Kind:
    """The kind called `name`; ValueError for one this version does not know."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown kind {name!r}") from None


def action_spec(action: str) -> ActionSpec:
    """The declaration of an action; ValueError for one no kind declares."""
    try:
        return _ACTIONS[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}") from None


def kind_of_action(action: str) -> Kind:
    return _KIND_OF[action_spec(action).name]


def action(name: str) -> str:
    """The declared action (the kind's enum member) for a name read from a saved plan."""
    return action_spec(name).name


def write(ctx: Any, change: Any) -> None:
    """Carry out one change; an action without a writer is a bug in the plan."""
    try:
        spec = action_spec(change.action)
    except ValueError:
        raise RunError(f"no writer for action {change.action!r} ({change.key})") from None
    spec.write(ctx, change)


def read_account(factory: Any, desired: Desired, *, scope: frozenset[str] | None = None,
                 parallelism: int = 8, all_tenants: bool = False) -> Live:
    """Tenants first (bulk, or targeted to `scope`), then each other kind's objects, which
    its reader may look up by the tenants just read (ids and ARNs for rendered documents),
    then the reads that need every kind's objects (`Kind.read_after`)."""
    reader = TENANT.read_targeted if scope is not None else TENANT.read
    assert reader is not None
    # None in a scope stands for the objects that belong to no tenant (monitoring)
    tenants = None if scope is None else frozenset(n for n in scope if n is not None)
    live: Live = reader(factory, desired, scope=tenants, parallelism=parallelism,
                        all_tenants=all_tenants)
    objects = {kind.name: kind.read(factory, desired, live, scope=scope,
                                    parallelism=parallelism)
               for kind in kinds() if kind is not TENANT and kind.read is not None}
    live = replace(live, objects=objects) if objects else live
    for kind in kinds():
        if kind.read_after is not None:
            live = kind.read_after(factory, desired, live, parallelism=parallelism)
    return live
