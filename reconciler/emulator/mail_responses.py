"""Response methods for v2 templates, tenant sends and the tenant-association delete guards."""

from __future__ import annotations

import base64
import json
import re
from email.utils import parseaddr
from typing import Any

from moto.core.responses import ActionResult
from moto.ses.exceptions import InvalidParameterValue

from reconciler.emulator.backend import tenancy_backend
from reconciler.emulator.messages import bad_request, not_found
from reconciler.emulator.responses import TenantResponses, json_response, page_response
from reconciler.emulator.sending import (
    destination_addresses,
    mime_recipients,
    template_name,
    without,
)
from reconciler.emulator.templates import TAGS, EmailTemplate

SANDBOX_DAILY_QUOTA = 200.0
PLACEHOLDER = re.compile(r"{{\s*([\w.-]+)\s*}}")


def render(text: str | None, data: str | None) -> str:
    values = json.loads(data) if data else {}
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), text or "")


class MailResponses(TenantResponses):
    def create_email_template(self) -> Any:
        params = self._params()
        self.tenancy.create_email_template(
            params.get("TemplateName"), params.get("TemplateContent"), params.get("Tags")
        )
        return json_response({})

    def get_email_template(self) -> Any:
        template = self.tenancy.get_email_template(self._get_param("TemplateName"))
        return json_response(
            {
                "TemplateName": template.name,
                "TemplateContent": template.content(),
                "Tags": template.tags,
            }
        )

    def list_email_templates(self) -> Any:
        templates, token = self.tenancy.list_email_templates(
            self._get_param("PageSize"), self._get_param("NextToken")
        )
        return page_response(
            "TemplatesMetadata",
            [{"TemplateName": t.name, "CreatedTimestamp": t.created} for t in templates], token)

    def update_email_template(self) -> Any:
        self.tenancy.update_email_template(
            self._get_param("TemplateName"), self._params().get("TemplateContent")
        )
        return json_response({})

    def delete_email_template(self) -> Any:
        self.tenancy.delete_email_template(self._get_param("TemplateName"))
        return json_response({})

    def get_account(self) -> Any:
        """The account's sending quota and state (the sent count is moto's, as in v1)."""
        options = self.tenancy.store.options
        ses = self.tenancy.ses
        return json_response({
            "DedicatedIpAutoWarmupEnabled": False,
            "EnforcementStatus": "HEALTHY",
            "ProductionAccessEnabled": options.max_24_hour_send > SANDBOX_DAILY_QUOTA,
            "SendQuota": {
                "Max24HourSend": options.max_24_hour_send,
                "MaxSendRate": options.max_send_rate,
                "SentLast24Hours": float(ses.sent_message_count),
            },
            "SendingEnabled": True,
        })

    def delete_email_identity(self) -> Any:
        refusal = self.tenancy.guard_delete("identity", self._get_param("EmailIdentity"))
        if refusal:
            raise bad_request(refusal)
        return self._moto_delete_email_identity()  # type: ignore[attr-defined]

    def delete_configuration_set(self) -> Any:
        refusal = self.tenancy.guard_delete(
            "configuration-set", self._get_param("ConfigurationSetName")
        )
        if refusal:
            raise bad_request(refusal)
        return self._moto_delete_configuration_set()  # type: ignore[attr-defined]

    def _checked(
        self,
        params: dict[str, Any],
        content: dict[str, Any],
        raw: str | None,
        destinations: list[dict[str, list[str]]],
    ) -> set[str]:
        """Tenant, recipients, gate in SES's order; returns the suppressed recipients to drop."""
        tenant = self.tenancy.sending_tenant(params.get("TenantName"))
        groups = [destination_addresses(d) for d in destinations]  # one per message sent
        groups[0] += mime_recipients(raw)
        for group in groups:
            self.tenancy.check_recipients(group)
        recipients = [a for group in groups for a in group]
        identity = self.tenancy.sending_identity(params.get("FromEmailAddress"), raw)
        configuration_set = self.tenancy.effective_configuration_set(
            identity, params.get("ConfigurationSetName")
        )
        dropped = self.tenancy.suppressed_addresses(
            tenant, configuration_set, [parseaddr(a)[1] for a in recipients]
        )
        if tenant is not None:
            self.tenancy.check_tenant_send(
                tenant,
                identity,
                params.get("ConfigurationSetName"),
                template_name(content.get("Template")),
            )
        self.tenancy.check_verified(params.get("FromEmailAddress"), identity)
        return dropped

    def send_email(self) -> Any:
        params = self._params()
        content = params.get("Content") or {}
        destination = params.get("Destination") or {}
        encoded = content.get("Raw", {}).get("Data")
        raw = base64.b64decode(encoded).decode() if encoded else None
        dropped = self._checked(params, content, raw, [destination])
        source = params.get("FromEmailAddress")
        if "Template" in content:
            message_id = self._send_template(
                source, without(destination, dropped), content["Template"]
            )
        elif "Simple" in content:
            message_id = self._send_simple(source, without(destination, dropped), content)
        else:
            return self._send_raw(dropped)
        return json_response({"MessageId": message_id})

    def _send_simple(
        self, source: str | None, destination: dict[str, list[str]], content: dict[str, Any]
    ) -> str:
        simple = content["Simple"]
        body = simple.get("Body") or {}
        text = (body.get("Html") or body.get("Text") or {}).get("Data", "")
        message = self.tenancy.ses.send_email(
            source=source or "",
            subject=(simple.get("Subject") or {}).get("Data", ""),
            body=text,
            destinations=destination,
        )
        return str(message.id)

    def _send_raw(self, dropped: set[str]) -> Any:
        """moto sends raw mail (it reads recipients from the MIME headers too); the suppressed
        recipients are then taken off the message it recorded."""
        result = self._moto_send_email()  # type: ignore[attr-defined]
        if dropped:
            ses = self.tenancy.ses
            message = ses.sent_messages[-1]
            kept = [d for d in message.destinations if parseaddr(d)[1] not in dropped]
            ses.sent_message_count -= len(message.destinations) - len(kept)
            message.destinations = kept
        return result

    def send_bulk_email(self) -> Any:
        params = self._params()
        content = params.get("DefaultContent") or {}
        entries = params.get("BulkEmailEntries") or []
        dropped = self._checked(
            params, content, None, [entry.get("Destination") or {} for entry in entries] or [{}]
        )
        results = []
        for entry in entries:
            template = dict(content.get("Template") or {})
            replacement = (entry.get("ReplacementEmailContent") or {}).get("ReplacementTemplate")
            if replacement and replacement.get("ReplacementTemplateData"):
                template["TemplateData"] = replacement["ReplacementTemplateData"]
            message_id = self._send_template(
                params.get("FromEmailAddress"),
                without(entry.get("Destination") or {}, dropped),
                template,
            )
            results.append({"Status": "SUCCESS", "MessageId": message_id})
        return json_response({"BulkEmailEntryResults": results})

    def _send_template(
        self, source: str | None, destination: dict[str, list[str]], template: dict[str, Any]
    ) -> str:
        name = template_name(template)
        stored: EmailTemplate | None = self.tenancy.stored_template(name or "")
        if stored is None:
            raise not_found(f"Template {name} does not exist.")
        data = template.get("TemplateData")
        message = self.tenancy.ses.send_email(
            source=source or "",
            subject=render(stored.subject, data),
            body=render(stored.html or stored.text, data),
            destinations=destination,
        )
        return str(message.id)


