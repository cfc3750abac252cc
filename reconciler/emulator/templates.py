"""SES v2 email templates, which tenants can be associated with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reconciler.emulator.messages import already_exists, bad_request, not_found
from reconciler.emulator.tenancy import EmailTemplate, TenancyStore, now
from reconciler.emulator.validation import decode_token, encode_token, page_size_and_token

TEMPLATES_PAGE_DEFAULT = 10


class TemplateOperations:
    store: TenancyStore
    region: str
    guard_delete: Callable[[str, str], str | None]

    def _template(self, name: Any) -> EmailTemplate:
        template = self.store.templates.get(name)
        if template is None:
            raise not_found(f"Template {name} does not exist.")
        return template

    def create_email_template(
        self, name: Any, content: dict[str, str] | None, tags: list[dict[str, str]] | None
    ) -> None:
        if not name:
            raise bad_request("Template name cannot be empty.")
        if name in self.store.templates:
            raise already_exists(f"Template {name} already exists.")
        content = content or {}
        self.store.templates[name] = EmailTemplate(
            name,
            content.get("Subject"),
            content.get("Text"),
            content.get("Html"),
            now(),
            list(tags or []),
        )

    def get_email_template(self, name: Any) -> EmailTemplate:
        return self._template(name)

    def list_email_templates(
        self, page_size: Any, token: Any
    ) -> tuple[list[EmailTemplate], str | None]:
        size = page_size_and_token(
            TEMPLATES_PAGE_DEFAULT if page_size is None else page_size, token
        )
        scope = {"op": "ListEmailTemplates", "region": self.region}
        after = decode_token(token, scope)
        names = sorted(n for n in self.store.templates if after is None or n > after)
        page = [self.store.templates[n] for n in names[:size]]
        more = len(names) > size
        return page, encode_token(scope, page[-1].name) if more else None

    def update_email_template(self, name: Any, content: dict[str, str] | None) -> None:
        template = self._template(name)
        content = content or {}
        template.subject = content.get("Subject")
        template.text = content.get("Text")
        template.html = content.get("Html")

    def delete_email_template(self, name: Any) -> None:
        self._template(name)
        refusal = self.guard_delete("template", name)
        if refusal:
            raise bad_request(refusal)
        del self.store.templates[name]
