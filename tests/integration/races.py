"""Out-of-band changes that land at an exact moment of a run, through the emulator.

Another team's `CreateTenant` between our read and our write, a tenant deleted between two
reads: real races are timing luck, so the test makes the change itself, through the public API,
just before the emulator handles a chosen request. The request under test then meets the account
as it is after the change; nothing of the code under test is replaced.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from reconciler.emulator import Emulator
from reconciler.emulator.faults import Call, Decision

NEVER = "__never_called__"  # a target that matches nothing, so requests carry their resources


@contextmanager
def just_before(emulator: Emulator, operation: str, resource: str,
                change: Callable[[], object]) -> Iterator[threading.Event]:
    """Run `change` once, just before the first `operation` request naming `resource` is
    handled; the yielded event says whether it fired. Faults are cleared on exit."""
    injector = emulator.faults
    original = injector.decide
    fired = threading.Event()
    lock = threading.Lock()

    def decide(call: Call) -> Decision:
        if call.operation == operation and resource in call.resources:
            with lock:
                first = not fired.is_set()
                fired.set()
            if first:
                change()
        return original(call)

    injector.fail(NEVER)
    injector.decide = decide  # type: ignore[method-assign]
    try:
        yield fired
    finally:
        del injector.decide
        injector.clear()
