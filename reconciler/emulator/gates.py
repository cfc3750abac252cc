"""Gates: hold one chosen request inside the emulator until a test lets it go.

Crash tests need to stop a client at an exact point of its work: "the apply died after creating
the tenant, before associating it". A gate picks the ``nth`` request of an operation (for one
resource, if given), holds it and reports that it is holding; the test then kills the client and
releases the gate. Two phases:

- ``before`` (default): the request is held *unapplied*; on release it is answered with
  ``error_code`` (a 5xx by default) and never applied, as if the server had crashed first;
- ``after``: the request is applied, then its answer is held; on release the real answer is
  sent. The client never learns that its write took effect.

With ``freeze``, every request that arrives after the chosen one (any operation) is held too,
unapplied, until the release: a client running calls in parallel stops at that instant, as a
killed process does, instead of finishing its other calls around the held one.

A held request is let go after ``max_hold`` seconds even without a release, so a forgotten gate
cannot hang a server thread forever.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal

GatePhase = Literal["before", "after"]
GateState = Literal["armed", "holding", "released"]
PHASES: tuple[GatePhase, ...] = ("before", "after")


@dataclass(frozen=True)
class GateSpec:
    """Which request to hold, and how to answer it."""

    operation: str
    resource: str | None = None
    nth: int = 1
    service: str | None = None
    phase: GatePhase = "before"
    error_code: str = "ServiceUnavailable"
    max_hold: float = 120.0
    freeze: bool = False

    def __post_init__(self) -> None:
        if self.nth < 1:
            raise ValueError(f"nth must be at least 1, not {self.nth}")
        if self.phase not in PHASES:
            raise ValueError(f"phase must be one of {', '.join(PHASES)}, not {self.phase!r}")
        if self.max_hold <= 0:
            raise ValueError(f"max_hold must be positive, not {self.max_hold}")


@dataclass
class Gate:
    """One armed gate; ``claim`` runs under the injector's lock, ``hold`` on the request thread."""

    gate_id: int
    spec: GateSpec
    seen: int = 0
    state: GateState = "armed"
    held_resources: tuple[str, ...] = ()
    frozen: int = 0
    _claimed: bool = field(default=False, repr=False)
    _holding: threading.Event = field(default_factory=threading.Event, repr=False)
    _released: threading.Event = field(default_factory=threading.Event, repr=False)

    def claim(self, service: str, operation: str,
              resources: frozenset[str]) -> GatePhase | None:
        """Count a matching request; the phase to hold it in, or None to let it pass."""
        spec = self.spec
        if self._claimed:
            frozen = spec.freeze and not self._released.is_set()
            if frozen:
                self.frozen += 1
            return "before" if frozen else None
        if (operation != spec.operation
                or (spec.service is not None and service != spec.service)
                or (spec.resource is not None and spec.resource not in resources)):
            return None
        self.seen += 1
        if self.seen < spec.nth:
            return None
        self._claimed = True
        self.held_resources = tuple(sorted(resources))
        return spec.phase

    def hold(self) -> None:
        """Block the request thread until released (or ``max_hold`` passes)."""
        if not self._holding.is_set():
            self.state = "holding"
            self._holding.set()
        self._released.wait(self.spec.max_hold)
        self.state = "released"

    def wait_holding(self, timeout: float) -> bool:
        """True once the chosen request is being held (it stays True after its release)."""
        return self._holding.wait(timeout)

    def release(self) -> None:
        self._released.set()

    def to_dict(self) -> dict[str, Any]:
        spec = self.spec
        return {"id": self.gate_id, "operation": spec.operation, "resource": spec.resource,
                "nth": spec.nth, "service": spec.service, "phase": spec.phase,
                "error_code": spec.error_code, "max_hold": spec.max_hold,
                "freeze": spec.freeze, "seen": self.seen, "state": self.state,
                "held_resources": list(self.held_resources), "frozen": self.frozen}
