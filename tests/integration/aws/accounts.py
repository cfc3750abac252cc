"""Account builders for the gateway tests: seeding goes through the wire with its own client."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3

from reconciler.emulator import Emulator
from reconciler.kinds.tenant import Tenant
from reconciler.state import Desired, ResourceRef, Settings

OWNED = {"managed-by": "ses-reconciler"}


class Seeder:
    """Builds account state with a client of its own, so the factory's counts stay clean."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.ses = boto3.client("sesv2", region_name=emulator.region)

    def arn(self, kind: str, name: str) -> str:
        return f"arn:aws:ses:{self.emulator.region}:{self.emulator.account_id}:{kind}/{name}"

    def resources(self, refs: Iterable[ResourceRef]) -> None:
        for ref in refs:
            if ref.kind == "identity":
                self.ses.create_email_identity(EmailIdentity=ref.name)
            elif ref.kind == "configuration-set":
                self.ses.create_configuration_set(ConfigurationSetName=ref.name)
            else:
                self.ses.create_email_template(
                    TemplateName=ref.name, TemplateContent={"Subject": "s", "Text": "t"})

    def tenant(self, name: str, tags: Mapping[str, str] | None = None,
               resources: Iterable[ResourceRef] = (), **extra: Any) -> dict[str, Any]:
        wire_tags = [{"Key": k, "Value": v} for k, v in (tags or {}).items()]
        created = self.ses.create_tenant(TenantName=name, Tags=wire_tags, **extra)
        for ref in resources:
            self.ses.create_tenant_resource_association(
                TenantName=name, ResourceArn=self.arn(ref.kind, ref.name))
        return created

    def many(self, names: Iterable[str], resources: Iterable[ResourceRef] = (),
             tags: Mapping[str, str] | None = None) -> None:
        refs = tuple(resources)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda n: self.tenant(n, tags, refs), names))


def desired(*tenants: Tenant, prune: bool = False) -> Desired:
    return Desired(settings=Settings(prune=prune), tenants={t.name: t for t in tenants})


IDENTITY = ResourceRef("identity", "acme.example.com")
CONFIG_SET = ResourceRef("configuration-set", "acme-set")
TEMPLATE = ResourceRef("template", "welcome")
THREE = (IDENTITY, CONFIG_SET, TEMPLATE)
