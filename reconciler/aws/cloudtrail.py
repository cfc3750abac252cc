"""CloudTrail event history: the write calls of one event source over a time window.

LookupEvents takes one lookup attribute per call and returns at most 50 events a page, newest
first; the `EventSource` attribute selects one service's calls. The `CloudTrailEvent` JSON
string carries what the tool needs beyond the summary: the caller's user agent (to skip its
own calls), the error code (failed calls changed nothing), the request parameters and the
response elements (which objects the call touched).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from reconciler.aws.failures import ACCESS_DENIED
from reconciler.aws.wire import error_code
from reconciler.errors import RunError

PAGE = 50


class HistoryDenied(RunError):
    """The credentials may not call cloudtrail:LookupEvents."""


@dataclass(frozen=True, slots=True)
class TrailEvent:
    """One write call as event history records it (the fields the mapping reads)."""

    name: str
    source: str
    time: dt.datetime
    user_agent: str
    username: str
    error_code: str | None
    request: Mapping[str, Any]
    response: Mapping[str, Any]
    resources: tuple[str, ...]

    @classmethod
    def from_wire(cls, item: Mapping[str, Any]) -> TrailEvent:
        try:
            record = json.loads(item.get("CloudTrailEvent") or "{}")
        except ValueError:
            record = {}
        if not isinstance(record, dict):
            record = {}
        when = item.get("EventTime")
        if not isinstance(when, dt.datetime):
            when = dt.datetime.fromtimestamp(0, dt.UTC)
        return cls(
            name=str(item.get("EventName") or record.get("eventName") or ""),
            source=str(item.get("EventSource") or record.get("eventSource") or ""),
            time=when,
            user_agent=str(record.get("userAgent") or ""),
            username=str(item.get("Username") or ""),
            error_code=record.get("errorCode") or None,
            request=_mapping(record.get("requestParameters")),
            response=_mapping(record.get("responseElements")),
            resources=tuple(str(r.get("ResourceName") or "") for r in item.get("Resources") or ()
                            if r.get("ResourceName")),
        )

    def values(self) -> Iterator[tuple[str, Any]]:
        """(key, value) of the request parameters and response elements, top level first,
        keys compared case-insensitively by the mappers (`tenantName` / `TenantName`)."""
        for source in (self.request, self.response):
            yield from source.items()


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def lookup_writes(client: Any, source: str, start: dt.datetime,
                  end: dt.datetime) -> list[TrailEvent]:
    """Every management event of `source` in [start, end], all pages (newest first)."""
    events: list[TrailEvent] = []
    token: str | None = None
    params: dict[str, Any] = {
        "LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": source}],
        "StartTime": start, "EndTime": end, "MaxResults": PAGE,
    }
    while True:
        try:
            page = client.lookup_events(**params, **({"NextToken": token} if token else {}))
        except ClientError as err:
            if error_code(err) in ACCESS_DENIED:
                raise HistoryDenied(
                    f"cloudtrail:LookupEvents was denied ({error_code(err)}) reading the "
                    f"events of {source}") from err
            raise
        events.extend(TrailEvent.from_wire(item) for item in page.get("Events") or ())
        token = page.get("NextToken")
        if not token:
            return events
