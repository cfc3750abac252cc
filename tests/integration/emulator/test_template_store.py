"""SES v1 and v2 share one template store; the tenant delete guard holds from either side."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.emulator.conftest import arn, assert_error

Associate = Callable[[str, str], None]
V1_TEMPLATE = {"TemplateName": "legacy", "SubjectPart": "Hi {{name}}", "TextPart": "Hello"}
GUARD = (
    "Cannot delete {arn} because it has tenant associations. "
    "Remove all tenant associations and try again."
)


def test_v1_template_is_read_by_v2(sesv2: Any, v1: Any) -> None:
    v1.create_template(Template=V1_TEMPLATE)

    got = sesv2.get_email_template(TemplateName="legacy")

    assert got["TemplateContent"] == {"Subject": "Hi {{name}}", "Text": "Hello"}


def test_v2_template_is_read_by_v1(sesv2: Any, v1: Any) -> None:
    sesv2.create_email_template(
        TemplateName="welcome", TemplateContent={"Subject": "s", "Html": "<p>h</p>"}
    )

    got = v1.get_template(TemplateName="welcome")["Template"]

    assert (got["TemplateName"], got["SubjectPart"]) == ("welcome", "s")
    assert got["HtmlPart"] == "<p>h</p>"


def test_both_lists_show_templates_from_both_apis(sesv2: Any, v1: Any) -> None:
    v1.create_template(Template=V1_TEMPLATE)
    sesv2.create_email_template(TemplateName="welcome", TemplateContent={"Subject": "s"})

    v2_names = [t["TemplateName"] for t in sesv2.list_email_templates()["TemplatesMetadata"]]
    v1_names = sorted(t["Name"] for t in v1.list_templates()["TemplatesMetadata"])

    assert v2_names == v1_names == ["legacy", "welcome"]


def test_v2_create_of_a_v1_name_already_exists(sesv2: Any, v1: Any) -> None:
    v1.create_template(Template=V1_TEMPLATE)
    with pytest.raises(ClientError) as raised:
        sesv2.create_email_template(TemplateName="legacy", TemplateContent={"Subject": "s"})
    assert_error(raised, "AlreadyExistsException", 400, "Template legacy already exists.")


def test_v1_template_can_be_associated_and_gates_a_tenant_send(
    sesv2: Any, v1: Any, tenant: dict[str, Any], associate: Associate
) -> None:
    v1.create_template(Template=V1_TEMPLATE)
    associate("acme", arn("template", "legacy"))

    listed = sesv2.list_tenant_resources(TenantName="acme")["TenantResources"]

    assert listed == [{"ResourceType": "template", "ResourceArn": arn("template", "legacy")}]


def test_v1_update_is_seen_by_v2_and_keeps_v2_tags(sesv2: Any, v1: Any) -> None:
    sesv2.create_email_template(
        TemplateName="welcome",
        TemplateContent={"Subject": "old"},
        Tags=[{"Key": "k", "Value": "v"}],
    )
    v1.update_template(Template={"TemplateName": "welcome", "SubjectPart": "new", "TextPart": "t"})

    got = sesv2.get_email_template(TemplateName="welcome")

    assert got["TemplateContent"] == {"Subject": "new", "Text": "t"}
    assert got["Tags"] == [{"Key": "k", "Value": "v"}]


def test_v2_delete_removes_a_v1_template_from_both(sesv2: Any, v1: Any) -> None:
    v1.create_template(Template=V1_TEMPLATE)

    sesv2.delete_email_template(TemplateName="legacy")

    assert v1.list_templates()["TemplatesMetadata"] == []
    with pytest.raises(ClientError) as raised:
        sesv2.get_email_template(TemplateName="legacy")
    assert_error(raised, "NotFoundException", 404, "Template legacy does not exist.")


def test_v1_delete_removes_a_v2_template_from_both(sesv2: Any, v1: Any) -> None:
    sesv2.create_email_template(TemplateName="welcome", TemplateContent={"Subject": "s"})

    v1.delete_template(TemplateName="welcome")

    assert sesv2.list_email_templates()["TemplatesMetadata"] == []


@pytest.mark.parametrize("created_by", ["v1", "v2"])
def test_v2_delete_of_an_associated_template_is_refused(
    sesv2: Any, v1: Any, tenant: dict[str, Any], associate: Associate, created_by: str
) -> None:
    create_template(sesv2, v1, created_by)
    associate("acme", arn("template", "shared"))
    with pytest.raises(ClientError) as raised:
        sesv2.delete_email_template(TemplateName="shared")
    assert_error(raised, "BadRequestException", 400, GUARD.format(arn=arn("template", "shared")))
    assert sesv2.get_email_template(TemplateName="shared")["TemplateName"] == "shared"


@pytest.mark.parametrize("created_by", ["v1", "v2"])
def test_v1_delete_of_an_associated_template_is_refused(
    sesv2: Any, v1: Any, tenant: dict[str, Any], associate: Associate, created_by: str
) -> None:
    create_template(sesv2, v1, created_by)
    associate("acme", arn("template", "shared"))
    with pytest.raises(ClientError) as raised:
        v1.delete_template(TemplateName="shared")
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "InvalidParameterValue",
        GUARD.format(arn=arn("template", "shared")),
    )
    assert v1.get_template(TemplateName="shared")["Template"]["TemplateName"] == "shared"


def create_template(sesv2: Any, v1: Any, created_by: str) -> None:
    if created_by == "v1":
        v1.create_template(Template={"TemplateName": "shared", "SubjectPart": "s"})
    else:
        sesv2.create_email_template(TemplateName="shared", TemplateContent={"Subject": "s"})
