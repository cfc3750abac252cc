"""The same operations answer through moto's server app, as `local serve` exposes them."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from reconciler.emulator.extension import install
from tests.integration.emulator.conftest import assert_error


@pytest.fixture
def server_client() -> Iterator[Any]:
    install()
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    reset = urllib.request.Request(f"http://{host}:{port}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset).close()  # server mode shares moto's process-wide state
    try:
        yield boto3.client("sesv2", region_name="us-east-1", endpoint_url=f"http://{host}:{port}")
    finally:
        server.stop()


def test_tenant_lifecycle_over_http(server_client: Any) -> None:
    created = server_client.create_tenant(TenantName="served")
    assert (
        server_client.get_tenant(TenantName="served")["Tenant"]["TenantId"] == created["TenantId"]
    )
    assert [t["TenantName"] for t in server_client.list_tenants()["Tenants"]] == ["served"]
    server_client.delete_tenant(TenantName="served")
    with pytest.raises(ClientError) as raised:
        server_client.get_tenant(TenantName="served")
    assert_error(raised, "NotFoundException", 404, "The requested tenant served does not exist.")


def test_percent_encoded_entity_reference_routes_over_http(server_client: Any) -> None:
    created = server_client.create_tenant(TenantName="served")
    entity = {"ReputationEntityType": "RESOURCE", "ReputationEntityReference": created["TenantArn"]}
    server_client.update_reputation_entity_policy(
        **entity, ReputationEntityPolicy="arn:aws:ses:us-east-1:aws:reputation-policy/none"
    )
    server_client.update_reputation_entity_customer_managed_status(
        **entity, SendingStatus="DISABLED"
    )
    found = server_client.get_reputation_entity(**entity)["ReputationEntity"]
    assert found["ReputationManagementPolicy"].endswith("/none")
    assert found["SendingStatusAggregate"] == "DISABLED"


def test_templates_and_associations_over_http(server_client: Any) -> None:
    server_client.create_tenant(TenantName="served")
    server_client.create_email_template(TemplateName="t1", TemplateContent={"Subject": "s"})
    template_arn = "arn:aws:ses:us-east-1:123456789012:template/t1"
    server_client.create_tenant_resource_association(TenantName="served", ResourceArn=template_arn)
    listed = server_client.list_resource_tenants(ResourceArn=template_arn)["ResourceTenants"]
    assert [t["TenantName"] for t in listed] == ["served"]
    assert server_client.get_email_template(TemplateName="t1")["TemplateContent"] == {
        "Subject": "s"
    }


def test_tenant_suppression_list_over_http(server_client: Any) -> None:
    server_client.create_tenant(TenantName="served")
    server_client.put_suppressed_destination(
        EmailAddress="Gone+1@Customer.test", Reason="BOUNCE", TenantName="served"
    )
    got = server_client.get_suppressed_destination(
        EmailAddress="Gone+1@customer.test", TenantName="served"
    )["SuppressedDestination"]
    assert (got["EmailAddress"], got["TenantName"]) == ("Gone+1@customer.test", "served")
    server_client.delete_suppressed_destination(
        EmailAddress="Gone+1@customer.test", TenantName="served"
    )
    with pytest.raises(ClientError) as raised:
        server_client.delete_suppressed_destination(
            EmailAddress="Gone+1@customer.test", TenantName="served"
        )
    assert_error(
        raised, "NotFoundException", 404,
        "Email address Gone+1@customer.test does not exist on your tenant suppression list.",
    )


def test_get_account_routes_over_http(server_client: Any) -> None:
    assert server_client.get_account()["SendQuota"]["MaxSendRate"] == 1.0
