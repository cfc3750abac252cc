"""The iam_policy kind's rules: which policies a config wants, how they differ, in what order.

Pure except `read_policies`, which calls the IAM gateway. A tenant's policies are planned when
the tenant exists or is created in the same plan; a tenant created (or re-created) in the plan
gives every policy that names its id or ARN a document `(known after apply)`, rendered by the
writer from the created tenant. Owned policies the config no longer wants are deleted when
their template was dropped from a declared tenant, or when their tenant is deleted (or already
gone, with prune). Attachments other than the declared ones are detached from owned policies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from reconciler.iam.documents import equivalent, explain
from reconciler.iam.render import KNOWN_AFTER_APPLY, PolicyContext, placeholder_values
from reconciler.iam.specs import policy_specs
from reconciler.kinds.iam_policy import (
    KIND,
    UNREAD_ID,
    Attachment,
    IamPolicy,
    principals,
    tenant_of,
)
from reconciler.kinds.iam_policy import PolicyAction as Action
from reconciler.kinds.tenant import TenantAction
from reconciler.planning.plan import Change
from reconciler.state import Address, Attachments, Desired, Live, Settings


def tag_keys(settings: Settings) -> tuple[str, str]:
    """The tags naming a policy's tenant and template (next to the ownership tag)."""
    return f"{settings.ownership_tag_key}:tenant", f"{settings.ownership_tag_key}:template"


def wants_iam(desired: Desired) -> bool:
    """Whether the config speaks of IAM at all: templates declared, or listed by a tenant
    (declared but unused templates still read, so a pruned last user's policies go too)."""
    return bool(desired.iam_templates) or any(t.iam for t in desired.tenants.values())


def _context(live: Live) -> PolicyContext:
    return PolicyContext(live.context.account, live.context.region, live.context.partition)


def desired_policies(desired: Desired, live: Live, created: frozenset[str],
                     names: frozenset[str] | None = None) -> dict[str, IamPolicy]:
    """`<tenant>/<template>` -> the desired policy of every tenant in scope that lists
    templates; ids and ARNs of tenants in `created` (or not in the account) are unknown."""
    ctx = _context(live)
    out: dict[str, IamPolicy] = {}
    for tenant in sorted(desired.tenants):
        entry = desired.tenants[tenant]
        if not entry.iam or (names is not None and tenant not in names) or any(
                t not in desired.iam_templates for t in entry.iam):
            continue  # an unknown template is a config error `validate` reports
        known = None if tenant in created else live.tenants.get(tenant)
        values = placeholder_values(tenant, known, ctx)
        kept = {**values, **{k: "${" + k + "}" for k in UNREAD_ID}}
        sources = {s.template: s for s in policy_specs(desired, tenant, kept)}
        for spec in policy_specs(desired, tenant, values):
            out[f"{tenant}/{spec.template}"] = IamPolicy(
                name=f"{tenant}/{spec.template}", policy_name=spec.policy_name, path=spec.path,
                document=spec.document, description=spec.description, attach=spec.attach,
                source=sources[spec.template].document)
    return out


def read_policies(factory: Any, desired: Desired, live: Live, *, parallelism: int = 8,
                  names: frozenset[str] | None = None) -> dict[str, IamPolicy]:
    """The owned policies under `settings.iam_path`, keyed like the desired ones; nothing is
    read (no call made) when the config declares no IAM template. With `names` (tenants
    incremental drift found changed), only the policies whose name a template renders for
    one of them are read beyond the listing."""
    if not wants_iam(desired):
        return {}
    from reconciler.aws.iam_model import Ownership
    from reconciler.aws.iam_read import read_policies as read

    settings = desired.settings
    wanted = desired_policies(desired, live, frozenset())
    attached = {p.policy_name for p in wanted.values() if p.attach}
    key_of = {p.policy_name: key for key, p in wanted.items()}
    tenant_key, template_key = tag_keys(settings)
    ownership = Ownership(settings.ownership_tag_key, settings.ownership_tag_value)
    found = read(factory, settings.iam_path, ownership, with_attachments=attached,
                 parallelism=parallelism, only=_named_for(desired, live, names))
    out: dict[str, IamPolicy] = {}
    for policy in found.values():
        if not policy.owned:
            continue
        tags = dict(policy.tags)
        key = (f"{tags[tenant_key]}/{tags[template_key]}"
               if tenant_key in tags and template_key in tags else key_of.get(policy.name))
        if key is None:
            continue
        got = policy.attachments
        out[key] = IamPolicy(
            name=key, policy_name=policy.name, path=policy.path,
            document=dict(policy.document or {}), description=policy.description,
            attach=Attachments(tuple(sorted(got.roles)), tuple(sorted(got.groups)),
                               tuple(sorted(got.users))) if got else Attachments(),
            arn=policy.arn, policy_id=policy.policy_id, version=policy.default_version_id,
            tags=tags)
    return dict(sorted(out.items()))


def _named_for(desired: Desired, live: Live,
               names: frozenset[str] | None) -> Callable[[str], bool] | None:
    if names is None:
        return None
    from reconciler.kinds.iam_policy_events import name_patterns

    patterns = [pattern for _, pattern in name_patterns(desired, live.context)]

    def wanted(policy_name: str) -> bool:
        return any((m := p.fullmatch(policy_name)) is not None and m.group("tenant") in names
                   for p in patterns)

    return wanted


def _unknown(document: Any) -> bool:
    return KNOWN_AFTER_APPLY in repr(document)


