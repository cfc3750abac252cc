"""The executor through the emulator: DAG order, parallelism, failures, throttling."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.apply import Executor
from reconciler.aws.clients import ClientFactory
from reconciler.aws.readers import read_live
from reconciler.emulator import Emulator
from reconciler.errors import RunError
from reconciler.kinds.tenant import Tenant
from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning.plan import Change, Plan
from reconciler.state import Address
from tests.integration.aws.accounts import IDENTITY, OWNED, Seeder, desired


def change(action: Action, name: str, after: object = None, before: object = None,
           depends_on: tuple[Change, ...] = ()) -> Change:
    return Change(Address("tenant", name), action, before=before, after=after,
                  depends_on=tuple(c.key for c in depends_on))


def plan(*changes: Change) -> Plan:
    return Plan(changes=changes, account="123456789012", region="us-east-1",
                ownership=("managed-by", "ses-reconciler"))


def executor(factory: ClientFactory, *names: str, parallelism: int = 8) -> Executor:
    live = read_live(factory, desired(*(Tenant(n) for n in names)))
    return Executor(factory, live, parallelism=parallelism)


def sent_operations(factory: ClientFactory) -> list[str]:
    """Operation names in the order their requests left the client."""
    sent: list[str] = []

    def record(event_name: str, **_: Any) -> None:
        sent.append(event_name.rsplit(".", 1)[-1])

    factory.client("sesv2").meta.events.register("before-send.sesv2", record)
    return sent


def test_resource_moves_are_associated_before_they_are_disassociated(
        factory: ClientFactory, seed: Seeder) -> None:
    seed.resources([IDENTITY])
    seed.tenant("Old", resources=[IDENTITY])
    seed.tenant("New")
    run = executor(factory, "Old", "New")
    sent = sent_operations(factory)
    add = change(Action.ASSOCIATE, "New", after=IDENTITY)
    remove = change(Action.DISASSOCIATE, "Old", before=IDENTITY, depends_on=(add,))
    report = run.apply(plan(remove, add))
    assert report.ok
    assert sent == ["CreateTenantResourceAssociation", "DeleteTenantResourceAssociation"]


def test_changes_on_a_tenant_created_in_the_same_apply_use_its_new_arn(
        factory: ClientFactory, seed: Seeder) -> None:
    run = executor(factory)
    create = change(Action.CREATE_TENANT, "Acme", after=Tenant("Acme"))
    policy = change(Action.SET_POLICY, "Acme", after="strict", depends_on=(create,))
    report = run.apply(plan(create, policy))
    arn = seed.ses.get_tenant(TenantName="Acme")["Tenant"]["TenantArn"]
    got = seed.ses.get_reputation_entity(ReputationEntityType="RESOURCE",
                                         ReputationEntityReference=arn)["ReputationEntity"]
    assert got["ReputationManagementPolicy"].endswith("/strict")
    assert report.calls == {"CreateTenant": 1, "UpdateReputationEntityPolicy": 1}


def test_failed_change_skips_its_dependents_transitively_and_others_apply(
        emulator: Emulator, factory: ClientFactory, seed: Seeder) -> None:
    emulator.faults.fail("CreateTenant", resource="Broken", error_code="BadRequestException")
    run = executor(factory)
    create = change(Action.CREATE_TENANT, "Broken", after=Tenant("Broken"))
    policy = change(Action.SET_POLICY, "Broken", after="strict", depends_on=(create,))
    status = change(Action.SET_STATUS, "Broken", after="DISABLED", depends_on=(policy,))
    other = change(Action.CREATE_TENANT, "Fine", after=Tenant("Fine"))
    report = run.apply(plan(create, policy, status, other))
    assert [(o.status, o.detail if o.status == "skipped" else "") for o in report.outcomes] == [
        ("failed", ""), ("skipped", create.key), ("skipped", create.key), ("applied", "")]
    assert report.failed[0].detail.startswith("BadRequestException")
    assert [t["TenantName"] for t in seed.ses.list_tenants()["Tenants"]] == ["Fine"]


def test_rerunning_a_partly_applied_plan_converges(
        emulator: Emulator, factory: ClientFactory, seed: Seeder) -> None:
    seed.resources([IDENTITY])
    emulator.faults.fail("CreateTenantResourceAssociation", times=1,
                         error_code="BadRequestException")
    create = change(Action.CREATE_TENANT, "Acme",
                    after=Tenant("Acme", tags={"a": "1", **OWNED}))
    add = change(Action.ASSOCIATE, "Acme", after=IDENTITY, depends_on=(create,))
    first = executor(factory).apply(plan(create, add))
    second = executor(factory).apply(plan(create, add))
    live = read_live(factory, desired(Tenant("Acme")))
    assert ([o.status for o in first.outcomes], second.ok) == (["applied", "failed"], True)
    assert (live.tenants["Acme"].tags, live.tenants["Acme"].resources) == (
        {"a": "1", **OWNED}, frozenset({IDENTITY}))


def test_dependency_on_a_change_outside_the_plan_counts_as_satisfied(
        factory: ClientFactory) -> None:
    lone = Change(Address("tenant", "Acme"), Action.CREATE_TENANT, after=Tenant("Acme"),
                  depends_on=("tenant.Elsewhere:delete_tenant",))
    assert executor(factory).apply(plan(lone)).ok


def test_dependency_cycle_is_refused_before_any_call(factory: ClientFactory) -> None:
    run = executor(factory)
    calls = factory.call_counts()
    a = Change(Address("tenant", "A"), Action.CREATE_TENANT, after=Tenant("A"),
               depends_on=("tenant.B:create_tenant",))
    b = Change(Address("tenant", "B"), Action.CREATE_TENANT, after=Tenant("B"),
               depends_on=("tenant.A:create_tenant",))
    with pytest.raises(RunError, match="cycle"):
        run.apply(plan(a, b))
    assert factory.call_counts() == calls


def test_progress_reports_each_finished_change(factory: ClientFactory) -> None:
    seen: list[tuple[int, int]] = []
    changes = [change(Action.CREATE_TENANT, f"t{i}", after=Tenant(f"t{i}")) for i in range(3)]
    executor(factory).apply(plan(*changes), progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_outcomes_follow_plan_order_whatever_the_completion_order(
        factory: ClientFactory) -> None:
    changes = [change(Action.CREATE_TENANT, f"t{i:02}", after=Tenant(f"t{i:02}"))
               for i in range(20)]
    report = executor(factory).apply(plan(*changes))
    assert [o.change for o in report.outcomes] == changes


def test_independent_changes_run_in_parallel(emulator: Emulator, factory: ClientFactory) -> None:
    run = executor(factory, parallelism=8)
    emulator.faults.configure(latency_ms=300)
    changes = [change(Action.CREATE_TENANT, f"t{i:02}", after=Tenant(f"t{i:02}"))
               for i in range(16)]
    report = run.apply(plan(*changes))
    assert report.ok
    assert report.seconds < 16 * 0.3 / 2


def test_random_server_errors_are_ridden_out_by_retries(
        emulator: Emulator, factory: ClientFactory) -> None:
    run = executor(factory)
    emulator.faults.configure(error_rate=0.2, seed=7)
    changes = [change(Action.CREATE_TENANT, f"t{i:02}", after=Tenant(f"t{i:02}"))
               for i in range(30)]
    report = run.apply(plan(*changes))
    assert (len(report.applied), report.calls["CreateTenant"] > 30) == (30, True)


@pytest.mark.slow
def test_two_hundred_creates_under_five_tps_throttling_all_apply(
        emulator: Emulator, factory: ClientFactory) -> None:
    run = executor(factory)
    emulator.faults.configure(tps={"*": 5})
    changes = [change(Action.CREATE_TENANT, f"tenant-{i:03}", after=Tenant(f"tenant-{i:03}"))
               for i in range(200)]
    report = run.apply(plan(*changes))
    assert (len(report.applied), len(report.failed)) == (200, 0)
    assert factory.limiter.throttles.get("CreateTenant", 0) > 0


def test_live_tenants_are_addressed_by_the_arn_from_the_read(
        factory: ClientFactory, seed: Seeder) -> None:
    seed.tenant("Acme")
    report = executor(factory, "Acme").apply(
        plan(change(Action.SET_STATUS, "Acme", after="DISABLED")))
    assert report.calls == {"UpdateReputationEntityCustomerManagedStatus": 1}
