"""SES v2 email templates: create, read, list, update, delete."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.emulator.conftest import assert_error

CONTENT = {"Subject": "Hello {{name}}", "Text": "Hi {{name}}", "Html": "<p>Hi {{name}}</p>"}


def test_created_template_reads_back(sesv2: Any) -> None:
    sesv2.create_email_template(
        TemplateName="welcome", TemplateContent=CONTENT, Tags=[{"Key": "k", "Value": "v"}]
    )
    got = sesv2.get_email_template(TemplateName="welcome")
    assert got["TemplateName"] == "welcome"
    assert got["TemplateContent"] == CONTENT
    assert got["Tags"] == [{"Key": "k", "Value": "v"}]


def test_duplicate_template_already_exists(sesv2: Any) -> None:
    sesv2.create_email_template(TemplateName="welcome", TemplateContent=CONTENT)
    with pytest.raises(ClientError) as raised:
        sesv2.create_email_template(TemplateName="welcome", TemplateContent=CONTENT)
    assert_error(raised, "AlreadyExistsException", 400, "Template welcome already exists.")


@pytest.mark.parametrize("operation", ["get", "delete", "update"])
def test_missing_template_is_not_found(sesv2: Any, operation: str) -> None:
    call = getattr(sesv2, f"{operation}_email_template")
    kwargs: dict[str, Any] = {"TemplateName": "ghost"}
    if operation == "update":
        kwargs["TemplateContent"] = CONTENT
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    assert_error(raised, "NotFoundException", 404, "Template ghost does not exist.")


def test_update_replaces_the_content(sesv2: Any) -> None:
    sesv2.create_email_template(TemplateName="welcome", TemplateContent=CONTENT)
    sesv2.update_email_template(TemplateName="welcome", TemplateContent={"Subject": "New"})
    assert sesv2.get_email_template(TemplateName="welcome")["TemplateContent"] == {"Subject": "New"}


def test_delete_removes_the_template(sesv2: Any) -> None:
    sesv2.create_email_template(TemplateName="welcome", TemplateContent=CONTENT)
    sesv2.delete_email_template(TemplateName="welcome")
    assert sesv2.list_email_templates()["TemplatesMetadata"] == []


def test_list_pages_through_templates_by_name(sesv2: Any) -> None:
    names = [f"t{i:02d}" for i in range(15)]
    for name in reversed(names):
        sesv2.create_email_template(TemplateName=name, TemplateContent=CONTENT)
    first = sesv2.list_email_templates()
    second = sesv2.list_email_templates(NextToken=first["NextToken"])
    listed = first["TemplatesMetadata"] + second["TemplatesMetadata"]
    assert len(first["TemplatesMetadata"]) == 10
    assert [t["TemplateName"] for t in listed] == names
    assert "NextToken" not in second
    assert all("CreatedTimestamp" in t for t in listed)
