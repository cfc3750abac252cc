"""What a kind of object says about itself: its attributes, its actions, its reads and writes.

Everything outside a kind's module is generic: the planner asks each registered kind for its
changes, ordering asks it for ranks and edges, the plan codec and the saved-plan fingerprint
serialise objects through the attribute table, renderers print the declared labels, and the
executor runs the writer each action declares. A kind is one module that builds a `Kind`, plus
one line in `reconciler.kinds.registry`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Effect = Literal["add", "change", "destroy"]
Access = Literal["read", "write"]
Layering = Literal["scalar", "union", "merge"]
Writer = Callable[[Any, Any], None]  # (WriteContext, Change) -> None


def deferred(target: str) -> Callable[..., Any]:
    """`module:function`, imported at its first call: a kind's planning, reading and rendering
    modules import the kind's module, so the kind refers to them without importing them."""
    module, name = target.split(":")

    def call(*args: Any, **kwargs: Any) -> Any:
        from importlib import import_module

        return getattr(import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    return call


@dataclass(frozen=True, slots=True)
class Permission:
    """What one API operation needs: IAM actions (none for GetCallerIdentity) and its access."""

    actions: tuple[str, ...]
    access: Access

    @classmethod
    def read(cls, *actions: str) -> Permission:
        return cls(actions, "read")

    @classmethod
    def write(cls, *actions: str) -> Permission:
        return cls(actions, "write")


class _Omit:
    """An attribute value `import` leaves out of the written document."""

    def __repr__(self) -> str:
        return "OMIT"


OMIT: Any = _Omit()


def plain(value: Any) -> Any:
    return value


@dataclass(frozen=True, slots=True)
class Sync:
    """What planning one attribute decided: write `after` (over `before`) or not, and a notice."""

    write: bool
    before: Any = None
    after: Any = None
    notice: str | None = None


@dataclass(frozen=True, slots=True)
class Attribute:
    """One attribute, declared once; each facet is optional (None: the attribute has no part).

    - `name`: the field on the object, the config key and the plan-JSON key (unless `plan_key`).
    - `default`: the value when no config layer writes one (the single copy of that default).
    - `encode`/`decode`: the plain-JSON form in saved plans and JSON renderings.
    - `plan_key`: the key in a plan's object encoding (None: not recorded in plans).
    - `state_key` + `state`: the key and form in the saved-plan fingerprint of a live object.
    - `digest`: the form in the config digest, given (value, home ArnContext | None).
    - `layer`: how config layers combine it (`scalar`: the most specific layer that wrote it).
    - `reconciled`: an unowned object is changed in it only when the config wrote it.
    - `label` + `show`: the rendering label and value text; `action` + `rank`: the action that
      writes it and that action's place in a per-object sequence; `write`: that writer.
    - `imported`: the value `import` writes for a live object, or OMIT.
    - `read`: the live value from the wire (the kind's reader passes its wire answers).
    - `sync`: the decision for an existing object, given (desired value, live object); None:
      write the desired value when it differs from the live one.
    - `create`: how a created object gets it: `"rides"` on the create call itself, or a
      function of the desired value giving the follow-up write; None: a follow-up write when
      the value differs from `default`.
    """

    name: str
    default: Any = None
    plan_key: str | None = None
    encode: Callable[[Any], Any] = plain
    decode: Callable[[Any], Any] = plain
    state_key: str | None = None
    state: Callable[[Any], Any] | None = None  # live object -> fingerprinted value
    digest: Callable[[Any, Any], Any] | None = None
    layer: Layering | None = None
    from_config: Callable[[Any], Any] = plain
    reconciled: bool = False
    label: str | None = None
    show: Callable[[Any], str] | None = None
    action: str | None = None
    rank: int = 0
    write: Writer | None = None
    imported: Callable[[Any, Any], Any] | None = None  # (live object, Settings) -> value
    read: Callable[..., Any] | None = None
    sync: Callable[[Any, Any], Sync] | None = None
    create: Callable[[Any], Sync] | str | None = None

    def decide(self, desired: Any, live: Any) -> Sync:
        """Whether an existing object's attribute is written, and from what to what."""
        if self.sync is not None:
            return self.sync(getattr(desired, self.name), live)
        before, after = getattr(live, self.name), getattr(desired, self.name)
        return Sync(before != after, before, after)

    def at_create(self, value: Any) -> Sync:
        """The follow-up write a created object needs for this attribute, if any."""
        if self.create == "rides":
            return Sync(False)
        if callable(self.create):
            return self.create(value)
        return Sync(value != self.default, self.default, value)


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One action of a kind: how it counts, where it sits, what its values are, who writes it.

    `keyed` actions may occur several times per object (one per child), so the change key
    carries the value; `attribute` names the attribute it writes (drift reports it by name);
    `whole` actions carry the whole object as their value (create, delete).
    """

    name: str
    effect: Effect
    rank: int
    write: Writer
    attribute: str | None = None
    keyed: bool = False
    whole: bool = False
    encode: Callable[[Any], Any] = plain
    decode: Callable[[Any], Any] = plain


def _everywhere(desired: Any) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class EventSource:
    """Where CloudTrail records the out-of-band writes to a kind's objects (incremental drift).

    - `source`: the event source (`ses.amazonaws.com`); `region`: where its events are recorded
      (None: the config's Region; IAM's are in us-east-1).
    - `names`: the write events that can change the kind's objects (None: every write).
    - `touched(events, desired, context)`: the names of the kind's objects the events touched
      (`aws.cloudtrail.TrailEvent`s, the `Desired`, the account's `ArnContext`).
    - `in_use(desired)`: whether the config manages objects this source records (else no
      lookup).
    """

    source: str
    touched: Callable[[Any, Any, Any], Iterable[str]]
    region: str | None = None
    names: frozenset[str] | None = None
    in_use: Callable[[Any], bool] = _everywhere


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of object: its attribute table, actions and the hooks generic code calls.

    `plan(builder)` adds the kind's changes for one Desired x Live pair; `edges(changes)` adds
    the ordering edges the kind needs (key -> keys that must succeed first) on top of those
    between its own changes; `depends_on` names kinds whose objects must exist first (cross-kind
    edges: created after, deleted before, re-rendered when replaced). `tenant_of(name)` says
    which tenant an object belongs to, so plans, blocks and fingerprints group by tenant.
    """

    name: str
    type: type
    attributes: Sequence[Attribute]
    actions: Sequence[ActionSpec]
    plan: Callable[..., None]
    edges: Callable[[Sequence[Any]], Mapping[str, set[str]]]
    # bulk read (the whole account or the config's share) and targeted read (a tenant scope);
    # for kinds other than tenant: (factory, desired, live tenants, scope=, parallelism=)
    read: Callable[..., Any] | None = None
    read_targeted: Callable[..., Any] | None = None
    # a read that needs every kind's objects first: (factory, desired, live, parallelism=)
    # -> live with what it found (the iam_policy kind looks up the principals it would attach)
    read_after: Callable[..., Any] | None = None
    depends_on: tuple[str, ...] = ()
    known_after_create: tuple[str, ...] = ()  # plan-JSON keys only apply can fill in
    tenant_of: Callable[[str], str | None] = plain  # None: an account-level object
    # (boto3 service, API operation) -> Permission, for `iam self-policy`
    operations: Mapping[tuple[str, str], Permission] = field(default_factory=dict)
    # the lines a plan shows for one change of this kind inside its tenant's block, and the
    # drift sentence for (account value, config value); None for the tenant kind
    show_change: Callable[[Any], list[str]] | None = None
    explain: Callable[[Any, Any], str] | None = None
    # where CloudTrail records out-of-band writes to its objects; None: incremental drift
    # cannot see them, so a config using the kind (`in_use`) is refreshed in full
    events: EventSource | None = None
    in_use: Callable[[Any], bool] = _everywhere  # whether a Desired declares objects of it

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)

    def action(self, name: str) -> ActionSpec | None:
        return next((a for a in self.actions if a.name == name), None)

    def encode(self, obj: Any) -> dict[str, Any]:
        """The object in saved plans and JSON renderings, keys in table order."""
        return {a.plan_key: a.encode(getattr(obj, a.name)) for a in self.attributes
                if a.plan_key is not None}

    def decode(self, data: Mapping[str, Any]) -> Any:
        return self.type(**{a.name: a.decode(data[a.plan_key]) for a in self.attributes
                            if a.plan_key is not None})

    def state(self, obj: Any | None) -> dict[str, Any] | None:
        """What the saved-plan fingerprint records of a live object (None: absent)."""
        if obj is None:
            return None
        return {a.state_key: (a.state or _getter(a.name))(obj) for a in self.attributes
                if a.state_key is not None}

    def digest(self, obj: Any, home: Any) -> dict[str, Any]:
        """What the config digest records of a desired object."""
        return {a.name: a.digest(getattr(obj, a.name), home) for a in self.attributes
                if a.digest is not None}

    def imported(self, obj: Any, settings: Any) -> dict[str, Any]:
        """The config entry `import` writes for a live object, keys in table order."""
        body = {a.name: a.imported(obj, settings) for a in self.attributes
                if a.imported is not None}
        return {k: v for k, v in body.items() if v is not OMIT}


def _getter(name: str) -> Callable[[Any], Any]:
    return lambda obj: getattr(obj, name)


def digest_as(encode: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    """A digest facet that ignores the home account (most attributes)."""
    return lambda value, home: encode(value)
