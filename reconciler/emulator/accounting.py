"""Call accounting for the emulator: how many calls each (service, operation) received.

Benchmarks and call-budget tests need to know exactly what a reconcile cost, including the
attempts the fault injector refused, so every request that reaches the emulator is recorded here
once, with its outcome:

- ``accepted``: passed fault injection and was answered by the emulated service (whether that
  answer was a success or a service error such as NotFound);
- ``throttled``: refused by the throttling token bucket;
- ``failed``: refused by an injected random or targeted failure.

Counters are thread-safe; ``snapshot()`` returns an immutable copy that supports subtraction, so a
caller can measure one phase as ``after - before``. Counts cannot show the *order* of calls, which
is what an ordering guarantee (associate before disassociate) is about, so an opt-in journal
records each request, in arrival order, with the request's parameters.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

Outcome = Literal["accepted", "throttled", "failed"]
OUTCOMES: tuple[Outcome, ...] = ("accepted", "throttled", "failed")

_READ_PREFIXES = (
    "Get", "List", "Describe", "Lookup", "Search", "Filter", "Test", "Simulate", "BatchGet",
    "Query", "Scan", "Head",
)


def is_read_operation(operation: str) -> bool:
    """Whether an operation only reads; the AWS naming convention decides (Get/List/Describe...)."""
    return operation.startswith(_READ_PREFIXES)


@dataclass(frozen=True)
class CounterSnapshot:
    """An immutable view of the counters at one moment, keyed by (service, operation, outcome)."""

    counts: MappingProxyType[tuple[str, str, Outcome], int] = field(
        default_factory=lambda: MappingProxyType({}))

    def total(self, service: str | None = None) -> int:
        """Accepted calls, optionally for one service."""
        return self._sum("accepted", service)

    def throttled(self, service: str | None = None) -> int:
        return self._sum("throttled", service)

    def failed(self, service: str | None = None) -> int:
        return self._sum("failed", service)

    def attempts(self, service: str | None = None) -> int:
        """Every request that reached the emulator, whatever its outcome."""
        return sum(self._sum(outcome, service) for outcome in OUTCOMES)

    def writes(self, service: str | None = None) -> int:
        """Accepted calls to operations that change state."""
        return sum(n for (svc, op, outcome), n in self.counts.items()
                   if outcome == "accepted" and not is_read_operation(op)
                   and (service is None or svc == service))

    def by_operation(self, outcome: Outcome = "accepted") -> dict[tuple[str, str], int]:
        """Counts per (service, operation) for one outcome, sorted for stable output."""
        rows = {(svc, op): n for (svc, op, out), n in self.counts.items() if out == outcome}
        return dict(sorted(rows.items()))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form used by the server's counters endpoint."""
        return {
            "total": self.total(), "throttled": self.throttled(), "failed": self.failed(),
            "attempts": self.attempts(), "writes": self.writes(),
            "by_operation": {outcome: {f"{svc}:{op}": n for (svc, op), n
                                       in self.by_operation(outcome).items()}
                             for outcome in OUTCOMES},
        }

    def __sub__(self, earlier: CounterSnapshot) -> CounterSnapshot:
        delta = Counter(dict(self.counts))
        delta.subtract(dict(earlier.counts))
        return CounterSnapshot(MappingProxyType({k: n for k, n in delta.items() if n}))

    def _sum(self, outcome: Outcome, service: str | None) -> int:
        return sum(n for (svc, _, out), n in self.counts.items()
                   if out == outcome and (service is None or svc == service))


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One request as the emulator received it; `params` are the JSON body's top-level members
    plus the decoded path segments under `_path` (enough to tell which tenant and resource)."""

    service: str
    operation: str
    outcome: Outcome
    params: MappingProxyType[str, object]


class CallCounters:
    """Thread-safe live counters; the query methods read a consistent snapshot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str, Outcome]] = Counter()
        self._write_generation = 0
        self._journal: list[JournalEntry] | None = None

    @property
    def journaling(self) -> bool:
        return self._journal is not None

    def start_journal(self) -> None:
        """Record every following request in order (memory grows with calls: opt-in)."""
        with self._lock:
            self._journal = []

    def journal(self) -> tuple[JournalEntry, ...]:
        with self._lock:
            return tuple(self._journal or ())

    def log(self, entry: JournalEntry) -> None:
        with self._lock:
            if self._journal is not None:
                self._journal.append(entry)

    def record(self, service: str, operation: str, outcome: Outcome) -> None:
        with self._lock:
            self._counts[(service, operation, outcome)] += 1
            if outcome == "accepted" and not is_read_operation(operation):
                self._write_generation += 1

    @property
    def write_generation(self) -> int:
        """Grows with every accepted write and never resets: the server's dirty marker."""
        return self._write_generation

    def snapshot(self) -> CounterSnapshot:
        with self._lock:
            return CounterSnapshot(MappingProxyType(dict(self._counts)))

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()

    def total(self, service: str | None = None) -> int:
        return self.snapshot().total(service)

    def throttled(self, service: str | None = None) -> int:
        return self.snapshot().throttled(service)

    def failed(self, service: str | None = None) -> int:
        return self.snapshot().failed(service)

    def attempts(self, service: str | None = None) -> int:
        return self.snapshot().attempts(service)

    def writes(self, service: str | None = None) -> int:
        return self.snapshot().writes(service)

    def by_operation(self, outcome: Outcome = "accepted") -> dict[tuple[str, str], int]:
        return self.snapshot().by_operation(outcome)
