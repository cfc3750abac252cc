"""The iam_policy kind's rules: which policies a config wants, how they differ, in what order.

Pure (the reads are `reconciler.kinds.iam_policy_read`). A tenant's policies are planned when
the tenant exists or is created in the same plan; a tenant created (or re-created) in the plan
gives every policy that names its id or ARN a document `(known after apply)`, rendered by the
writer from the created tenant. Owned policies the config no longer wants are deleted when
their template was dropped from a declared tenant, or when their tenant is deleted (or already
gone, with prune). Attachments other than the declared ones are detached from owned policies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
from reconciler.planning.plan import Change, Conflict
from reconciler.state import Address, Desired, Live, Settings


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


def ownership_needed(desired: Desired, live: Live) -> frozenset[str]:
    """Keys of the live policies whose ownership planning needs: those it would write to or
    delete (a changed document or attachment, a renamed policy) and those no desired policy
    keys. Pure; the reader asks it between its bulk read and its tag read. Tenants created
    in the plan do not exist in `live`, so their documents are unknown here as in planning."""
    have: Mapping[str, IamPolicy] = live.objects.get(KIND, {})
    wanted = desired_policies(desired, live, frozenset())
    from reconciler.kinds.iam_role_plan import role_principals

    roles = role_principals(desired, live)
    return frozenset(key for key, policy in have.items()
                     if key not in wanted or _plan_one(wanted[key], policy, roles))


def _unknown(document: Any) -> bool:
    return KNOWN_AFTER_APPLY in repr(document)


def plan_policies(builder: Any) -> None:
    """Add the policy changes of `builder` (a `PlanBuilder`, tenant changes already in)."""
    from reconciler.kinds.iam_principals import refuse_missing
    from reconciler.kinds.iam_role_plan import role_principals

    desired, live, names = builder.desired, builder.live, builder.names
    have: Mapping[str, IamPolicy] = live.objects.get(KIND, {})
    tenant_changes = [c for c in builder.changes if c.address.kind == "tenant"]
    created = frozenset(c.tenant for c in tenant_changes
                        if c.action == TenantAction.CREATE_TENANT)
    deleted = frozenset(c.tenant for c in tenant_changes
                        if c.action == TenantAction.DELETE_TENANT)
    wanted = desired_policies(desired, live, created, names)
    # tenants in conflict are left alone until the config chooses
    waiting = {c.tenant for c in builder.conflicts if c.subject is None}
    roles = role_principals(desired, live)  # their attachments are the iam_role kind's
    changes: list[Change] = []
    for key, policy in wanted.items():
        tenant = tenant_of(key)
        if tenant in waiting or (tenant not in live.tenants and tenant not in created):
            continue
        changes += _plan_one(policy, have.get(key), roles)
        builder.notices += _description_notice(policy, have.get(key))
    for key, old in have.items():
        tenant = tenant_of(key)
        if key in wanted or (names is not None and tenant not in names):
            continue
        if tenant in desired.tenants or tenant in deleted or (
                desired.settings.prune and tenant not in live.tenants):
            changes.append(Change(Address(KIND, key), Action.DELETE_POLICY, before=old))
    refuse_missing(desired, live, changes)
    unproven = {c.address.name for c in changes
                if c.address.name in have and have[c.address.name].owned is not True}
    builder.changes.extend(c for c in changes if c.address.name not in unproven)
    builder.conflicts.extend(
        Conflict(tenant_of(key), _not_owned(have[key], desired.settings),
                 subject=str(Address(KIND, key)))
        for key in sorted(unproven))


def _not_owned(policy: IamPolicy, settings: Settings) -> str:
    tag = f"{settings.ownership_tag_key}={settings.ownership_tag_value}"
    where = f"iam_policy.{policy.name} (policy {policy.path}{policy.policy_name})"
    if policy.owned is None:
        return (f"{where} differs from the config, but its ownership tag {tag} was not read, "
                "so nothing is written to it; run plan again.")
    return (f"{where} differs from the config but does not carry the ownership tag {tag}, so "
            "nothing is written to it; tag it to let this tool manage it, or change the "
            "template's policy_name.")


def _plan_one(want: IamPolicy, have: IamPolicy | None,
              roles: frozenset[str] = frozenset()) -> list[Change]:
    """`roles`: principals whose attachments another kind manages, left out here."""
    address = Address(KIND, want.name)
    if have is None:
        return [Change(address, Action.CREATE_POLICY, after=want),
                *(Change(address, Action.ATTACH_POLICY,
                         after=Attachment(p, want.policy_name, want.path))
                  for p in principals(want.attach) if p not in roles)]
    if have.policy_name != want.policy_name:
        # the template renamed it: IAM cannot rename a policy, so a new one replaces it
        return [Change(address, Action.DELETE_POLICY, before=have,
                       reason=f"renamed to {want.policy_name} by its template"),
                *_plan_one(want, None, roles)]
    if have.path != want.path:
        # nor move it, and its name is taken until it is deleted (`policy_edges`)
        return [Change(address, Action.DELETE_POLICY, before=have,
                       reason=f"moved to path {want.path}: IAM cannot change a policy's path"),
                *_plan_one(want, None, roles)]
    changes = []
    if _unknown(want.document) or not equivalent(have.document, want.document):
        changes.append(Change(address, Action.UPDATE_DOCUMENT, before=have, after=want,
                              reason=_reason(have, want)))
    wanted = set(principals(want.attach)) - roles
    found = set(principals(have.attach)) - roles
    changes += [Change(address, Action.ATTACH_POLICY,
                       after=Attachment(p, have.policy_name, have.path))
                for p in sorted(wanted - found)]
    changes += [Change(address, Action.DETACH_POLICY,
                       before=Attachment(p, have.policy_name, have.path),
                       reason="not declared in the config")
                for p in sorted(found - wanted)]
    return changes


def _description_notice(want: IamPolicy, have: IamPolicy | None) -> list[str]:
    """IAM sets a description at CreatePolicy only; replacing the policy for it would detach
    it from its principals for a while, so a changed one is reported, not acted on. ListPolicies
    returns no description: it is known only for a policy whose GetPolicy was read."""
    if have is None or have.owned is None or have.description == want.description or (
            have.policy_name != want.policy_name or have.path != want.path):
        return []  # absent or re-created anyway: the create writes the new description
    return [f"iam_policy.{want.name}: the template's description {want.description!r} differs "
            f"from the policy's {have.description!r}, and IAM cannot change a managed "
            "policy's description in place, so it is left as it is; to have it, change the "
            "template's policy_name (the policy is then replaced by a new one)."]


def _reason(have: IamPolicy, want: IamPolicy) -> str:
    if _unknown(want.document):
        return "document re-rendered with the tenant's new id and ARN (known after apply)"
    return "; ".join(explain(have.document, want.document))


def policy_edges(changes: Sequence[Change]) -> dict[str, set[str]]:
    """A policy's writes wait for its tenant's create (a re-created tenant's id is new) and
    attachments for the policy's create; a policy moved to another path is created after
    its old self is deleted (the name is unique in the account); a tenant's delete waits for
    its policies' deletes."""
    tenant_create = {c.tenant: c.key for c in changes
                     if c.action == TenantAction.CREATE_TENANT}
    tenant_delete = {c.tenant: c.key for c in changes
                     if c.action == TenantAction.DELETE_TENANT}
    policy_create = {c.address: c.key for c in changes if c.action == Action.CREATE_POLICY}
    policy_delete = {c.address: c for c in changes if c.action == Action.DELETE_POLICY}
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
        old = policy_delete.get(c.address)
        if c.action == Action.CREATE_POLICY and old is not None and (
                old.before.policy_name.lower() == c.after.policy_name.lower()):
            edges.setdefault(c.key, set()).add(old.key)
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
        line = f"      - {c.address} (policy {c.before.path}{c.before.policy_name})"
        return [f"{line}  # {c.reason}" if c.reason else line]
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
    """A drift sentence for a policy value (whole policies, documents or attachments), naming
    the policy by its IAM path and name."""
    if isinstance(actual, IamPolicy) and isinstance(expected, IamPolicy):
        lines = explain(actual.document, expected.document)
        return (f"default version of {actual.path}{actual.policy_name} differs from the "
                "config: " + "; ".join(lines))
    if expected is None and isinstance(actual, IamPolicy):
        return (f"policy {actual.path}{actual.policy_name} is owned by this tool but absent "
                "from the config")
    if actual is None and isinstance(expected, IamPolicy):
        return (f"policy {expected.path}{expected.policy_name} is in the config but absent "
                "from the account")
    parts = []
    if expected:
        parts.append("not attached to " + ", ".join(str(p) for p in expected))
    if actual:
        parts.append("attached to " + ", ".join(str(p) for p in actual)
                     + " (not in the config)")
    first = next(iter(expected or actual or ()), None)
    where = f"policy {first.path}{first.policy_name} is " if isinstance(first, Attachment) else ""
    return where + "; ".join(parts)
