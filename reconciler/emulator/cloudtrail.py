"""CloudTrail event history for the emulator: a record of the write calls it answered.

moto has no LookupEvents, yet incremental drift reads exactly that, so the interception hook
(`interception.py`) hands every answered write of a recorded service to `record`, with the
caller's access key and user agent taken from the request. Events are kept per account and
Region (IAM's in us-east-1, as CloudTrail records them) in arrival order, compactly; the
`CloudTrailEvent` JSON string is built only when a lookup returns the event.

`lookup` answers LookupEvents as CloudTrail documents it: newest first, one lookup attribute,
MaxResults 1-50, a NextToken bound to its query, StartTime/EndTime, and a token bucket at about
2 requests/s per account and Region. The bucket follows `EmulatorOptions.lookup_events_pacing`:
`throttle` refuses (ThrottlingException), `count` answers and counts what it would have
refused, `off` does neither.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# moto service name -> CloudTrail event source; add a service here to record its writes
EVENT_SOURCES: dict[str, str] = {
    "sesv2": "ses.amazonaws.com",
    "ses": "ses.amazonaws.com",
    "iam": "iam.amazonaws.com",
    "events": "events.amazonaws.com",
    "logs": "logs.amazonaws.com",
    "sns": "sns.amazonaws.com",
}
GLOBAL_REGIONS: dict[str, str] = {"iam": "us-east-1"}
# sends, publishes and log and event puts are data-plane traffic, not management events
UNRECORDED = frozenset({"SendEmail", "SendBulkEmail", "SendRawEmail", "SendTemplatedEmail",
                        "SendBulkTemplatedEmail", "SendCustomVerificationEmail", "Publish",
                        "PublishBatch", "PutLogEvents", "PutEvents"})
ATTRIBUTE_KEYS = ("EventId", "EventName", "ReadOnly", "Username", "ResourceType",
                  "ResourceName", "EventSource", "AccessKeyId")
MAX_RESULTS = 50
_ACCOUNT_ARN = re.compile(r"^arn:[^:]+:[^:]+:[^:]*:\d{12}:")
HISTORY_DAYS = 90
_RESOURCE_TYPES = {
    "tenant": "AWS::SES::Tenant", "identity": "AWS::SES::EmailIdentity",
    "configuration-set": "AWS::SES::ConfigurationSet", "template": "AWS::SES::Template",
    "policy": "AWS::IAM::Policy", "role": "AWS::IAM::Role", "user": "AWS::IAM::User",
    "group": "AWS::IAM::Group", "rule": "AWS::Events::Rule",
    "log-group": "AWS::Logs::LogGroup",
}
_SNS_TOPIC = "AWS::SNS::Topic"
_NAME_KEYS = {
    "tenantName": "AWS::SES::Tenant", "emailIdentity": "AWS::SES::EmailIdentity",
    "configurationSetName": "AWS::SES::ConfigurationSet",
    "templateName": "AWS::SES::Template", "policyName": "AWS::IAM::Policy",
    "roleName": "AWS::IAM::Role", "userName": "AWS::IAM::User", "groupName": "AWS::IAM::Group",
    "logGroupName": "AWS::Logs::LogGroup",
}


class LookupRefused(Exception):
    """A LookupEvents request CloudTrail refuses: its error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Event:
    """One recorded call; everything LookupEvents returns is derived from these fields."""

    event_id: str
    time: float
    name: str
    source: str
    region: str
    account: str
    access_key: str
    username: str
    user_arn: str
    user_agent: str
    request: Mapping[str, Any]
    response: Mapping[str, Any] | None
    error_code: str | None
    error_message: str | None
    resources: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]
        data["request"] = dict(self.request)
        data["response"] = None if self.response is None else dict(self.response)
        data["resources"] = [list(r) for r in self.resources]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        values = dict(data)
        values["resources"] = tuple(tuple(r) for r in values["resources"])
        return cls(**values)

    def wire(self) -> dict[str, Any]:
        """The event as LookupEvents returns it."""
        when = dt.datetime.fromtimestamp(self.time, dt.UTC)
        record: dict[str, Any] = {
            "eventVersion": "1.09",
            "userIdentity": {
                "type": "Root" if self.username == "root" else "IAMUser",
                "principalId": self.account if self.username == "root" else self.access_key,
                "arn": self.user_arn, "accountId": self.account,
                "accessKeyId": self.access_key,
                **({} if self.username == "root" else {"userName": self.username}),
            },
            "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": self.source, "eventName": self.name, "awsRegion": self.region,
            "sourceIPAddress": "127.0.0.1", "userAgent": self.user_agent,
            "requestParameters": dict(self.request) or None,
            "responseElements": None if self.response is None else dict(self.response),
            "requestID": self.event_id, "eventID": self.event_id, "readOnly": False,
            "eventType": "AwsApiCall", "managementEvent": True,
            "recipientAccountId": self.account, "eventCategory": "Management",
        }
        if self.error_code is not None:
            record["errorCode"] = self.error_code
            record["errorMessage"] = self.error_message or ""
        return {
            "EventId": self.event_id, "EventName": self.name, "ReadOnly": "false",
            "AccessKeyId": self.access_key, "EventTime": self.time, "EventSource": self.source,
            "Username": self.username,
            "Resources": [{"ResourceType": t, "ResourceName": n} for t, n in self.resources],
            "CloudTrailEvent": json.dumps(record),
        }

    def matches(self, key: str, value: str) -> bool:
        if key == "ResourceType":
            return any(t == value for t, _ in self.resources)
        if key == "ResourceName":
            return any(n == value for _, n in self.resources)
        actual = {"EventId": self.event_id, "EventName": self.name, "ReadOnly": "false",
                  "Username": self.username, "EventSource": self.source,
                  "AccessKeyId": self.access_key}[key]
        return actual == value


