"""Reading IAM policies and roles under the tool's path: what comes back and at what cost."""

from __future__ import annotations

from reconciler.aws.clients import ClientFactory
from reconciler.aws.iam_model import Attachments
from reconciler.aws.iam_read import (
    listed_policies,
    read_policies,
    read_policy,
    read_role,
    read_roles,
    with_documents,
    with_tags,
)
from reconciler.aws.settle import NO_SETTLE
from reconciler.emulator import Emulator
from tests.integration.aws.iam_accounts import (
    FAST,
    OWNED,
    OWNERSHIP,
    PATH,
    IamSeeder,
    arn,
    document,
)


def test_owned_policies_cost_one_get_policy_and_one_default_version_each(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    for name in ("a", "b", "c"):
        iam_seed.policy(name, OWNED, doc=document(f"ses:{name}"))
    iam_seed.policy("foreign", {"team": "other"})
    iam_seed.policy("elsewhere", OWNED, path="/other/")

    policies = read_policies(factory, PATH, OWNERSHIP)

    assert sorted(policies) == ["a", "b", "c", "foreign"]
    assert factory.call_counts() == {"GetPolicy": 4, "GetPolicyVersion": 3, "ListPolicies": 1}
    assert policies["b"].document == document("ses:b")
    assert (policies["b"].owned, policies["b"].path, policies["b"].arn) == (True, PATH, arn("b"))
    assert policies["b"].tags == OWNED


def test_a_foreign_policy_under_the_path_is_returned_with_tags_and_no_document(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    iam_seed.policy("foreign", {"team": "other"})

    foreign = read_policies(factory, PATH, OWNERSHIP)["foreign"]

    assert (foreign.owned, foreign.document, foreign.attachments) == (False, None, None)
    assert foreign.tags == {"team": "other"}
    assert "GetPolicyVersion" not in factory.calls


def test_the_listing_walks_every_marker_page(factory: ClientFactory, iam_seed: IamSeeder) -> None:
    for n in range(5):
        iam_seed.policy(f"p{n}", OWNED)

    policies = read_policies(factory, PATH, OWNERSHIP, page_size=2)

    assert sorted(policies) == ["p0", "p1", "p2", "p3", "p4"]
    assert factory.calls["ListPolicies"] == 3


def test_attachments_are_read_for_declared_and_for_attached_policies_only(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    for name in ("declared", "attached", "neither"):
        iam_seed.policy(name, OWNED)
    iam_seed.principals("ops")
    iam_seed.iam.attach_role_policy(RoleName="ops", PolicyArn=arn("attached"))
    iam_seed.iam.attach_user_policy(UserName="ops", PolicyArn=arn("attached"))

    policies = read_policies(factory, PATH, OWNERSHIP, with_attachments={"declared"})

    assert factory.call_counts() == {"GetPolicy": 3, "GetPolicyVersion": 3,
                                     "ListEntitiesForPolicy": 2, "ListPolicies": 1}
    assert policies["attached"].attachments == Attachments(roles=("ops",), users=("ops",))
    assert policies["declared"].attachments == Attachments()
    assert policies["neither"].attachments == Attachments()


def test_versions_are_listed_only_when_asked(factory: ClientFactory,
                                             iam_seed: IamSeeder) -> None:
    iam_seed.versions(iam_seed.policy("p", OWNED), 2, default=True)

    plain = read_policies(factory, PATH, OWNERSHIP)["p"]
    versioned = read_policies(factory, PATH, OWNERSHIP, versions=True)["p"]

    assert plain.versions is None
    assert versioned.versions is not None
    assert [(v.version_id, v.is_default) for v in versioned.versions] == [
        ("v1", False), ("v2", False), ("v3", True)]
    assert versioned.default_version_id == "v3"
    assert versioned.document == document("ses:Get1")
    assert factory.calls["ListPolicyVersions"] == 1


def test_a_policy_deleted_between_listing_and_reading_is_left_out(
        emulator: Emulator, factory: ClientFactory, iam_seed: IamSeeder) -> None:
    iam_seed.policy("kept", OWNED)
    iam_seed.policy("vanishing", OWNED)
    emulator.faults.fail("GetPolicy", resource="vanishing", error_code="NoSuchEntity", times=1)

    assert sorted(read_policies(factory, PATH, OWNERSHIP)) == ["kept"]


def test_a_read_after_a_write_retries_no_such_entity_until_the_policy_shows(
        emulator: Emulator, factory: ClientFactory, iam_seed: IamSeeder) -> None:
    iam_seed.policy("fresh", OWNED)
    emulator.faults.fail("GetPolicy", resource="fresh", error_code="NoSuchEntity",
                         status=404, times=1)

    policy = read_policy(factory, arn("fresh"), OWNERSHIP, settle=FAST)

    assert policy is not None and policy.owned
    assert factory.calls["GetPolicy"] == 2


def test_without_settling_a_missing_policy_reads_as_absent_at_once(
        emulator: Emulator, factory: ClientFactory, iam_seed: IamSeeder) -> None:
    iam_seed.policy("fresh", OWNED)
    emulator.faults.fail("GetPolicy", resource="fresh", error_code="NoSuchEntity",
                         status=404, times=1)

    assert read_policy(factory, arn("fresh"), OWNERSHIP, settle=NO_SETTLE) is None
    assert factory.calls["GetPolicy"] == 1


def test_owned_roles_come_with_trust_policy_max_session_and_attached_policies(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    policy = iam_seed.policy("p", OWNED)
    iam_seed.role("sender", OWNED, MaxSessionDuration=7200, Description="d")
    iam_seed.role("theirs", {"team": "other"})
    iam_seed.role("outside", OWNED, path="/other/")
    iam_seed.iam.attach_role_policy(RoleName="sender", PolicyArn=policy)

    roles = read_roles(factory, PATH, OWNERSHIP)

    assert sorted(roles) == ["sender", "theirs"]
    assert factory.call_counts() == {"GetRole": 2, "ListAttachedRolePolicies": 1,
                                     "ListRoles": 1}
    sender = roles["sender"]
    assert (sender.owned, sender.max_session_duration, sender.description) == (True, 7200, "d")
    assert sender.attached == frozenset({policy})
    assert sender.trust_policy["Statement"][0]["Action"] == "sts:AssumeRole"
    assert (roles["theirs"].owned, roles["theirs"].attached) == (False, None)


def test_a_missing_role_reads_as_none(factory: ClientFactory, emulator: Emulator) -> None:
    assert read_role(factory, "nobody", OWNERSHIP) is None


def test_bulk_reading_brings_documents_and_versions_without_per_policy_version_calls(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    for name in ("a", "b", "c"):
        iam_seed.policy(name, OWNED, doc=document(f"ses:{name}"))
    iam_seed.versions(arn("b"), 1, default=True)
    iam_seed.policy("foreign", {"team": "other"})
    iam_seed.policy("elsewhere", OWNED, path="/other/")

    policies = read_policies(factory, PATH, OWNERSHIP, bulk=True)

    assert sorted(policies) == ["a", "b", "c", "foreign"]
    assert factory.call_counts() == {"GetAccountAuthorizationDetails": 1, "GetPolicy": 4}
    assert policies["b"].default_version_id == "v2"
    assert policies["b"].document == document("ses:Get0")
    assert [(v.version_id, v.is_default) for v in policies["b"].versions or ()] == [
        ("v1", False), ("v2", True)]
    assert policies["foreign"].document is None


def test_bulk_and_per_policy_reads_agree(factory: ClientFactory, iam_seed: IamSeeder) -> None:
    for name in ("a", "b"):
        iam_seed.versions(iam_seed.policy(name, OWNED), 2, default=True)
    iam_seed.principals("ops")
    iam_seed.iam.attach_group_policy(GroupName="ops", PolicyArn=arn("a"))

    bulk = read_policies(factory, PATH, OWNERSHIP, bulk=True)
    per_policy = read_policies(factory, PATH, OWNERSHIP, versions=True)

    assert bulk == per_policy


def test_the_policy_listing_pages_by_marker_and_reads_no_tags(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    for n in range(5):
        iam_seed.policy(f"p{n}", OWNED)
    iam_seed.policy("elsewhere", OWNED, path="/other/")

    listed = listed_policies(factory, PATH, page_size=2)

    assert sorted(p.name for p in listed) == ["p0", "p1", "p2", "p3", "p4"]
    assert factory.call_counts() == {"ListPolicies": 3}
    assert all((p.tags, p.owned, p.document, p.default_version_id) == ({}, False, None, "v1")
               for p in listed)


def test_a_listing_that_fills_its_last_page_exactly_costs_no_extra_page(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    for n in range(4):
        iam_seed.policy(f"p{n}", OWNED)

    assert len(listed_policies(factory, PATH, page_size=2)) == 4
    assert factory.call_counts() == {"ListPolicies": 2}


def test_documents_cost_one_default_version_each_and_attachments_only_where_asked_or_counted(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    for name in ("declared", "attached", "neither"):
        iam_seed.policy(name, OWNED, doc=document(f"ses:{name}"))
    iam_seed.principals("ops")
    iam_seed.iam.attach_role_policy(RoleName="ops", PolicyArn=arn("attached"))
    listed = listed_policies(factory, PATH)

    read = with_documents(factory, listed, with_attachments={"declared"})

    assert factory.call_counts() == {"GetPolicyVersion": 3, "ListEntitiesForPolicy": 2,
                                     "ListPolicies": 1}
    assert read["neither"].document == document("ses:neither")
    assert read["attached"].attachments == Attachments(roles=("ops",))
    assert read["declared"].tags == {}


def test_tags_cost_one_get_policy_each_and_say_whose_a_policy_is(
        factory: ClientFactory, iam_seed: IamSeeder) -> None:
    iam_seed.policy("mine", OWNED)
    iam_seed.policy("theirs", {"team": "other"})
    listed = listed_policies(factory, PATH)

    tagged = with_tags(factory, listed, OWNERSHIP)

    assert factory.call_counts() == {"GetPolicy": 2, "ListPolicies": 1}
    assert (tagged["mine"].owned, tagged["theirs"].owned) == (True, False)
    assert tagged["theirs"].tags == {"team": "other"}
