"""Reading SES tenant events out of log messages, and `--since`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from reconciler.errors import RunError
from reconciler.monitoring.tenant_events import build_report, parse_event, parse_since

ARN = "arn:aws:ses:us-east-1:123456789012:tenant/Acme/tn-1"
NOW = datetime(2025, 7, 24, 12, 0, tzinfo=UTC)


def _message(detail_type: str, detail: dict[str, Any], **extra: Any) -> str:
    return json.dumps({"source": "aws.ses", "detail-type": detail_type, "resources": [ARN],
                       "time": "2025-07-24T12:44:28Z", "detail": detail, **extra})


def _status(status: str, origin: str, stamp: list[int]) -> str:
    return _message(f"Sending Status {'Disabled' if status == 'DISABLED' else 'Enabled'}",
                    {"version": "1.0.0", "data": {"origin": origin, "record": {
                        "status": status, "cause": "Status manually updated.",
                        "lastUpdatedTimestamp": stamp}}})


def test_a_status_event_takes_its_time_from_the_record_s_timestamp_array() -> None:
    event = parse_event(_status("DISABLED", "CUSTOMER_MANAGED",
                                [2025, 7, 24, 12, 44, 28, 995000000]), 0)
    assert event is not None
    assert event.time == datetime(2025, 7, 24, 12, 44, 28, 995000, tzinfo=UTC)
    assert (event.tenant, event.summary()) == ("Acme", "paused by you: Status manually updated.")


def test_reinstated_arrives_as_enabled_and_reads_as_reinstated() -> None:
    event = parse_event(_status("REINSTATED", "CUSTOMER_MANAGED", [2025, 7, 24, 1, 2, 3]), 0)
    assert event is not None and event.summary().startswith("reinstated by you")


@pytest.mark.parametrize("detail_type", ["Advisor Recommendation Status Resolved",
                                         "Advisor Recommendation Status Closed"])
def test_both_names_of_a_resolved_finding_are_read(detail_type: str) -> None:
    event = parse_event(_message(detail_type, {"data": "The bounce rate is fine again.",
                                               "metadata": {"impact": "HIGH",
                                                            "type": "BOUNCE"}}), 0)
    assert event is not None and event.kind == "finding_resolved"
    assert event.summary() == "finding resolved: HIGH BOUNCE: The bounce rate is fine again."


@pytest.mark.parametrize("message", [
    "not json", "[]", json.dumps({"source": "aws.ec2", "detail": {}}),
    json.dumps({"source": "aws.ses", "resources": ["arn:aws:ses:r:1:identity/x"],
                "detail": {}})])
def test_anything_else_in_the_group_is_not_a_tenant_event(message: str) -> None:
    assert parse_event(message, 0) is None


def test_events_of_the_same_second_keep_the_order_they_were_logged_in() -> None:
    later = _message("Sending Status Disabled", {"data": {"origin": "AWS_MANAGED"}})
    earlier = _message("Advisor Recommendation Status Open", {"metadata": {"impact": "HIGH"}})
    report = build_report([(1, earlier), (1, later)], names=None, log_group="g", account="a",
                          region="r", since=NOW, until=NOW)
    [history] = report.tenants
    assert [e.kind for e in history.events] == ["status", "finding_opened"]


@pytest.mark.parametrize("text, expected", [
    ("30m", datetime(2025, 7, 24, 11, 30, tzinfo=UTC)),
    ("24h", datetime(2025, 7, 23, 12, 0, tzinfo=UTC)),
    ("2w", datetime(2025, 7, 10, 12, 0, tzinfo=UTC)),
    ("2025-07-20T08:00:00", datetime(2025, 7, 20, 8, 0, tzinfo=UTC)),
    ("2025-07-20T10:00:00+02:00", datetime(2025, 7, 20, 8, 0, tzinfo=UTC)),
])
def test_since_is_a_duration_back_from_now_or_a_time(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


def test_since_in_the_future_is_refused() -> None:
    with pytest.raises(RunError, match="in the future"):
        parse_since("2030-01-01", NOW)
