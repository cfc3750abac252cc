"""Reputation entities: policy, the two status records, findings, and how they combine.

Every change here is also put on EventBridge as SES does (`ses_events`).

Aggregate status is DISABLED when either record is; a customer REINSTATED lifts a policy pause
(never a Trust & Safety one), ignores active findings, and turns back into ENABLED by itself once
the findings clear.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from reconciler.emulator.messages import bad_request, not_found, validation_failed
from reconciler.emulator.ses_events import emitting
from reconciler.emulator.tenancy import Finding, ReputationRecord, StatusRecord, TenancyStore, now
from reconciler.emulator.validation import (
    check_filter_map,
    decode_token,
    encode_token,
    page_size_and_token,
)

POLICY_ARN = re.compile(
    r"^arn:([a-z-]+):ses:([a-z0-9-]+):aws:reputation-policy/(none|standard|strict)$"
)
CUSTOMER_STATUSES = ["ENABLED", "REINSTATED", "DISABLED"]
ENTITY_FILTERS = ["ENTITY_TYPE", "REPUTATION_IMPACT", "SENDING_STATUS", "ENTITY_REFERENCE_PREFIX"]
MANUAL_CAUSE = "Status manually updated."


def policy_pauses(policy: str, impact: str) -> bool:
    return policy == "strict" or (policy == "standard" and impact == "HIGH")


def set_customer_status(record: ReputationRecord, status: str) -> None:
    with emitting(record):
        record.customer = StatusRecord(status, MANUAL_CAUSE, now())
        record.touched = True
        if (status == "REINSTATED" and record.aws.status == "DISABLED"
                and record.aws.kind == "policy"):
            record.aws = StatusRecord("ENABLED", "Reinstated by the customer.", now())


def add_finding(record: ReputationRecord, impact: str, finding_type: str = "BOUNCE") -> Finding:
    with emitting(record):
        finding = Finding("f-" + secrets.token_hex(8), impact, now(), finding_type)
        record.findings.append(finding)
        record.touched = True
        reinstated = record.customer is not None and record.customer.status == "REINSTATED"
        if (not reinstated and record.aws.status == "ENABLED"
                and policy_pauses(record.policy, impact)):
            cause = (f"Paused by the {record.policy} reputation policy after a {impact} "
                     "impact finding.")
            record.aws = StatusRecord("DISABLED", cause, now(), "policy")
    return finding


def clear_findings(record: ReputationRecord) -> None:
    with emitting(record):
        record.findings.clear()
        if record.customer is not None and record.customer.status == "REINSTATED":
            record.customer = StatusRecord("ENABLED", "All findings resolved.", now())


def aws_pause(record: ReputationRecord, kind: str, cause: str) -> None:
    with emitting(record):
        record.aws = StatusRecord("DISABLED", cause, now(), kind)
        record.touched = True


def aws_resume(record: ReputationRecord, cause: str) -> None:
    with emitting(record):
        record.aws = StatusRecord("ENABLED", cause, now())


def status_view(record: StatusRecord) -> dict[str, Any]:
    view: dict[str, Any] = {"Status": record.status}
    if record.cause is not None:
        view["Cause"] = record.cause
    if record.updated is not None:
        view["LastUpdatedTimestamp"] = record.updated
    return view


class ReputationOperations:
    store: TenancyStore
    region: str
    partition: str

    def policy_arn(self, policy: str) -> str:
        return f"arn:{self.partition}:ses:{self.region}:aws:reputation-policy/{policy}"

    def entity_view(self, record: ReputationRecord) -> dict[str, Any]:
        view: dict[str, Any] = {
            "ReputationEntityReference": record.reference,
            "ReputationEntityType": "RESOURCE",
            "ReputationManagementPolicy": self.policy_arn(record.policy),
            "AwsSesManagedStatus": status_view(record.aws),
            "SendingStatusAggregate": record.aggregate(),
        }
        if record.customer is not None:
            view["CustomerManagedStatus"] = status_view(record.customer)
        impact = record.impact() or ("NONE" if self.store.options.impact_none else None)
        if impact is not None:
            view["ReputationImpact"] = impact
        return view

    def _visible(self, record: ReputationRecord) -> bool:
        return record.touched or self.store.options.new_tenant_reputation == "entity"

    def _record(self, entity_type: Any, reference: str, missing: Any) -> ReputationRecord:
        if entity_type != "RESOURCE":
            raise validation_failed(
                f"Value '{entity_type}' at 'reputationEntityType' failed to satisfy constraint: "
                "Member must satisfy enum value set: [RESOURCE]"
            )
        record = self.store.reputation.get(reference)
        if record is None:
            # SES has not published this text; the reference is echoed so callers can tell.
            raise missing(f"Reputation entity {reference} does not exist.")
        return record

    def get_reputation_entity(self, entity_type: Any, reference: str) -> dict[str, Any]:
        record = self._record(entity_type, reference, not_found)
        if not self._visible(record):
            raise not_found(f"Reputation entity {reference} does not exist.")
        return self.entity_view(record)

    def list_reputation_entities(
        self, filters: Any, page_size: Any, token: Any
    ) -> tuple[list[dict[str, Any]], str | None]:
        filters = check_filter_map(filters, ENTITY_FILTERS)
        size = page_size_and_token(page_size, token)
        scope = {"op": "ListReputationEntities", "region": self.region, "filter": filters}
        after = decode_token(token, scope)

        def view(record: ReputationRecord) -> dict[str, Any] | None:
            if not self._visible(record):
                return None
            rendered = self.entity_view(record)
            return rendered if _matches(rendered, filters) else None

        page, more = self.store.reputation_page(after, size, view)
        return page, encode_token(scope, page[-1]["ReputationEntityReference"]) if more else None

    def update_reputation_entity_policy(
        self, entity_type: Any, reference: str, policy_arn: Any
    ) -> None:
        """No NotFound is modeled for the Update calls, so an unknown entity is a bad request."""
        record = self._record(entity_type, reference, bad_request)
        match = POLICY_ARN.match(str(policy_arn))
        if not match or match.group(1) != self.partition or match.group(2) != self.region:
            raise bad_request(f"Invalid reputation management policy {policy_arn}.")
        record.policy = match.group(3)
        record.touched = True

    def update_reputation_entity_customer_managed_status(
        self, entity_type: Any, reference: str, status: Any
    ) -> None:
        if status not in CUSTOMER_STATUSES:
            raise validation_failed(
                f"Value '{status}' at 'sendingStatus' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(CUSTOMER_STATUSES)}]"
            )
        set_customer_status(self._record(entity_type, reference, bad_request), status)


def _matches(view: dict[str, Any], filters: dict[str, str]) -> bool:
    checks = {
        "ENTITY_TYPE": view["ReputationEntityType"],
        "REPUTATION_IMPACT": view.get("ReputationImpact"),
        "SENDING_STATUS": view["SendingStatusAggregate"],
    }
    for key, value in filters.items():
        if key == "ENTITY_REFERENCE_PREFIX":
            if not view["ReputationEntityReference"].startswith(value):
                return False
        elif checks[key] != value:
            return False
    return True
