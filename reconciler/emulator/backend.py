"""The tenant extension's backend for one (account, Region), hung off moto's SES v2 backend.

`tenancy_backend(account_id, region)` returns it (created on first use, discarded with moto's
own backends on reset); its `store` attribute holds all tenant-extension state. Persistence
reads `tenancy_store(account_id, region).to_dict()` and restores with
`replace_tenancy_store(account_id, region, TenancyStore.from_dict(data))`.
"""

from __future__ import annotations

from moto.sesv2.models import SESV2Backend, sesv2_backends

from reconciler.emulator.associations import AssociationOperations
from reconciler.emulator.options import EmulatorOptions
from reconciler.emulator.reputation import ReputationOperations
from reconciler.emulator.sending import SendingOperations
from reconciler.emulator.suppression import SuppressionOperations
from reconciler.emulator.templates import TemplateOperations
from reconciler.emulator.tenancy import TenancyStore
from reconciler.emulator.tenants import TenantOperations

ATTRIBUTE = "tenancy"


class TenancyBackend(
    TenantOperations,
    AssociationOperations,
    ReputationOperations,
    TemplateOperations,
    SendingOperations,
    SuppressionOperations,
):
    """One method per tenant operation; moto's SES backend still owns identities and sets."""

    def __init__(self, sesv2: SESV2Backend) -> None:
        self.account_id = sesv2.account_id
        self.region = sesv2.region_name
        self.partition = sesv2.partition
        self.ses = sesv2.core_backend
        self.store = TenancyStore()


def tenancy_backend(account_id: str, region: str) -> TenancyBackend:
    sesv2 = sesv2_backends[account_id][region]
    backend = sesv2.__dict__.get(ATTRIBUTE)
    if backend is None:
        backend = TenancyBackend(sesv2)
        setattr(sesv2, ATTRIBUTE, backend)
    return backend


def tenancy_store(account_id: str, region: str) -> TenancyStore:
    return tenancy_backend(account_id, region).store


def replace_tenancy_store(account_id: str, region: str, store: TenancyStore) -> None:
    backend = tenancy_backend(account_id, region)
    backend.store = store
    backend.adopt_templates(store.pending_templates)
    store.pending_templates = []


def emulator_options(account_id: str, region: str) -> EmulatorOptions:
    return tenancy_store(account_id, region).options
