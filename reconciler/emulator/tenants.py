"""Tenant lifecycle, suppression attributes and tenant tags: the backend half."""

from __future__ import annotations

from typing import Any

from reconciler.emulator.messages import (
    already_exists,
    bad_request,
    limit_exceeded,
    not_found,
    tenant_not_found,
    validation_failed,
    validation_without_message,
)
from reconciler.emulator.tenancy import ReputationRecord, TenancyStore, Tenant, now
from reconciler.emulator.validation import (
    check_filter_map,
    check_new_tenant_name,
    check_suppression_enums,
    check_suppression_pairing,
    decode_token,
    encode_token,
    page_size_and_token,
    require_tenant_name,
)

SENDING_STATUSES = ("ENABLED", "REINSTATED", "DISABLED")
FOREIGN_ACCOUNT = "Operations on a resource created in a different account is not allowed"


class TenantOperations:
    store: TenancyStore
    account_id: str
    region: str
    partition: str

    def tenant_arn(self, name: str, tenant_id: str) -> str:
        return f"arn:{self.partition}:ses:{self.region}:{self.account_id}:tenant/{name}/{tenant_id}"

    def get_tenant(self, name: Any) -> Tenant:
        name = require_tenant_name(name)
        tenant = self.store.tenants.get(name)
        if tenant is None:
            raise tenant_not_found(name)
        return tenant

    def sending_status(self, tenant: Tenant) -> str:
        record = self.store.reputation.get(tenant.arn)
        return record.aggregate() if record else "ENABLED"

    def create_tenant(
        self, name: Any, tags: list[dict[str, str]] | None, suppression: dict[str, Any] | None
    ) -> Tenant:
        reasons, scope = self._suppression_members(suppression)
        check_suppression_enums(reasons, scope, "suppressionAttributes.")
        name = check_new_tenant_name(name)
        stored = check_suppression_pairing(reasons, scope)
        tag_map = merge_tags({}, tags or [], self.store.options.max_tags_per_tenant, limit_exceeded)
        with self.store.lock:  # the name and quota checks hold until the tenant is added
            return self._add_tenant(name, tag_map, stored)

    def _add_tenant(self, name: str, tag_map: dict[str, str], stored: Any) -> Tenant:
        if name in self.store.tenants:
            raise already_exists(
                f"Tenant with name {name} already exists in account {self.account_id}"
            )
        if len(self.store.tenants) >= self.store.options.max_tenants:
            # SES has not published this text.
            raise limit_exceeded(
                f"Maximum number of tenants ({self.store.options.max_tenants}) reached."
            )
        tenant_id = self.store.new_tenant_id()
        tenant = Tenant(name, tenant_id, self.tenant_arn(name, tenant_id), now(), tag_map, stored)
        self.store.add_tenant(tenant, ReputationRecord(tenant.arn))
        return tenant

    def _suppression_members(self, suppression: dict[str, Any] | None) -> tuple[Any, Any]:
        if suppression is None:
            return None, None
        if not suppression and self.store.options.empty_suppression_attributes == "error":
            raise validation_failed(
                *(
                    f"Value null at 'suppressionAttributes.{member}' failed to satisfy "
                    "constraint: Member must not be null"
                    for member in ("suppressedReasons", "suppressionScope")
                )
            )
        return suppression.get("SuppressedReasons"), suppression.get("SuppressionScope")

    def list_tenants(
        self, filters: Any, page_size: Any, token: Any
    ) -> tuple[list[Tenant], str | None]:
        filters = check_filter_map(filters, ["SENDING_STATUS", "TENANT_NAME_CONTAINS"])
        size = page_size_and_token(page_size, token)
        contains = filters.get("TENANT_NAME_CONTAINS")
        if contains is not None and len(contains) < 3:
            raise bad_request("TENANT_NAME_CONTAINS must be at least 3 characters.")
        status = filters.get("SENDING_STATUS")
        if status is not None and status not in SENDING_STATUSES:
            raise bad_request(f"Invalid sending status {status}.")
        scope = {
            "op": "ListTenants",
            "region": self.region,
            "contains": contains.lower() if contains else None,
            "status": status,
        }
        after = decode_token(token, scope)
        needle = contains.lower() if contains else None

        def keep(tenant: Tenant) -> bool:
            return (needle is None or needle in tenant.name.lower()) and (
                status is None or self.sending_status(tenant) == status
            )

        page, more = self.store.tenant_page(after, size, keep)
        return page, encode_token(scope, page[-1].name) if more else None

    def delete_tenant(self, name: Any) -> None:
        """Cascades: associations, tags, suppression and the reputation entity go with it."""
        with self.store.lock:
            self.store.remove_tenant(self.get_tenant(name))

    def put_tenant_suppression_attributes(self, name: Any, reasons: Any, scope: Any) -> None:
        name = require_tenant_name(name)
        check_suppression_enums(reasons, scope)
        stored = check_suppression_pairing(reasons, scope)
        self.get_tenant(name).suppression = stored

    def tenant_for_tagging(self, arn: str, failure: str | None) -> Tenant | None:
        """Resolves by TenantId alone; `None` means "other Region, answer with no tags"."""
        parts = arn.split(":", 5)
        if parts[4] != self.account_id:
            raise bad_request(FOREIGN_ACCOUNT)
        if parts[3] != self.region:
            if failure is None:
                return None
            raise bad_request(failure)
        rest = parts[5].removeprefix("tenant/")
        name, sep, tenant_id = rest.partition("/")
        if not sep:
            name, tenant_id = "null", rest
        tenant = self.store.tenant_by_id(tenant_id)
        if tenant is None:
            raise not_found(f"No Tenant present with name: {name}with tenantId: {tenant_id}")
        return tenant

    def tag_tenant(self, arn: str, tags: list[dict[str, str]]) -> None:
        tenant = self.tenant_for_tagging(arn, "Failed to tag resource")
        assert tenant is not None
        limit = self.store.options.max_tags_per_tenant
        tenant.tags = merge_tags(tenant.tags, tags, limit, bad_request)

    def untag_tenant(self, arn: str, keys: list[str]) -> None:
        tenant = self.tenant_for_tagging(arn, "Failed to untag resource")
        assert tenant is not None
        if not keys:
            raise validation_without_message()
        for key in keys:
            tenant.tags.pop(key, None)

    def tenant_tags(self, arn: str) -> list[dict[str, str]]:
        tenant = self.tenant_for_tagging(arn, None)
        if tenant is None:
            return []
        return [{"Key": k, "Value": v} for k, v in sorted(tenant.tags.items())]


def is_tenant_arn(arn: Any) -> bool:
    parts = str(arn).split(":", 5)
    return len(parts) == 6 and parts[2] == "ses" and parts[5].startswith("tenant/")


def merge_tags(
    current: dict[str, str], tags: list[dict[str, str]], limit: int, too_many: Any
) -> dict[str, str]:
    """Merges by key; `aws:` keys are SES's own, so callers may not write them."""
    merged = dict(current)
    for tag in tags:
        key, value = tag.get("Key", ""), tag.get("Value", "")
        if not 1 <= len(key) <= 128:
            raise bad_request("Tag keys must be between 1 and 128 characters long.")
        if len(value) > 256:
            raise bad_request("Tag values must be at most 256 characters long.")
        if key.lower().startswith("aws:"):
            raise bad_request("Tag keys starting with 'aws:' are reserved for AWS use.")
        merged[key] = value
    if sum(not k.lower().startswith("aws:") for k in merged) > limit:
        raise too_many(f"A resource can have at most {limit} tags.")
    return merged
