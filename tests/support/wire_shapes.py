"""Walk a raw JSON response body against botocore's output shape.

Three kinds of problem are reported, each as `Path.To.member: what`: a member the model does not
have (or a JSON type that contradicts it), a member the model marks `required` that is absent, and
a member the SES tenants reference (ses-tenants-api.md) says is always present that is absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, Shape, StructureShape

MODEL = botocore.session.get_session().get_service_model("sesv2")

SCALARS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "timestamp": (int, float),
    "double": (int, float),
}

# Members the reference documents as always present, although the model marks none of them
# required. Keyed by shape name, or by `Shape.member` for one use of a shared shape.
# TenantInfo.SendingStatus is left out: the first published model had no such member, and an
# early probe of ListTenants did not return it (reference §1, "tolerate its absence").
# SuppressionAttributes is absent unless supplied; ReputationImpact and the AWS-managed status
# record have no established contents.
ALWAYS_PRESENT: Mapping[str, frozenset[str]] = {
    "CreateTenantResponse": frozenset(
        {"TenantName", "TenantId", "TenantArn", "CreatedTimestamp", "Tags", "SendingStatus"}),
    "Tenant": frozenset(
        {"TenantName", "TenantId", "TenantArn", "CreatedTimestamp", "Tags", "SendingStatus"}),
    "GetTenantResponse": frozenset({"Tenant"}),
    "ListTenantsResponse": frozenset({"Tenants"}),
    "TenantInfo": frozenset({"TenantName", "TenantId", "TenantArn", "CreatedTimestamp"}),
    "ListTenantResourcesResponse": frozenset({"TenantResources"}),
    "TenantResource": frozenset({"ResourceType", "ResourceArn"}),
    "ListResourceTenantsResponse": frozenset({"ResourceTenants"}),
    "ResourceTenantMetadata": frozenset(
        {"TenantName", "TenantId", "ResourceArn", "AssociatedTimestamp"}),
    "GetReputationEntityResponse": frozenset({"ReputationEntity"}),
    "ListReputationEntitiesResponse": frozenset({"ReputationEntities"}),
    "ReputationEntity": frozenset(
        {"ReputationEntityReference", "ReputationEntityType", "ReputationManagementPolicy"}),
    "ReputationEntity.CustomerManagedStatus": frozenset(
        {"Status", "Cause", "LastUpdatedTimestamp"}),
}


def shape_problems(value: Any, shape: Shape, path: str, *, use: str = "",
                   always: Mapping[str, frozenset[str]] = ALWAYS_PRESENT) -> list[str]:
    """Every problem found in `value` (parsed JSON) read as `shape`; [] when it conforms."""
    if isinstance(shape, StructureShape):
        return _structure(value, shape, path, use, always)
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            return [f"{path}: expected array"]
        return [p for i, v in enumerate(value)
                for p in shape_problems(v, shape.member, f"{path}[{i}]", use=use, always=always)]
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            return [f"{path}: expected object"]
        return [p for k, v in value.items()
                for p in shape_problems(v, shape.value, f"{path}.{k}", always=always)]
    expected = SCALARS.get(shape.type_name)
    if expected and not isinstance(value, expected):
        return [f"{path}: {type(value).__name__} is not {shape.type_name}"]
    return []


def _structure(value: Any, shape: StructureShape, path: str, use: str,
               always: Mapping[str, frozenset[str]]) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected object"]
    problems = [f"{path}.{k}: not in the model" for k in value if k not in shape.members]
    present = {k for k, v in value.items() if v is not None}
    problems += [f"{path}.{k}: required by the model, missing"
                 for k in shape.required_members if k not in present]
    documented = always.get(shape.name, frozenset()) | always.get(use, frozenset())
    problems += [f"{path}.{k}: always present per the reference, missing"
                 for k in sorted(documented - present - set(shape.required_members))]
    for key in sorted(present & set(shape.members)):
        problems += shape_problems(value[key], shape.members[key], f"{path}.{key}",
                                   use=f"{shape.name}.{key}", always=always)
    return problems