class V1GuardResponses:
    """SES v1 deletes refuse associated resources too, as v1's InvalidParameterValue."""

    current_account: str
    region: str
    _get_param: Any

    def _refuse_if_associated(self, resource_type: str, name: str) -> None:
        backend = tenancy_backend(self.current_account, self.region)
        refusal = backend.guard_delete(resource_type, name)
        if refusal:
            raise InvalidParameterValue(refusal)

    def delete_identity(self) -> Any:
        self._refuse_if_associated("identity", self._get_param("Identity"))
        return self._moto_delete_identity()  # type: ignore[attr-defined]

    def delete_configuration_set(self) -> Any:
        self._refuse_if_associated("configuration-set", self._get_param("ConfigurationSetName"))
        return self._moto_delete_configuration_set()  # type: ignore[attr-defined]

    def delete_template(self) -> Any:
        self._refuse_if_associated("template", self._get_param("TemplateName"))
        return self._moto_delete_template()  # type: ignore[attr-defined]

    def get_send_quota(self) -> Any:
        """The quota v2 GetAccount reports (moto's own is fixed at a sandbox account's)."""
        backend = tenancy_backend(self.current_account, self.region)
        quota = backend.ses.get_send_quota()
        quota.max_send_rate = backend.store.options.max_send_rate
        quota.max24_hour_send = backend.store.options.max_24_hour_send
        return ActionResult(quota)

    def update_template(self) -> Any:
        """moto's v1 update rewrites the record; keep the tags a v2 create gave it."""
        backend = tenancy_backend(self.current_account, self.region)
        name = (self._get_param("Template") or {}).get("TemplateName")
        tags = (backend.ses.templates.get(name) or {}).get(TAGS)
        result = self._moto_update_template()  # type: ignore[attr-defined]
        if tags and name in backend.ses.templates:
            backend.ses.templates[name][TAGS] = tags
        return result
