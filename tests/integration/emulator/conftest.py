"""Fixtures for the emulator's tenant APIs: clients, resource ARNs and error assertions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from reconciler.emulator import DEFAULT_ACCOUNT, DEFAULT_REGION, Emulator
from reconciler.emulator.options import EmulatorOptions

PREFIX = f"arn:aws:ses:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}"


def arn(kind: str, name: str) -> str:
    return f"{PREFIX}:{kind}/{name}"


def assert_error(
    raised: pytest.ExceptionInfo[ClientError], code: str, status: int, message: str | None
) -> None:
    response = raised.value.response
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == code
    if message is not None:
        assert response["Error"]["Message"] == message


@dataclass(frozen=True)
class Refusal:
    """One request the emulator must refuse, for table-driven error tests: the call, the exact
    error it answers, the client it goes through (`raw` skips boto3's own validation) and the
    fixtures that must exist first (say `tenant`, the tenant acme)."""

    call: Callable[[Any], Any]
    code: str
    status: int
    message: str
    client: str = "sesv2"
    fixtures: tuple[str, ...] = ()


def assert_refused(request: pytest.FixtureRequest, case: Refusal) -> None:
    for name in case.fixtures:
        request.getfixturevalue(name)
    client = request.getfixturevalue(case.client)
    with pytest.raises(ClientError) as raised:
        case.call(client)
    assert_error(raised, case.code, case.status, case.message)


@pytest.fixture
def raw(emulator: Emulator) -> Any:
    """A client that sends what it is given, so server-side validation is what answers."""
    return boto3.client(
        "sesv2", region_name=emulator.region, config=Config(parameter_validation=False)
    )


@pytest.fixture
def v1(emulator: Emulator) -> Any:
    return boto3.client("ses", region_name=emulator.region)


@pytest.fixture
def options(emulator: Emulator) -> EmulatorOptions:
    return emulator.options


@pytest.fixture
def tenant(sesv2: Any) -> dict[str, Any]:
    response: dict[str, Any] = sesv2.create_tenant(TenantName="acme")
    return response


@pytest.fixture
def resources(sesv2: Any) -> dict[str, str]:
    """One of each associable resource type, by ARN."""
    sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.create_configuration_set(ConfigurationSetName="transactional")
    sesv2.create_email_template(
        TemplateName="welcome", TemplateContent={"Subject": "Hi {{name}}", "Text": "Hello"}
    )
    return {
        "identity": arn("identity", "example.com"),
        "configuration-set": arn("configuration-set", "transactional"),
        "template": arn("template", "welcome"),
    }


@pytest.fixture
def associate(sesv2: Any) -> Callable[[str, str], None]:
    def _associate(tenant_name: str, resource_arn: str) -> None:
        sesv2.create_tenant_resource_association(TenantName=tenant_name, ResourceArn=resource_arn)

    return _associate
