"""Suppression lists: the account's and each tenant's, and which recipients a send drops.

With `TenantName` the four suppressed-destination calls reach that tenant's own list, which is
separate from the account list and keyed by TenantId (a recreated name starts empty; DeleteTenant
drops the list). The tenant's SuppressionScope does not gate the calls. Request validation runs
before the tenant lookup (ses-tenants-api.md §4). Tenant-scoped delete of a missing address is a
404, not a success. moto has no suppression list, so the account list lives here too, under the
same rules and its own "not on your suppression list" wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.ses.models import SESBackend

from reconciler.emulator.messages import (
    SesApiError,
    bad_request,
    enum_clause,
    invalid_next_token,
    not_found,
    not_null_clause,
    validation_failed,
)
from reconciler.emulator.tenancy import ACCOUNT_LIST, SuppressedEntry, TenancyStore, Tenant, now
from reconciler.emulator.validation import REASONS, decode_token, encode_token

ACCOUNT_DEFAULT_REASONS = ("BOUNCE", "COMPLAINT")  # a fresh account suppresses both
SUPPRESSION_PAGE_MAX = 1000  # SES publishes no bound for this operation; assumed, as ListContacts


@dataclass(frozen=True)
class SuppressionList:
    """Which list a call reaches: the account's (`tenant` None) or one tenant's."""

    list_id: str
    tenant: Tenant | None

    def missing(self, email: str) -> SesApiError:
        where = "tenant suppression list" if self.tenant else "suppression list"
        return not_found(f"Email address {email} does not exist on your {where}.")


def normalize_address(email: str) -> str:
    """SES trims and lower-cases the domain only: `Foo@Example.COM` is `Foo@example.com`."""
    local, at, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if at else email.strip()


class SuppressionOperations:
    store: TenancyStore
    ses: SESBackend

    get_tenant: Callable[[Any], Tenant]

    def _suppression_list(self, tenant_name: Any) -> SuppressionList:
        """Absent `TenantName` is the account list; present, it must name a tenant (else 404)."""
        if tenant_name is None:
            return SuppressionList(ACCOUNT_LIST, None)
        tenant = self.get_tenant(tenant_name)
        return SuppressionList(tenant.tenant_id, tenant)

    def put_suppressed_destination(self, tenant_name: Any, email: Any, reason: Any) -> None:
        check_tenant_name_given(tenant_name)
        clauses = []
        if email is None:
            clauses.append(not_null_clause("emailAddress"))
        if reason is None:
            clauses.append(not_null_clause("reason"))
        elif reason not in REASONS:
            clauses.append(enum_clause("reason", REASONS))
        if clauses:
            raise validation_failed(*clauses)
        address = require_address(email)
        with self.store.lock:  # the tenant cannot be deleted between its lookup and the put
            target = self._suppression_list(tenant_name)
            self.store.put_suppressed(target.list_id, SuppressedEntry(address, reason, now()))

    def get_suppressed_destination(
        self, tenant_name: Any, email: Any
    ) -> tuple[SuppressedEntry, Tenant | None]:
        check_tenant_name_given(tenant_name)
        address = require_address(email)
        target = self._suppression_list(tenant_name)
        entry = self.store.suppressed(target.list_id, address)
        if entry is None:
            raise target.missing(address)
        return entry, target.tenant

    def delete_suppressed_destination(self, tenant_name: Any, email: Any) -> None:
        check_tenant_name_given(tenant_name)
        address = require_address(email)
        with self.store.lock:
            target = self._suppression_list(tenant_name)
            if not self.store.remove_suppressed(target.list_id, address):
                raise target.missing(address)

    def list_suppressed_destinations(
        self,
        tenant_name: Any,
        reasons: list[str] | None,
        start: str | None,
        end: str | None,
        page_size: Any,
        token: Any,
    ) -> tuple[list[SuppressedEntry], str | None]:
        check_tenant_name_given(tenant_name)
        wanted = set(reasons or [])
        if wanted - set(REASONS):
            raise validation_failed(enum_clause("reasons", REASONS, nested=True))
        size = suppression_page_size(page_size)
        since, until = parse_time(start, "startDate"), parse_time(end, "endDate")
        target = self._suppression_list(tenant_name)
        scope = {
            "op": "ListSuppressedDestinations",
            "list": target.list_id,
            "reasons": sorted(wanted),
            "start": since,
            "end": until,
        }
        after = decode_token(token, scope, invalid_next_token)
        if after is not None and not (isinstance(after, list) and len(after) == 2):
            raise invalid_next_token("Invalid Next Token")

        def keep(entry: SuppressedEntry) -> bool:
            return (
                (not wanted or entry.reason in wanted)
                and (since is None or entry.updated >= since)
                and (until is None or entry.updated <= until)
            )

        page, more = self.store.suppressed_page(target.list_id, after, size, keep)
        return page, encode_token(scope, page[-1].key()) if more else None

    def suppressed_addresses(
        self, tenant: Tenant | None, configuration_set: str | None, addresses: list[str]
    ) -> set[str]:
        """The recipients a send drops: on the list the tenant's scope picks, for a reason the
        configuration set's SuppressionOptions, else the tenant's attributes, else the account
        default (both reasons) names."""
        attributes = tenant.suppression if tenant is not None else None
        tenant_scoped = attributes is not None and attributes["SuppressionScope"] == "TENANT"
        list_id = tenant.tenant_id if tenant is not None and tenant_scoped else ACCOUNT_LIST
        reasons: Any = ACCOUNT_DEFAULT_REASONS
        if attributes is not None:
            reasons = attributes["SuppressedReasons"]
        config = self.ses.config_sets.get(configuration_set or "")
        options = getattr(config, "suppression_options", None) or {}
        if "SuppressedReasons" in options:
            reasons = options["SuppressedReasons"]
        dropped = set()
        for address in addresses:
            entry = self.store.suppressed(list_id, normalize_address(address))
            if entry is not None and entry.reason in reasons:
                dropped.add(address)
        return dropped


def check_tenant_name_given(tenant_name: Any) -> None:
    if tenant_name is not None and (not isinstance(tenant_name, str) or not tenant_name.strip()):
        raise bad_request("TenantName cannot be empty")


def require_address(email: Any) -> str:
    if not isinstance(email, str) or not email.strip():
        raise bad_request("EmailAddress is required.")
    return normalize_address(email)


def suppression_page_size(page_size: Any) -> int:
    size = SUPPRESSION_PAGE_MAX if page_size is None else int(page_size)
    if size < 1:
        raise validation_failed(
            f"Value '{size}' at 'pageSize' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )
    if size > SUPPRESSION_PAGE_MAX:
        raise validation_failed(
            f"Value '{size}' at 'pageSize' failed to satisfy constraint: "
            f"Member must have value less than or equal to {SUPPRESSION_PAGE_MAX}"
        )
    return size


def parse_time(value: str | None, field: str) -> float | None:
    """Query-string timestamps arrive as ISO 8601 (botocore's default) or epoch seconds."""
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as err:
        raise bad_request(f"Invalid value for {field}: {value}") from err
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.timestamp()
