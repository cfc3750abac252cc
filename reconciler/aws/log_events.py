"""Reading a CloudWatch Logs group's events (FilterLogEvents, every page)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from reconciler.aws.wire import error_code


class LogGroupMissing(LookupError):
    """The log group does not exist in the account and Region."""


def log_events(client: Any, group: str, start_ms: int, end_ms: int,
               page_size: int | None = None) -> Iterator[dict[str, Any]]:
    """`{timestamp, message, ...}` of every event in `[start_ms, end_ms]`, page by page
    (`page_size`: FilterLogEvents' `limit`; default the service's, up to 10,000 or 1 MB)."""
    params: dict[str, Any] = {"logGroupName": group, "startTime": start_ms, "endTime": end_ms}
    if page_size is not None:
        params["limit"] = page_size
    while True:
        try:
            page = client.filter_log_events(**params)
        except ClientError as err:
            if error_code(err) == "ResourceNotFoundException":
                raise LogGroupMissing(group) from err
            raise
        yield from page.get("events") or ()
        token = page.get("nextToken")
        if not token or token == params.get("nextToken"):
            return
        params["nextToken"] = token
