"""Generated configs of N tenants in the three shapes accounts take, one file per tenant.

- isolation: each tenant has a dedicated identity and a dedicated configuration set (k = 2);
- tiered: a dedicated identity, its tier's configuration set and one of 5 templates (k = 3;
  the `bench.plan` config);
- shared: one of 40 shared sending identities and its tier's configuration set (k = 2, 43
  resources in all).

The tiers set policies strict/standard/none, so about half the tenants need a policy write on
create, as in `bench.plan`.
"""

from __future__ import annotations

from pathlib import Path

from reconciler.state import ResourceRef

SHAPES = ("isolation", "tiered", "shared")
ASSOCIATIONS = {"isolation": 2, "tiered": 3, "shared": 2}  # k, per tenant
SHARED_IDENTITIES = 40
TIERS = ("free", "pro", "pro", "enterprise")
SETTINGS = """\
settings:
  region: us-east-1
  account_id: "123456789012"
  target: local
  prune: true
  max_tenants: {max_tenants}
defaults: {{reputation_policy: standard, sending_status: ENABLED, tags: {{Environment: bench}}}}
tiers:
  free: {{reputation_policy: strict, tags: {{Tier: free}}{free}}}
  pro: {{tags: {{Tier: pro}}{pro}}}
  enterprise: {{reputation_policy: none, tags: {{Tier: enterprise}}{enterprise}}}
"""


def tenant_name(i: int) -> str:
    return f"Tenant{i:06d}"


def _resources(shape: str, i: int) -> dict[str, list[str]]:
    if shape == "isolation":
        return {"identities": [f"t{i}.example.com"], "configuration_sets": [f"t{i}-set"]}
    if shape == "tiered":
        return {"identities": [f"t{i}.example.com"], "templates": [f"welcome-{i % 5}"]}
    return {"identities": [f"mail{i % SHARED_IDENTITIES}.example.com"]}


def _tier_set(shape: str, tier: str) -> str:
    return "" if shape == "isolation" else (
        f", resources: {{configuration_sets: [tier-{tier}]}}")


def generate(root: Path, n: int, shape: str) -> Path:
    (root / "tenants").mkdir(parents=True)
    (root / "settings.yaml").write_text(SETTINGS.format(
        max_tenants=max(n, 10_000), **{t: _tier_set(shape, t) for t in set(TIERS)}))
    for i in range(n):
        resources = ", ".join(f"{key}: [{', '.join(names)}]"
                              for key, names in _resources(shape, i).items())
        (root / "tenants" / f"{tenant_name(i)}.yaml").write_text(
            f"tenants:\n  {tenant_name(i)}:\n    tier: {TIERS[i % 4]}\n"
            f'    tags: {{CustomerID: "{i}"}}\n    resources: {{{resources}}}\n')
    return root


def referenced(n: int, shape: str) -> list[ResourceRef]:
    """What the config references: the resources to create before the first apply."""
    kinds = {"identities": "identity", "configuration_sets": "configuration-set",
             "templates": "template"}
    refs = {ResourceRef(kinds[key], name) for i in range(n)  # type: ignore[arg-type]
            for key, names in _resources(shape, i).items() for name in names}
    if shape != "isolation":
        refs |= {ResourceRef("configuration-set", f"tier-{t}") for t in set(TIERS)}
    return sorted(refs)
