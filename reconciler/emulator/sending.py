"""SendEmail / SendBulkEmail checks, in SES's order (ses-tenants-api.md §7).

Request shape, then tenant existence (404), then recipients, then the association gate (403),
then a paused tenant, then the sending identity's verification (400 MessageRejected, SES's
wording: moto only checks that an identity exists, and has none of its own for a pending one).
The recipient checks are the ones moto applies when it sends (address syntax, at most 50
recipients), with moto's own errors, run here so they come before the gate:
a send to a malformed address through an unassociated tenant fails on the address.

A recipient on the suppression list the send uses is not an error: SES accepts the send and
drops that recipient (and would record a bounce or complaint event), so the emulator sends to the
others only. Which list and which reasons apply is `SuppressionOperations.suppressed_addresses`.
"""

from __future__ import annotations

from collections.abc import Callable
from email import message_from_string
from email.utils import getaddresses, parseaddr
from typing import Any

from moto.ses.exceptions import InvalidParameterValue, MessageRejectedError
from moto.ses.models import RECIPIENT_LIMIT, SESBackend
from moto.ses.utils import is_valid_address

from reconciler.emulator.messages import (
    access_denied,
    message_rejected,
    not_found,
    sending_paused,
)
from reconciler.emulator.tenancy import TenancyStore, Tenant

DESTINATION_KEYS = ("ToAddresses", "CcAddresses", "BccAddresses")


class SendingOperations:
    store: TenancyStore
    ses: SESBackend
    account_id: str
    region: str
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

    def effective_configuration_set(
        self, identity: str | None, configuration_set: str | None
    ) -> str | None:
        """The explicit set, else the sending identity's default one."""
        if configuration_set is None and identity is not None:
            known = self.ses.email_identities.get(identity)
            if known is not None:
                return known.configuration_set_name
        return configuration_set

    def sending_tenant(self, tenant_name: str | None) -> Tenant | None:
        if tenant_name is None:
            return None
        tenant = self.store.tenants.get(tenant_name)
        if tenant is None:
            raise not_found(f"Tenant {tenant_name} for AwsAccountId {self.account_id} not found.")
        return tenant

    def check_recipients(self, recipients: list[str], limit: int = RECIPIENT_LIMIT) -> None:
        if len(recipients) > limit:
            raise MessageRejectedError("Too many recipients.")
        for address in recipients:
            problem = is_valid_address(address)
            if problem is not None:
                raise InvalidParameterValue(problem)

    def check_tenant_send(
        self,
        tenant: Tenant,
        identity: str | None,
        configuration_set: str | None,
        template: str | None,
    ) -> None:
        """The association gate, then the tenant's sending status."""
        used = self._resources_used(identity, configuration_set, template)
        associated = {a.resource_arn for a in self.store.associations_of_tenant(tenant.tenant_id)}
        missing = [arn for arn in used if arn not in associated]
        if missing:
            raise access_denied(f"Tenant not associated with resources [{', '.join(missing)}].")
        if self.sending_status(tenant) == "DISABLED":
            # SES has not published what a paused tenant answers; SendingPausedException is the
            # modeled SendEmail error for paused sending, so callers see a familiar type.
            raise sending_paused(f"Sending is paused for tenant {tenant.name}.")

    def check_verified(self, from_address: str | None, identity: str | None) -> None:
        """The identity a send uses must exist and be verified (`VerificationStatus` SUCCESS)."""
        known = self.ses.email_identities.get(identity) if identity else None
        if known is None or getattr(known, "verification_status", "SUCCESS") != "SUCCESS":
            address = parseaddr(from_address or "")[1] or identity or ""
            raise message_rejected(
                "Email address is not verified. The following identities failed the check in "
                f"region {self.region.upper()}: {address}")

    def _resources_used(
        self, identity: str | None, configuration_set: str | None, template: str | None
    ) -> list[str]:
        # A send that uses no configuration set at all is unsettled in SES; it passes here.
        used = []
        if identity:
            used.append(self.resource_arn("identity", identity))
        configuration_set = self.effective_configuration_set(identity, configuration_set)
        if configuration_set:
            used.append(self.resource_arn("configuration-set", configuration_set))
        if template:
            used.append(self.resource_arn("template", template))
        return used


def destination_addresses(destination: dict[str, list[str]] | None) -> list[str]:
    return [a for key in DESTINATION_KEYS for a in (destination or {}).get(key) or []]


def mime_recipients(raw_data: str | None) -> list[str]:
    """The To/Cc/Bcc addresses moto adds to a raw message's recipients."""
    if not raw_data:
        return []
    message = message_from_string(raw_data)
    headers = [message[h] for h in ("TO", "CC", "BCC") if h in message]
    return [address for _, address in getaddresses(headers) if address]


def without(destination: dict[str, list[str]], dropped: set[str]) -> dict[str, list[str]]:
    """The destination minus the dropped (bare) addresses."""
    return {
        key: [a for a in addresses if parseaddr(a)[1] not in dropped]
        for key, addresses in destination.items()
    }


def template_name(template: dict[str, Any] | None) -> str | None:
    if not template:
        return None
    if template.get("TemplateName"):
        return str(template["TemplateName"])
    arn = template.get("TemplateArn")
    return str(arn).rpartition("template/")[2] if arn else None
