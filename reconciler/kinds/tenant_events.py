"""Which tenants a CloudTrail event touched, and which a reputation entity says have moved.

An SES event names a tenant by `tenantName`, by its ARN (`TagResource`, the reputation
updates), or only through a resource it is associated with: deleting an identity,
configuration set or template the config associates touches the tenants the config gives it
(their plan would refuse the missing resource). Creating or editing a resource changes no
tenant. Tenants of other accounts and Regions are not this config's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from reconciler.state import RESOURCE_KINDS, ArnContext, Desired, ResourceRef

SOURCE = "ses.amazonaws.com"
_RESOURCE_NAME_KEYS = {"emailidentity": "identity", "identity": "identity",
                       "configurationsetname": "configuration-set", "templatename": "template"}
# SES v2 and v1 calls that delete an associable resource
RESOURCE_DELETES = frozenset({"DeleteEmailIdentity", "DeleteConfigurationSet",
                              "DeleteEmailTemplate", "DeleteIdentity", "DeleteTemplate"})
# attributes read from the reputation entity, compared in bulk against ListReputationEntities
ENTITY_ATTRIBUTES = ("reputation_policy", "sending_status")


def tenant_of_arn(arn: str, ctx: ArnContext) -> str | None:
    """NAME of `arn:P:ses:REGION:ACCOUNT:tenant/NAME/ID` in this account and Region."""
    parts = arn.split(":", 5)
    if (len(parts) != 6 or parts[2] != "ses" or parts[3] != ctx.region
            or parts[4] != ctx.account or not parts[5].startswith("tenant/")):
        return None
    name = parts[5].split("/")[1] if parts[5].count("/") >= 1 else ""
    return name or None


def touched_tenants(events: Sequence[Any], desired: Desired, ctx: ArnContext) -> set[str]:
    """The tenant names the events name, directly or through an associated resource."""
    names: set[str] = set()
    resources: set[ResourceRef] = set()
    for event in events:
        removal = event.name in RESOURCE_DELETES
        for key, value in _strings(event):
            lowered = key.lower()
            if lowered == "tenantname":
                names.add(value)
            elif value.startswith("arn:"):
                tenant = tenant_of_arn(value, ctx)
                if tenant is not None:
                    names.add(tenant)
                elif removal:
                    resources.update(_resource(value, ctx))
            elif removal and lowered in _RESOURCE_NAME_KEYS:
                resources.add(ResourceRef(_RESOURCE_NAME_KEYS[lowered], value))  # type: ignore[arg-type]
    if resources:
        names |= {name for name, tenant in desired.tenants.items()
                  if any(ctx.localize(ref) in resources for ref in tenant.resources)}
    return names


def _strings(event: Any) -> Iterable[tuple[str, str]]:
    for key, value in event.values():
        if isinstance(value, str) and value:
            yield str(key), value
    for name in event.resources:
        yield "", name


def _resource(arn: str, ctx: ArnContext) -> set[ResourceRef]:
    try:
        ref = ResourceRef.from_arn(arn)
    except ValueError:
        return set()
    if ref.kind not in RESOURCE_KINDS:
        return set()
    return {ctx.localize(ResourceRef(ref.kind, arn))}


def moved_tenants(entities: Mapping[str, Mapping[str, Any]], desired: Desired,
                  ctx: ArnContext) -> set[str]:
    """Declared tenants whose entity (policy, customer status) differs from the config, that
    SES has paused, or that have no entity at all (absent from the account, or new)."""
    from reconciler.kinds.tenant import TENANT, from_wire

    by_name = {tenant_of_arn(arn, ctx): (arn, entity) for arn, entity in entities.items()}
    attributes = [a for a in TENANT.attributes if a.name in ENTITY_ATTRIBUTES]
    moved: set[str] = set()
    for name, wanted in desired.tenants.items():
        found = by_name.get(name)
        if found is None:
            moved.add(name)
            continue
        arn, entity = found
        if _paused_by_ses(entity):
            moved.add(name)
            continue
        live = from_wire({"TenantName": name, "TenantArn": arn}, entity, frozenset())
        if any(_differs(a.decide(wanted, live)) for a in attributes):
            moved.add(name)
    return moved


def _paused_by_ses(entity: Mapping[str, Any]) -> bool:
    return (entity.get("AwsSesManagedStatus") or {}).get("Status") == "DISABLED"


def _differs(decision: Any) -> bool:
    return bool(decision.write or decision.notice)
