"""The account as plain boto3 reads it, and what a config says it must be.

Convergence is judged here without planning again: owned tenants must equal the config
attribute by attribute, every resource must be held by exactly the tenants that declare it (or
held it out of band), and tenants the tool does not own must read back byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ACCOUNT = "123456789012"
OWNERSHIP = ("managed-by", "ses-reconciler")
KINDS = {"identities": "identity", "configuration_sets": "configuration-set",
         "templates": "template"}
TenantSpec = Mapping[str, Any]


def write_config(path: Path, region: str, tenants: Mapping[str, TenantSpec], *,
                 prune: bool = True, safety: Mapping[str, float] | None = None) -> Path:
    """A one-file config; without `safety`, the default thresholds, as a user would have."""
    settings: dict[str, Any] = {"region": region, "account_id": ACCOUNT, "prune": prune}
    if safety is not None:
        settings["safety"] = dict(safety)
    document = {"settings": settings,
                "tenants": {name: dict(spec) for name, spec in tenants.items()}}
    path.write_text(yaml.safe_dump(document, sort_keys=True), encoding="utf-8")
    return path


def resource_arn(region: str, kind: str, name: str) -> str:
    return f"arn:aws:ses:{region}:{ACCOUNT}:{kind}/{name}"


@dataclass(frozen=True)
class Observed:
    """One tenant's managed attributes as SES reports them."""

    tags: Mapping[str, str]
    resources: frozenset[str]
    policy: str
    status: str
    suppression: Mapping[str, Any] | None


def expected(region: str, spec: TenantSpec) -> Observed:
    """What an owned tenant declared by `spec` reads back as."""
    resources = frozenset(resource_arn(region, KINDS[key], name)
                          for key, names in (spec.get("resources") or {}).items()
                          for name in names)
    suppression = spec.get("suppression")
    return Observed(
        tags={**(spec.get("tags") or {}), OWNERSHIP[0]: OWNERSHIP[1]},
        resources=resources,
        policy=f"arn:aws:ses:{region}:aws:reputation-policy/"
               f"{spec.get('reputation_policy', 'standard')}",
        status=str(spec.get("sending_status", "ENABLED")),
        suppression=None if suppression is None else {
            "SuppressionScope": suppression["scope"],
            "SuppressedReasons": sorted(suppression["reasons"])},
    )


class World:
    """Reads one Region of the account through its own SES v2 client."""

    def __init__(self, ses: Any, region: str) -> None:
        self.ses, self.region = ses, region

    def names(self) -> list[str]:
        """Every tenant name as listed, duplicates kept (a duplicate is a defect to see)."""
        return [t["TenantName"] for t in self._pages("list_tenants", "Tenants")]

    def tenant(self, name: str) -> dict[str, Any]:
        return dict(self.ses.get_tenant(TenantName=name)["Tenant"])

    def resources(self, name: str) -> list[dict[str, Any]]:
        return self._pages("list_tenant_resources", "TenantResources", TenantName=name)

    def holders(self, arn: str) -> frozenset[str]:
        return frozenset(t["TenantName"] for t in self._pages(
            "list_resource_tenants", "ResourceTenants", ResourceArn=arn))

    def entity(self, name: str) -> dict[str, Any]:
        return dict(self.ses.get_reputation_entity(
            ReputationEntityType="RESOURCE",
            ReputationEntityReference=self.tenant(name)["TenantArn"])["ReputationEntity"])

    def dump(self, name: str) -> str:
        """GetTenant + ListTenantResources + GetReputationEntity, serialised canonically."""
        return json.dumps({"tenant": self.tenant(name), "resources": self.resources(name),
                           "entity": self.entity(name)}, sort_keys=True, default=str)

    def observed(self, name: str) -> Observed:
        tenant, entity = self.tenant(name), self.entity(name)
        suppression = tenant.get("SuppressionAttributes")
        return Observed(
            tags={t["Key"]: t["Value"] for t in tenant.get("Tags") or ()},
            resources=frozenset(r["ResourceArn"] for r in self.resources(name)),
            policy=str(entity.get("ReputationManagementPolicy")),
            status=str(entity.get("SendingStatusAggregate")),
            suppression=None if suppression is None else {
                "SuppressionScope": suppression["SuppressionScope"],
                "SuppressedReasons": sorted(suppression["SuppressedReasons"])},
        )

    def _pages(self, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        call = getattr(self.ses, operation)
        token: str | None = None
        while True:
            page = call(**kwargs, PageSize=100, **({"NextToken": token} if token else {}))
            items += page.get(key) or []
            token = page.get("NextToken")
            if not token:
                return items


@dataclass(frozen=True)
class Foreign:
    """Tenants created out of band (no ownership tag): their dumps and what they hold."""

    dumps: Mapping[str, str]
    holdings: Mapping[str, frozenset[str]]

    @classmethod
    def snapshot(cls, world: World, names: Iterable[str]) -> Foreign:
        names = sorted(names)
        return cls({n: world.dump(n) for n in names},
                   {n: frozenset(r["ResourceArn"] for r in world.resources(n)) for n in names})


def divergences(world: World, tenants: Mapping[str, TenantSpec], foreign: Foreign,
                resources: Iterable[str]) -> list[str]:
    """Everything that keeps the account from matching the config; empty when converged."""
    found: list[str] = []
    names = world.names()
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        found.append(f"duplicate tenants: {duplicates}")
    unexpected = sorted(set(names) - set(tenants) - set(foreign.dumps))
    missing = sorted((set(tenants) | set(foreign.dumps)) - set(names))
    if unexpected or missing:
        found.append(f"tenants not in the config: {unexpected}; missing: {missing}")
    wanted = {name: expected(world.region, spec) for name, spec in tenants.items()}
    for name in sorted(set(wanted) & set(names)):
        observed = world.observed(name)
        if observed != wanted[name]:
            found.append(f"{name}: {observed} != {wanted[name]}")
    for name, dump in sorted(foreign.dumps.items()):
        if name in names and world.dump(name) != dump:
            found.append(f"foreign tenant {name} changed: {world.dump(name)} != {dump}")
    for arn in sorted(resources):
        holders = world.holders(arn)
        should = ({n for n, w in wanted.items() if arn in w.resources}
                  | {n for n, held in foreign.holdings.items() if arn in held})
        if holders != should:
            found.append(f"{arn} is held by {sorted(holders)}, not {sorted(should)}")
    return found
