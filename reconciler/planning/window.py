"""The time window an incremental refresh reads from CloudTrail event history. Pure: the
caller passes the clock.

`--since` takes a duration (`25h`, `90m`, `7d`, `1h30m`) or a timestamp (ISO 8601; without
an offset it is UTC). The window opens `overlap` earlier than asked, because events reach the
history minutes after the call; it must fit in the 90 days the history keeps, else the refresh
is full.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from reconciler.errors import OptionConflictError

HISTORY = dt.timedelta(days=90)
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


@dataclass(frozen=True, slots=True)
class Window:
    """Events in [start, end] are read; `since` is what was asked (start = since - overlap)."""

    since: dt.datetime
    start: dt.datetime
    end: dt.datetime


def parse_since(text: str, now: dt.datetime) -> dt.datetime:
    """The instant `--since` names; OptionConflictError in one sentence for anything else."""
    value = text.strip()
    match = _DURATION.match(value)
    if value and match and any(match.groups()):
        days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
        return now - dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise OptionConflictError(
            f"--since {text!r} is neither a duration (25h, 90m, 7d, 1h30m) nor a timestamp "
            "(2026-11-28T02:00:00Z); give one of those") from None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)


def open_window(since: dt.datetime, now: dt.datetime,
                overlap: dt.timedelta) -> tuple[Window | None, str | None]:
    """The window, or None and the sentence saying why the refresh must be full."""
    start = since - overlap
    if since > now:
        raise OptionConflictError(
            f"--since {stamp(since)} is in the future (now is {stamp(now)}); give a past "
            "instant or a duration such as 25h")
    if start < now - HISTORY:
        return None, (f"the window would start at {stamp(start)}, more than 90 days ago, "
                      "beyond CloudTrail's event history")
    return Window(since, start, now), None


def stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
