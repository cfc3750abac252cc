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
        return name in self.ses.templates

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

    def create_tenant_resource_association(self, name: Any, arn: Any) -> None:
        tenant, resource = self._tenant_and_resource(name, arn)
        with self.store.lock:  # the duplicate check and the insert are one step
            if self.store.association(tenant.tenant_id, resource.arn) is not None:
                if self.store.options.repeat_association == "ok":
                    return
                raise already_exists(
                    f"Resources {resource.arn} has already been associated with tenant "
                    f"{tenant.name}"
                )
            self.store.add_association(Association(tenant.tenant_id, resource.arn, now()))

    def delete_tenant_resource_association(self, name: Any, arn: Any) -> None:
        """A missing association is success; only a missing tenant or resource is an error."""
        tenant, resource = self._tenant_and_resource(name, arn)
        self.store.remove_association(tenant.tenant_id, resource.arn)

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

        def pick(arn: str) -> dict[str, str] | None:
            kind = segment_of(arn)
            return {"ResourceType": kind, "ResourceArn": arn} if wanted in (None, kind) else None

        page, more = self.store.tenant_resource_page(tenant.tenant_id, after, size, pick)
        return page, encode_token(scope, page[-1]["ResourceArn"]) if more else None

    def list_resource_tenants(
        self, arn: Any, page_size: Any, token: Any
    ) -> tuple[list[dict[str, Any]], str | None]:
        size = page_size_and_token(page_size, token)
        resource = parse_resource_arn(arn, self.region, self.account_id)
        self.require_resource(resource)
        scope = {"op": "ListResourceTenants", "region": self.region, "resource": resource.arn}
        after = decode_token(token, scope)
        if after is not None and (not isinstance(after, int) or isinstance(after, bool)):
            raise bad_request("Invalid Next Token")
        with self.store.lock:  # the page and its tenants' names must describe the same moment
            page, more = self.store.resource_page(resource.arn, after, size)
            rows = [
                {
                    "TenantName": self._tenant_of(a).name,
                    "TenantId": a.tenant_id,
                    "ResourceArn": a.resource_arn,
                    "AssociatedTimestamp": a.associated,
                }
                for _, a in page
            ]
        return rows, encode_token(scope, page[-1][0]) if more else None

    def _tenant_of(self, association: Association) -> Tenant:
        tenant = self.store.tenant_by_id(association.tenant_id)
        assert tenant is not None, "DeleteTenant removes a tenant's associations with it"
        return tenant

    def guard_delete(self, resource_type: str, name: str) -> str | None:
        """The refusal text for a resource still associated with a tenant, else `None`."""
        arn = self.resource_arn(resource_type, name)
        if self.store.resource_tenant_count(arn):
            return delete_guard_message(arn)
        return None


def segment_of(arn: str) -> str:
    return arn.split(":", 5)[5].partition("/")[0]
