"""What moto 5.2.5's IAM answers where the IAM gateway depends on it, and where it differs from
IAM (docs/shared facts): these pin the emulator's behaviour, so an upgrade that changes it shows
here before it shows as a confusing gateway failure. The gateway copes with both answers."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore import handlers
from botocore.exceptions import ClientError

from reconciler.aws.iam_model import document_from_wire
from tests.integration.aws.iam_accounts import OWNED, TRUST, IamSeeder, document

ENCODED = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "ses:SendEmail", "Resource": "arn:aws:ses:*:*:tenant/a b/%41",
    "Condition": {"StringEquals": {"ses:TenantName": "a&b=c"}}}]}


def _code(err: pytest.ExceptionInfo[ClientError]) -> str:
    return str(err.value.response["Error"]["Code"])


def test_a_sixth_version_is_refused_with_limit_exceeded(iam_seed: IamSeeder) -> None:
    arn = iam_seed.policy("p", OWNED)
    iam_seed.versions(arn, 4)

    with pytest.raises(ClientError) as refused:
        iam_seed.versions(arn, 1)

    assert _code(refused) == "LimitExceeded"


def test_the_default_version_cannot_be_deleted(iam_seed: IamSeeder) -> None:
    arn = iam_seed.policy("p", OWNED)

    with pytest.raises(ClientError) as refused:
        iam_seed.iam.delete_policy_version(PolicyArn=arn, VersionId="v1")

    assert _code(refused) == "DeleteConflict"


def test_tags_come_with_create_and_get_policy_but_not_with_list_policies(
        iam_seed: IamSeeder) -> None:
    created = iam_seed.iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(document()),
                                         Tags=[{"Key": "managed-by", "Value": "ses-reconciler"}])

    got = iam_seed.iam.get_policy(PolicyArn=created["Policy"]["Arn"])["Policy"]
    [listed] = iam_seed.iam.list_policies(Scope="Local")["Policies"]

    assert created["Policy"]["Tags"] == got["Tags"] == [
        {"Key": "managed-by", "Value": "ses-reconciler"}]
    assert "Tags" not in listed


def test_boto3_hands_over_documents_as_dicts(iam_seed: IamSeeder) -> None:
    arn = iam_seed.policy("p", OWNED, doc=ENCODED)

    got = iam_seed.iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]

    assert got["Document"] == ENCODED


# --- where moto differs from IAM (the gateway does the IAM-safe thing in both cases) ---------

def test_the_emulator_url_encodes_documents_on_the_wire_as_iam_does(
        iam_seed: IamSeeder) -> None:
    arn = iam_seed.policy("p", OWNED, doc=ENCODED)
    iam_seed.iam.meta.events.unregister("after-call.iam", handlers.json_decode_policies)

    raw = iam_seed.iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]

    assert isinstance(raw["Document"], str) and raw["Document"].startswith("%7B")
    assert document_from_wire(raw["Document"]) == ENCODED


def test_a_literal_percent_escape_in_a_document_survives_the_round_trip(
        iam_seed: IamSeeder) -> None:
    # moto alone sends plain JSON, which boto3 URL-decodes: `%41` would come back as `A`
    arn = iam_seed.policy("p", OWNED, doc=ENCODED)

    got = iam_seed.iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]

    assert got["Document"]["Statement"][0]["Resource"] == "arn:aws:ses:*:*:tenant/a b/%41"
    assert got["Document"] == ENCODED


def test_moto_deletes_an_attached_policy_where_iam_answers_delete_conflict(
        iam_seed: IamSeeder) -> None:
    arn = iam_seed.policy("p", OWNED)
    iam_seed.versions(arn, 1)
    iam_seed.principals("ops")
    iam_seed.iam.attach_role_policy(RoleName="ops", PolicyArn=arn)

    iam_seed.iam.delete_policy(PolicyArn=arn)

    # the role keeps a dangling attachment: delete_policy detaches first for this reason too
    assert [p["PolicyArn"] for p in iam_seed.iam.list_attached_role_policies(
        RoleName="ops")["AttachedPolicies"]] == [arn]


def test_moto_lists_no_entities_for_a_missing_policy_where_iam_answers_no_such_entity(
        iam_seed: IamSeeder) -> None:
    missing = "arn:aws:iam::123456789012:policy/ses-reconciler/missing"

    answer = iam_seed.iam.list_entities_for_policy(PolicyArn=missing)

    assert (answer["PolicyRoles"], answer["PolicyGroups"], answer["PolicyUsers"]) == ([], [], [])


def test_the_emulator_refuses_one_policy_name_at_two_paths_as_iam_does(
        iam_seed: IamSeeder) -> None:
    # moto alone creates the twin; the emulator's CreatePolicy keeps names account-unique
    iam_seed.policy("p", OWNED, path="/a/")

    with pytest.raises(ClientError) as refused:
        iam_seed.policy("P", OWNED, path="/b/")

    assert _code(refused) == "EntityAlreadyExists"
    assert [p["Path"] for p in iam_seed.iam.list_policies(Scope="Local")["Policies"]] == ["/a/"]


def test_moto_clears_a_role_description_update_role_does_not_carry(
        iam_seed: IamSeeder) -> None:
    iam_seed.role("r", OWNED, Description="kept by IAM")

    iam_seed.iam.update_role(RoleName="r", MaxSessionDuration=7200)

    assert "Description" not in iam_seed.iam.get_role(RoleName="r")["Role"]


def test_moto_s_authorization_details_name_no_policy_and_never_page(
        iam_seed: IamSeeder) -> None:
    for name in ("a", "b", "c"):
        iam_seed.policy(name, OWNED)

    page = iam_seed.iam.get_account_authorization_details(Filter=["LocalManagedPolicy"],
                                                          MaxItems=1)

    assert (len(page["Policies"]), page["IsTruncated"]) == (3, False)
    assert "PolicyName" not in page["Policies"][0]


@pytest.fixture
def frequent_switches() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def test_policies_created_and_attached_from_many_threads_all_succeed(
        iam_seed: IamSeeder, frequent_switches: None) -> None:
    """moto's AttachRolePolicy walks every managed policy while CreatePolicy adds one; the
    emulator serialises IAM requests, so an apply's parallel writes never see that race
    (threads switch very often here, which makes the race near certain without it)."""
    count = 100
    for i in range(300):  # a long walk for AttachRolePolicy
        iam_seed.policy(f"existing{i}")
    for i in range(count):
        iam_seed.iam.create_role(RoleName=f"r{i}", AssumeRolePolicyDocument=json.dumps(TRUST))

    def create_and_attach(i: int) -> None:
        arn = iam_seed.policy(f"p{i}", OWNED)
        iam_seed.iam.attach_role_policy(RoleName=f"r{i}", PolicyArn=arn)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(create_and_attach, range(count)))

    attached = [iam_seed.iam.list_attached_role_policies(RoleName=f"r{i}")["AttachedPolicies"]
                for i in range(count)]
    assert all(len(a) == 1 for a in attached)


def test_a_policy_listing_that_ends_on_a_page_boundary_is_not_truncated(
        iam_seed: IamSeeder) -> None:
    """As IAM: IsTruncated only when more policies follow (moto alone sent an empty page)."""
    for i in range(4):
        iam_seed.policy(f"p{i}", OWNED)

    first = iam_seed.iam.list_policies(Scope="Local", PathPrefix="/ses-reconciler/", MaxItems=2)
    last = iam_seed.iam.list_policies(Scope="Local", PathPrefix="/ses-reconciler/", MaxItems=2,
                                      Marker=first["Marker"])

    assert first["IsTruncated"] and len(first["Policies"]) == 2
    assert not last["IsTruncated"] and "Marker" not in last
    assert [p["PolicyName"] for p in first["Policies"] + last["Policies"]] == [
        "p0", "p1", "p2", "p3"]
