"""Account builders for the gateway tests: seeding goes through the wire with its own client."""

from __future__ import annotations

import boto3

from reconciler.emulator import Emulator
from reconciler.kinds.tenant import Tenant
from reconciler.state import Desired, ResourceRef, Settings
from tests.support import seeder as support

OWNED = {"managed-by": "ses-reconciler"}


class Seeder(support.Seeder):
    """The shared seeder on the emulator's account, with a client of its own, so the
    factory's counts stay clean."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__(boto3.client("sesv2", region_name=emulator.region),
                         emulator.account_id, emulator.region)
        self.emulator = emulator


def desired(*tenants: Tenant, prune: bool = False) -> Desired:
    return Desired(settings=Settings(prune=prune), tenants={t.name: t for t in tenants})


IDENTITY = ResourceRef("identity", "acme.example.com")
CONFIG_SET = ResourceRef("configuration-set", "acme-set")
TEMPLATE = ResourceRef("template", "welcome")
THREE = (IDENTITY, CONFIG_SET, TEMPLATE)
