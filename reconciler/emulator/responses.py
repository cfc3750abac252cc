"""Response methods for the tenant, association, tag and reputation operations.

`TenantResponses` is grafted onto moto's `SESV2Response` by `extension.install()`, so moto's
normal dispatch routes each operation (by the botocore model) to the method of the same name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from moto.core.responses import BaseResponse

from reconciler.emulator.backend import TenancyBackend, tenancy_backend
from reconciler.emulator.tenancy import Tenant
from reconciler.emulator.tenants import is_tenant_arn

JSON_HEADERS = {"Content-Type": "application/json"}


def json_response(payload: dict[str, Any]) -> tuple[str, dict[str, str]]:
    return json.dumps(payload), dict(JSON_HEADERS)


def page_response(key: str, items: list[Any], token: str | None) -> tuple[str, dict[str, str]]:
    """A list page; SES leaves NextToken out on the last page."""
    payload: dict[str, Any] = {key: items}
    if token:
        payload["NextToken"] = token
    return json_response(payload)


class TenantResponses:
    body: Any
    querystring: dict[str, list[str]]
    path: str
    current_account: str
    region: str

    _get_param: Callable[..., Any]

    def _get_action(self) -> str:
        """boto3 drops an empty TagKeys list, and moto's router needs it to pick UntagResource."""
        action = BaseResponse._get_action(self)  # type: ignore[arg-type]
        untag = getattr(self, "method", None) == "DELETE" and self.path == "/v2/email/tags"
        return "UntagResource" if action is None and untag else action

    @property
    def tenancy(self) -> TenancyBackend:
        return tenancy_backend(self.current_account, self.region)

    def _params(self) -> dict[str, Any]:
        if not self.body:
            return {}
        parsed = json.loads(self.body)
        return parsed if isinstance(parsed, dict) else {}

    def _tenant_view(self, tenant: Tenant, full: bool) -> dict[str, Any]:
        view: dict[str, Any] = {
            "TenantName": tenant.name,
            "TenantId": tenant.tenant_id,
            "TenantArn": tenant.arn,
            "CreatedTimestamp": tenant.created,
        }
        if full or self.tenancy.store.options.list_tenants_sending_status:
            view["SendingStatus"] = self.tenancy.sending_status(tenant)
        if full:
            view["Tags"] = [{"Key": k, "Value": v} for k, v in tenant.tags.items()]
            if tenant.suppression is not None:
                view["SuppressionAttributes"] = tenant.suppression
        return view

    def create_tenant(self) -> Any:
        params = self._params()
        tenant = self.tenancy.create_tenant(
            params.get("TenantName"), params.get("Tags"), params.get("SuppressionAttributes")
        )
        return json_response(self._tenant_view(tenant, full=True))

    def get_tenant(self) -> Any:
        tenant = self.tenancy.get_tenant(self._params().get("TenantName"))
        return json_response({"Tenant": self._tenant_view(tenant, full=True)})

    def list_tenants(self) -> Any:
        params = self._params()
        tenants, token = self.tenancy.list_tenants(
            params.get("Filter"), params.get("PageSize"), params.get("NextToken")
        )
        return page_response("Tenants", [self._tenant_view(t, full=False) for t in tenants],
                             token)

    def delete_tenant(self) -> Any:
        self.tenancy.delete_tenant(self._params().get("TenantName"))
        return json_response({})

    def create_tenant_resource_association(self) -> Any:
        params = self._params()
        self.tenancy.create_tenant_resource_association(
            params.get("TenantName"), params.get("ResourceArn")
        )
        return json_response({})

    def delete_tenant_resource_association(self) -> Any:
        params = self._params()
        self.tenancy.delete_tenant_resource_association(
            params.get("TenantName"), params.get("ResourceArn")
        )
        return json_response({})

    def list_tenant_resources(self) -> Any:
        params = self._params()
        items, token = self.tenancy.list_tenant_resources(
            params.get("TenantName"),
            params.get("Filter"),
            params.get("PageSize"),
            params.get("NextToken"),
        )
        return page_response("TenantResources", items, token)

    def list_resource_tenants(self) -> Any:
        params = self._params()
        items, token = self.tenancy.list_resource_tenants(
            params.get("ResourceArn"), params.get("PageSize"), params.get("NextToken")
        )
        return page_response("ResourceTenants", items, token)

    def put_tenant_suppression_attributes(self) -> Any:
        params = self._params()
        self.tenancy.put_tenant_suppression_attributes(
            params.get("TenantName"),
            params.get("SuppressedReasons"),
            params.get("SuppressionScope"),
        )
        return json_response({})

    def tag_resource(self) -> Any:
        params = self._params()
        arn = params.get("ResourceArn")
        if not is_tenant_arn(arn):
            return self._moto_tag_resource()  # type: ignore[attr-defined]
        self.tenancy.tag_tenant(arn, params.get("Tags") or [])
        return json_response({})

    def untag_resource(self) -> Any:
        arn = self._get_param("ResourceArn")
        if not is_tenant_arn(arn):
            return self._moto_untag_resource()  # type: ignore[attr-defined]
        self.tenancy.untag_tenant(arn, self.querystring.get("TagKeys", []))
        return json_response({})

    def list_tags_for_resource(self) -> Any:
        arn = self._get_param("ResourceArn")
        if not is_tenant_arn(arn):
            return self._moto_list_tags_for_resource()  # type: ignore[attr-defined]
        return json_response({"Tags": self.tenancy.tenant_tags(arn)})

    def get_reputation_entity(self) -> Any:
        entity = self.tenancy.get_reputation_entity(
            self._get_param("ReputationEntityType"), self._get_param("ReputationEntityReference")
        )
        return json_response({"ReputationEntity": entity})

    def list_reputation_entities(self) -> Any:
        params = self._params()
        items, token = self.tenancy.list_reputation_entities(
            params.get("Filter"), params.get("PageSize"), params.get("NextToken")
        )
        return page_response("ReputationEntities", items, token)

    def update_reputation_entity_policy(self) -> Any:
        self.tenancy.update_reputation_entity_policy(
            self._get_param("ReputationEntityType"),
            self._get_param("ReputationEntityReference"),
            self._params().get("ReputationEntityPolicy"),
        )
        return json_response({})

    def update_reputation_entity_customer_managed_status(self) -> Any:
        self.tenancy.update_reputation_entity_customer_managed_status(
            self._get_param("ReputationEntityType"),
            self._get_param("ReputationEntityReference"),
            self._params().get("SendingStatus"),
        )
        return json_response({})
