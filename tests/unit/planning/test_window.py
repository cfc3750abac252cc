"""The event-history window of an incremental refresh: `--since`, the overlap, 90 days."""

from __future__ import annotations

import datetime as dt

import pytest

from reconciler.errors import OptionConflictError
from reconciler.planning.window import open_window, parse_since

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
OVERLAP = dt.timedelta(minutes=15)


@pytest.mark.parametrize(("text", "ago"), [
    ("25h", dt.timedelta(hours=25)), ("90m", dt.timedelta(minutes=90)),
    ("7d", dt.timedelta(days=7)), ("1h30m", dt.timedelta(hours=1, minutes=30)),
    ("45s", dt.timedelta(seconds=45)),
])
def test_a_duration_counts_back_from_now(text: str, ago: dt.timedelta) -> None:
    assert parse_since(text, NOW) == NOW - ago


def test_a_timestamp_without_offset_is_utc() -> None:
    assert parse_since("2026-11-28T02:00:00", NOW) == dt.datetime(2026, 11, 28, 2, tzinfo=dt.UTC)
    assert parse_since("2026-11-28T02:00:00Z", NOW) == dt.datetime(2026, 11, 28, 2,
                                                                   tzinfo=dt.UTC)


@pytest.mark.parametrize("text", ["yesterday", "", "25", "h", "-3h"])
def test_anything_else_is_refused_in_one_sentence(text: str) -> None:
    with pytest.raises(OptionConflictError, match="neither a duration"):
        parse_since(text, NOW)


def test_the_window_opens_the_overlap_earlier_and_ends_now() -> None:
    window, reason = open_window(NOW - dt.timedelta(hours=25), NOW, OVERLAP)
    assert reason is None and window is not None
    assert window.start == NOW - dt.timedelta(hours=25, minutes=15)
    assert window.end == NOW


def test_a_window_beyond_90_days_asks_for_a_full_refresh() -> None:
    window, reason = open_window(NOW - dt.timedelta(days=90), NOW, OVERLAP)
    assert window is None
    assert reason is not None and "more than 90 days ago" in reason


def test_a_future_start_is_refused() -> None:
    with pytest.raises(OptionConflictError, match="is in the future"):
        open_window(NOW + dt.timedelta(hours=1), NOW, OVERLAP)
