"""The executor's stop request: nothing new starts, in-flight changes get a bounded wait, the
rest is reported as not started."""

from __future__ import annotations

import threading
import time

from reconciler.apply import Executor
from reconciler.aws.clients import ClientFactory
from reconciler.aws.readers import read_live
from reconciler.emulator import Emulator
from reconciler.kinds.tenant import Tenant
from reconciler.kinds.tenant import TenantAction as Action
from reconciler.planning.plan import Change
from tests.integration.aws.accounts import Seeder, desired
from tests.integration.aws.test_apply import change, plan


def creates(*names: str) -> list[Change]:
    return [change(Action.CREATE_TENANT, n, after=Tenant(n)) for n in names]


def names(seed: Seeder) -> list[str]:
    return sorted(t["TenantName"] for t in seed.ses.list_tenants()["Tenants"])


def executor(factory: ClientFactory, parallelism: int = 8, grace: float = 30.0) -> Executor:
    return Executor(factory, read_live(factory, desired()), parallelism, grace=grace)


def test_a_stop_requested_before_the_apply_starts_nothing(
        factory: ClientFactory, seed: Seeder) -> None:
    stop = threading.Event()
    stop.set()
    report = executor(factory).apply(plan(*creates("A", "B")), stop=stop)
    assert report.interrupted and not report.ok
    assert [o.status for o in report.outcomes] == ["not_started", "not_started"]
    assert (report.calls, names(seed)) == ({}, [])


def test_a_stop_after_the_first_change_leaves_the_rest_not_started(
        factory: ClientFactory, seed: Seeder) -> None:
    stop = threading.Event()
    report = executor(factory, parallelism=1).apply(
        plan(*creates("A", "B", "C")), progress=lambda done, total: stop.set(), stop=stop)
    assert [o.status for o in report.outcomes] == ["applied", "not_started", "not_started"]
    assert names(seed) == ["A"]


def test_dependents_of_an_unfinished_change_are_not_started_not_skipped(
        factory: ClientFactory, seed: Seeder) -> None:
    stop = threading.Event()
    create = change(Action.CREATE_TENANT, "A", after=Tenant("A"))
    policy = change(Action.SET_POLICY, "A", after="strict", depends_on=(create,))
    report = executor(factory, parallelism=1).apply(
        plan(create, policy), progress=lambda done, total: stop.set(), stop=stop)
    assert [o.status for o in report.outcomes] == ["applied", "not_started"]
    assert report.not_started[0].change.key == policy.key


def test_a_change_still_in_flight_after_the_grace_period_is_reported_as_unknown(
        emulator: Emulator, factory: ClientFactory, seed: Seeder) -> None:
    run = executor(factory, parallelism=1, grace=0.1)
    emulator.faults.configure(latency_ms=1500)
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    report = run.apply(plan(*creates("Slow", "Later")), stop=stop)
    assert time.monotonic() - started < 1.2
    assert [o.status for o in report.outcomes] == ["failed", "not_started"]
    assert report.failed[0].detail.startswith("still running 0.1 s after the interrupt")
    emulator.faults.configure(latency_ms=0)
    deadline = time.monotonic() + 10
    while names(seed) != ["Slow"] and time.monotonic() < deadline:  # it did take effect
        time.sleep(0.1)
    assert names(seed) == ["Slow"]


def test_without_a_stop_request_the_report_is_not_interrupted(
        factory: ClientFactory, seed: Seeder) -> None:
    report = executor(factory).apply(plan(*creates("A")))
    assert (report.ok, report.interrupted, names(seed)) == (True, False, ["A"])
