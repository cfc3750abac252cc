"""Per-tenant blocks of a plan, in the Terraform style shared by the text and Markdown renderings.

A block groups a tenant's changes under one marker: `+` created, `~` updated in place (or
adopted, said loudly in the block's heading), `-` destroyed, `-/+` replaced (a rename: the new
tenant's create and the old tenant's delete).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from reconciler.kinds.registry import kind
from reconciler.kinds.tenant import TENANT, Tenant, fmt_suppression, q
from reconciler.kinds.tenant import TenantAction as Action
from reconciler.kinds.tenant_plan import RENAME_WARNING
from reconciler.planning.plan import Change, Plan, PlanCounts

__all__ = ["fmt_suppression", "q"]

KNOWN_AFTER_APPLY = "(known after apply)"
BlockKind = Literal["create", "update", "adopt", "delete", "replace", "account"]
MARKERS: dict[str, str] = {"create": "+", "update": "~", "adopt": "~", "delete": "-",
                           "replace": "-/+", "account": "~"}
VERBS: dict[str, str] = {
    "create": "will be created",
    "update": "will be updated in place",
    "adopt": "will be adopted",
    "delete": "will be destroyed",
    "account": "will be changed",
}
# the block of the objects that belong to no tenant (monitoring); not a valid tenant name
ACCOUNT_BLOCK = "(account)"
WIDTH = max(len(a.label) for a in TENANT.attributes if a.label)
# attributes written one value at a time, shown as `name = before -> after`, in rank order
_SCALARS = sorted((a for a in TENANT.attributes if a.show is not None and a.action),
                  key=lambda a: a.rank)


@dataclass(frozen=True, slots=True)
class TenantBlock:
    name: str
    kind: BlockKind
    changes: tuple[Change, ...]
    old: str | None = None  # the replaced tenant, for kind "replace"

    @property
    def counts(self) -> PlanCounts:
        return Plan(self.changes, account="", region="").counts

    def first(self, action: str) -> Change | None:
        return next((c for c in self.changes if c.action == action), None)

    def of(self, action: str) -> list[Change]:
        return [c for c in self.changes if c.action == action]


def tenant_blocks(plan: Plan) -> tuple[TenantBlock, ...]:
    """Blocks sorted by tenant name; a rename's two halves share the new tenant's block; the
    objects of no tenant (monitoring) last, in one account-level block."""
    groups: dict[str, list[Change]] = defaultdict(list)
    account: list[Change] = []
    for c in plan.changes:
        if c.tenant is None:
            account.append(c)
        else:
            groups[c.tenant].append(c)
    old_of = {c.tenant: c.replace_of for c in plan.changes
              if c.action is Action.CREATE_TENANT and c.replace_of in groups}
    merged = set(old_of.values())
    blocks = []
    for name in sorted(groups):
        if name in merged:
            continue
        changes = groups[name]
        old = old_of.get(name)
        if old is not None:
            blocks.append(TenantBlock(name, "replace", tuple(changes + groups[old]), old))
        else:
            blocks.append(TenantBlock(name, _kind(changes), tuple(changes)))
    if account:
        blocks.append(TenantBlock(ACCOUNT_BLOCK, "account", tuple(account)))
    return tuple(blocks)


def _kind(changes: list[Change]) -> BlockKind:
    actions = {c.action for c in changes}
    if Action.CREATE_TENANT in actions:
        return "create"
    if Action.DELETE_TENANT in actions:
        return "delete"
    if Action.ADOPT_TENANT in actions:
        return "adopt"
    return "update"


def block_lines(block: TenantBlock) -> list[str]:
    """The block as text lines (no trailing blank line), Terraform-indented."""
    marker = MARKERS[block.kind]
    if block.kind == "account":
        return ["  # account-level objects (no tenant's) will be changed",
                f"  {marker} account {{", *_body(block), "    }"]
    if block.kind == "replace":
        head = [f"  # tenant.{block.old} must be replaced by tenant.{block.name} (rename)",
                f"  # {RENAME_WARNING}",
                f'{marker} tenant "{block.old}" -> "{block.name}" {{']
    else:
        head = [f"  # tenant.{block.name} {VERBS[block.kind]}",
                f'  {marker} tenant "{block.name}" {{']
        delete = block.first(Action.DELETE_TENANT)
        if delete is not None and delete.replace_of:
            head.insert(1, f"  # renamed to tenant.{delete.replace_of}: {RENAME_WARNING}")
        adopt = block.first(Action.ADOPT_TENANT)
        if adopt is not None:
            head.insert(1, f"  # {adopt.reason}")
    return [*head, *_body(block), "    }"]


def _body(block: TenantBlock) -> list[str]:
    lines: list[str] = []
    delete = block.first(Action.DELETE_TENANT)
    create = block.first(Action.CREATE_TENANT)
    if delete is not None:
        lines += _deleted(delete.before, full=create is None)
    if create is not None:
        lines += _created(create.after)
    lines += _updates(block, created=create is not None)
    for c in block.changes:
        show = kind(c.address.kind).show_change
        if show is not None:
            lines += show(c)
    return lines


def _attr(marker: str, name: str, value: str) -> str:
    return f"      {marker} {name:<{WIDTH}} = {value}"


def _map(marker: str, name: str, entries: list[tuple[str, str, str]]) -> list[str]:
    width = max((len(q(k)) for _, k, _ in entries), default=0)
    rows = [f"          {m} {q(k):<{width}} = {v}" for m, k, v in entries]
    return [_attr(marker, name, "{"), *rows, "        }"]


def _list(marker: str, name: str, entries: list[tuple[str, str]]) -> list[str]:
    rows = [f"          {m} {text}" for m, text in entries]
    return [_attr(marker, name, "["), *rows, "        ]"]


def _deleted(before: Tenant, *, full: bool) -> list[str]:
    lines = [_attr("-", "id", q(before.tenant_id)), _attr("-", "arn", q(before.arn))]
    if full:
        if before.tags:
            lines += _map("-", "tags", [("-", k, q(v)) for k, v in sorted(before.tags.items())])
        if before.resources:
            lines += _list("-", "resources", [("-", str(r)) for r in sorted(before.resources)])
    return lines


def _created(after: Tenant) -> list[str]:
    lines = [_attr("+", "name", q(after.name)), _attr("+", "id", KNOWN_AFTER_APPLY),
             _attr("+", "arn", KNOWN_AFTER_APPLY)]
    if after.tags:
        lines += _map("+", "tags", [("+", k, q(v)) for k, v in sorted(after.tags.items())])
    if after.suppression is not None:
        lines.append(_attr("+", "suppression", fmt_suppression(after.suppression)))
    return lines


def _updates(block: TenantBlock, *, created: bool) -> list[str]:
    m = "+" if created else "~"
    lines: list[str] = []
    for c in block.of(Action.ADOPT_TENANT) + block.of(Action.UPDATE_TAGS):
        lines += _map("~", "tags", tag_entries(c.before, c.after))
    for attribute in _SCALARS:
        show = attribute.show or q
        for c in block.of(attribute.action or ""):
            value = show(c.after) if created else f"{show(c.before)} -> {show(c.after)}"
            lines.append(_attr(m, attribute.label or attribute.name, value))
    entries = [("+", _with_reason(str(c.after), c)) for c in block.of(Action.ASSOCIATE)]
    entries += [("-", _with_reason(str(c.before), c)) for c in block.of(Action.DISASSOCIATE)]
    if entries:
        lines += _list("+" if created else "~", "resources", entries)
    return lines


def _with_reason(text: str, c: Change) -> str:
    return f"{text}  # {c.reason}" if c.reason else text


def tag_entries(before: dict[str, str], after: dict[str, str]) -> list[tuple[str, str, str]]:
    """(marker, key, value text) for every tag that differs, sorted by key."""
    rows = []
    for key in sorted(set(before) | set(after)):
        if key not in before:
            rows.append(("+", key, q(after[key])))
        elif key not in after:
            rows.append(("-", key, q(before[key])))
        elif before[key] != after[key]:
            rows.append(("~", key, f"{q(before[key])} -> {q(after[key])}"))
    return rows
