"""Waiting out IAM's eventual consistency after a write.

IAM is global and eventually consistent: a policy or role created a moment ago may still answer
NoSuchEntity to a read or an attachment. Calls that target an entity the same run just wrote
retry that one answer, with a bounded exponential backoff; everything else fails at once. The
bound is a parameter so tests (and emulated accounts, which are consistent) do not wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from botocore.exceptions import ClientError

from reconciler.aws.wire import error_code

T = TypeVar("T")
NO_SUCH_ENTITY = "NoSuchEntity"


@dataclass(frozen=True, slots=True)
class Settle:
    """Retry NoSuchEntity for up to `timeout` seconds in all, first after `first_delay`, each
    wait `factor` times the last (capped at `max_delay`); `timeout` 0 means a single try."""

    timeout: float = 5.0
    first_delay: float = 0.2
    factor: float = 2.0
    max_delay: float = 2.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)

    def delays(self) -> Iterator[float]:
        waited, delay = 0.0, self.first_delay
        while waited < self.timeout and delay > 0:
            step = min(delay, self.max_delay, self.timeout - waited)
            yield step
            waited += step
            delay *= self.factor


NO_SETTLE = Settle(timeout=0.0)
AFTER_WRITE = Settle()  # the default wait for what this run wrote: about 5 s in all


def settled(call: Callable[[], T], settle: Settle, codes: frozenset[str] = frozenset({
        NO_SUCH_ENTITY})) -> T:
    """`call()`, retried while it answers one of `codes` and the settle budget lasts."""
    for delay in settle.delays():
        try:
            return call()
        except ClientError as err:
            if error_code(err) not in codes:
                raise
        settle.sleep(delay)
    return call()


def is_missing(err: ClientError) -> bool:
    return error_code(err) == NO_SUCH_ENTITY
