"""Incremental refresh: which tenants changed out of band in a window, from event history.

For each event source the registered kinds declare (and the config uses), LookupEvents pages
over the window; events made by the tool itself (its user-agent marker) and failed calls are
skipped; each kind maps the rest to its objects, and objects to their tenants. SES changes
no call records (policy auto-pauses, findings) are found in the reputation entities, listed in
bulk. The touched tenants are then read by the targeted read `plan --only` uses, so the cost is
the history pages + the entity pages + a few calls per touched tenant, whatever the account's
size. Objects of no tenant (monitoring) are few: when an event touched one, they are all read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reconciler.aws.clients import USER_AGENT_MARKER, ClientFactory
from reconciler.aws.cloudtrail import TrailEvent, lookup_writes
from reconciler.aws.readers import reputation_entities
from reconciler.kinds.base import Kind
from reconciler.kinds.registry import kinds
from reconciler.kinds.tenant_events import moved_tenants
from reconciler.planning.window import Window
from reconciler.state import Desired


class NoEventSource(Exception):
    """A kind the config uses declares no event source: only a full refresh sees its drift."""


@dataclass(frozen=True, slots=True)
class Changes:
    """What the history and the entities say changed, and what was skipped. `account_level`:
    an event touched an object that belongs to no tenant (monitoring), so those are read."""

    tenants: frozenset[str]
    events: int  # out-of-band writes read (after skipping the tool's own and failed calls)
    own: int
    failed: int
    sources: tuple[str, ...]
    account_level: bool = False

    @property
    def scope(self) -> frozenset[str | None]:
        """The read scope: the tenants, and None for the account-level objects if touched."""
        return frozenset(self.tenants) | ({None} if self.account_level else set())


def changed_tenants(factory: ClientFactory, desired: Desired, window: Window) -> Changes:
    """The tenant scope an incremental refresh must read (HistoryDenied if lookups are
    refused; NoEventSource if a kind in use cannot be followed). A kind the config does not
    use costs no lookup and forces nothing."""
    ctx = factory.arn_context()
    by_source: dict[tuple[str, str], list[Kind]] = {}
    for kind in kinds():
        source = kind.events
        if source is None:
            if kind.in_use(desired):
                raise NoEventSource(f"the {kind.name} kind has no CloudTrail event source")
            continue
        if kind.in_use(desired) and source.in_use(desired):
            key = (source.source, source.region or factory.region)
            by_source.setdefault(key, []).append(kind)
    touched: set[str | None] = set()
    read = own = failed = 0
    for (source, region), users in sorted(by_source.items()):
        client = factory.client("cloudtrail", region)
        events = []
        for event in lookup_writes(client, source, window.start, window.end):
            if USER_AGENT_MARKER in event.user_agent:
                own += 1
            elif event.error_code:
                failed += 1
            else:
                events.append(event)
        read += len(events)
        for kind in users:
            touched.update(_tenants_of(kind, _relevant(kind, events), desired, ctx))
    tenants = {name for name in touched if name is not None}
    tenants |= moved_tenants(reputation_entities(factory), desired, ctx)
    return Changes(frozenset(tenants), read, own, failed,
                   tuple(f"{s} ({r})" for s, r in sorted(by_source)), None in touched)


def _relevant(kind: Kind, events: list[TrailEvent]) -> list[TrailEvent]:
    names = kind.events.names if kind.events is not None else None
    return events if names is None else [e for e in events if e.name in names]


def _tenants_of(kind: Kind, events: list[TrailEvent], desired: Desired,
                ctx: object) -> Iterable[str | None]:
    """The tenants of the objects the events touched (None: an account-level object)."""
    if not events or kind.events is None:
        return ()
    return {kind.tenant_of(name) for name in kind.events.touched(events, desired, ctx)}
