"""The tenant kind's planning rules: ownership, adopt/external, renames, prune, moves.

Which tenants are touched, and how far, follows ownership, which is only ever given by the
config: tenants carrying the ownership tag are synced exactly and may be deleted (with prune);
a declared tenant without it is adopted (`adopt: true`: the tag first, then a full sync),
changed additively (`external: true`: only what the entry declares, never removed), or, when
the entry says neither, left untouched and reported as a conflict. Pure: no I/O, no clock.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from reconciler.errors import PlanError
from reconciler.kinds import tenant_diff as diff
from reconciler.kinds.send_path import send_path_warnings
from reconciler.kinds.tenant import KIND, TENANT, Tenant
from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning.plan import Change, Conflict
from reconciler.state import Address, Live, ResourceRef, Settings

# scalar attributes written by their own action (other than tags), in rank order
_WRITTEN = sorted((a for a in TENANT.attributes
                   if a.action is not None and a.write is not None and a.name != "tags"),
                  key=lambda a: a.rank)
# what a create records of the desired tenant besides its name, tags and associations
_RECORDED = tuple(a for a in TENANT.attributes if a.plan_key is not None
                  and a.name not in ("name", "tenant_id", "arn", "tags", "resources"))
RENAME_WARNING = "new tenant, fresh reputation; sending history does not carry over"
NAMES_IN_NOTICE = 5
# the other tenants of a move named in its reasons, and awaited by its disassociations
MOVE_PEERS = 5


@dataclass
class _Builder:
    """Collects changes and notices while the planner walks tenants in name order."""

    settings: Settings
    live: Mapping[str, Tenant]
    changes: list[Change] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def tag(self) -> str:
        return f"{self.settings.ownership_tag_key}={self.settings.ownership_tag_value}"

    def add(self, name: str, action: Action, **values: object) -> None:
        self.changes.append(Change(Address(KIND, name), action, **values))  # type: ignore[arg-type]

    def notice(self, name: str, text: str) -> None:
        self.notices.append(f"tenant.{name}: {text}")


def plan_tenants(plan: Any) -> None:
    """Add the tenant changes, notices and conflicts of `plan` (a `PlanBuilder`).

    `plan.names` limits the plan to those tenant names (plus the old names of renames among
    them); a resource named by an ARN of the live account and Region plans as its bare name.
    """
    desired, live, names = plan.desired, plan.live, plan.names
    wanted = {n: t for n, t in desired.tenants.items() if names is None or n in names}
    renamed = _renames(wanted, desired.tenants, live.tenants)
    seen = set(live.tenants) if names is None else set(live.tenants) & (names | set(renamed))
    b = _Builder(desired.settings, live.tenants)
    for name in sorted(wanted):
        _plan_desired(b, wanted[name], renamed)
    if b.errors:
        raise PlanError(" ".join(b.errors))
    for name in sorted(renamed):
        _plan_rename_delete(b, live.tenants[name], renamed[name])
    absent = sorted(n for n in seen if n not in desired.tenants and n not in renamed)
    _plan_absent(b, [live.tenants[n] for n in absent],
                 live.unowned if names is None else live.unowned & names)
    _check_missing_resources(b.changes, live)
    plan.changes.extend(_annotate_moves(b.changes))
    plan.notices.extend(b.notices)
    plan.conflicts.extend(b.conflicts)
    plan.warnings.extend(send_path_warnings(wanted.values(), live, b.changes))


def _renames(
    wanted: Mapping[str, Tenant], declared: Mapping[str, Tenant], live: Mapping[str, Tenant]
) -> dict[str, str]:
    """OLD -> NEW for renames whose old tenant still exists and is no longer declared itself."""
    return {
        t.replaces: t.name
        for t in wanted.values()
        if t.replaces and t.replaces in live and t.replaces not in declared
    }


def _plan_desired(b: _Builder, desired: Tenant, renamed: Mapping[str, str]) -> None:
    live = b.live.get(desired.name)
    if live is None and desired.external:
        b.errors.append(
            f"tenant.{desired.name} is declared `external: true` but does not exist in the "
            "account; an external tenant is created by its owner, not by this tool: create it "
            "first, or remove `external: true` to have the tool create and own it.")
    elif live is None:
        old = desired.replaces if desired.replaces in renamed else None
        _plan_create(b, desired, old)
    else:
        _plan_existing(b, desired, live)


def _plan_existing(b: _Builder, desired: Tenant, live: Tenant) -> None:
    """Ownership comes from the live tag or from an explicit choice in the entry, never else."""
    owned = diff.is_owned(live, b.settings)
    if desired.external:
        if owned:
            b.notice(desired.name, f"declared `external: true` but carries the ownership tag "
                     f"{b.tag}; changes are additive and the tag is left in place")
        _plan_sync(b, desired, live, full=False)
        _notice_unowned(b, desired, live)
    elif owned:
        _plan_sync(b, desired, live, full=True)
    elif desired.adopt:
        _plan_sync(b, desired, live, full=True, adopt=True)
    else:
        b.conflicts.append(Conflict(desired.name, conflict_message(desired.name, b.tag)))


def conflict_message(name: str, tag: str) -> str:
    return (f"tenant.{name} exists in the account without the ownership tag {tag}, so nothing "
            "is written to it; add `adopt: true` to its entry to manage it fully, or "
            "`external: true` to only add what the entry declares.")


def adopt_reason(tag: str) -> str:
    return (f"adopt: true: the ownership tag {tag} is added first, then the tenant is fully "
            "managed (surplus tags and associations removed)")


def _plan_create(b: _Builder, desired: Tenant, replace_of: str | None) -> None:
    """CreateTenant carries tags and what rides on it; each other written attribute gets a
    follow-up write where its table entry asks for one (say, a policy other than default)."""
    after = Tenant(name=desired.name, tags=diff.creation_tags(desired, b.settings),
                   **{a.name: getattr(desired, a.name) for a in _RECORDED})
    reason = f"renames tenant.{replace_of}: {RENAME_WARNING}" if replace_of else "new tenant"
    b.add(desired.name, Action.CREATE_TENANT, after=after, reason=reason, replace_of=replace_of)
    for ref in sorted(desired.resources):
        b.add(desired.name, Action.ASSOCIATE, after=ref)
    for attribute in _WRITTEN:
        sync = attribute.at_create(getattr(desired, attribute.name))
        if sync.write:
            b.add(desired.name, attribute.action or "", before=sync.before, after=sync.after)


def _plan_sync(b: _Builder, desired: Tenant, live: Tenant, *, full: bool,
               adopt: bool = False) -> None:
    """`full`: the tenant is (or, adopted, becomes) ours and is synced exactly; otherwise
    only what the entry declares is added."""
    name = desired.name
    before_tags = diff.user_tags(live.tags)
    after_tags = diff.target_tags(desired, live, b.settings, owned=full)
    if adopt:
        b.add(name, Action.ADOPT_TENANT, before=before_tags, after=after_tags,
              reason=adopt_reason(b.tag))
    elif before_tags != after_tags:
        b.add(name, Action.UPDATE_TAGS, before=before_tags, after=after_tags)
    for attribute in _WRITTEN:
        if not _governs(desired, attribute.name, full):
            continue
        sync = attribute.decide(desired, live)
        if sync.write:
            b.add(name, attribute.action or "", before=sync.before, after=sync.after)
        if sync.notice:
            b.notice(name, sync.notice)
    add, remove = diff.resource_diff(desired, live, owned=full)
    for ref in add:
        b.add(name, Action.ASSOCIATE, after=ref)
    for ref in remove:
        b.add(name, Action.DISASSOCIATE, before=ref)


def _governs(desired: Tenant, attribute: str, owned: bool) -> bool:
    """Owned tenants are synced in full; an unowned one only where the config wrote a value,
    so a built-in default (say, no suppression) never rewrites a tenant that is not ours."""
    return owned or attribute in desired.declared


def _notice_unowned(b: _Builder, desired: Tenant, live: Tenant) -> None:
    tags, resources = diff.surplus_kept(desired, live)
    if (tags or resources) and not diff.is_owned(live, b.settings):
        b.notice(desired.name, (
            f"lacks the ownership tag {b.tag}; changes are additive, keeping {tags} undeclared "
            f"tag(s) and {resources} undeclared resource(s)"
        ))


def _plan_rename_delete(b: _Builder, old: Tenant, new: str) -> None:
    """The second half of a rename: only an owned, unprotected old tenant is deleted."""
    s = b.settings
    if any(c.tenant == new for c in b.conflicts):
        b.notice(old.name, f"replaced by tenant.{new}, which is in conflict; kept until the "
                 "conflict is resolved")
    elif not diff.is_owned(old, s):
        b.notice(old.name, f"replaced by tenant.{new} but not owned "
                 f"({s.ownership_tag_key}={s.ownership_tag_value} missing); left in place")
    elif diff.is_protected_live(old, s):
        b.notice(old.name, f"replaced by tenant.{new} but protected "
                 f"({diff.protect_tag_key(s)}=true); kept")
    else:
        b.add(old.name, Action.DELETE_TENANT, before=_strip(old), replace_of=new,
              reason=f"renamed to tenant.{new}: {RENAME_WARNING}")


def _plan_absent(b: _Builder, absent: list[Tenant], unowned_names: frozenset[str]) -> None:
    """Live tenants the config does not declare: prune owned ones, report the rest."""
    s = b.settings
    unowned = sorted({t.name for t in absent if not diff.is_owned(t, s)} | unowned_names)
    owned = [t for t in absent if diff.is_owned(t, s)]
    if not s.prune:
        if owned:
            b.notices.append(f"{len(owned)} owned tenant(s) absent from the config are kept "
                             f"because prune is off: {_names(t.name for t in owned)}")
        return
    if unowned:
        b.notices.append(f"{len(unowned)} tenant(s) without the ownership tag "
                         f"{s.ownership_tag_key}={s.ownership_tag_value} are not in the config "
                         f"and are left alone: {_names(unowned)}")
    for tenant in owned:
        if diff.is_protected_live(tenant, s):
            b.notice(tenant.name, f"protected ({diff.protect_tag_key(s)}=true); kept although "
                     "absent from the config")
        else:
            b.add(tenant.name, Action.DELETE_TENANT, before=_strip(tenant),
                  reason="owned and absent from the config (prune)")


def _names(names: Iterable[str]) -> str:
    listed = sorted(names)
    more = len(listed) - NAMES_IN_NOTICE
    shown = ", ".join(listed[:NAMES_IN_NOTICE])
    return f"{shown}, … and {more:,} more" if more > 0 else shown


def _strip(live: Tenant) -> Tenant:
    """The live tenant as the plan records it: tags without `aws:` keys, no read-time noise."""
    return Tenant(
        name=live.name, tags=diff.user_tags(live.tags), resources=live.resources,
        tenant_id=live.tenant_id, arn=live.arn,
        **{a.name: getattr(live, a.name) for a in TENANT.attributes if a.read is not None})


def _check_missing_resources(changes: list[Change], live: Live) -> None:
    """Refuse to plan associations with resources the reader found missing from the account."""
    missing = sorted(
        f"tenant.{c.tenant}: {c.after}" for c in changes
        if c.action is Action.ASSOCIATE and c.after in live.missing_resources
    )
    if missing:
        raise PlanError(
            f"{len(missing)} association(s) refer to resources that do not exist in the "
            f"account: {'; '.join(missing)}"
        )


def _annotate_moves(changes: list[Change]) -> list[Change]:
    """Name the other tenant on both halves of a resource moving between tenants."""
    gains: dict[ResourceRef, list[str]] = {}
    for c in changes:
        if c.action is Action.ASSOCIATE:
            gains.setdefault(c.after, []).append(c.tenant)
    losses: dict[ResourceRef, list[str]] = {}
    for c in changes:
        if c.action is Action.DISASSOCIATE:
            losses.setdefault(c.before, []).append(c.tenant)
    out = []
    for c in changes:
        if c.action is Action.ASSOCIATE and c.after in losses:
            c = replace(c, reason="moved from " + _tenants(losses[c.after]))
        elif c.action is Action.DISASSOCIATE and c.before in gains:
            c = replace(c, reason="moves to " + _tenants(gains[c.before]))
        out.append(c)
    return out


def _tenants(names: list[str]) -> str:
    """The first few names, then how many more: a shared resource re-spread over thousands of
    tenants must not put thousands of names in each of thousands of reasons."""
    shown = ", ".join(f"tenant.{t}" for t in names[:MOVE_PEERS])
    more = len(names) - MOVE_PEERS
    return shown + (f" and {more} more" if more > 0 else "")


def tenant_edges(changes: Sequence[Change]) -> dict[str, set[str]]:
    """key -> keys each tenant change depends on.

    - every change to a tenant created in this plan depends on that create, and every change
      to a tenant adopted in this plan on the adoption (the ownership tag is written first);
    - a disassociation depends on the association of the same resource to another tenant (a
      move never leaves a gap in sending): to the first `MOVE_PEERS` such tenants, since a
      resource that many gain and many lose in one plan (a re-tiering) would otherwise cost
      gains x losses edges;
    - a rename's deletion of the old tenant depends on the new tenant's create and
      associations, so shared resources reach the new tenant before the old one goes. A plain
      (pruned) deletion needs no edge: DeleteTenant cascades its associations.
    """
    changes = [c for c in changes if c.address.kind == KIND]
    # the change that must come first for each tenant: its create, or its adoption
    creates = {c.tenant: c.key for c in changes
               if c.action in (Action.CREATE_TENANT, Action.ADOPT_TENANT)}
    gains: dict[object, list[Change]] = defaultdict(list)
    gained_by: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        if c.action is Action.ASSOCIATE:
            gains[c.after].append(c)
            gained_by[c.tenant].append(c)
    result: dict[str, set[str]] = {}
    for c in changes:
        deps: set[str] = set()
        if c.tenant in creates and c.key != creates[c.tenant]:
            deps.add(creates[c.tenant])
        if c.action is Action.DISASSOCIATE:
            deps.update(itertools.islice(
                (g.key for g in gains[c.before] if g.tenant != c.tenant), MOVE_PEERS))
        if c.action is Action.DELETE_TENANT:
            deps.update(_delete_deps(c, creates, gained_by))
        if deps:
            result[c.key] = deps
    return result


def _delete_deps(
    delete: Change, creates: dict[str, str], gained_by: dict[str, list[Change]]
) -> set[str]:
    deps: set[str] = set()
    new = delete.replace_of
    if new is not None:
        if new in creates:
            deps.add(creates[new])
        deps.update(c.key for c in gained_by.get(new, ()))
    return deps
