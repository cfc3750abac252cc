"""Planning the iam_role kind: pure, from a Desired and a Live built by hand."""

from __future__ import annotations

from typing import Any

from reconciler.kinds.iam_role import IamRole, RoleAction
from reconciler.kinds.tenant import Tenant
from reconciler.planning import dump_plan, load_plan, make_plan
from reconciler.planning.plan import Plan
from reconciler.state import (
    ArnContext,
    Attachments,
    Desired,
    IamRoleTemplate,
    IamTemplate,
    Live,
    Principal,
    Settings,
)

OWNED = {"managed-by": "ses-reconciler", "managed-by:tenant": "Acme",
         "managed-by:template": "sender"}
CTX = ArnContext("aws", "us-east-1", "123456789012")
ARN = "arn:aws:ses:us-east-1:123456789012:tenant/Acme/tn-1"
POLICY_ARN = "arn:aws:iam::123456789012:policy/ses-reconciler/ses-Acme-sender"
DOC = {"Version": "2012-10-17",
       "Statement": [{"Effect": "Allow", "Action": ["ses:SendEmail"], "Resource": "${tenant.arn}"}]}
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "${tenant.id}"}}}]}
ROLE = IamRoleTemplate("sender", "ses-${tenant.name}-sender", TRUST, max_session_duration=7200)


def _desired(*, prune: bool = False, **tenants: tuple[str, ...]) -> Desired:
    return Desired(Settings(prune=prune),
                   {n: Tenant(n, tags={"managed-by": "ses-reconciler"}, iam=("sender",),
                              iam_roles=roles) for n, roles in tenants.items()},
                   iam_templates={"sender": IamTemplate("sender", "ses-${tenant.name}-sender",
                                                        DOC)},
                   iam_roles={"sender": ROLE})


def _live_role(trust: Any = None, *, tags: Any = OWNED, max_session: int = 7200,
               policies: tuple[str, ...] = (POLICY_ARN,)) -> IamRole:
    rendered = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "tn-1"}}}]}
    return IamRole("Acme/sender", "ses-Acme-sender", "/ses-reconciler/", trust or rendered,
                   max_session, policies=policies,
                   arn="arn:aws:iam::123456789012:role/ses-reconciler/ses-Acme-sender",
                   tags=tags)


def _plan(desired: Desired, *roles: IamRole, tenant: bool = True) -> Plan:
    tenants = {"Acme": Tenant("Acme", tags={"managed-by": "ses-reconciler"}, tenant_id="tn-1",
                              arn=ARN)} if tenant else {}
    live = Live(CTX, tenants, objects={"iam_role": {r.name: r for r in roles}})
    return make_plan(desired, live)


def _actions(plan: Plan) -> list[str]:
    return [str(c.action) for c in plan.changes if c.address.kind == "iam_role"]


def test_a_role_matching_the_config_plans_nothing_even_with_unread_tags() -> None:
    plan = _plan(_desired(Acme=("sender",)), _live_role(tags=None))
    assert _actions(plan) == [] and plan.conflicts == ()


def test_a_trust_change_on_an_owned_role_is_one_update_explained_path_by_path() -> None:
    other = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
    plan = _plan(_desired(Acme=("sender",)), _live_role(other))
    [update] = [c for c in plan.changes if c.address.kind == "iam_role"]
    assert update.action == RoleAction.UPDATE_TRUST
    assert "Statement[0].Principal.AWS[+] arn:aws:iam::111122223333:root" in update.reason


def test_a_role_without_the_ownership_tag_that_differs_is_a_conflict_not_a_change() -> None:
    plan = _plan(_desired(Acme=("sender",)), _live_role(tags={"team": "x"}, max_session=3600))
    assert _actions(plan) == []
    [conflict] = plan.conflicts
    assert conflict.tenant == "Acme"
    assert conflict.message.startswith("iam_role.Acme/sender: role ses-Acme-sender exists "
                                       "without the ownership tag")


def test_a_role_template_dropped_by_a_declared_tenant_deletes_its_owned_role() -> None:
    plan = _plan(_desired(Acme=()), _live_role())
    assert _actions(plan) == [RoleAction.DELETE_ROLE]


def test_pruning_a_tenant_deletes_its_role_before_the_tenant() -> None:
    desired = _desired(prune=True)
    plan = _plan(desired, _live_role())
    by_key = {c.key: c for c in plan.changes}
    assert "iam_role.Acme/sender:delete_role" in by_key["tenant.Acme:delete_tenant"].depends_on


def test_a_new_tenants_role_holds_its_policy_after_both_are_created() -> None:
    plan = _plan(_desired(Acme=("sender",)), tenant=False)
    by_key = {c.key: c for c in plan.changes}
    attach = by_key[f"iam_role.Acme/sender:attach_role_policy:{POLICY_ARN}"]
    assert attach.depends_on == ("iam_policy.Acme/sender:create_policy",
                                 "iam_role.Acme/sender:create_role", "tenant.Acme:create_tenant")
    create = by_key["iam_role.Acme/sender:create_role"]
    assert "(known after apply)" in repr(create.after.trust_policy)
    assert create.after.source == TRUST


def test_role_changes_survive_a_saved_plan_round_trip() -> None:
    plan = _plan(_desired(Acme=("sender",)), _live_role(max_session=3600, policies=()))
    again = load_plan(dump_plan(plan))
    assert again.changes == plan.changes
    assert sorted(_actions(again)) == [RoleAction.ATTACH_ROLE_POLICY, RoleAction.UPDATE_SESSION]


def test_attachments_are_one_type_sorted_and_unique_whoever_builds_them() -> None:
    read = Attachments.of([Principal("user", "b"), Principal("role", "z"),
                           Principal("role", "a"), Principal("role", "z")])
    declared = Attachments(roles=("a",)) | Attachments(roles=("z",), users=("b",))
    assert read == declared == Attachments(("a", "z"), (), ("b",))
    assert [str(p) for p in read.principals()] == ["role/a", "role/z", "user/b"]