def plan_policies(builder: Any) -> None:
    """Add the policy changes of `builder` (a `PlanBuilder`, tenant changes already in)."""
    desired, live, names = builder.desired, builder.live, builder.names
    have: Mapping[str, IamPolicy] = live.objects.get(KIND, {})
    tenant_changes = [c for c in builder.changes if c.address.kind == "tenant"]
    created = frozenset(c.tenant for c in tenant_changes
                        if c.action == TenantAction.CREATE_TENANT)
    deleted = frozenset(c.tenant for c in tenant_changes
                        if c.action == TenantAction.DELETE_TENANT)
    wanted = desired_policies(desired, live, created, names)
    waiting = {c.tenant for c in builder.conflicts}  # left alone until the config chooses
    changes: list[Change] = []
    for key, policy in wanted.items():
        tenant = tenant_of(key)
        if tenant in waiting or (tenant not in live.tenants and tenant not in created):
            continue
        changes += _plan_one(policy, have.get(key))
    for key, old in have.items():
        tenant = tenant_of(key)
        if key in wanted or (names is not None and tenant not in names):
            continue
        if tenant in desired.tenants or tenant in deleted or (
                desired.settings.prune and tenant not in live.tenants):
            changes.append(Change(Address(KIND, key), Action.DELETE_POLICY, before=old))
    builder.changes.extend(changes)


def _plan_one(want: IamPolicy, have: IamPolicy | None) -> list[Change]:
    address = Address(KIND, want.name)
    if have is None:
        return [Change(address, Action.CREATE_POLICY, after=want),
                *(Change(address, Action.ATTACH_POLICY,
                         after=Attachment(p, want.policy_name, want.path))
                  for p in principals(want.attach))]
    if have.policy_name != want.policy_name:
        # the template renamed it: IAM cannot rename a policy, so a new one replaces it
        return [Change(address, Action.DELETE_POLICY, before=have,
                       reason=f"renamed to {want.policy_name} by its template"),
                *_plan_one(want, None)]
    changes = []
    if _unknown(want.document) or not equivalent(have.document, want.document):
        changes.append(Change(address, Action.UPDATE_DOCUMENT, before=have, after=want,
                              reason=_reason(have, want)))
    wanted, found = set(principals(want.attach)), set(principals(have.attach))
    changes += [Change(address, Action.ATTACH_POLICY,
                       after=Attachment(p, have.policy_name, have.path))
                for p in sorted(wanted - found)]
    changes += [Change(address, Action.DETACH_POLICY,
                       before=Attachment(p, have.policy_name, have.path),
                       reason="not declared in the config")
                for p in sorted(found - wanted)]
    return changes


def _reason(have: IamPolicy, want: IamPolicy) -> str:
    if _unknown(want.document):
        return "document re-rendered with the tenant's new id and ARN (known after apply)"
    return "; ".join(explain(have.document, want.document))


def policy_edges(changes: Sequence[Change]) -> dict[str, set[str]]:
    """A policy's writes wait for its tenant's create (a re-created tenant's id is new) and
    attachments for the policy's create; a tenant's delete waits for its policies' deletes."""
    tenant_create = {c.tenant: c.key for c in changes
                     if c.action == TenantAction.CREATE_TENANT}
    tenant_delete = {c.tenant: c.key for c in changes
                     if c.action == TenantAction.DELETE_TENANT}
    policy_create = {c.address: c.key for c in changes if c.action == Action.CREATE_POLICY}
    edges: dict[str, set[str]] = {}
    for c in changes:
        if c.address.kind != KIND:
            continue
        if c.action == Action.DELETE_POLICY or c.action == Action.DETACH_POLICY:
            if c.tenant in tenant_delete:
                edges.setdefault(tenant_delete[c.tenant], set()).add(c.key)
            continue
        if c.tenant in tenant_create:
            edges.setdefault(c.key, set()).add(tenant_create[c.tenant])
        if c.action == Action.ATTACH_POLICY and c.address in policy_create:
            edges.setdefault(c.key, set()).add(policy_create[c.address])
    return edges


def change_lines(c: Change) -> list[str]:
    """How a policy change reads inside its tenant's block of a text or Markdown plan."""
    if c.action == Action.CREATE_POLICY:
        p = c.after
        lines = [f"      + {c.address} (policy {p.path}{p.policy_name})"]
        if _unknown(p.document):
            lines.append(f"          document: tenant id and ARN {KNOWN_AFTER_APPLY}")
        return lines
    if c.action == Action.DELETE_POLICY:
        return [f"      - {c.address} (policy {c.before.path}{c.before.policy_name})"]
    if c.action == Action.UPDATE_DOCUMENT:
        lines = [f"      ~ {c.address} document (new default version of "
                 f"{c.before.policy_name})"]
        if _unknown(c.after.document):
            return [*lines, f"          tenant id and ARN {KNOWN_AFTER_APPLY}"]
        return lines + [f"          {line}" for line in explain(c.before.document,
                                                                  c.after.document)]
    if c.action == Action.ATTACH_POLICY:
        return [f"      + {c.address} attach {c.after}"]
    return [f"      - {c.address} attach {c.before}  # {c.reason}"]


def drift_text(actual: Any, expected: Any) -> str:
    """A drift sentence for a policy value: whole policies, documents or attachments."""
    if isinstance(actual, IamPolicy) and isinstance(expected, IamPolicy):
        lines = explain(actual.document, expected.document)
        return "default version differs from the config: " + "; ".join(lines)
    if expected is None and isinstance(actual, IamPolicy):
        return f"policy {actual.policy_name} is owned by this tool but absent from the config"
    if actual is None and isinstance(expected, IamPolicy):
        return f"policy {expected.policy_name} is in the config but absent from the account"
    parts = []
    if expected:
        parts.append("not attached to " + ", ".join(str(p) for p in expected))
    if actual:
        parts.append("attached to " + ", ".join(str(p) for p in actual)
                     + " (not in the config)")
    return "; ".join(parts)
