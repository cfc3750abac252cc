"""The one seeder: builds account state through the public SES v2 API with a client of its own.

Resources (identities, configuration sets, templates) are created by the same function the
local account uses to seed what a config references (`reconciler.local_account`), so the test
suites and `--target local` build an account the same way. Tenants are created as an operator
would out of band: with the tags given (none means not owned), and their associations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from reconciler.local_account import create_resources
from reconciler.state import ResourceKind, ResourceRef


class Seeder:
    def __init__(self, ses: Any, account: str, region: str) -> None:
        self.ses, self.account, self.region = ses, account, region

    def arn(self, kind: str, name: str) -> str:
        return f"arn:aws:ses:{self.region}:{self.account}:{kind}/{name}"

    def resources(self, refs: Iterable[ResourceRef]) -> None:
        create_resources(self.ses, refs)

    def _named(self, kind: ResourceKind, names: Iterable[str]) -> None:
        self.resources(ResourceRef(kind, name) for name in names)

    def identities(self, *names: str) -> None:
        self._named("identity", names)

    def configuration_sets(self, *names: str) -> None:
        self._named("configuration-set", names)

    def templates(self, *names: str) -> None:
        self._named("template", names)

    def tenant(self, name: str, tags: Mapping[str, str] | None = None,
               resources: Iterable[ResourceRef | str] = (), **extra: Any) -> dict[str, Any]:
        """CreateTenant (extra arguments passed on), then one association per resource, given
        as a ref of this account or a full ARN."""
        wire_tags = [{"Key": k, "Value": v} for k, v in (tags or {}).items()]
        created = dict(self.ses.create_tenant(TenantName=name, Tags=wire_tags, **extra))
        for ref in resources:
            arn = ref if isinstance(ref, str) else self.arn(ref.kind, ref.name)
            self.ses.create_tenant_resource_association(TenantName=name, ResourceArn=arn)
        return created

    def many(self, names: Iterable[str], resources: Iterable[ResourceRef] = (),
             tags: Mapping[str, str] | None = None) -> None:
        refs = tuple(resources)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda n: self.tenant(n, tags, refs), names))
