"""Each writer through the emulator, including the answers that mean "already so"."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from reconciler.aws.clients import ClientFactory
from reconciler.aws.writers import TenantArns, WriteContext
from reconciler.emulator import Emulator
from reconciler.errors import NotOwnedError
from reconciler.kinds.registry import write
from reconciler.kinds.tenant import Tenant
from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning.plan import Change
from reconciler.state import Address, ArnContext, Suppression
from tests.integration.aws.accounts import IDENTITY, OWNED, TEMPLATE, Seeder

POLICY_ARN = "arn:aws:ses:us-east-1:aws:reputation-policy/{}"


OWNERSHIP = ("managed-by", "ses-reconciler")


@pytest.fixture
def ctx(factory: ClientFactory) -> WriteContext:
    return WriteContext(factory.client("sesv2"), TenantArns(), factory.arn_context(), OWNERSHIP)


def change(action: Action, name: str = "Acme", before: object = None,
           after: object = None) -> Change:
    return Change(Address("tenant", name), action, before=before, after=after)


def get(seed: Seeder, name: str = "Acme") -> dict:
    return seed.ses.get_tenant(TenantName=name)["Tenant"]


def entity(seed: Seeder, name: str = "Acme") -> dict:
    return seed.ses.get_reputation_entity(
        ReputationEntityType="RESOURCE",
        ReputationEntityReference=get(seed, name)["TenantArn"])["ReputationEntity"]


def resources(seed: Seeder, name: str = "Acme") -> list[str]:
    items = seed.ses.list_tenant_resources(TenantName=name)["TenantResources"]
    return [item["ResourceArn"] for item in items]


def test_create_sends_tags_and_suppression_in_one_call(
        ctx: WriteContext, factory: ClientFactory, seed: Seeder) -> None:
    tenant = Tenant("Acme", tags={"env": "prod"},
                    suppression=Suppression("TENANT", frozenset({"BOUNCE", "COMPLAINT"})))
    write(ctx, change(Action.CREATE_TENANT, after=tenant))
    wire = get(seed)
    assert (wire["Tags"], wire["SuppressionAttributes"]) == (
        [{"Key": "env", "Value": "prod"}],
        {"SuppressionScope": "TENANT", "SuppressedReasons": ["BOUNCE", "COMPLAINT"]})
    assert factory.calls == {"GetCallerIdentity": 1, "CreateTenant": 1}


def test_create_records_the_new_arn_for_later_writers(ctx: WriteContext, seed: Seeder) -> None:
    write(ctx, change(Action.CREATE_TENANT, after=Tenant("Acme")))
    assert ctx.arns.get("Acme") == get(seed)["TenantArn"]


def test_create_of_a_tenant_left_by_an_interrupted_apply_continues_and_aligns_tags(
        ctx: WriteContext, seed: Seeder) -> None:
    created = seed.tenant("Acme", {"old": "1", "env": "dev", **OWNED})
    write(ctx, change(Action.CREATE_TENANT, after=Tenant("Acme", tags={"env": "prod", **OWNED})))
    assert ctx.arns.get("Acme") == created["TenantArn"]
    assert {t["Key"]: t["Value"] for t in get(seed)["Tags"]} == {"env": "prod", **OWNED}


def test_create_of_someone_elses_tenant_fails_naming_it_and_the_way_to_adopt_it(
        ctx: WriteContext, seed: Seeder) -> None:
    seed.tenant("Acme", {"team": "other"})
    with pytest.raises(NotOwnedError) as caught:
        write(ctx, change(Action.CREATE_TENANT, after=Tenant("Acme", tags=dict(OWNED))))
    assert str(caught.value) == (
        "tenant.Acme already exists without the ownership tag managed-by=ses-reconciler (it was "
        "created outside this apply), so nothing was written to it; add `adopt: true` to its "
        "entry to take it over, then plan again.")
    assert ctx.arns.get("Acme") is None


def test_create_of_someone_elses_tenant_leaves_it_byte_identical(
        ctx: WriteContext, factory: ClientFactory, seed: Seeder) -> None:
    seed.resources([IDENTITY])
    seed.tenant("Acme", {"team": "other", "env": "dev"}, [IDENTITY],
                SuppressionAttributes={"SuppressionScope": "ACCOUNT",
                                       "SuppressedReasons": ["BOUNCE"]})
    before = (get(seed), resources(seed), entity(seed))
    wanted = Tenant("Acme", tags={"env": "prod", **OWNED},
                    suppression=Suppression("TENANT", frozenset({"COMPLAINT"})))
    with pytest.raises(NotOwnedError):
        write(ctx, change(Action.CREATE_TENANT, after=wanted))
    assert (get(seed), resources(seed), entity(seed)) == before
    assert set(factory.calls) == {"GetCallerIdentity", "CreateTenant", "GetTenant"}


def test_delete_removes_the_tenant(ctx: WriteContext, seed: Seeder) -> None:
    seed.tenant("Acme")
    write(ctx, change(Action.DELETE_TENANT, before=Tenant("Acme")))
    assert seed.ses.list_tenants()["Tenants"] == []


def test_delete_of_a_missing_tenant_succeeds(ctx: WriteContext) -> None:
    write(ctx, change(Action.DELETE_TENANT, before=Tenant("Ghost")))
    assert ctx.arns.get("Ghost") is None


def test_update_tags_untags_surplus_and_tags_changed_keys(
        ctx: WriteContext, factory: ClientFactory, seed: Seeder) -> None:
    seed.tenant("Acme", {"keep": "1", "drop": "x", "env": "dev"})
    write(ctx, change(Action.UPDATE_TAGS, before={"keep": "1", "drop": "x", "env": "dev"},
                      after={"keep": "1", "env": "prod", "new": "y"}))
    assert {t["Key"]: t["Value"] for t in get(seed)["Tags"]} == {
        "keep": "1", "env": "prod", "new": "y"}
    assert (factory.calls["UntagResource"], factory.calls["TagResource"]) == (1, 1)


def test_associate_adds_the_resource(ctx: WriteContext, seed: Seeder) -> None:
    seed.resources([IDENTITY])
    seed.tenant("Acme")
    write(ctx, change(Action.ASSOCIATE, after=IDENTITY))
    assert resources(seed) == [seed.arn("identity", IDENTITY.name)]


@pytest.mark.parametrize("variant", ["error", "ok"])
def test_repeat_association_succeeds_whichever_answer_ses_gives(
        variant: str, emulator: Emulator, ctx: WriteContext, seed: Seeder) -> None:
    emulator.options.update(repeat_association=variant)
    seed.resources([IDENTITY])
    seed.tenant("Acme", resources=[IDENTITY])
    write(ctx, change(Action.ASSOCIATE, after=IDENTITY))
    assert resources(seed) == [seed.arn("identity", IDENTITY.name)]


def test_disassociate_removes_the_resource(ctx: WriteContext, seed: Seeder) -> None:
    seed.resources([IDENTITY, TEMPLATE])
    seed.tenant("Acme", resources=[IDENTITY, TEMPLATE])
    write(ctx, change(Action.DISASSOCIATE, before=IDENTITY))
    assert resources(seed) == [seed.arn("template", TEMPLATE.name)]


def test_disassociate_of_a_missing_association_succeeds(ctx: WriteContext, seed: Seeder) -> None:
    seed.resources([IDENTITY])
    seed.tenant("Acme")
    write(ctx, change(Action.DISASSOCIATE, before=IDENTITY))
    assert resources(seed) == []


def test_disassociate_of_a_deleted_resource_succeeds(ctx: WriteContext, seed: Seeder) -> None:
    seed.tenant("Acme")
    write(ctx, change(Action.DISASSOCIATE, before=TEMPLATE))
    assert resources(seed) == []


def test_associate_of_a_missing_resource_fails_with_the_service_error(
        ctx: WriteContext, seed: Seeder) -> None:
    seed.tenant("Acme")
    with pytest.raises(ClientError, match="NotFoundException"):
        write(ctx, change(Action.ASSOCIATE, after=IDENTITY))


def test_set_policy_uses_the_policy_arn_of_the_tenant_region(
        ctx: WriteContext, seed: Seeder) -> None:
    seed.tenant("Acme")
    write(ctx, change(Action.SET_POLICY, before="standard", after="strict"))
    assert entity(seed)["ReputationManagementPolicy"] == POLICY_ARN.format("strict")


def test_set_policy_on_a_fresh_tenant_without_entity_succeeds(
        emulator: Emulator, ctx: WriteContext, seed: Seeder) -> None:
    emulator.options.update(new_tenant_reputation="not_found")
    seed.tenant("Acme")
    write(ctx, change(Action.SET_POLICY, before="standard", after="none"))
    assert entity(seed)["ReputationManagementPolicy"] == POLICY_ARN.format("none")


def test_set_status_writes_the_customer_managed_status(ctx: WriteContext, seed: Seeder) -> None:
    seed.tenant("Acme")
    write(ctx, change(Action.SET_STATUS, before="ENABLED", after="DISABLED"))
    assert entity(seed)["CustomerManagedStatus"]["Status"] == "DISABLED"


def test_set_suppression_stores_the_pair(ctx: WriteContext, seed: Seeder) -> None:
    seed.tenant("Acme")
    write(ctx, change(Action.SET_SUPPRESSION, after=Suppression("ACCOUNT", frozenset())))
    assert get(seed)["SuppressionAttributes"] == {
        "SuppressionScope": "ACCOUNT", "SuppressedReasons": []}


def test_set_suppression_to_none_clears_the_pair(ctx: WriteContext, seed: Seeder) -> None:
    seed.tenant("Acme", SuppressionAttributes={"SuppressionScope": "TENANT",
                                               "SuppressedReasons": ["BOUNCE"]})
    write(ctx, change(Action.SET_SUPPRESSION, before=Suppression("TENANT", frozenset({"BOUNCE"}))))
    assert get(seed).get("SuppressionAttributes") is None


def test_writer_addresses_a_tenant_unknown_to_the_arn_map_by_asking_once(
        factory: ClientFactory, seed: Seeder) -> None:
    seed.tenant("Acme")
    ctx = WriteContext(factory.client("sesv2"), TenantArns(),
                       ArnContext("aws", "us-east-1", "123456789012"))
    write(ctx, change(Action.SET_STATUS, after="DISABLED"))
    write(ctx, change(Action.SET_POLICY, after="strict"))
    assert factory.calls["GetTenant"] == 1
