"""Planning the iam_policy kind: pure, from a Desired and a Live built by hand."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reconciler.kinds.iam_policy import IamPolicy, PolicyAction
from reconciler.kinds.iam_policy_plan import ownership_needed
from reconciler.kinds.tenant import Tenant
from reconciler.planning import dump_plan, load_plan, make_plan
from reconciler.planning.drift import classify_drift
from reconciler.planning.plan import Plan
from reconciler.state import Address, ArnContext, Attachments, Desired, IamTemplate, Live, Settings

OWNED = {"managed-by": "ses-reconciler"}
CTX = ArnContext("aws", "us-east-1", "123456789012")
ARN = "arn:aws:ses:us-east-1:123456789012:tenant/Acme/tn-1"
DOC = {"Version": "2012-10-17",
       "Statement": [{"Effect": "Allow", "Action": ["ses:SendEmail"], "Resource": "${tenant.arn}"}]}
TEMPLATE = IamTemplate("sender", "ses-${tenant.name}-sender", DOC,
                       attach=Attachments(roles=("sender-${tenant.name}",)))


def _desired(*, prune: bool = False, template: IamTemplate = TEMPLATE,
             **tenants: tuple[str, ...]) -> Desired:
    return Desired(Settings(prune=prune),
                   {n: Tenant(n, tags=OWNED, iam=iam) for n, iam in tenants.items()},
                   iam_templates={template.name: template})


def _live_tenant(name: str = "Acme") -> Tenant:
    return Tenant(name, tags=OWNED, tenant_id="tn-1", arn=ARN)


def _policy(document: Any, *, roles: tuple[str, ...] = ("sender-Acme",),
            policy_name: str = "ses-Acme-sender", name: str = "Acme/sender",
            owned: bool | None = True) -> IamPolicy:
    return IamPolicy(name, policy_name, "/ses-reconciler/", document,
                     attach=Attachments(roles=roles),
                     arn=f"arn:aws:iam::123456789012:policy/ses-reconciler/{policy_name}",
                     version="v1", tags=OWNED if owned else {}, owned=owned)


def _plan(desired: Desired, *policies: IamPolicy, tenants: tuple[Tenant, ...] = ()) -> Plan:
    live = Live(CTX, {t.name: t for t in tenants},
                objects={"iam_policy": {p.name: p for p in policies}})
    return make_plan(desired, live)


def _actions(plan: Plan) -> list[tuple[str, str]]:
    return [(str(c.address), str(c.action)) for c in plan.changes
            if c.address.kind == "iam_policy"]


def _live_document() -> dict[str, Any]:
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "ses:SendEmail", "Resource": ARN}]}


def test_a_new_tenants_policy_waits_for_its_create_and_its_ids_are_known_after_apply() -> None:
    plan = _plan(_desired(Acme=("sender",)))
    create = next(c for c in plan.changes if c.action == PolicyAction.CREATE_POLICY)
    attach = next(c for c in plan.changes if c.action == PolicyAction.ATTACH_POLICY)
    assert create.depends_on == ("tenant.Acme:create_tenant",)
    assert set(attach.depends_on) == {"tenant.Acme:create_tenant", create.key}
    assert create.after.document["Statement"][0]["Resource"] == "(known after apply)"
    assert create.after.source["Statement"][0]["Resource"] == "${tenant.arn}"


def test_a_live_document_spelt_differently_but_equivalent_plans_nothing() -> None:
    plan = _plan(_desired(Acme=("sender",)), _policy(_live_document()),
                 tenants=(_live_tenant(),))
    assert plan.changes == ()


def test_a_changed_document_is_one_new_version_explained_path_by_path() -> None:
    edited = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": ARN}]}
    plan = _plan(_desired(Acme=("sender",)), _policy(edited), tenants=(_live_tenant(),))
    assert _actions(plan) == [("iam_policy.Acme/sender", "update_policy_document")]
    assert plan.changes[0].reason == "Statement[0].Action[-] ses:SendRawEmail"


def test_attachments_are_made_to_declared_principals_and_removed_from_others() -> None:
    policy = _policy(_live_document(), roles=("intruder",))
    plan = _plan(_desired(Acme=("sender",)), policy, tenants=(_live_tenant(),))
    assert [(c.action, str(c.after or c.before)) for c in plan.changes] == [
        (PolicyAction.ATTACH_POLICY, "role/sender-Acme"),
        (PolicyAction.DETACH_POLICY, "role/intruder")]


def test_a_renamed_policy_is_replaced_by_a_new_one() -> None:
    renamed = IamTemplate("sender", "${tenant.name}-send", DOC, attach=TEMPLATE.attach)
    plan = _plan(_desired(Acme=("sender",), template=renamed), _policy(_live_document()),
                 tenants=(_live_tenant(),))
    assert sorted(_actions(plan)) == [("iam_policy.Acme/sender", "attach_policy"),
                                      ("iam_policy.Acme/sender", "create_policy"),
                                      ("iam_policy.Acme/sender", "delete_policy")]
    create = next(c for c in plan.changes if c.action == PolicyAction.CREATE_POLICY)
    assert create.after.policy_name == "Acme-send"


def test_a_pruned_tenants_policy_is_deleted_before_the_tenant() -> None:
    plan = _plan(_desired(prune=True), _policy(_live_document()), tenants=(_live_tenant(),))
    delete = next(c for c in plan.changes if c.address == Address("tenant", "Acme"))
    assert delete.depends_on == ("iam_policy.Acme/sender:delete_policy",)


def test_a_tenant_in_conflict_gets_no_policy() -> None:
    foreign = Tenant("Acme", tags={}, tenant_id="tn-1", arn=ARN)
    plan = _plan(_desired(Acme=("sender",)), tenants=(foreign,))
    assert plan.conflicts and _actions(plan) == []


def test_saved_plans_carry_policy_changes() -> None:
    edited = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*",
                                                      "Resource": "*"}]}
    plan = _plan(_desired(Acme=("sender",), Bravo=("sender",)), _policy(edited),
                 tenants=(_live_tenant(),))
    assert {a for _, a in _actions(plan)} == {"create_policy", "attach_policy",
                                              "update_policy_document"}
    assert load_plan(dump_plan(plan)) == plan


EDITED = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": ARN}]}


def test_a_changed_policy_without_the_ownership_tag_is_a_conflict_and_gets_no_change() -> None:
    plan = _plan(_desired(Acme=("sender",)), _policy(EDITED, owned=False),
                 tenants=(_live_tenant(),))
    assert _actions(plan) == []
    assert [(c.tenant, c.subject) for c in plan.conflicts] == [
        ("Acme", "iam_policy.Acme/sender")]
    assert plan.conflicts[0].message.startswith(
        "iam_policy.Acme/sender (policy /ses-reconciler/ses-Acme-sender) differs from the "
        "config but does not carry the ownership tag managed-by=ses-reconciler")


def test_a_changed_policy_whose_ownership_was_not_read_gets_no_change() -> None:
    plan = _plan(_desired(Acme=("sender",)), _policy(EDITED, owned=None),
                 tenants=(_live_tenant(),))
    assert _actions(plan) == []
    assert "its ownership tag managed-by=ses-reconciler was not read" in plan.conflicts[0].message


def test_an_unowned_policy_that_matches_the_config_plans_nothing_and_no_conflict() -> None:
    plan = _plan(_desired(Acme=("sender",)), _policy(_live_document(), owned=None),
                 tenants=(_live_tenant(),))
    assert plan.settled


def test_a_policy_conflict_leaves_its_tenant_planned() -> None:
    desired = _desired(Acme=("sender",))
    desired = replace(desired, tenants={"Acme": replace(desired.tenants["Acme"],
                                                        tags={**OWNED, "team": "a"})})
    plan = _plan(desired, _policy(EDITED, owned=False), tenants=(_live_tenant(),))
    assert [str(c.address) for c in plan.changes] == ["tenant.Acme"]
    assert len(plan.conflicts) == 1


def test_a_policy_conflict_is_saved_and_reported_as_drift_of_that_policy() -> None:
    plan = _plan(_desired(Acme=("sender",)), _policy(EDITED, owned=False),
                 tenants=(_live_tenant(),))
    assert load_plan(dump_plan(plan)).conflicts == plan.conflicts
    [item] = classify_drift(plan)
    assert (item.tenant, item.attribute, item.kind) == (
        "Acme", "iam_policy.Acme/sender ownership", "conflict")


def _needed(desired: Desired, *policies: IamPolicy) -> frozenset[str]:
    live = Live(CTX, {"Acme": _live_tenant()},
                objects={"iam_policy": {p.name: p for p in policies}})
    return ownership_needed(desired, live)


def test_ownership_is_not_needed_for_policies_planning_leaves_alone() -> None:
    assert _needed(_desired(Acme=("sender",)), _policy(_live_document(), owned=None)) == set()


def test_ownership_is_needed_for_a_changed_document_or_attachment() -> None:
    desired = _desired(Acme=("sender",))
    assert _needed(desired, _policy(EDITED, owned=None)) == {"Acme/sender"}
    assert _needed(desired, _policy(_live_document(), roles=(), owned=None)) == {
        "Acme/sender"}


def test_ownership_is_needed_for_a_policy_no_desired_policy_keys() -> None:
    stray = _policy(_live_document(), name="Gone/sender", policy_name="ses-Gone-sender")
    assert _needed(_desired(Acme=("sender",)), stray) == {"Gone/sender"}