@dataclass
class History:
    """The events of one account and Region, in arrival order, plus the lookup bucket."""

    events: list[Event] = field(default_factory=list)
    tokens: float | None = None
    stamp: float = 0.0
    would_throttle: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take_token(self, rate: float, pacing: str, now: float) -> bool:
        """Whether a lookup may proceed now; `count` always proceeds but counts."""
        if pacing == "off" or rate <= 0:
            return True
        with self.lock:
            burst = max(1.0, rate)
            tokens = burst if self.tokens is None else self.tokens
            tokens = min(burst, tokens + (now - self.stamp) * rate)
            self.stamp = now
            if tokens >= 1.0:
                self.tokens = tokens - 1.0
                return True
            self.tokens = tokens
            if pacing == "count":
                self.would_throttle += 1
                return True
            return False


ATTRIBUTE = "event_history"
_create_lock = threading.Lock()


def history(account: str, region: str) -> History:
    """The history of (account, Region), hung off moto's CloudTrail backend so that it is
    dropped with moto's backends on a reset."""
    from moto.cloudtrail.models import cloudtrail_backends

    backend = cloudtrail_backends[account][region]
    found = backend.__dict__.get(ATTRIBUTE)
    if found is None:
        with _create_lock:
            found = backend.__dict__.get(ATTRIBUTE)
            if found is None:
                found = History()
                setattr(backend, ATTRIBUTE, found)
    return found


def _histories() -> list[tuple[str, str, History]]:
    from moto.cloudtrail.models import cloudtrail_backends

    found = []
    for account, regions in list(cloudtrail_backends.items()):
        for region, backend in list(regions.items()):
            target = backend.__dict__.get(ATTRIBUTE)
            if target is not None:
                found.append((account, region, target))
    return sorted(found, key=lambda row: (row[0], row[1]))


# --- recording ------------------------------------------------------------------------------

