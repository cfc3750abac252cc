"""The iam_role kind's rules: which roles a config wants, how they differ, in what order.

Pure except `read_roles`, which calls the IAM gateway. A tenant's roles are planned when the
tenant exists or is created in the same plan; a tenant created (or re-created) in the plan gives
every role whose trust policy names its id or ARN a trust policy `(known after apply)`. A role
gets the tenant's policies its template names, plus those whose `attach.roles` names it. Owned
roles the config no longer wants are deleted when their template was dropped from a declared
tenant, or when their tenant is deleted (or already gone, with prune), before the tenant and
before the policies they hold.

Reads (R roles under the paths the config uses, D of them the config's, W of those D that a
plan would write, U the others): ListRoles ⌈R/1000⌉ per path, ListAttachedRolePolicies D,
GetRole (tags) W + U. An unchanged plan whose roles are all the config's costs
⌈R/1000⌉ + R calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from reconciler.iam.documents import equivalent, explain
from reconciler.iam.render import KNOWN_AFTER_APPLY, PolicyContext, placeholder_values
from reconciler.iam.specs import policy_specs, role_specs
from reconciler.kinds.iam_policy import KIND as POLICY_KIND
from reconciler.kinds.iam_policy import UNREAD_ID, PolicyAction
from reconciler.kinds.iam_policy_plan import tag_keys
from reconciler.kinds.iam_role import KIND, IamRole, RolePolicy, RoleSession, tenant_of
from reconciler.kinds.iam_role import RoleAction as Action
from reconciler.kinds.iam_role_events import touched_names
from reconciler.kinds.tenant import TenantAction
from reconciler.planning.plan import Change, Conflict
from reconciler.state import Address, ChangedScope, Desired, Live


def wants_roles(desired: Desired) -> bool:
    """Whether the config speaks of roles (declared templates still read, so the last
    user's roles are deleted with it)."""
    return bool(desired.iam_roles) or any(t.iam_roles for t in desired.tenants.values())


def policy_arn(live: Live, path: str, name: str) -> str:
    return f"arn:{live.context.partition}:iam::{live.context.account}:policy{path}{name}"


def _suffix(arn: str) -> str:
    """`arn:aws:iam::1:policy/p/n` -> `/p/n`, how a policy change names the same policy."""
    return arn.split(":policy", 1)[-1]


def desired_roles(desired: Desired, live: Live, created: frozenset[str],
                  names: frozenset[str] | None = None) -> dict[str, IamRole]:
    """`<tenant>/<template>` -> the desired role of every tenant in scope listing role
    templates; ids and ARNs of tenants in `created` (or not in the account) are unknown."""
    ctx = PolicyContext(live.context.account, live.context.region, live.context.partition)
    out: dict[str, IamRole] = {}
    for tenant in sorted(desired.tenants):
        entry = desired.tenants[tenant]
        if not entry.iam_roles or (names is not None and tenant not in names) or any(
                t not in desired.iam_roles for t in entry.iam_roles) or any(
                t not in desired.iam_templates for t in entry.iam):
            continue  # an unknown template is a config error `validate` reports
        known = None if tenant in created else live.tenants.get(tenant)
        values = placeholder_values(tenant, known, ctx)
        kept = {**values, **{k: "${" + k + "}" for k in UNREAD_ID}}
        sources = {s.template: s.trust_policy for s in role_specs(desired, tenant, kept)}
        declared: dict[str, set[str]] = {}
        for policy in policy_specs(desired, tenant, values):
            for role in policy.attach.roles:
                declared.setdefault(role, set()).add(policy.policy_name)
        path = desired.settings.iam_path
        for spec in role_specs(desired, tenant, values):
            held = set(spec.policies) | declared.get(spec.role_name, set())
            key = f"{tenant}/{spec.template}"
            out[key] = IamRole(
                name=key, role_name=spec.role_name, path=spec.path,
                trust_policy=dict(spec.trust_policy),
                max_session_duration=spec.max_session_duration, description=spec.description,
                policies=tuple(sorted(policy_arn(live, path, n) for n in held)),
                source=sources[spec.template])
    return out


def role_principals(desired: Desired, live: Live) -> frozenset[str]:
    """`role/NAME` of every role this kind manages (the config's and the owned ones read):
    their policy attachments are this kind's, so the iam_policy kind leaves them alone."""
    wanted = {r.role_name for r in desired_roles(desired, live, frozenset()).values()}
    found = {r.role_name for r in live.objects.get(KIND, {}).values()}
    return frozenset(f"role/{n}" for n in wanted | found)


def _unknown(document: Any) -> bool:
    return KNOWN_AFTER_APPLY in repr(document)


def differs(want: IamRole, have: IamRole) -> bool:
    """Whether planning would write anything to `have` to make it `want`."""
    return bool(_plan_one(want, have, owned=True))


def read_roles(factory: Any, desired: Desired, live: Live, *, scope: Any = None,
               parallelism: int = 8) -> dict[str, IamRole]:
    """The config's roles found under its paths, and the owned roles of the tool there,
    keyed like the desired ones; nothing is read when the config speaks of no role. Tags are
    read only where they decide something: for the config's roles a plan would write, and for
    the other roles (whether they are the tool's, and whose). An incremental refresh's
    `ChangedScope` reads only the listed roles whose name a template renders for a changed
    tenant."""
    if not wants_roles(desired):
        return {}
    from reconciler.aws.iam_model import LiveRole, Ownership
    from reconciler.aws.iam_role_read import attached_policies, list_roles, role_tags
    from reconciler.aws.pool import worker_pool

    settings = desired.settings
    wanted = desired_roles(desired, live, frozenset())
    by_name = {r.role_name: r for r in wanted.values()}
    ownership = Ownership(settings.ownership_tag_key, settings.ownership_tag_value)
    tenant_key, template_key = tag_keys(settings)
    client = factory.client("iam")
    listed = list_roles(client, {settings.iam_path, *(t.path for t in desired.iam_roles.values())})
    if isinstance(scope, ChangedScope):
        listed = {n: r for n, r in listed.items() if _changed(n, by_name, scope, desired, live)}

    def one(role: LiveRole) -> IamRole | None:
        want = by_name.get(role.name)
        if want is not None:
            arns = attached_policies(client, role.name)
            if arns is None:
                return None
            have = _from_live(want.name, role, arns)
            if not differs(want, have):
                return have
            tags = role_tags(client, role.name)
            return None if tags is None else replace(have, tags=tags)
        tags = role_tags(client, role.name)
        if tags is None or not ownership.owns(tags) or tenant_key not in tags or (
                template_key not in tags):
            return None
        return _from_live(f"{tags[tenant_key]}/{tags[template_key]}", role, (), tags)

    with worker_pool(parallelism) as pool:
        found = [f.result() for f in [pool.submit(one, r) for r in listed.values()]]
    out: dict[str, IamRole] = {}
    for role in sorted((r for r in found if r is not None),
                       key=lambda r: (r.role_name not in by_name, r.role_name)):
        out.setdefault(role.name, role)  # the config's name first, then tagged leftovers
    return dict(sorted(out.items()))


def _changed(name: str, by_name: Mapping[str, IamRole], scope: frozenset[str | None],
             desired: Desired, live: Live) -> bool:
    """Whether role `name` belongs to a changed tenant: the config's, or by its name."""
    if name in by_name:
        return tenant_of(by_name[name].name) in scope
    return any(tenant_of(key) in scope for key in touched_names([name], desired, live.context))


def _from_live(key: str, role: Any, arns: Any, tags: Mapping[str, str] | None = None
               ) -> IamRole:
    return IamRole(name=key, role_name=role.name, path=role.path,
                   trust_policy=dict(role.trust_policy),
                   max_session_duration=role.max_session_duration,
                   description=role.description, policies=tuple(sorted(arns)), arn=role.arn,
                   role_id=role.role_id, tags=tags)


def plan_roles(builder: Any) -> None:
    """Add the role changes of `builder` (a `PlanBuilder`, tenant and policy changes in)."""
    from reconciler.aws.iam_model import Ownership

    desired, live, names = builder.desired, builder.live, builder.names
    settings = desired.settings
    ownership = Ownership(settings.ownership_tag_key, settings.ownership_tag_value)
    have: Mapping[str, IamRole] = live.objects.get(KIND, {})
    tenant_changes = [c for c in builder.changes if c.address.kind == "tenant"]
    created = frozenset(c.tenant for c in tenant_changes
                        if c.action == TenantAction.CREATE_TENANT)
    deleted = frozenset(c.tenant for c in tenant_changes
                        if c.action == TenantAction.DELETE_TENANT)
    wanted = desired_roles(desired, live, created, names)
    waiting = {c.tenant for c in builder.conflicts}
    changes: list[Change] = []
    for key, role in wanted.items():
        tenant = tenant_of(key)
        if tenant in waiting or (tenant not in live.tenants and tenant not in created):
            continue
        old = have.get(key)
        owned = old is not None and old.tags is not None and ownership.owns(old.tags)
        planned = _plan_one(role, old, owned=owned)
        if planned and old is not None and old.tags is not None and not owned:
            builder.conflicts.append(Conflict(tenant, (
                f"iam_role.{key}: role {old.role_name} exists without the ownership tag "
                f"{ownership.key}={ownership.value}, so nothing is planned for it; remove that "
                "role or change the template's role_name, then plan again.")))
            continue
        changes += planned
    for key, old in have.items():
        tenant = tenant_of(key)
        if key in wanted or (names is not None and tenant not in names) or (
                old.tags is None or not ownership.owns(old.tags)):
            continue
        if tenant in desired.tenants or tenant in deleted or (
                settings.prune and tenant not in live.tenants):
            changes.append(Change(Address(KIND, key), Action.DELETE_ROLE, before=old))
    builder.changes.extend(changes)


def _plan_one(want: IamRole, have: IamRole | None, *, owned: bool) -> list[Change]:
    """`owned`: the live role's tags were read and carry the ownership tag (the writers
    read them first otherwise)."""
    address = Address(KIND, want.name)
    if have is None:
        return [Change(address, Action.CREATE_ROLE, after=want),
                *(Change(address, Action.ATTACH_ROLE_POLICY,
                         after=RolePolicy(arn, want.role_name, want.path, True))
                  for arn in want.policies)]
    if (have.role_name, have.path) != (want.role_name, want.path):
        # IAM can neither rename nor move a role: a new one replaces it
        return [Change(address, Action.DELETE_ROLE, before=have,
                       reason=f"replaced by {want.path}{want.role_name} (its template)"),
                *_plan_one(want, None, owned=owned)]
    changes = []
    if _unknown(want.trust_policy) or not equivalent(have.trust_policy, want.trust_policy):
        changes.append(Change(address, Action.UPDATE_TRUST, before=have, after=want,
                              reason=_reason(have, want)))
    if (have.max_session_duration, have.description) != (want.max_session_duration,
                                                          want.description):
        changes.append(Change(
            address, Action.UPDATE_SESSION,
            before=RoleSession(have.role_name, have.max_session_duration, have.description,
                               have.tags),
            after=RoleSession(want.role_name, want.max_session_duration, want.description)))
    wanted, found = set(want.policies), set(have.policies)
    changes += [Change(address, Action.ATTACH_ROLE_POLICY,
                       after=RolePolicy(arn, have.role_name, have.path, owned))
                for arn in sorted(wanted - found)]
    changes += [Change(address, Action.DETACH_ROLE_POLICY,
                       before=RolePolicy(arn, have.role_name, have.path, owned),
                       reason="not declared in the config")
                for arn in sorted(found - wanted)]
    return changes


def _reason(have: IamRole, want: IamRole) -> str:
    if _unknown(want.trust_policy):
        return "trust policy re-rendered with the tenant's new id and ARN (known after apply)"
    return "; ".join(explain(have.trust_policy, want.trust_policy))


def role_edges(changes: Sequence[Change]) -> dict[str, set[str]]:
    """A role's writes wait for its tenant's create, its attachments for its create and the
    policy's; its detaches and delete come before the deletes of its tenant and policies."""
    tenant_create = {c.tenant: c.key for c in changes
                     if c.action == TenantAction.CREATE_TENANT}
    tenant_delete = {c.tenant: c.key for c in changes
                     if c.action == TenantAction.DELETE_TENANT}
    policy_create = {f"{c.after.path}{c.after.policy_name}": c.key for c in changes
                     if c.action == PolicyAction.CREATE_POLICY}
    policy_delete: dict[str, str] = {}
    tenant_policy_deletes: dict[str, set[str]] = {}
    for c in changes:
        if c.address.kind == POLICY_KIND and c.action == PolicyAction.DELETE_POLICY:
            policy_delete[f"{c.before.path}{c.before.policy_name}"] = c.key
            tenant_policy_deletes.setdefault(c.tenant, set()).add(c.key)
    role_create = {c.address: c.key for c in changes if c.action == Action.CREATE_ROLE}
    role_delete = {c.address: c.key for c in changes if c.action == Action.DELETE_ROLE}
    edges: dict[str, set[str]] = {}

    def wait(key: str, first: str | None) -> None:
        if first is not None and first != key:
            edges.setdefault(key, set()).add(first)

    for c in changes:
        if c.address.kind != KIND:
            continue
        if c.action in (Action.DELETE_ROLE, Action.DETACH_ROLE_POLICY):
            if c.tenant in tenant_delete:
                wait(tenant_delete[c.tenant], c.key)
            held = ([str(c.before)] if c.action == Action.DETACH_ROLE_POLICY
                    else list(c.before.policies))
            for arn in held:
                if _suffix(arn) in policy_delete:
                    wait(policy_delete[_suffix(arn)], c.key)
            if c.action == Action.DELETE_ROLE:
                for key in tenant_policy_deletes.get(c.tenant, ()):
                    wait(key, c.key)
            continue
        wait(c.key, tenant_create.get(c.tenant))
        if c.action == Action.CREATE_ROLE:
            wait(c.key, role_delete.get(c.address))
        if c.action == Action.ATTACH_ROLE_POLICY:
            wait(c.key, role_create.get(c.address))
            wait(c.key, policy_create.get(_suffix(c.after.policy_arn)))
    return edges


def change_lines(c: Change) -> list[str]:
    """How a role change reads inside its tenant's block of a text or Markdown plan."""
    if c.action == Action.CREATE_ROLE:
        r = c.after
        lines = [f"      + {c.address} (role {r.path}{r.role_name}, max session "
                 f"{r.max_session_duration} s)"]
        if _unknown(r.trust_policy):
            lines.append(f"          trust policy: tenant id and ARN {KNOWN_AFTER_APPLY}")
        return lines
    if c.action == Action.DELETE_ROLE:
        return [f"      - {c.address} (role {c.before.path}{c.before.role_name})"]
    if c.action == Action.UPDATE_TRUST:
        lines = [f"      ~ {c.address} trust policy (role {c.before.role_name})"]
        if _unknown(c.after.trust_policy):
            return [*lines, f"          tenant id and ARN {KNOWN_AFTER_APPLY}"]
        return lines + [f"          {line}" for line in explain(c.before.trust_policy,
                                                                  c.after.trust_policy)]
    if c.action == Action.UPDATE_SESSION:
        return [f"      ~ {c.address} {_session(c.before, c.after)}"]
    if c.action == Action.ATTACH_ROLE_POLICY:
        return [f"      + {c.address} attach {c.after}"]
    return [f"      - {c.address} attach {c.before}  # {c.reason}"]


def _session(before: RoleSession, after: RoleSession) -> str:
    parts = []
    if before.max_session_duration != after.max_session_duration:
        parts.append(f"max session {before.max_session_duration} s -> "
                     f"{after.max_session_duration} s")
    if before.description != after.description:
        parts.append(f"description {before.description!r} -> {after.description!r}")
    return "; ".join(parts)


def drift_text(actual: Any, expected: Any) -> str:
    """A drift sentence for a role value: whole roles, trust policies, sessions, policies."""
    if isinstance(actual, IamRole) and isinstance(expected, IamRole):
        return ("trust policy differs from the config: "
                + "; ".join(explain(actual.trust_policy, expected.trust_policy)))
    if isinstance(actual, RoleSession) and isinstance(expected, RoleSession):
        return _session(actual, expected) + " (account -> config)"
    if expected is None and isinstance(actual, IamRole):
        return f"role {actual.role_name} is owned by this tool but absent from the config"
    if actual is None and isinstance(expected, IamRole):
        return f"role {expected.role_name} is in the config but absent from the account"
    parts = []
    if expected:
        parts.append("policies not attached: " + ", ".join(str(p) for p in expected))
    if actual:
        parts.append("attached policies not in the config: "
                     + ", ".join(str(p) for p in actual))
    return "; ".join(parts)
