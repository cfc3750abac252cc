"""Tenant ↔ resource associations and the delete guards that protect them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.ses.models import SESBackend

from reconciler.emulator.messages import (
    already_exists,
    bad_request,
    delete_guard_message,
    not_found,
)
from reconciler.emulator.tenancy import Association, TenancyStore, Tenant, now
from reconciler.emulator.validation import (
    ASSOCIABLE_TYPES,
    ResourceArn,
    check_filter_map,
    decode_token,
    encode_token,
    page_size_and_token,
    parse_resource_arn,
    require_tenant_name,
)


class AssociationOperations:
    store: TenancyStore
    ses: SESBackend
    account_id: str
    region: str
    partition: str

    get_tenant: Callable[[Any], Tenant]

    def resource_arn(self, resource_type: str, name: str) -> str:
        return f"arn:{self.partition}:ses:{self.region}:{self.account_id}:{resource_type}/{name}"

    def template_exists(self, name: str) -> bool:
        return name in self.store.templates or name in self.ses.templates

    def require_resource(self, resource: ResourceArn) -> None:
        name = resource.name
        if resource.resource_type == "identity" and name not in self.ses.email_identities:
            raise not_found(f"Identity {name} does not exist")
        if resource.resource_type == "configuration-set" and name not in self.ses.config_sets:
            raise not_found(f"Configuration set {name} does not exist:")
        if resource.resource_type == "template" and not self.template_exists(name):
            raise not_found(f"Email template {name} does not exist")

    def _tenant_and_resource(self, name: Any, arn: Any) -> tuple[Tenant, ResourceArn]:
        name = require_tenant_name(name)
        if self.store.options.check_arn_before_tenant:
            resource = parse_resource_arn(arn, self.region, self.account_id)
            tenant = self.get_tenant(name)
        else:
            tenant = self.get_tenant(name)
            resource = parse_resource_arn(arn, self.region, self.account_id)
        self.require_resource(resource)
        return tenant, resource

    def _association(self, tenant: Tenant, arn: str) -> Association | None:
        return next(
            (
                a
                for a in self.store.associations_of_tenant(tenant.tenant_id)
                if a.resource_arn == arn
            ),
            None,
        )

    def create_tenant_resource_association(self, name: Any, arn: Any) -> None:
        tenant, resource = self._tenant_and_resource(name, arn)
        if self._association(tenant, resource.arn) is not None:
            if self.store.options.repeat_association == "ok":
                return
            raise already_exists(
                f"Resources {resource.arn} has already been associated with tenant {tenant.name}"
            )
        self.store.associations.append(Association(tenant.tenant_id, resource.arn, now()))

    def delete_tenant_resource_association(self, name: Any, arn: Any) -> None:
        """A missing association is success; only a missing tenant or resource is an error."""
        tenant, resource = self._tenant_and_resource(name, arn)
        found = self._association(tenant, resource.arn)
        if found is not None:
            self.store.associations.remove(found)

    def list_tenant_resources(
        self, name: Any, filters: Any, page_size: Any, token: Any
    ) -> tuple[list[dict[str, str]], str | None]:
        filters = check_filter_map(filters, ["RESOURCE_TYPE"])
        size = page_size_and_token(page_size, token)
        name = require_tenant_name(name)
        wanted = filters.get("RESOURCE_TYPE")
        if wanted is not None and wanted not in ASSOCIABLE_TYPES:
            raise bad_request(f"Invalid resource type {wanted} specified.")
        tenant = self.get_tenant(name)
        scope = {
            "op": "ListTenantResources",
            "region": self.region,
            "tenant": tenant.tenant_id,
            "type": wanted,
        }
        after = decode_token(token, scope)
        items = sorted(
            (segment_of(a.resource_arn), a.resource_arn)
            for a in self.store.associations_of_tenant(tenant.tenant_id)
        )
        matching = [
            {"ResourceType": kind, "ResourceArn": arn}
            for kind, arn in items
            if (wanted is None or kind == wanted) and (after is None or arn > after)
        ]
        page = matching[:size]
        more = len(matching) > size
        return page, encode_token(scope, page[-1]["ResourceArn"]) if more else None

    def list_resource_tenants(
        self, arn: Any, page_size: Any, token: Any
    ) -> tuple[list[dict[str, Any]], str | None]:
        size = page_size_and_token(page_size, token)
        resource = parse_resource_arn(arn, self.region, self.account_id)
        self.require_resource(resource)
        scope = {"op": "ListResourceTenants", "region": self.region, "resource": resource.arn}
        offset = decode_token(token, scope) or 0
        if not isinstance(offset, int):
            raise bad_request("Invalid Next Token")
        by_id = {t.tenant_id: t for t in self.store.tenants.values()}
        rows = [
            {
                "TenantName": by_id[a.tenant_id].name,
                "TenantId": a.tenant_id,
                "ResourceArn": a.resource_arn,
                "AssociatedTimestamp": a.associated,
            }
            for a in self.store.associations_of_resource(resource.arn)
        ]
        page = rows[offset : offset + size]
        more = len(rows) > offset + size
        return page, encode_token(scope, offset + size) if more else None

    def guard_delete(self, resource_type: str, name: str) -> str | None:
        """The refusal text for a resource still associated with a tenant, else `None`."""
        arn = self.resource_arn(resource_type, name)
        if self.store.associations_of_resource(arn):
            return delete_guard_message(arn)
        return None


def segment_of(arn: str) -> str:
    return arn.split(":", 5)[5].partition("/")[0]
