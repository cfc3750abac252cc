"""What happened to each tenant, from the SES events the monitoring log group recorded. Pure.

The EventBridge rule of `monitoring.tenant_events` writes every SES tenant event (status
changes, reputation findings) into the log group as the whole event JSON. This module turns
those messages into per-tenant histories: who paused a tenant (the customer-managed record is
the tool's or an operator's doing, the AWS-managed one SES's) and why, reinstatements, findings
opened and resolved. Events are best effort and unordered in AWS, so histories are sorted by
the time each event carries, newest first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from reconciler.errors import RunError

_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
STATUS_TYPES = frozenset({"Sending Status Enabled", "Sending Status Disabled"})
FINDING_OPEN = "Advisor Recommendation Status Open"
# the EventBridge reference says Resolved, the tenants guide Closed: both mean resolved
FINDING_CLOSED = frozenset({"Advisor Recommendation Status Resolved",
                            "Advisor Recommendation Status Closed"})
_VERBS = {("CUSTOMER_MANAGED", "DISABLED"): "paused by you",
          ("CUSTOMER_MANAGED", "REINSTATED"): "reinstated by you",
          ("CUSTOMER_MANAGED", "ENABLED"): "enabled (customer-managed status)",
          ("AWS_MANAGED", "DISABLED"): "paused by SES",
          ("AWS_MANAGED", "ENABLED"): "resumed by SES",
          ("AWS_MANAGED", "REINSTATED"): "reinstated by SES"}


def parse_since(text: str, now: datetime) -> datetime:
    """`30m`, `24h`, `7d`, `2w` before `now`, or an ISO 8601 time (UTC when no zone is given)."""
    match = _DURATION.match(text)
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise RunError(f"--since {text!r} is neither a duration nor a time; give a duration "
                       "such as 30m, 24h, 7d or 2w, or an ISO 8601 time such as "
                       "2025-07-24T12:00:00Z") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if moment > now:
        raise RunError(f"--since {text} is in the future; give a time before now")
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class TenantEvent:
    """One SES event about one tenant; fields that do not apply to its kind are None."""

    time: datetime
    tenant: str
    arn: str
    detail_type: str
    kind: Literal["status", "finding_opened", "finding_resolved", "other"]
    origin: str | None = None
    status: str | None = None
    cause: str | None = None
    impact: str | None = None
    finding_type: str | None = None
    description: str | None = None
    arrived: int = 0  # the log event's timestamp (ms): orders events of the same second

    def summary(self) -> str:
        """`paused by SES: <cause>`, `finding opened: HIGH BOUNCE: <text>`, ..."""
        if self.kind == "status":
            verb = _VERBS.get((self.origin or "", self.status or ""),
                              f"{self.status} ({self.origin})")
            return f"{verb}: {self.cause}" if self.cause else verb
        if self.kind in ("finding_opened", "finding_resolved"):
            verb = "finding opened" if self.kind == "finding_opened" else "finding resolved"
            what = " ".join(p for p in (self.impact, self.finding_type) if p) or "finding"
            return f"{verb}: {what}" + (f": {self.description}" if self.description else "")
        return self.detail_type

    def to_dict(self) -> dict[str, Any]:
        return {"time": iso(self.time), "detail_type": self.detail_type, "kind": self.kind,
                "origin": self.origin, "status": self.status, "cause": self.cause,
                "impact": self.impact, "type": self.finding_type,
                "description": self.description, "summary": self.summary()}


@dataclass(frozen=True, slots=True)
class TenantHistory:
    name: str
    arn: str
    events: tuple[TenantEvent, ...]  # newest first


@dataclass(frozen=True, slots=True)
class EventsReport:
    log_group: str
    account: str
    region: str
    since: datetime
    until: datetime
    tenants: tuple[TenantHistory, ...]  # the tenant with the newest event first
    skipped: int = 0  # log events that are not SES tenant events


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_report(logged: Iterable[tuple[int, str]], *, names: frozenset[str] | None,
                 log_group: str, account: str, region: str, since: datetime,
                 until: datetime) -> EventsReport:
    """`logged`: (ingestion timestamp in ms, message) of each log event; `names` narrows."""
    by_arn: dict[str, list[tuple[int, TenantEvent]]] = {}
    skipped = 0
    for index, (timestamp, message) in enumerate(logged):
        event = parse_event(message, timestamp)
        if event is None:
            skipped += 1
        elif names is None or event.tenant in names:
            by_arn.setdefault(event.arn, []).append((index, event))
    histories = [TenantHistory(events[0][1].tenant, arn, tuple(
        e for _, e in sorted(events, key=_order, reverse=True)))
        for arn, events in by_arn.items()]
    histories.sort(key=lambda h: h.name)
    histories.sort(key=lambda h: (h.events[0].time.replace(microsecond=0),
                                  h.events[0].arrived), reverse=True)
    return EventsReport(log_group, account, region, since, until, tuple(histories), skipped)


def _order(item: tuple[int, TenantEvent]) -> tuple[datetime, int, int]:
    """Event time to the second (EventBridge's `time` has no more), then arrival, then the
    order read: SES events of the same second keep the order they were logged in."""
    index, event = item
    return event.time.replace(microsecond=0), event.arrived, index


def parse_event(message: str, logged_ms: int) -> TenantEvent | None:
    """The SES tenant event in one log message, or None when it is something else."""
    try:
        event = json.loads(message)
    except ValueError:
        return None
    if not isinstance(event, dict) or event.get("source") != "aws.ses":
        return None
    arn = next((r for r in event.get("resources") or () if _tenant_name(r)), None)
    detail = event.get("detail")
    if arn is None or not isinstance(detail, dict):
        return None
    detail_type = str(event.get("detail-type", ""))
    fallback = _event_time(event.get("time")) or datetime.fromtimestamp(logged_ms / 1000, UTC)
    base: dict[str, Any] = {"tenant": _tenant_name(arn), "arn": arn,
                            "detail_type": detail_type, "arrived": logged_ms}
    data = detail.get("data")
    if detail_type in STATUS_TYPES and isinstance(data, dict):
        record = data.get("record") if isinstance(data.get("record"), dict) else {}
        return TenantEvent(time=_array_time(record.get("lastUpdatedTimestamp")) or fallback,
                           kind="status", origin=_text(data.get("origin")),
                           status=_text(record.get("status")), cause=_text(record.get("cause")),
                           **base)
    if detail_type == FINDING_OPEN or detail_type in FINDING_CLOSED:
        metadata = detail.get("metadata") if isinstance(detail.get("metadata"), dict) else {}
        return TenantEvent(time=fallback, kind="finding_opened" if detail_type == FINDING_OPEN
                           else "finding_resolved", impact=_text(metadata.get("impact")),
                           finding_type=_text(metadata.get("type")),
                           description=_text(data) if not isinstance(data, dict) else None,
                           **base)
    return TenantEvent(time=fallback, kind="other", **base)


def _tenant_name(arn: object) -> str:
    """`Acme` from `arn:aws:ses:REGION:ACCOUNT:tenant/Acme/tn-...`; "" for anything else."""
    parts = str(arn).split(":", 5)
    if len(parts) != 6 or parts[2] != "ses" or not parts[5].startswith("tenant/"):
        return ""
    return parts[5].split("/")[1]


def _text(value: object) -> str | None:
    return None if value is None or isinstance(value, dict | list) else str(value)


def _array_time(value: object) -> datetime | None:
    """`[2025, 7, 24, 12, 44, 28, 995000000]` (nanoseconds last) as a UTC time."""
    if not isinstance(value, list) or len(value) < 6 or not all(
            isinstance(v, int) for v in value):
        return None
    try:
        nanos = value[6] if len(value) > 6 else 0
        return datetime(*value[:6], nanos // 1000, tzinfo=UTC)
    except (ValueError, TypeError):
        return None


def _event_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
