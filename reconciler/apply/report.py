"""What an apply did, change by change: the executor fills it, renderers print it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from reconciler.planning.plan import Change

OutcomeStatus = Literal["applied", "failed", "skipped", "not_started"]


@dataclass(frozen=True, slots=True)
class Outcome:
    change: Change
    status: OutcomeStatus
    detail: str = ""  # error message for failed, the failed prerequisite's key for skipped
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class ApplyReport:
    outcomes: tuple[Outcome, ...]
    calls: Mapping[str, int] = field(default_factory=dict)  # API calls per operation
    seconds: float = 0.0
    interrupted: bool = False  # stopped by a signal: what was not started is `not_started`

    def _with(self, status: OutcomeStatus) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status == status)

    @property
    def applied(self) -> tuple[Outcome, ...]:
        return self._with("applied")

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return self._with("failed")

    @property
    def skipped(self) -> tuple[Outcome, ...]:
        return self._with("skipped")

    @property
    def not_started(self) -> tuple[Outcome, ...]:
        return self._with("not_started")

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped and not self.not_started
