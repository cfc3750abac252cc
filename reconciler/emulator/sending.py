"""The tenant gate on SendEmail / SendBulkEmail: tenant exists, resources associated, not paused."""

from __future__ import annotations

from collections.abc import Callable
from email import message_from_string
from email.utils import parseaddr
from typing import Any

from moto.ses.models import SESBackend

from reconciler.emulator.messages import access_denied, not_found, sending_paused
from reconciler.emulator.tenancy import TenancyStore, Tenant


class SendingOperations:
    store: TenancyStore
    ses: SESBackend
    account_id: str
    resource_arn: Callable[[str, str], str]
    sending_status: Callable[[Tenant], str]

    def sending_identity(self, from_address: str | None, raw_data: str | None) -> str | None:
        """An address identity beats its domain; raw mail without a sender uses its MIME From."""
        if not from_address and raw_data:
            from_address = message_from_string(raw_data).get("From")
        address = parseaddr(from_address or "")[1]
        if not address:
            return None
        if address in self.ses.email_identities:
            return address
        return address.rpartition("@")[2].lower()

    def check_tenant_send(
        self,
        tenant_name: str,
        identity: str | None,
        configuration_set: str | None,
        template: str | None,
    ) -> None:
        tenant = self.store.tenants.get(tenant_name)
        if tenant is None:
            raise not_found(f"Tenant {tenant_name} for AwsAccountId {self.account_id} not found.")
        used = self._resources_used(identity, configuration_set, template)
        associated = {a.resource_arn for a in self.store.associations_of_tenant(tenant.tenant_id)}
        missing = [arn for arn in used if arn not in associated]
        if missing:
            raise access_denied(f"Tenant not associated with resources [{', '.join(missing)}].")
        if self.sending_status(tenant) == "DISABLED":
            # SES has not published what a paused tenant answers; SendingPausedException is the
            # modeled SendEmail error for paused sending, so callers see a familiar type.
            raise sending_paused(f"Sending is paused for tenant {tenant_name}.")

    def _resources_used(
        self, identity: str | None, configuration_set: str | None, template: str | None
    ) -> list[str]:
        # A send that uses no configuration set at all is unsettled in SES; it passes here.
        used = []
        if identity:
            used.append(self.resource_arn("identity", identity))
            known = self.ses.email_identities.get(identity)
            if configuration_set is None and known is not None:
                configuration_set = known.configuration_set_name
        if configuration_set:
            used.append(self.resource_arn("configuration-set", configuration_set))
        if template:
            used.append(self.resource_arn("template", template))
        return used


def template_name(template: dict[str, Any] | None) -> str | None:
    if not template:
        return None
    if template.get("TemplateName"):
        return str(template["TemplateName"])
    arn = template.get("TemplateArn")
    return str(arn).rpartition("template/")[2] if arn else None
