"""Email templates for SES v2, kept in the one store SES v1 uses too.

SES has a single template store per account and Region: a template created with v1
CreateTemplate is read by v2 GetEmailTemplate, can be associated with a tenant, and either API's
delete meets the same tenant-association guard. moto's SES backend already holds v1 templates
(and renders and sends them), so the v2 operations read and write that same dictionary; the v2
extras (tags, an absent part) ride along in it under keys moto ignores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from moto.ses.models import SESBackend

from reconciler.emulator.messages import already_exists, bad_request, not_found
from reconciler.emulator.validation import decode_token, encode_token, page_size_and_token

TEMPLATES_PAGE_DEFAULT = 10
TAGS = "tags"


@dataclass(frozen=True)
class EmailTemplate:
    """A stored template as v2 reports it."""

    name: str
    subject: str | None
    text: str | None
    html: str | None
    created: float
    tags: list[dict[str, str]] = field(default_factory=list)

    def content(self) -> dict[str, str]:
        pairs = {"Subject": self.subject, "Text": self.text, "Html": self.html}
        return {k: v for k, v in pairs.items() if v is not None}


def template_record(
    name: str, content: dict[str, str], tags: list[dict[str, str]], created: dt.datetime
) -> dict[str, Any]:
    """The dictionary moto's v1 operations read: naive UTC `Timestamp`, `*_part` fields."""
    return {
        "template_name": name,
        "subject_part": content.get("Subject"),
        "text_part": content.get("Text"),
        "html_part": content.get("Html"),
        "Timestamp": created,
        TAGS: list(tags),
    }


def template_view(record: dict[str, Any]) -> EmailTemplate:
    """A stored template as v2 reports it; v1 writes `""` for an absent part, v2 omits it."""
    created = record.get("Timestamp")
    stamp = (
        created.replace(tzinfo=dt.UTC).timestamp()
        if isinstance(created, dt.datetime)
        else 0.0
    )
    return EmailTemplate(
        str(record.get("template_name")),
        record.get("subject_part") or None,
        record.get("text_part") or None,
        record.get("html_part") or None,
        round(stamp, 3),
        list(record.get(TAGS) or []),
    )


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class TemplateOperations:
    ses: SESBackend
    region: str
    guard_delete: Callable[[str, str], str | None]

    def _template_record(self, name: Any) -> dict[str, Any]:
        record = self.ses.templates.get(name) if isinstance(name, str) else None
        if record is None:
            raise not_found(f"Template {name} does not exist.")
        return record

    def stored_template(self, name: str) -> EmailTemplate | None:
        record = self.ses.templates.get(name)
        return template_view(record) if record is not None else None

    def create_email_template(
        self, name: Any, content: dict[str, str] | None, tags: list[dict[str, str]] | None
    ) -> None:
        if not name:
            raise bad_request("Template name cannot be empty.")
        if name in self.ses.templates:
            raise already_exists(f"Template {name} already exists.")
        self.ses.templates[name] = template_record(name, content or {}, tags or [], utcnow())

    def get_email_template(self, name: Any) -> EmailTemplate:
        return template_view(self._template_record(name))

    def list_email_templates(
        self, page_size: Any, token: Any
    ) -> tuple[list[EmailTemplate], str | None]:
        size = page_size_and_token(
            TEMPLATES_PAGE_DEFAULT if page_size is None else page_size, token
        )
        scope = {"op": "ListEmailTemplates", "region": self.region}
        after = decode_token(token, scope)
        names = sorted(n for n in self.ses.templates if after is None or n > after)
        page = [template_view(self.ses.templates[n]) for n in names[:size]]
        more = len(names) > size
        return page, encode_token(scope, page[-1].name) if more else None

    def update_email_template(self, name: Any, content: dict[str, str] | None) -> None:
        record = self._template_record(name)
        self.ses.templates[name] = template_record(
            name, content or {}, record.get(TAGS) or [], record["Timestamp"]
        )

    def delete_email_template(self, name: Any) -> None:
        self._template_record(name)
        refusal = self.guard_delete("template", name)
        if refusal:
            raise bad_request(refusal)
        del self.ses.templates[name]

    def adopt_templates(self, legacy: list[dict[str, Any]]) -> None:
        """Move v2 templates a state file kept in the tenant store into the shared store."""
        for item in legacy:
            if item["name"] in self.ses.templates:
                continue
            created = dt.datetime.fromtimestamp(item["created"], dt.UTC)
            content = {"Subject": item.get("subject"), "Text": item.get("text"),
                       "Html": item.get("html")}
            self.ses.templates[item["name"]] = template_record(
                item["name"], {k: v for k, v in content.items() if v is not None},
                item.get("tags") or [], created.replace(tzinfo=None),
            )
