"""Response methods for the suppressed-destination operations (account and tenant lists)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from reconciler.emulator.responses import TenantResponses, json_response, page_response
from reconciler.emulator.tenancy import SuppressedEntry


def summary(entry: SuppressedEntry) -> dict[str, Any]:
    return {"EmailAddress": entry.email, "Reason": entry.reason, "LastUpdateTime": entry.updated}


class SuppressionResponses(TenantResponses):
    def _query(self, name: str) -> str | None:
        values = self.querystring.get(name)
        return values[0] if values else None

    def _address(self) -> Any:
        """The URI label; moto may hand it over still percent-encoded (`%40`)."""
        value = self._get_param("EmailAddress")
        return unquote(value) if isinstance(value, str) else value

    def put_suppressed_destination(self) -> Any:
        params = self._params()
        self.tenancy.put_suppressed_destination(
            params.get("TenantName"), params.get("EmailAddress"), params.get("Reason")
        )
        return json_response({})

    def get_suppressed_destination(self) -> Any:
        entry, tenant = self.tenancy.get_suppressed_destination(
            self._query("TenantName"), self._address()
        )
        view = summary(entry)
        if tenant is not None:
            view["TenantName"] = tenant.name
        return json_response({"SuppressedDestination": view})

    def delete_suppressed_destination(self) -> Any:
        self.tenancy.delete_suppressed_destination(self._query("TenantName"), self._address())
        return json_response({})

    def list_suppressed_destinations(self) -> Any:
        entries, token = self.tenancy.list_suppressed_destinations(
            self._query("TenantName"),
            self.querystring.get("Reason"),
            self._query("StartDate"),
            self._query("EndDate"),
            self._query("PageSize"),
            self._query("NextToken"),
        )
        return page_response("SuppressedDestinationSummaries", [summary(e) for e in entries],
                             token)
