"""The store's derived indexes always agree with its association set, whatever changed it.

The indexes (associations by tenant id and by resource ARN, tenants by id, sorted tenant names
and entity references) are what keep each request from scanning the account, and nothing saves
them: they are rebuilt on load and maintained by every change. A random sequence of creates,
associations, disassociations, tenant deletions and save/load round trips must leave them equal
both to a plain model and to a from-scratch rebuild, and the list operations built on them must
still answer in the contract's order.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from reconciler.emulator import DEFAULT_ACCOUNT, DEFAULT_REGION, Emulator
from reconciler.emulator.backend import TenancyBackend, replace_tenancy_store, tenancy_backend
from reconciler.emulator.messages import SesApiError
from reconciler.emulator.tenancy import TenancyStore
from tests.integration.emulator.conftest import arn

# Upper-case names sort before lower-case ones: ListTenants orders by ordinal.
NAMES = ("Zeta", "alpha", "beta", "gamma", "delta")
RESOURCES = (("identity", "a.example.com"), ("identity", "b.example.com"),
             ("configuration-set", "shared"), ("template", "welcome"))


def create_resources(sesv2: Any) -> None:
    sesv2.create_email_identity(EmailIdentity="a.example.com")
    sesv2.create_email_identity(EmailIdentity="b.example.com")
    sesv2.create_configuration_set(ConfigurationSetName="shared")
    sesv2.create_email_template(TemplateName="welcome", TemplateContent={"Subject": "s"})


def index_view(store: TenancyStore) -> dict[str, Any]:
    """The derived indexes as plain data (white-box on purpose: they are what is under test)."""
    return {
        "by_tenant": store._arns_of_tenant,
        "by_resource": {resource: [(r.association.tenant_id, r.association.associated)
                                   for r in rows]
                        for resource, rows in store._rows_of_resource.items()},
        "by_id": {tenant_id: tenant.name for tenant_id, tenant in store._by_id.items()},
        "names": store._names,
        "references": store._references,
    }


def rebuilt(store: TenancyStore) -> TenancyStore:
    """A store loaded from this one's saved form, whose indexes come from scratch."""
    return TenancyStore.from_dict(json.loads(json.dumps(store.to_dict())))


def walk(fetch: Callable[[str | None], tuple[list[Any], str | None]]) -> Iterator[Any]:
    """Every item of a paginated list operation, page after page."""
    items, token = fetch(None)
    yield from items
    while token is not None:
        items, token = fetch(token)
        yield from items


