"""A request's work does not grow with the number of tenants in the account.

A read of N tenants makes O(N) requests, so a request that scans the account makes the read
quadratic (at the 10,000-tenant quota that was most of a plan's time). Timing would be flaky on
a shared machine, so the work is counted instead: the lines of emulator code a request executes,
traced with `sys.settrace` (nothing is mocked), must be the same with 20 tenants as with 300.
A scan over tenants, associations or entities executes its loop once per item and fails this.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import reconciler.emulator
from reconciler.emulator import DEFAULT_ACCOUNT, DEFAULT_REGION, Emulator
from reconciler.emulator.backend import TenancyBackend, replace_tenancy_store, tenancy_backend
from reconciler.emulator.tenancy import TenancyStore
from tests.integration.emulator.conftest import arn

EMULATOR_DIR = str(Path(reconciler.emulator.__file__).parent) + "/"
SHARED = (arn("identity", "shared.example.com"), arn("configuration-set", "shared"),
          arn("template", "welcome"))
SPARE = arn("identity", "spare.example.com")


def lines_executed(call: Callable[[], Any]) -> int:
    """How many lines of emulator code `call` runs (comprehension iterations included)."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if not frame.f_code.co_filename.startswith(EMULATOR_DIR):
            return None
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def name(i: int) -> str:
    return f"t{i:05d}"


def account_of(backend: TenancyBackend, tenants: int) -> None:
    """A fresh store of `tenants` tenants, each associated with the three shared resources."""
    store = TenancyStore()
    replace_tenancy_store(DEFAULT_ACCOUNT, DEFAULT_REGION, store)
    for i in range(tenants):
        backend.create_tenant(name(i), None, None)
        for resource in SHARED:
            backend.create_tenant_resource_association(name(i), resource)


def work_per_request(backend: TenancyBackend, tenants: int) -> dict[str, int]:
    account_of(backend, tenants)
    middle = name(tenants // 2)
    tenant_arn = backend.get_tenant(middle).arn
    _, tenants_token = backend.list_tenants(None, 5, None)
    _, entities_token = backend.list_reputation_entities(None, 5, None)
    _, resource_token = backend.list_resource_tenants(SHARED[1], 5, None)
    requests: dict[str, Callable[[], Any]] = {
        "CreateTenant": lambda: backend.create_tenant("new-tenant", None, None),
        "CreateTenantResourceAssociation":
            lambda: backend.create_tenant_resource_association(middle, SPARE),
        "ListTenantResources": lambda: backend.list_tenant_resources(middle, None, None, None),
        "DeleteTenantResourceAssociation":
            lambda: backend.delete_tenant_resource_association(middle, SPARE),
        "ListResourceTenants": lambda: backend.list_resource_tenants(SHARED[1], 5, resource_token),
        "ListTenants": lambda: backend.list_tenants(None, 5, tenants_token),
        "ListReputationEntities":
            lambda: backend.list_reputation_entities(None, 5, entities_token),
        "ListTagsForResource": lambda: backend.tenant_tags(tenant_arn),
        "delete guard": lambda: backend.guard_delete("configuration-set", "shared"),
        "DeleteTenant": lambda: backend.delete_tenant(middle),
    }
    return {operation: lines_executed(request) for operation, request in requests.items()}


def test_work_per_request_is_independent_of_account_size(sesv2: Any, emulator: Emulator) -> None:
    sesv2.create_email_identity(EmailIdentity="shared.example.com")
    sesv2.create_email_identity(EmailIdentity="spare.example.com")
    sesv2.create_configuration_set(ConfigurationSetName="shared")
    sesv2.create_email_template(TemplateName="welcome", TemplateContent={"Subject": "s"})
    backend = tenancy_backend(DEFAULT_ACCOUNT, DEFAULT_REGION)
    small, large = work_per_request(backend, 20), work_per_request(backend, 300)
    assert all(lines > 0 for lines in small.values()), small
    assert large == small
