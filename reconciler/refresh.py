"""How a plan or drift refreshes the account: in full, or incrementally from event history.

`Refresh` is what the command line asked; `refresh_scope` decides, reading CloudTrail when
asked to, and returns the tenant scope to read (None: everything) with a `RefreshReport`
that the plan's notices carry, so every rendering states the window covered or why the
refresh was full. The watermark file holds the end of the last covered window.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reconciler.aws.clients import ClientFactory
from reconciler.aws.cloudtrail import HistoryDenied
from reconciler.errors import OptionConflictError, RunError
from reconciler.kinds.incremental import Changes, NoEventSource, changed_tenants
from reconciler.planning.window import Window, open_window, parse_since, stamp
from reconciler.state import Desired


@dataclass(frozen=True, slots=True)
class Refresh:
    """`since` (duration or timestamp) or `watermark` ask for an incremental refresh;
    `full` forces a full one (the watermark, if given, is still written)."""

    since: str | None = None
    watermark: Path | None = None
    full: bool = False

    @property
    def incremental(self) -> bool:
        return not self.full and (self.since is not None or self.watermark is not None)


@dataclass(frozen=True, slots=True)
class RefreshReport:
    mode: Literal["full", "incremental"]
    now: dt.datetime
    window: Window | None = None
    fallback: str | None = None
    changes: Changes | None = None
    overlap_minutes: float = 0.0

    def sentence(self) -> str:
        if self.mode == "full":
            why = f": {self.fallback}" if self.fallback else ""
            return f"Full refresh (every tenant read){why}."
        assert self.window is not None and self.changes is not None
        c = self.changes
        return (f"Incremental refresh: CloudTrail events from {stamp(self.window.start)} to "
                f"{stamp(self.window.end)} (since {stamp(self.window.since)}, less "
                f"{self.overlap_minutes:g} min for delivery delay); "
                f"{_n(c.events, 'out-of-band write')} read, {c.own} of this tool's own and "
                f"{c.failed} failed calls skipped; "
                f"{_n(len(c.tenants), 'tenant')} changed and read, the others not read"
                f"{'; monitoring touched and read' if c.account_level else ''}.")

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"mode": self.mode, "fallback": self.fallback}
        if self.window is not None:
            out |= {"since": stamp(self.window.since), "start": stamp(self.window.start),
                    "end": stamp(self.window.end)}
        if self.changes is not None:
            out |= {"events": self.changes.events, "own": self.changes.own,
                    "failed": self.changes.failed, "tenants": sorted(self.changes.tenants),
                    "sources": list(self.changes.sources),
                    "account_level": self.changes.account_level}
        return out


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def refresh_scope(factory: ClientFactory, desired: Desired, refresh: Refresh,
                  now: dt.datetime) -> tuple[frozenset[str | None] | None, RefreshReport]:
    """The scope to read (None: all; None in it: the account-level objects too) and the
    report saying why."""
    overlap = desired.settings.drift_overlap_minutes
    if refresh.full:
        return None, RefreshReport("full", now, fallback="--full was given")
    since_text = refresh.since
    if since_text is None:
        assert refresh.watermark is not None
        since_text = read_watermark(refresh.watermark)
        if since_text is None:
            return None, RefreshReport("full", now, fallback=(
                f"the watermark file {refresh.watermark} does not exist yet (first run)"))
    window, reason = open_window(parse_since(since_text, now), now,
                                 dt.timedelta(minutes=overlap))
    if window is None:
        return None, RefreshReport("full", now, fallback=reason)
    try:
        changes = changed_tenants(factory, desired, window)
    except HistoryDenied as err:
        return None, RefreshReport("full", now, fallback=(
            f"{err}; grant it (`iam self-policy` lists it) for incremental drift"))
    except NoEventSource as err:
        return None, RefreshReport("full", now, fallback=str(err))
    return changes.scope, RefreshReport("incremental", now, window, None, changes, overlap)


def read_watermark(path: Path) -> str | None:
    """The timestamp the file holds; None when it does not exist yet."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise RunError(f"cannot read the watermark file {path}: {err.strerror}; check the "
                       "path and its permissions") from err
    if not text:
        raise OptionConflictError(f"the watermark file {path} is empty; delete it (the next "
                                  "run is then a full refresh) or write a timestamp in it")
    return text


def write_watermark(path: Path, now: dt.datetime) -> None:
    """Atomically: a run killed while writing leaves the previous watermark."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(stamp(now) + "\n")
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise RunError(f"cannot write the watermark file {path}: {err.strerror}; the drift "
                       "report is valid, but the next run will start from the old watermark"
                       ) from err
