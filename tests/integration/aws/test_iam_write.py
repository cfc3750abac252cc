"""IAM policy writers: idempotent, ownership-checked, pruning at the 5-version limit."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from reconciler.aws.clients import ClientFactory
from reconciler.aws.iam_model import LivePolicy, Principal
from reconciler.aws.iam_read import read_policies, read_policy
from reconciler.aws.iam_write import (
    attach_policy,
    create_policy,
    delete_policy,
    detach_policy,
    new_default_version,
)
from reconciler.aws.settle import Settle
from reconciler.emulator import Emulator
from reconciler.errors import NotOwnedError, RunError
from tests.integration.aws.iam_accounts import (
    OWNED,
    OWNERSHIP,
    PATH,
    IamSeeder,
    arn,
    context,
    document,
)

FOREIGN = {"team": "other"}
EVERY_KIND = (Principal("role", "ops"), Principal("group", "ops"), Principal("user", "ops"))


def _owned(factory: ClientFactory, name: str) -> LivePolicy:
    policy = read_policy(factory, arn(name), OWNERSHIP)
    assert policy is not None
    return policy


def test_create_policy_sets_path_description_tags_and_document(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    created = create_policy(context(factory), "sender", PATH, document("ses:SendEmail"),
                            description="send as tenant A", tags={"tenant": "A"})

    live = iam_seed.iam.get_policy(PolicyArn=arn("sender"))["Policy"]
    assert (created.arn, created.owned, created.default_version_id) == (arn("sender"), True, "v1")
    assert (live["Path"], live["Description"]) == (PATH, "send as tenant A")
    assert {t["Key"]: t["Value"] for t in live["Tags"]} == {**OWNED, "tenant": "A"}
    assert iam_seed.default_document(arn("sender")) == document("ses:SendEmail")
    assert factory.call_counts() == {"CreatePolicy": 1}


def test_create_policy_again_continues_our_own_policy_without_writing(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    create_policy(context(factory), "sender", PATH, document())

    again = create_policy(context(factory), "sender", PATH, document())

    assert again.owned and again.document == document()
    assert "CreatePolicyVersion" not in factory.calls
    assert iam_seed.version_ids(arn("sender")) == [("v1", True)]


def test_create_policy_over_our_own_policy_with_another_document_sets_a_new_default(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    iam_seed.policy("sender", OWNED, doc=document("ses:Old"))

    live = create_policy(context(factory), "sender", PATH, document("ses:New"))

    assert live.default_version_id == "v2"
    assert iam_seed.default_document(arn("sender")) == document("ses:New")
    assert factory.calls["CreatePolicyVersion"] == 1


def test_create_policy_never_takes_over_a_policy_without_the_ownership_tag(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    iam_seed.policy("sender", FOREIGN, doc=document("ses:Theirs"))

    with pytest.raises(NotOwnedError) as refused:
        create_policy(context(factory), "sender", PATH, document("ses:Ours"))

    assert str(refused.value) == (
        "iam_policy.sender already exists without the ownership tag managed-by=ses-reconciler "
        "(it was created outside this tool), so nothing was written to it; rename the "
        "template's policy_name or remove that policy, then plan again.")
    writes = {op for op in factory.calls if not op.startswith(("Get", "List"))}
    assert writes == {"CreatePolicy"}
    assert iam_seed.version_ids(arn("sender")) == [("v1", True)]
    assert iam_seed.default_document(arn("sender")) == document("ses:Theirs")


def test_a_new_version_becomes_the_default(factory: ClientFactory, iam_seed: IamSeeder) -> None:
    iam_seed.policy("p", OWNED)

    version = new_default_version(context(factory), _owned(factory, "p"), document("ses:Two"))

    assert version == "v2"
    assert iam_seed.version_ids(arn("p")) == [("v1", False), ("v2", True)]
    assert iam_seed.default_document(arn("p")) == document("ses:Two")


def test_at_five_versions_the_oldest_non_default_version_is_deleted_first(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    policy_arn = iam_seed.policy("p", OWNED)
    iam_seed.versions(policy_arn, 4)  # v1 stays the default; v2..v5 are spare

    version = new_default_version(context(factory), _owned(factory, "p"), document("ses:Six"))

    assert version == "v6"
    assert iam_seed.version_ids(policy_arn) == [
        ("v1", False), ("v3", False), ("v4", False), ("v5", False), ("v6", True)]
    assert factory.calls["DeletePolicyVersion"] == 1
    assert factory.calls["CreatePolicyVersion"] == 2


def test_below_five_versions_nothing_is_pruned(factory: ClientFactory,
                                               iam_seed: IamSeeder) -> None:
    iam_seed.versions(iam_seed.policy("p", OWNED), 3, default=True)

    new_default_version(context(factory), _owned(factory, "p"), document("ses:Five"))

    assert len(iam_seed.version_ids(arn("p"))) == 5
    assert "DeletePolicyVersion" not in factory.calls


def test_delete_detaches_every_principal_and_deletes_old_versions_first(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    policy_arn = iam_seed.policy("p", OWNED)
    iam_seed.versions(policy_arn, 2, default=True)
    iam_seed.principals("ops")
    iam_seed.iam.attach_role_policy(RoleName="ops", PolicyArn=policy_arn)
    iam_seed.iam.attach_group_policy(GroupName="ops", PolicyArn=policy_arn)
    iam_seed.iam.attach_user_policy(UserName="ops", PolicyArn=policy_arn)
    policy = _owned(factory, "p")

    delete_policy(context(factory), policy)

    with pytest.raises(ClientError, match="NoSuchEntity"):
        iam_seed.iam.get_policy(PolicyArn=policy_arn)
    assert iam_seed.iam.list_attached_role_policies(RoleName="ops")["AttachedPolicies"] == []
    assert iam_seed.iam.list_attached_group_policies(GroupName="ops")["AttachedPolicies"] == []
    assert iam_seed.iam.list_attached_user_policies(UserName="ops")["AttachedPolicies"] == []
    assert {op: factory.calls[op] for op in (
        "DetachRolePolicy", "DetachGroupPolicy", "DetachUserPolicy", "DeletePolicyVersion",
        "DeletePolicy")} == {"DetachRolePolicy": 1, "DetachGroupPolicy": 1,
                             "DetachUserPolicy": 1, "DeletePolicyVersion": 2, "DeletePolicy": 1}


def test_deleting_a_deleted_policy_succeeds(factory: ClientFactory, iam_seed: IamSeeder) -> None:
    iam_seed.policy("p", OWNED)
    policy = _owned(factory, "p")
    delete_policy(context(factory), policy)

    delete_policy(context(factory), policy)

    assert read_policies(factory, PATH, OWNERSHIP) == {}


@pytest.mark.parametrize("write", [
    lambda ctx, p: new_default_version(ctx, p, document("ses:Ours")),
    lambda ctx, p: delete_policy(ctx, p),
    lambda ctx, p: attach_policy(ctx, p, Principal("role", "ops")),
    lambda ctx, p: detach_policy(ctx, p, Principal("role", "ops")),
], ids=["new-version", "delete", "attach", "detach"])
def test_a_policy_without_the_ownership_tag_is_refused_before_any_call(
        factory: ClientFactory, iam_seed: IamSeeder, write) -> None:  # type: ignore[no-untyped-def]
    policy_arn = iam_seed.policy("theirs", FOREIGN)
    iam_seed.principals("ops")
    iam_seed.iam.attach_role_policy(RoleName="ops", PolicyArn=policy_arn)
    foreign = read_policy(factory, policy_arn, OWNERSHIP)
    assert foreign is not None
    before = factory.call_counts()

    with pytest.raises(NotOwnedError, match=r"^iam_policy\.theirs does not carry the ownership"):
        write(context(factory), foreign)

    assert factory.call_counts() == before
    assert iam_seed.version_ids(policy_arn) == [("v1", True)]
    assert iam_seed.iam.list_attached_role_policies(RoleName="ops")["AttachedPolicies"] != []


def test_attach_and_detach_are_idempotent(factory: ClientFactory, iam_seed: IamSeeder) -> None:
    iam_seed.policy("p", OWNED)
    iam_seed.principals("ops")
    policy, ctx = _owned(factory, "p"), context(factory)

    for principal in EVERY_KIND:
        attach_policy(ctx, policy, principal)
        attach_policy(ctx, policy, principal)
    attached = read_policy(factory, arn("p"), OWNERSHIP, attachments=True)
    for principal in EVERY_KIND:
        detach_policy(ctx, policy, principal)
        detach_policy(ctx, policy, principal)

    assert attached is not None and attached.attachments is not None
    assert [str(p) for p in attached.attachments.principals()] == [
        "group/ops", "role/ops", "user/ops"]
    after = read_policy(factory, arn("p"), OWNERSHIP, attachments=True)
    assert after is not None and not after.attachments


def test_an_attachment_right_after_create_retries_no_such_entity(
        emulator: Emulator, factory: ClientFactory, iam_seed: IamSeeder) -> None:
    iam_seed.principals("ops")
    policy = create_policy(context(factory), "fresh", PATH, document())
    emulator.faults.fail("AttachRolePolicy", error_code="NoSuchEntity", status=404, times=1)

    attach_policy(context(factory), policy, Principal("role", "ops"))

    assert factory.calls["AttachRolePolicy"] == 2
    assert iam_seed.iam.list_attached_role_policies(RoleName="ops")["AttachedPolicies"] != []


def test_a_principal_that_never_appears_fails_after_the_bounded_wait(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    waits: list[float] = []
    settle = Settle(timeout=1.0, first_delay=0.1, factor=2.0, sleep=waits.append)
    policy = create_policy(context(factory), "p", PATH, document())

    with pytest.raises(ClientError, match="NoSuchEntity"):
        attach_policy(context(factory, settle), policy, Principal("role", "nobody"))

    assert waits == pytest.approx([0.1, 0.2, 0.4, 0.3])
    assert factory.calls["AttachRolePolicy"] == len(waits) + 1


def test_a_name_taken_at_another_path_is_one_sentence(
        factory: ClientFactory, iam_seed: IamSeeder, emulator: Emulator) -> None:
    emulator.faults.fail("CreatePolicy", error_code="EntityAlreadyExists", status=409, times=1)

    with pytest.raises(RunError, match=r"^iam_policy\.p cannot be created at path "
                                       r"/ses-reconciler/: IAM reports a policy of that name"):
        create_policy(context(factory, Settle(timeout=0.0)), "p", PATH, document())
