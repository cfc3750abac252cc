"""List tokens name the last item returned, so deletes before the cursor shift nothing.

A walk interleaved with deletes of items already returned must neither skip nor repeat the
items still to come (ses-tenants-api.md §3); an offset token would skip one item per delete.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.emulator.conftest import arn, assert_error

Associate = Callable[[str, str], None]
NAMES = [f"t{i}" for i in range(6)]


@pytest.fixture
def shared_by_six(sesv2: Any, resources: dict[str, str], associate: Associate) -> str:
    """A configuration set associated with six tenants, t0 (oldest) to t5."""
    for name in NAMES:
        sesv2.create_tenant(TenantName=name)
        associate(name, resources["configuration-set"])
    return resources["configuration-set"]


def test_resource_tenants_walk_survives_disassociations_before_the_cursor(
    sesv2: Any, shared_by_six: str
) -> None:
    first = sesv2.list_resource_tenants(ResourceArn=shared_by_six, PageSize=2)
    for item in first["ResourceTenants"]:
        sesv2.delete_tenant_resource_association(
            TenantName=item["TenantName"], ResourceArn=shared_by_six
        )

    second = sesv2.list_resource_tenants(
        ResourceArn=shared_by_six, PageSize=2, NextToken=first["NextToken"]
    )
    third = sesv2.list_resource_tenants(
        ResourceArn=shared_by_six, PageSize=2, NextToken=second["NextToken"]
    )

    assert [t["TenantName"] for t in first["ResourceTenants"]] == ["t0", "t1"]
    assert [t["TenantName"] for t in second["ResourceTenants"]] == ["t2", "t3"]
    assert [t["TenantName"] for t in third["ResourceTenants"]] == ["t4", "t5"]
    assert "NextToken" not in third


def test_resource_tenants_walk_survives_deleted_tenants_before_the_cursor(
    sesv2: Any, shared_by_six: str
) -> None:
    first = sesv2.list_resource_tenants(ResourceArn=shared_by_six, PageSize=3)
    sesv2.delete_tenant(TenantName="t0")
    sesv2.delete_tenant(TenantName="t2")

    rest = sesv2.list_resource_tenants(
        ResourceArn=shared_by_six, PageSize=3, NextToken=first["NextToken"]
    )

    assert [t["TenantName"] for t in rest["ResourceTenants"]] == ["t3", "t4", "t5"]
    assert "NextToken" not in rest


def test_resource_tenants_walk_reaches_a_tenant_reassociated_mid_walk_once(
    sesv2: Any, shared_by_six: str, associate: Associate
) -> None:
    first = sesv2.list_resource_tenants(ResourceArn=shared_by_six, PageSize=3)
    sesv2.delete_tenant_resource_association(TenantName="t0", ResourceArn=shared_by_six)
    associate("t0", shared_by_six)

    rest = sesv2.list_resource_tenants(
        ResourceArn=shared_by_six, PageSize=10, NextToken=first["NextToken"]
    )

    assert [t["TenantName"] for t in rest["ResourceTenants"]] == ["t3", "t4", "t5", "t0"]


def test_tenant_resources_walk_survives_disassociations_before_the_cursor(
    sesv2: Any, tenant: dict[str, Any], associate: Associate
) -> None:
    names = [f"s{i}" for i in range(6)]
    for name in names:
        sesv2.create_configuration_set(ConfigurationSetName=name)
        associate("acme", arn("configuration-set", name))
    first = sesv2.list_tenant_resources(TenantName="acme", PageSize=2)
    for item in first["TenantResources"]:
        sesv2.delete_tenant_resource_association(TenantName="acme", ResourceArn=item["ResourceArn"])

    second = sesv2.list_tenant_resources(
        TenantName="acme", PageSize=2, NextToken=first["NextToken"]
    )

    assert [r["ResourceArn"] for r in second["TenantResources"]] == [
        arn("configuration-set", "s2"),
        arn("configuration-set", "s3"),
    ]


def test_tenants_walk_survives_deletes_before_the_cursor(sesv2: Any) -> None:
    for name in NAMES:
        sesv2.create_tenant(TenantName=name)
    first = sesv2.list_tenants(PageSize=2)
    for item in first["Tenants"]:
        sesv2.delete_tenant(TenantName=item["TenantName"])

    second = sesv2.list_tenants(PageSize=2, NextToken=first["NextToken"])

    assert [t["TenantName"] for t in second["Tenants"]] == ["t2", "t3"]


def test_resource_tenants_token_for_another_resource_is_invalid(
    sesv2: Any, shared_by_six: str, resources: dict[str, str], associate: Associate
) -> None:
    associate("t0", resources["identity"])
    token = sesv2.list_resource_tenants(ResourceArn=shared_by_six, PageSize=1)["NextToken"]
    with pytest.raises(ClientError) as raised:
        sesv2.list_resource_tenants(ResourceArn=resources["identity"], NextToken=token)
    assert_error(raised, "BadRequestException", 400, "Invalid Next Token")