class IndexMachine(RuleBasedStateMachine):
    """Drives the backend directly (no HTTP) and keeps a plain model beside it."""

    backend: TenancyBackend

    def __init__(self) -> None:
        super().__init__()
        fresh = TenancyStore()
        replace_tenancy_store(DEFAULT_ACCOUNT, DEFAULT_REGION, fresh)
        self.tenants: dict[str, str] = {}  # name -> tenant id
        self.pairs: list[tuple[str, str]] = []  # (tenant id, resource ARN), creation order

    @property
    def store(self) -> TenancyStore:
        return self.backend.store

    @rule(name=st.sampled_from(NAMES))
    def create_tenant(self, name: str) -> None:
        try:
            tenant = self.backend.create_tenant(name, None, None)
        except SesApiError as error:
            assert error.error_type == "AlreadyExistsException" and name in self.tenants
            return
        self.tenants[name] = tenant.tenant_id

    @rule(name=st.sampled_from(NAMES), resource=st.sampled_from(RESOURCES))
    def associate(self, name: str, resource: tuple[str, str]) -> None:
        resource_arn = arn(*resource)
        try:
            self.backend.create_tenant_resource_association(name, resource_arn)
        except SesApiError as error:
            expected = "AlreadyExistsException" if name in self.tenants else "NotFoundException"
            assert error.error_type == expected
            return
        self.pairs.append((self.tenants[name], resource_arn))

    @rule(name=st.sampled_from(NAMES), resource=st.sampled_from(RESOURCES))
    def disassociate(self, name: str, resource: tuple[str, str]) -> None:
        resource_arn = arn(*resource)
        try:
            self.backend.delete_tenant_resource_association(name, resource_arn)
        except SesApiError as error:
            assert error.error_type == "NotFoundException" and name not in self.tenants
            return
        pair = (self.tenants[name], resource_arn)
        if pair in self.pairs:
            self.pairs.remove(pair)

    @rule(name=st.sampled_from(NAMES))
    def delete_tenant(self, name: str) -> None:
        try:
            self.backend.delete_tenant(name)
        except SesApiError as error:
            assert error.error_type == "NotFoundException" and name not in self.tenants
            return
        tenant_id = self.tenants.pop(name)
        self.pairs = [pair for pair in self.pairs if pair[0] != tenant_id]

    @rule()
    def save_and_load(self) -> None:
        """The saved form is exactly what it was; the loaded store rebuilds its indexes."""
        saved = self.store.to_dict()
        loaded = rebuilt(self.store)
        assert loaded.to_dict() == saved
        replace_tenancy_store(DEFAULT_ACCOUNT, DEFAULT_REGION, loaded)

    @invariant()
    def indexes_match_the_model(self) -> None:
        store = self.store
        assert [(a.tenant_id, a.resource_arn) for a in store.associations] == self.pairs
        by_tenant: dict[str, list[str]] = {}
        by_resource: dict[str, list[str]] = {}
        for tenant_id, resource_arn in self.pairs:
            by_tenant.setdefault(tenant_id, []).append(resource_arn)
            by_resource.setdefault(resource_arn, []).append(tenant_id)
        view = index_view(store)
        assert view["by_tenant"] == {t: sorted(arns) for t, arns in by_tenant.items()}
        assert {r: [t for t, _ in rows] for r, rows in view["by_resource"].items()} == by_resource
        assert view["by_id"] == {tenant_id: name for name, tenant_id in self.tenants.items()}
        assert view["names"] == sorted(self.tenants)
        assert view["references"] == sorted(store.reputation) == sorted(
            t.arn for t in store.tenants.values())
        assert index_view(rebuilt(store)) == view

    @invariant()
    def lists_answer_in_contract_order(self) -> None:
        backend = self.backend
        names = [t.name for t in walk(lambda token: backend.list_tenants(None, 2, token))]
        assert names == sorted(self.tenants)
        for name, tenant_id in self.tenants.items():
            listed = [item["ResourceArn"] for item in walk(
                lambda token, name=name: backend.list_tenant_resources(name, None, 1, token))]
            assert listed == sorted(r for t, r in self.pairs if t == tenant_id)
        for kind, resource_name in RESOURCES:
            resource_arn = arn(kind, resource_name)
            rows = list(walk(lambda token, resource_arn=resource_arn:
                             backend.list_resource_tenants(resource_arn, 2, token)))
            assert [row["TenantId"] for row in rows] == [t for t, r in self.pairs
                                                         if r == resource_arn]
            assert [self.tenants[row["TenantName"]] for row in rows] == [
                row["TenantId"] for row in rows]
            stamps = [row["AssociatedTimestamp"] for row in rows]
            assert stamps == sorted(stamps)
            refused = backend.guard_delete(kind, resource_name) is not None
            assert refused == any(r == resource_arn for _, r in self.pairs)
        references = [e["ReputationEntityReference"] for e in walk(
            lambda token: backend.list_reputation_entities(None, 2, token))]
        assert references == sorted(backend.tenant_arn(n, t) for n, t in self.tenants.items())


def test_indexes_follow_any_sequence_of_changes(sesv2: Any, emulator: Emulator) -> None:
    create_resources(sesv2)
    IndexMachine.backend = tenancy_backend(DEFAULT_ACCOUNT, DEFAULT_REGION)
    run_state_machine_as_test(
        IndexMachine, settings=settings(max_examples=100, stateful_step_count=40, deadline=None))


def test_indexes_stay_consistent_under_concurrent_requests(sesv2: Any, emulator: Emulator) -> None:
    """Thread-pool callers (as in-process runs and server mode have) cannot tear an index."""
    create_resources(sesv2)
    backend = tenancy_backend(DEFAULT_ACCOUNT, DEFAULT_REGION)
    resources = [arn(*resource) for resource in RESOURCES]

    def churn(worker: int) -> None:
        for round_ in range(15):
            name = f"w{worker}-{round_ % 5}"
            if name in backend.store.tenants:
                backend.delete_tenant(name)
            backend.create_tenant(name, None, None)
            for resource_arn in resources:
                backend.create_tenant_resource_association(name, resource_arn)
            backend.delete_tenant_resource_association(name, resources[round_ % 4])
            backend.list_resource_tenants(resources[2], 3, None)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(churn, range(8)))
    finally:
        sys.setswitchinterval(interval)
    store = backend.store
    assert len(store.tenants) == 40
    assert len(store.associations) == 40 * 3
    assert index_view(store) == index_view(rebuilt(store))
