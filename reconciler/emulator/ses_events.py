"""SES's own EventBridge events for tenants: status changes and reputation findings.

SES puts them on the account's default bus in the tenant's Region (source `aws.ses`, best
effort). Shapes follow the tenants guide's example: a status event names the record that
changed (`origin` CUSTOMER_MANAGED or AWS_MANAGED) and carries it as `record {status, cause,
lastUpdatedTimestamp}`, the timestamp as the array the example shows (year, month, day, hour,
minute, second, nanoseconds; UTC); REINSTATED arrives under "Sending Status Enabled". A finding
event carries a sentence in `data` and `metadata {impact, type}`; the emulator names a resolved
finding as the EventBridge reference does ("... Resolved"; the tenants guide says "Closed").

`emitting(record)` wraps a change to one reputation record and puts one event per record
written and per finding opened or resolved, so every path (API write, control surface) emits.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reconciler.emulator.tenancy import Finding, ReputationRecord, StatusRecord

SOURCE = "aws.ses"
VERSION = "1.0.0"
ENABLED, DISABLED = "Sending Status Enabled", "Sending Status Disabled"
FINDING_OPEN = "Advisor Recommendation Status Open"
FINDING_RESOLVED = "Advisor Recommendation Status Resolved"
CUSTOMER_MANAGED, AWS_MANAGED = "CUSTOMER_MANAGED", "AWS_MANAGED"
LOG = logging.getLogger(__name__)

_DESCRIPTIONS = {
    "BOUNCE": "The bounce rate exceeded {limit} for this tenant.",
    "COMPLAINT": "The complaint rate exceeded {limit} for this tenant.",
}
_LIMITS = {("BOUNCE", "HIGH"): "15.0%", ("BOUNCE", "LOW"): "10.0%",
           ("COMPLAINT", "HIGH"): "1.0%", ("COMPLAINT", "LOW"): "0.5%"}


def timestamp_array(epoch: float) -> list[int]:
    moment = datetime.fromtimestamp(epoch, UTC)
    nanos = round((epoch - int(epoch)) * 1000) * 1_000_000
    return [moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
            nanos]


def status_entry(arn: str, origin: str, record: StatusRecord) -> dict[str, Any]:
    """A PutEvents entry (the shape moto's backend takes) for one written status record."""
    detail = {"version": VERSION, "data": {"origin": origin, "record": {
        "status": record.status, "cause": record.cause,
        "lastUpdatedTimestamp": timestamp_array(record.updated or 0.0)}}}
    kind = DISABLED if record.status == "DISABLED" else ENABLED
    return _entry(arn, kind, detail, record.updated)


def finding_entry(arn: str, finding: Finding, *, opened: bool, when: float) -> dict[str, Any]:
    text = _DESCRIPTIONS.get(finding.finding_type, "A {type} finding was {what}.").format(
        limit=_LIMITS.get((finding.finding_type, finding.impact), "the threshold"),
        type=finding.finding_type, what="opened" if opened else "resolved")
    detail = {"version": VERSION, "data": text,
              "metadata": {"impact": finding.impact, "type": finding.finding_type}}
    return _entry(arn, FINDING_OPEN if opened else FINDING_RESOLVED, detail, when)


def _entry(arn: str, detail_type: str, detail: dict[str, Any],
           when: float | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"Source": SOURCE, "DetailType": detail_type,
                             "Detail": json.dumps(detail), "Resources": [arn]}
    if when is not None:
        entry["Time"] = when
    return entry


@dataclass(frozen=True, slots=True)
class _Before:
    customer: StatusRecord | None
    aws: StatusRecord
    findings: tuple[Finding, ...]


@contextmanager
def emitting(record: ReputationRecord) -> Iterator[None]:
    before = _Before(record.customer, record.aws, tuple(record.findings))
    yield
    emit(record.reference, changes(before, record))


def changes(before: _Before, record: ReputationRecord) -> list[dict[str, Any]]:
    """Findings first (they cause the pauses), then the records written, customer's first."""
    from reconciler.emulator.tenancy import now

    arn, entries = record.reference, []
    previous = {f.finding_id for f in before.findings}
    current = {f.finding_id for f in record.findings}
    entries += [finding_entry(arn, f, opened=True, when=f.opened)
                for f in record.findings if f.finding_id not in previous]
    entries += [finding_entry(arn, f, opened=False, when=now())
                for f in before.findings if f.finding_id not in current]
    if record.customer is not None and record.customer is not before.customer:
        entries.append(status_entry(arn, CUSTOMER_MANAGED, record.customer))
    if record.aws is not before.aws and record.aws.status != before.aws.status:
        entries.append(status_entry(arn, AWS_MANAGED, record.aws))
    return entries


def emit(arn: str, entries: list[dict[str, Any]]) -> None:
    """Best effort, like SES: a failure to deliver never fails the change that caused it."""
    if not entries:
        return
    parts = arn.split(":", 5)
    if len(parts) != 6:
        return
    region, account = parts[3], parts[4]
    try:
        from moto.events.models import events_backends

        backend = events_backends[account][region]
        for start in range(0, len(entries), 10):  # PutEvents takes at most 10 entries
            backend.put_events(entries[start:start + 10])
    except Exception:
        LOG.debug("emitting SES events for %s failed", arn, exc_info=True)
