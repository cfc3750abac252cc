"""The JSON snapshot of the emulated account: exact round trip, atomic writes, safe loading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from reconciler.aws.clients import ClientFactory
from reconciler.aws.iam_model import Attachments, Ownership, Principal, RoleSpec
from reconciler.aws.iam_read import read_policies, read_roles
from reconciler.aws.iam_roles import create_role
from reconciler.aws.iam_write import IamContext, attach_policy, create_policy, new_default_version
from reconciler.aws.settle import NO_SETTLE
from reconciler.emulator import Emulator
from reconciler.emulator.persistence import PersistenceError
from tests.integration.emulator_infra.account import REGION, populate, read_back

OWNERSHIP = Ownership("managed-by", "ses-reconciler")


def _client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)


def test_state_file_round_trip_reads_back_identical(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    with Emulator(state_file=state):
        populate(_client)
        before = read_back(_client)

    with Emulator(state_file=state):
        after = read_back(_client)

    assert after == before
    assert before["CustomerA"]["reputation"]["ReputationEntity"]["ReputationManagementPolicy"] \
        .endswith("/strict")
    assert len(before["CustomerA"]["resources"]) == 2
    assert [d["EmailAddress"] for d in
            before["CustomerA"]["suppressed"]["SuppressedDestinationSummaries"]] \
        == ["gone@customer-a.test"]
    assert [d["EmailAddress"] for d in
            before["account_suppressed"]["SuppressedDestinationSummaries"]] \
        == ["gone@everyone.test"]
    assert [t["TemplateName"] for t in before["templates"]] == ["legacy", "welcome"]


def test_save_writes_human_readable_json_naming_the_tenants(
        emulator: Emulator, tmp_path: Path) -> None:
    _client("sesv2").create_tenant(TenantName="Readable")

    path = emulator.save(tmp_path / "nested" / "account.json")

    text = path.read_text()
    assert text.count("\n") > 10
    stores = json.loads(text)["tenant_stores"]
    assert [t["name"] for t in stores["123456789012"][REGION]["tenants"]] == ["Readable"]


def test_save_replaces_the_file_without_leaving_temporary_files(
        emulator: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "account.json"
    path.write_text("old contents")

    emulator.save(path)

    assert json.loads(path.read_text())["format"] == "ses-reconciler-local-account"
    assert [p.name for p in tmp_path.iterdir()] == ["account.json"]


def test_a_fresh_emulator_without_the_file_starts_empty_and_creates_it(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    with Emulator(state_file=state):
        assert _client("sesv2").list_tenants()["Tenants"] == []

    assert state.exists()


def test_loading_a_file_of_another_format_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    state.write_text(json.dumps({"format": "something-else", "version": 1}))

    with pytest.raises(PersistenceError, match="supported version"), Emulator(state_file=state):
        pass


def test_loading_refuses_classes_outside_moto_and_the_emulator(
        emulator: Emulator, tmp_path: Path) -> None:
    path = emulator.save(tmp_path / "account.json")
    data = json.loads(path.read_text())
    data["backends"]["logs"] = {"123456789012": {REGION: {"groups": {
        "$object": "subprocess:Popen", "$id": 999, "state": {}}}}}
    path.write_text(json.dumps(data))

    with pytest.raises(PersistenceError, match="refusing"):
        emulator.load(path)


def test_v2_templates_of_an_older_state_file_move_to_the_shared_store(
        emulator: Emulator, tmp_path: Path) -> None:
    _client("sesv2").create_tenant(TenantName="Existing")
    path = emulator.save(tmp_path / "account.json")
    data = json.loads(path.read_text())
    data["tenant_stores"]["123456789012"][REGION]["templates"] = [{
        "name": "welcome", "subject": "Hi", "text": None, "html": "<p>h</p>",
        "created": 1_700_000_000.0, "tags": [{"Key": "k", "Value": "v"}]}]
    path.write_text(json.dumps(data))

    emulator.load(path)

    got = _client("sesv2").get_email_template(TemplateName="welcome")
    assert got["TemplateContent"] == {"Subject": "Hi", "Html": "<p>h</p>"}
    assert got["Tags"] == [{"Key": "k", "Value": "v"}]
    assert _client("ses").get_template(TemplateName="welcome")["Template"]["SubjectPart"] == "Hi"


def _iam_account() -> dict[str, Any]:
    """An owned policy with three versions (default v2) attached to a role, a group and a user;
    a foreign policy; an owned role with trust policy, max session, description and tags."""
    factory = ClientFactory.for_emulator(REGION)
    ctx = IamContext.from_factory(factory, OWNERSHIP, NO_SETTLE)
    policy = create_policy(ctx, "ses-a-sender", "/ses-reconciler/", _iam_document("ses:Send"),
                           description="tenant A sends", tags={"tenant": "A"})
    new_default_version(ctx, policy, _iam_document("ses:SendEmail"))
    new_default_version(ctx, policy, _iam_document("ses:SendRawEmail"))
    _client("iam").set_default_policy_version(PolicyArn=policy.arn, VersionId="v2")
    create_role(ctx, RoleSpec("a-sender", "/ses-reconciler/", _iam_document("sts:AssumeRole"),
                              7200, "assumed by tenant A", {"tenant": "A"}))
    _client("iam").create_group(GroupName="senders")
    _client("iam").create_user(UserName="mailer")
    for principal in (Principal("role", "a-sender"), Principal("group", "senders"),
                      Principal("user", "mailer")):
        attach_policy(ctx, policy, principal)
    _client("iam").create_policy(PolicyName="theirs", Path="/ses-reconciler/",
                                 PolicyDocument=json.dumps(_iam_document("ses:Get")))
    return {"policies": read_policies(factory, "/ses-reconciler/", OWNERSHIP, versions=True),
            "roles": read_roles(factory, "/ses-reconciler/", OWNERSHIP)}


def _iam_document(action: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": "*"}]}


def test_iam_policies_versions_tags_attachments_and_roles_survive_a_restart(
        tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    with Emulator(state_file=state):
        before = _iam_account()

    with Emulator(state_file=state):
        factory = ClientFactory.for_emulator(REGION)
        after = {"policies": read_policies(factory, "/ses-reconciler/", OWNERSHIP, versions=True),
                 "roles": read_roles(factory, "/ses-reconciler/", OWNERSHIP)}
        counted = _client("iam").get_policy(PolicyArn=after["policies"]["ses-a-sender"].arn)

    assert after == before
    policy = after["policies"]["ses-a-sender"]
    assert (policy.default_version_id, policy.document) == ("v2", _iam_document("ses:SendEmail"))
    assert [v.version_id for v in policy.versions or ()] == ["v1", "v2", "v3"]
    assert policy.tags == {"managed-by": "ses-reconciler", "tenant": "A"}
    assert policy.description == "tenant A sends"
    assert policy.attachments == Attachments(("a-sender",), ("senders",), ("mailer",))
    assert counted["Policy"]["AttachmentCount"] == 3
    assert after["policies"]["theirs"].owned is False
    role = after["roles"]["a-sender"]
    assert (role.trust_policy, role.max_session_duration, role.description) == (
        _iam_document("sts:AssumeRole"), 7200, "assumed by tenant A")
    assert role.attached == frozenset({policy.arn})


def test_a_restored_policy_still_counts_versions_and_attachments(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    with Emulator(state_file=state):
        _iam_account()

    with Emulator(state_file=state):
        iam = _client("iam")
        arn = "arn:aws:iam::123456789012:policy/ses-reconciler/ses-a-sender"
        iam.detach_user_policy(UserName="mailer", PolicyArn=arn)
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(_iam_document("a:B")))
        count = iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"]
        versions = [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]]

    assert count == 2
    assert versions == ["v1", "v2", "v3", "v4"]


def test_sns_topics_tags_policies_and_subscriptions_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "Publish", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sns:Publish", "Resource": "*"}]})

    def read(sns: Any, arn: str) -> tuple[Any, ...]:
        return (sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"],
                sns.list_tags_for_resource(ResourceArn=arn)["Tags"],
                sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"])

    with Emulator(state_file=state):
        sns = _client("sns")
        arn = sns.create_topic(Name="ses-alerts", Attributes={"Policy": policy},
                               Tags=[{"Key": "managed-by", "Value": "ses-reconciler"}])["TopicArn"]
        sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="oncall@example.com")
        before = read(sns, arn)

    with Emulator(state_file=state):
        sns = _client("sns")
        after = read(sns, arn)
        sns.publish(TopicArn=arn, Message="still wired to its backend")

    assert after == before
    assert json.loads(after[0])["Statement"][0]["Sid"] == "Publish"
    assert [s["Endpoint"] for s in after[2]] == ["oncall@example.com"]
