"""IAM role writers: the lifecycle of a tenant's role, and roles the tool does not own."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from reconciler.aws.clients import ClientFactory
from reconciler.aws.iam_model import LiveRole, Principal, RoleSpec
from reconciler.aws.iam_read import read_role
from reconciler.aws.iam_role_read import attached_policies, list_roles, role_tags
from reconciler.aws.iam_roles import (
    attach_role_policy,
    create_role,
    delete_role,
    detach_role_policy,
    update_role_max_session,
    update_role_trust,
)
from reconciler.aws.iam_write import attach_policy, create_policy
from reconciler.emulator import Emulator
from reconciler.errors import NotOwnedError, RunError
from tests.integration.aws.iam_accounts import (
    OWNED,
    OWNERSHIP,
    PATH,
    TRUST,
    IamSeeder,
    context,
    document,
)

OTHER_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
    "Action": "sts:AssumeRole"}]}
SPEC = RoleSpec("tenant-a-sender", PATH, TRUST, 7200, "send as tenant A", {"tenant": "A"})


def _read(factory: ClientFactory, name: str = SPEC.name) -> LiveRole:
    role = read_role(factory, name, OWNERSHIP)
    assert role is not None
    return role


def test_create_role_sets_trust_path_max_session_description_and_tags(
        factory: ClientFactory, emulator: Emulator) -> None:
    created = create_role(context(factory), SPEC)

    live = _read(factory)
    assert created.arn == live.arn == f"arn:aws:iam::123456789012:role{PATH}{SPEC.name}"
    assert (live.path, live.trust_policy, live.max_session_duration, live.description) == (
        PATH, TRUST, 7200, "send as tenant A")
    assert live.tags == {**OWNED, "tenant": "A"} and live.owned


def test_create_role_again_brings_our_role_to_the_spec(
        factory: ClientFactory, emulator: Emulator) -> None:
    create_role(context(factory), SPEC)
    changed = RoleSpec(SPEC.name, PATH, OTHER_TRUST, 3600, SPEC.description)

    again = create_role(context(factory), changed)

    live = _read(factory)
    assert (live.trust_policy, live.max_session_duration) == (OTHER_TRUST, 3600)
    assert (again.trust_policy, again.max_session_duration) == (OTHER_TRUST, 3600)
    assert (factory.calls["UpdateAssumeRolePolicy"], factory.calls["UpdateRole"]) == (1, 1)


def test_create_role_never_takes_over_a_role_without_the_ownership_tag(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    iam_seed.role(SPEC.name, {"team": "other"})

    with pytest.raises(NotOwnedError) as refused:
        create_role(context(factory), RoleSpec(SPEC.name, PATH, OTHER_TRUST))

    assert str(refused.value) == (
        "iam_role.tenant-a-sender already exists without the ownership tag "
        "managed-by=ses-reconciler (it was created outside this tool), so nothing was written "
        "to it; choose another role name or remove that role, then plan again.")
    assert _read(factory).trust_policy == TRUST
    assert not {"UpdateAssumeRolePolicy", "UpdateRole"} & set(factory.calls)


def test_create_role_refuses_our_own_role_at_another_path(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    iam_seed.role(SPEC.name, OWNED, path="/elsewhere/")

    with pytest.raises(RunError, match=r"^iam_role\.tenant-a-sender exists at path /elsewhere/, "
                                       r"not /ses-reconciler/, and IAM cannot move a role"):
        create_role(context(factory), SPEC)

    assert _read(factory).trust_policy == TRUST


def test_updates_change_trust_and_max_session_and_keep_the_description(
        factory: ClientFactory, emulator: Emulator) -> None:
    create_role(context(factory), SPEC)

    update_role_trust(context(factory), _read(factory), OTHER_TRUST)
    update_role_max_session(context(factory), _read(factory), 43200)

    live = _read(factory)
    assert (live.trust_policy, live.max_session_duration, live.description) == (
        OTHER_TRUST, 43200, "send as tenant A")


def test_delete_role_detaches_its_policies_first_and_tolerates_a_second_delete(
        factory: ClientFactory, emulator: Emulator) -> None:
    ctx = context(factory)
    role = create_role(ctx, SPEC)
    for name in ("send", "read"):
        attach_policy(ctx, create_policy(ctx, name, PATH, document()), Principal("role", SPEC.name))

    delete_role(ctx, _read(factory))
    delete_role(ctx, role)

    assert read_role(factory, SPEC.name, OWNERSHIP) is None
    assert factory.calls["DetachRolePolicy"] == 2
    assert factory.calls["DeleteRole"] == 1


@pytest.mark.parametrize("write", [
    lambda ctx, role: update_role_trust(ctx, role, OTHER_TRUST),
    lambda ctx, role: update_role_max_session(ctx, role, 7200),
    lambda ctx, role: delete_role(ctx, role),
    lambda ctx, role: attach_role_policy(ctx, role, "arn:aws:iam::123456789012:policy/x"),
    lambda ctx, role: detach_role_policy(ctx, role, "arn:aws:iam::123456789012:policy/x"),
], ids=["trust", "max-session", "delete", "attach", "detach"])
def test_a_role_without_the_ownership_tag_is_refused_before_any_call(
        factory: ClientFactory, iam_seed: IamSeeder, write) -> None:  # type: ignore[no-untyped-def]
    iam_seed.role("theirs", {"team": "other"})
    theirs = _read(factory, "theirs")
    before = factory.call_counts()

    with pytest.raises(NotOwnedError, match=r"^iam_role\.theirs does not carry the ownership"):
        write(context(factory), theirs)

    assert factory.call_counts() == before
    assert _read(factory, "theirs").trust_policy == TRUST


def test_delete_role_removes_inline_policies_and_instance_profile_membership_first(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    role = create_role(context(factory), SPEC)
    iam_seed.iam.put_role_policy(RoleName=SPEC.name, PolicyName="inline",
                                 PolicyDocument=json.dumps(document()))
    iam_seed.iam.create_instance_profile(InstanceProfileName="profile")
    iam_seed.iam.add_role_to_instance_profile(InstanceProfileName="profile",
                                              RoleName=SPEC.name)

    delete_role(context(factory), role)

    assert read_role(factory, SPEC.name, OWNERSHIP) is None
    assert (factory.calls["DeleteRolePolicy"], factory.calls["RemoveRoleFromInstanceProfile"],
            factory.calls["DeleteRole"]) == (1, 1, 1)
    profile = iam_seed.iam.get_instance_profile(InstanceProfileName="profile")
    assert profile["InstanceProfile"]["Roles"] == []


def test_a_role_attached_to_a_policy_by_attach_role_policy_lists_it(
        factory: ClientFactory, emulator: Emulator) -> None:
    ctx = context(factory)
    role = create_role(ctx, SPEC)
    policy = create_policy(ctx, "send", PATH, document())

    attach_role_policy(ctx, role, policy.arn)
    attach_role_policy(ctx, role, policy.arn)

    assert _read(factory).attached == frozenset({policy.arn})
    detach_role_policy(ctx, role, policy.arn)
    detach_role_policy(ctx, role, policy.arn)
    assert _read(factory).attached == frozenset()


def test_trust_update_right_after_create_retries_no_such_entity(
        emulator: Emulator, factory: ClientFactory) -> None:
    role = create_role(context(factory), SPEC)
    emulator.faults.fail("UpdateAssumeRolePolicy", error_code="NoSuchEntity", status=404,
                         times=1)

    update_role_trust(context(factory), role, OTHER_TRUST)

    assert factory.calls["UpdateAssumeRolePolicy"] == 2
    assert _read(factory).trust_policy == OTHER_TRUST


def test_an_unknown_role_fails_the_trust_update(factory: ClientFactory,
                                               emulator: Emulator) -> None:
    ghost = LiveRole("ghost", PATH, "arn", "id", TRUST, tags=OWNED, owned=True)

    with pytest.raises(ClientError, match="NoSuchEntity"):
        update_role_trust(context(factory), ghost, OTHER_TRUST)


def test_listing_roles_pages_each_path_prefix_once_and_reads_no_tags(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    for n in range(3):
        iam_seed.role(f"r{n}", OWNED)
    iam_seed.role("nested", OWNED, path=f"{PATH}customers/")
    iam_seed.role("elsewhere", OWNED, path="/other/")
    client = factory.client("iam")

    listed = list_roles(client, [PATH, f"{PATH}customers/"], page_size=2)

    assert sorted(listed) == ["nested", "r0", "r1", "r2"]
    assert listed["nested"].path == f"{PATH}customers/" and listed["r0"].trust_policy == TRUST
    assert all(r.tags == {} for r in listed.values())
    assert dict(factory.call_counts()) == {"ListRoles": 2}  # 4 roles, 2 a page, one prefix


def test_a_roles_attached_policies_and_tags_are_none_once_it_is_gone(
        factory: ClientFactory, emulator: Emulator) -> None:
    client = factory.client("iam")
    assert attached_policies(client, "ghost") is None
    assert role_tags(client, "ghost") is None