def record(*, service: str, operation: str, account: str, region: str, headers: Mapping[str, Any],
           params: Mapping[str, Any], status: int, response_headers: Mapping[str, Any],
           body: Any) -> None:
    """Add one answered write to the history (no-op for reads and unrecorded services)."""
    source = EVENT_SOURCES.get(service)
    if source is None or operation in UNRECORDED or is_read(operation):
        return
    region = GLOBAL_REGIONS.get(service, region)
    access_key = _access_key(headers)
    username, user_arn = _principal(account, access_key)
    request = _camel(params)
    error_code, error_message, response = None, None, None
    if status >= 400:
        error_code, error_message = _error(response_headers, body)
    else:
        response = _json_body(body)
    event = Event(
        event_id=str(uuid.uuid4()), time=time.time(), name=operation, source=source,
        region=region, account=account, access_key=access_key, username=username,
        user_arn=user_arn, user_agent=str(_header(headers, "User-Agent") or ""),
        request=request, response=response, error_code=error_code,
        error_message=error_message, resources=_resources(request, response),
    )
    target = history(account, region)
    with target.lock:
        target.events.append(event)
        if target.events[0].time < event.time - HISTORY_DAYS * 86400:
            target.events = [e for e in target.events
                             if e.time >= event.time - HISTORY_DAYS * 86400]


def is_read(operation: str) -> bool:
    from reconciler.emulator.accounting import is_read_operation

    return is_read_operation(operation)


def _header(headers: Mapping[str, Any], name: str) -> Any:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value


def _access_key(headers: Mapping[str, Any]) -> str:
    auth = str(_header(headers, "Authorization") or "")
    marker = "Credential="
    if marker not in auth:
        return ""
    return auth.split(marker, 1)[1].split("/", 1)[0]


def _principal(account: str, access_key: str) -> tuple[str, str]:
    """The IAM user owning the key in the emulated account, else the account's root."""
    try:
        from moto.iam.models import iam_backends

        key = iam_backends[account]["aws"].access_keys.get(access_key)
    except Exception:
        key = None
    user = getattr(key, "user_name", None)
    if user:
        return str(user), f"arn:aws:iam::{account}:user/{user}"
    return "root", f"arn:aws:iam::{account}:root"


