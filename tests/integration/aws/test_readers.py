"""read_live through the emulator: what it reports, and what it costs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from reconciler.aws.clients import ClientFactory
from reconciler.aws.readers import read_live
from reconciler.emulator import Emulator
from reconciler.emulator.accounting import CounterSnapshot
from reconciler.errors import RunError
from reconciler.kinds.tenant import Tenant
from reconciler.state import AssociationReads, ResourceRef, Suppression
from tests.integration.aws.accounts import (
    CONFIG_SET,
    IDENTITY,
    OWNED,
    TEMPLATE,
    THREE,
    Seeder,
    desired,
)
from tests.integration.races import just_before


def test_configured_tenant_reads_tags_suppression_and_associations(
        factory: ClientFactory, seed: Seeder) -> None:
    seed.resources(THREE)
    seed.tenant("Acme", {"env": "prod"}, THREE, SuppressionAttributes={
        "SuppressionScope": "TENANT", "SuppressedReasons": ["BOUNCE"]})
    live = read_live(factory, desired(Tenant("Acme")))
    acme = live.tenants["Acme"]
    assert (acme.tags, acme.resources, acme.suppression) == (
        {"env": "prod"}, frozenset(THREE), Suppression("TENANT", frozenset({"BOUNCE"})))


def test_configured_tenant_carries_id_arn_and_default_policy(
        factory: ClientFactory, seed: Seeder) -> None:
    created = seed.tenant("Acme")
    acme = read_live(factory, desired(Tenant("Acme"))).tenants["Acme"]
    assert (acme.tenant_id, acme.arn, acme.reputation_policy, acme.sending_status) == (
        created["TenantId"], created["TenantArn"], "standard", "ENABLED")


def test_policy_and_customer_status_are_read(factory: ClientFactory, seed: Seeder) -> None:
    arn = seed.tenant("Acme")["TenantArn"]
    seed.ses.update_reputation_entity_policy(
        ReputationEntityType="RESOURCE", ReputationEntityReference=arn,
        ReputationEntityPolicy="arn:aws:ses:us-east-1:aws:reputation-policy/strict")
    seed.ses.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE", ReputationEntityReference=arn, SendingStatus="DISABLED")
    acme = read_live(factory, desired(Tenant("Acme"))).tenants["Acme"]
    assert (acme.reputation_policy, acme.sending_status, acme.status.customer) == (
        "strict", "DISABLED", "DISABLED")


def test_reputation_comes_in_bulk_when_tenants_outnumber_list_pages(
        factory: ClientFactory, seed: Seeder) -> None:
    seed.many(["a-1", "b-2"])
    seed.ses.update_reputation_entity_policy(
        ReputationEntityType="RESOURCE",
        ReputationEntityReference=seed.ses.get_tenant(TenantName="b-2")["Tenant"]["TenantArn"],
        ReputationEntityPolicy="arn:aws:ses:us-east-1:aws:reputation-policy/none")
    live = read_live(factory, desired(Tenant("a-1"), Tenant("b-2")))
    assert live.tenants["b-2"].reputation_policy == "none"
    assert (factory.calls["ListReputationEntities"], "GetReputationEntity" in factory.calls) == (
        1, False)


def test_reputation_is_read_per_tenant_when_that_is_fewer_calls(
        factory: ClientFactory, seed: Seeder) -> None:
    seed.many(["a-1", "b-2"])
    read_live(factory, desired(Tenant("a-1")))
    assert (factory.calls["GetReputationEntity"], "ListReputationEntities" in factory.calls) == (
        1, False)


def test_configured_tenant_absent_from_the_account_is_absent_from_live(
        factory: ClientFactory) -> None:
    live = read_live(factory, desired(Tenant("Ghost")))
    assert live.tenants == {}


def test_unconfigured_tenants_cost_no_calls_without_prune(
        factory: ClientFactory, seed: Seeder) -> None:
    seed.many([f"other-{i}" for i in range(5)], tags=OWNED)
    seed.tenant("Acme")
    live = read_live(factory, desired(Tenant("Acme")))
    assert list(live.tenants) == ["Acme"]
    assert (factory.calls["GetTenant"], factory.calls["ListTenantResources"]) == (1, 1)


def test_prune_reads_owned_unconfigured_tenants_and_drops_unowned_ones(
        factory: ClientFactory, seed: Seeder) -> None:
    seed.resources([IDENTITY])
    seed.tenant("Owned", OWNED, [IDENTITY])
    seed.tenant("Foreign", {"managed-by": "someone-else"})
    live = read_live(factory, desired(prune=True))
    assert list(live.tenants) == ["Owned"]
    assert live.tenants["Owned"].resources == frozenset({IDENTITY})


def test_all_tenants_reads_every_live_tenant(factory: ClientFactory, seed: Seeder) -> None:
    seed.many(["a-1", "b-2"])
    live = read_live(factory, desired(), all_tenants=True)
    assert sorted(live.tenants) == ["a-1", "b-2"]


def test_tenant_listing_without_sending_status_is_tolerated(
        emulator: Emulator, factory: ClientFactory, seed: Seeder) -> None:
    emulator.options.update(list_tenants_sending_status=False)
    seed.tenant("Acme")
    assert read_live(factory, desired(Tenant("Acme"))).tenants["Acme"].sending_status == "ENABLED"


def test_fresh_tenant_without_reputation_entity_reads_standard_and_enabled(
        emulator: Emulator, factory: ClientFactory, seed: Seeder) -> None:
    emulator.options.update(new_tenant_reputation="not_found")
    seed.tenant("Acme")
    for scope in (None, frozenset({"Acme"})):
        acme = read_live(factory, desired(Tenant("Acme")), scope=scope).tenants["Acme"]
        assert (acme.reputation_policy, acme.sending_status, acme.status.aggregate) == (
            "standard", "ENABLED", "ENABLED")


def test_referenced_resources_that_do_not_exist_are_reported_missing(
        factory: ClientFactory, seed: Seeder) -> None:
    seed.resources([IDENTITY])
    wanted = Tenant("Acme", resources=frozenset(THREE))
    live = read_live(factory, desired(wanted))
    assert live.missing_resources == frozenset({CONFIG_SET, TEMPLATE})


def test_many_unseen_resources_of_one_kind_are_checked_with_one_listing(
        factory: ClientFactory, seed: Seeder) -> None:
    refs = [ResourceRef("identity", f"d{i}.example.com") for i in range(6)]
    seed.resources(refs[:4])
    live = read_live(factory, desired(Tenant("Acme", resources=frozenset(refs))))
    assert live.missing_resources == frozenset(refs[4:])
    assert (factory.calls["ListEmailIdentities"], "GetEmailIdentity" in factory.calls) == (1, False)


def test_associated_resources_need_no_existence_check(
        factory: ClientFactory, seed: Seeder) -> None:
    seed.resources(THREE)
    seed.tenant("Acme", resources=THREE)
    live = read_live(factory, desired(Tenant("Acme", resources=frozenset(THREE))))
    assert live.missing_resources == frozenset()
    assert not {"GetEmailIdentity", "GetConfigurationSet", "GetEmailTemplate"} & set(factory.calls)


def test_shared_resources_are_read_per_resource_and_still_find_surplus_associations(
        factory: ClientFactory, seed: Seeder) -> None:
    seed.resources([IDENTITY, TEMPLATE])
    names = [f"t-{i:02}" for i in range(20)]
    seed.many(names, [IDENTITY])
    seed.ses.create_tenant_resource_association(
        TenantName="t-07", ResourceArn=seed.arn("template", TEMPLATE.name))
    live = read_live(factory, desired(*(Tenant(n, resources=frozenset({IDENTITY}))
                                        for n in names)))
    assert live.tenants["t-07"].resources == frozenset({IDENTITY, TEMPLATE})
    assert {t.resources for n, t in live.tenants.items() if n != "t-07"} == {
        frozenset({IDENTITY})}
    assert (factory.calls["ListResourceTenants"], "ListTenantResources" in factory.calls) == (
        2, False)


PER_RESOURCE_OPERATIONS = {"ListEmailIdentities", "ListConfigurationSets", "ListEmailTemplates",
                           "ListResourceTenants"}


def test_per_resource_estimate_is_the_exact_cost_of_reading_shared_resources(
        emulator: Emulator, factory: ClientFactory, seed: Seeder) -> None:
    seed.resources([IDENTITY, CONFIG_SET, TEMPLATE])
    names = [f"t-{i:03}" for i in range(150)]
    seed.many(names, [IDENTITY, CONFIG_SET])
    before = emulator.counters.snapshot()
    live = read_live(factory, desired(*(Tenant(n, resources=frozenset({IDENTITY, CONFIG_SET}))
                                        for n in names)))
    spent = calls(emulator.counters.snapshot() - before)
    # 3 List walks, 2 pages for each shared resource (150 tenants), 1 for the unused template
    assert live.association_reads == AssociationReads(True, 150, 3 + 2 + 2 + 1, listed=True)
    assert sum(n for op, n in spent.items() if op in PER_RESOURCE_OPERATIONS) == 8


def test_per_tenant_reads_are_chosen_without_listing_resources_when_each_tenant_has_its_own(
        emulator: Emulator, factory: ClientFactory, seed: Seeder) -> None:
    refs = [ResourceRef("identity", f"t-{i:02}.example.com") for i in range(8)]
    seed.resources(refs)
    for ref in refs:
        seed.tenant(ref.name.split(".")[0], resources=[ref])
    before = emulator.counters.snapshot()
    live = read_live(factory, desired(*(Tenant(r.name.split(".")[0], resources=frozenset({r}))
                                        for r in refs)))
    spent = calls(emulator.counters.snapshot() - before)
    assert live.association_reads == AssociationReads(False, 8, 3 + 8, listed=False)
    assert not PER_RESOURCE_OPERATIONS & set(spent)


def test_targeted_read_chooses_no_association_strategy(
        factory: ClientFactory, seed: Seeder) -> None:
    seed.many(["Acme"])
    live = read_live(factory, desired(Tenant("Acme")), scope=frozenset({"Acme"}))
    assert live.association_reads is None


def test_many_distinct_resources_are_read_per_tenant(
        factory: ClientFactory, seed: Seeder) -> None:
    refs = [ResourceRef("identity", f"t-{i:02}.example.com") for i in range(8)]
    seed.resources(refs)
    for ref in refs:
        seed.tenant(ref.name.split(".")[0], resources=[ref])
    live = read_live(factory, desired(*(Tenant(r.name.split(".")[0], resources=frozenset({r}))
                                        for r in refs)))
    assert live.tenants["t-03"].resources == frozenset({refs[3]})
    assert (factory.calls["ListTenantResources"], "ListResourceTenants" in factory.calls) == (
        8, False)


def test_targeted_read_returns_only_scoped_tenants(factory: ClientFactory, seed: Seeder) -> None:
    seed.many(["Acme", "Other"])
    live = read_live(factory, desired(Tenant("Acme"), Tenant("Other")),
                     scope=frozenset({"Acme", "Ghost"}))
    assert (list(live.tenants), live.scope) == (["Acme"], frozenset({"Acme", "Ghost"}))


def test_targeted_read_of_one_tenant_costs_exactly_four_calls(
        emulator: Emulator, factory: ClientFactory, seed: Seeder) -> None:
    seed.resources(THREE)
    seed.many([f"t-{i:03}" for i in range(50)], THREE)
    seed.tenant("Acme", resources=THREE)
    before = emulator.counters.snapshot()
    read_live(factory, desired(Tenant("Acme", resources=frozenset(THREE))),
              scope=frozenset({"Acme"}))
    spent = emulator.counters.snapshot() - before
    assert (spent.attempts(), calls(spent)) == (4, {
        "GetCallerIdentity": 1, "GetReputationEntity": 1, "GetTenant": 1,
        "ListTenantResources": 1})


def thousand_tenants(seed: Seeder, shared: bool) -> dict[str, tuple[ResourceRef, ...]]:
    """1,000 owned tenants with 3 associations each: the same 3 resources, or 3 of their own."""
    names = [f"tenant-{i:04}" for i in range(1000)]
    if shared:
        seed.resources(THREE)
        seed.many(names, THREE, OWNED)
        return dict.fromkeys(names, THREE)
    refs = {n: (ResourceRef("identity", f"{n}.example.com"),
                ResourceRef("configuration-set", f"{n}-set"), ResourceRef("template", n))
            for n in names}
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: (seed.resources(refs[n]), seed.tenant(n, OWNED, refs[n])), names))
    return refs


# Exact figures by operation. Shared: 3 resources read resource by resource (3 List walks of the
# account's resources, 10 pages of ListResourceTenants each). Own resources: one ListTenantResources
# per tenant. Both: STS once, 10 pages each of ListTenants and ListReputationEntities, GetTenant
# per tenant.
FULL_READ_CALLS = {
    True: (1054, {"GetCallerIdentity": 1, "GetTenant": 1000, "ListConfigurationSets": 1,
                  "ListEmailIdentities": 1, "ListEmailTemplates": 1,
                  "ListReputationEntities": 10, "ListResourceTenants": 30, "ListTenants": 10}),
    False: (2021, {"GetCallerIdentity": 1, "GetTenant": 1000, "ListReputationEntities": 10,
                   "ListTenantResources": 1000, "ListTenants": 10}),
}


def calls(spent: CounterSnapshot) -> dict[str, int]:
    return {op: n for (_, op), n in sorted(spent.by_operation().items())}


@pytest.mark.slow
@pytest.mark.parametrize("shared", [True, False], ids=["shared-resources", "own-resources"])
def test_full_read_of_a_thousand_tenants_costs_the_exact_call_count(
        shared: bool, emulator: Emulator, factory: ClientFactory, seed: Seeder) -> None:
    refs = thousand_tenants(seed, shared)
    n = len(refs)
    config = desired(*(Tenant(name, tags=OWNED, resources=frozenset(r))
                       for name, r in refs.items()))
    before = emulator.counters.snapshot()
    live = read_live(factory, config)
    spent = emulator.counters.snapshot() - before
    assert {name: t.resources for name, t in live.tenants.items()} == {
        name: frozenset(r) for name, r in refs.items()}
    assert (spent.attempts(), calls(spent)) == FULL_READ_CALLS[shared]
    assert spent.attempts() <= 2 * n + 2 * -(-n // 100) + 5


def test_tenant_recreated_after_the_listing_reads_with_its_new_id(
        factory: ClientFactory, seed: Seeder) -> None:
    seed.many(["Acme", "Other"])
    recreated: list[str] = []

    def recreate(**_: object) -> None:
        if not recreated:
            seed.ses.delete_tenant(TenantName="Acme")
            recreated.append(seed.tenant("Acme")["TenantId"])

    factory.client("sesv2").meta.events.register("after-call.sesv2.ListTenants", recreate)
    live = read_live(factory, desired(Tenant("Acme"), Tenant("Other")))
    assert live.tenants["Acme"].tenant_id == recreated[0]
    assert live.tenants["Acme"].reputation_policy == "standard"


def test_associations_404_once_after_get_tenant_is_read_again(
        emulator: Emulator, factory: ClientFactory, seed: Seeder) -> None:
    seed.resources([IDENTITY])
    seed.tenant("Acme", resources=[IDENTITY])
    emulator.faults.fail("ListTenantResources", resource="Acme", times=1,
                         error_code="NotFoundException")
    live = read_live(factory, desired(Tenant("Acme")))
    assert live.tenants["Acme"].resources == frozenset({IDENTITY})
    assert (factory.calls["GetTenant"], factory.calls["ListTenantResources"]) == (2, 2)


def test_associations_404_twice_after_get_tenant_aborts_the_read(
        emulator: Emulator, factory: ClientFactory, seed: Seeder) -> None:
    seed.tenant("Acme")
    emulator.faults.fail("ListTenantResources", resource="Acme",
                         error_code="NotFoundException")
    with pytest.raises(RunError, match=r"^tenant\.Acme exists \(GetTenant found it\) but "
                                       r"ListTenantResources answered NotFound twice"):
        read_live(factory, desired(Tenant("Acme")))


def test_tenant_deleted_between_get_tenant_and_its_associations_is_absent(
        emulator: Emulator, factory: ClientFactory, seed: Seeder) -> None:
    seed.tenant("Acme")
    with just_before(emulator, "ListTenantResources", "Acme",
                     lambda: seed.ses.delete_tenant(TenantName="Acme")):
        live = read_live(factory, desired(Tenant("Acme")))
    assert "Acme" not in live.tenants
    assert (factory.calls["GetTenant"], factory.calls["ListTenantResources"]) == (2, 1)