def _camel(params: Mapping[str, Any]) -> dict[str, Any]:
    """Request parameters as CloudTrail writes them: lowerCamelCase top-level keys."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key.startswith("_") or not key:
            continue
        out[key[0].lower() + key[1:]] = value
    return out


def _json_body(body: Any) -> dict[str, Any] | None:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if not isinstance(text, str) or not text.startswith("{"):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return _camel(data) if isinstance(data, dict) and data else None


def _error(headers: Mapping[str, Any], body: Any) -> tuple[str, str]:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    code = str(_header(headers, "x-amzn-ErrorType") or "").split(":", 1)[0]
    message = ""
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = {}
        if isinstance(data, dict):
            code = code or str(data.get("__type", "")).rsplit("#", 1)[-1]
            message = str(data.get("message") or data.get("Message") or "")
    elif "<Code>" in text:
        code = code or text.split("<Code>", 1)[1].split("</Code>", 1)[0]
        if "<Message>" in text:
            message = text.split("<Message>", 1)[1].split("</Message>", 1)[0]
    return code or "UnknownError", message


def _resources(request: Mapping[str, Any],
               response: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    """The resources an event names: ARNs anywhere at the top level, and known name keys."""
    found: list[tuple[str, str]] = []
    for source in (request, response or {}):
        for key, value in source.items():
            if isinstance(value, str) and _ACCOUNT_ARN.match(value):
                found.append((_arn_type(value), value))
            elif key in _NAME_KEYS and isinstance(value, str) and value:
                found.append((_NAME_KEYS[key], value))
    unique: dict[tuple[str, str], None] = dict.fromkeys(found)
    return tuple(unique)


def _arn_type(arn: str) -> str:
    resource = arn.split(":", 5)[-1]
    head = resource.split("/", 1)[0].split(":", 1)[0]
    return _RESOURCE_TYPES.get(head, f"AWS::{arn.split(':')[2].upper()}::Resource")


# --- lookup ---------------------------------------------------------------------------------

def lookup(account: str, region: str, body: Mapping[str, Any], *, pacing: str,
           rate: float) -> dict[str, Any]:
    """One LookupEvents page; LookupRefused for what CloudTrail refuses."""
    attribute = _attribute(body.get("LookupAttributes"))
    max_results = body.get("MaxResults", MAX_RESULTS)
    if not isinstance(max_results, int) or not 1 <= max_results <= MAX_RESULTS:
        raise LookupRefused("InvalidMaxResultsException",
                           "Value for MaxResults is invalid. Valid range is 1 to 50.")
    category = body.get("EventCategory")
    if category is not None and category != "insight":
        raise LookupRefused("InvalidEventCategoryException",
                           f"Event category {category} is not valid.")
    now = time.time()
    start = _epoch(body.get("StartTime"), now - HISTORY_DAYS * 86400)
    end = _epoch(body.get("EndTime"), now)
    if start > end:
        raise LookupRefused("InvalidTimeRangeException",
                           "Start time must be less than or equal to end time.")
    query = _query_digest(attribute, body.get("StartTime"), body.get("EndTime"), category)
    target = history(account, region)
    before = _token_position(body.get("NextToken"), query, len(target.events))
    if not target.take_token(rate, pacing, time.monotonic()):
        raise LookupRefused("ThrottlingException", "Rate exceeded")
    if category == "insight":
        return {"Events": []}
    with target.lock:
        events = target.events[:before] if before is not None else list(target.events)
    page: list[Event] = []
    position = len(events)
    next_position: int | None = None
    while position > 0:
        position -= 1
        event = events[position]
        if event.time < start:
            break
        if event.time > end or (attribute is not None and not event.matches(*attribute)):
            continue
        if len(page) == max_results:
            next_position = position + 1
            break
        page.append(event)
    answer: dict[str, Any] = {"Events": [e.wire() for e in page]}
    if next_position is not None:
        answer["NextToken"] = _token(next_position, query)
    return answer


def _attribute(raw: Any) -> tuple[str, str] | None:
    if raw is None or raw == []:
        return None
    if not isinstance(raw, list) or len(raw) != 1 or not isinstance(raw[0], dict):
        raise LookupRefused("InvalidLookupAttributesException",
                           "You can specify only one lookup attribute.")
    key, value = raw[0].get("AttributeKey"), raw[0].get("AttributeValue")
    if key not in ATTRIBUTE_KEYS:
        raise LookupRefused("InvalidLookupAttributesException",
                           f"Lookup attribute key {key} is not valid.")
    if not isinstance(value, str) or not 1 <= len(value) <= 2000:
        raise LookupRefused("InvalidLookupAttributesException",
                           "The lookup attribute value must be 1 to 2000 characters.")
    return str(key), value


def _epoch(value: Any, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, int | float):
        return float(value)
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise LookupRefused("InvalidTimeRangeException",
                           f"Time {value} is not a valid timestamp.") from None


def _query_digest(attribute: tuple[str, str] | None, start: Any, end: Any,
                  category: Any) -> str:
    text = json.dumps([attribute, start, end, category])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _token(position: int, query: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([position, query]).encode()).decode()


def _token_position(token: Any, query: str, size: int) -> int | None:
    if token is None:
        return None
    try:
        position, bound = json.loads(base64.urlsafe_b64decode(str(token).encode()))
    except (ValueError, TypeError, binascii.Error):
        raise LookupRefused("InvalidNextTokenException", "Invalid NextToken.") from None
    if bound != query or not isinstance(position, int) or not 0 <= position <= size:
        raise LookupRefused("InvalidNextTokenException",
                           "NextToken does not match the query it was issued for.")
    return position


# --- control and persistence ----------------------------------------------------------------

def age(account: str, seconds: float) -> int:
    """Move every recorded event of the account `seconds` into the past; returns how many."""
    moved = 0
    for acct, _, target in _histories():
        if acct != account:
            continue
        with target.lock:
            target.events = [_aged(e, seconds) for e in target.events]
            moved += len(target.events)
    return moved


def _aged(event: Event, seconds: float) -> Event:
    values = {name: getattr(event, name) for name in Event.__slots__}  # type: ignore[attr-defined]
    values["time"] = event.time - seconds
    return Event(**values)


def stats(account: str, region: str) -> dict[str, int]:
    target = history(account, region)
    with target.lock:
        return {"events": len(target.events), "would_throttle": target.would_throttle}


def dump() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for account, region, target in _histories():
        with target.lock:
            if target.events:
                out.setdefault(account, {})[region] = [e.to_dict() for e in target.events]
    return out


def load(data: Mapping[str, Any]) -> None:
    for account, regions in data.items():
        for region, events in regions.items():
            history(account, region).events = [Event.from_dict(e) for e in events]
