"""Local SES emulator: moto extended with the SES v2 tenant APIs.

`Emulator` is the in-process handle used by tests, benchmarks and `--target local`; it carries
`faults` (a `FaultInjector`), `counters` (`CallCounters`), `control`, `options` and `save()`.
`local serve` exposes the same account over HTTP (see `reconciler.emulator.server`).
"""

from reconciler.emulator.accounting import CallCounters, CounterSnapshot
from reconciler.emulator.faults import FaultConfig, FaultInjector
from reconciler.emulator.handle import DEFAULT_ACCOUNT, DEFAULT_REGION, Emulator

__all__ = [
    "DEFAULT_ACCOUNT",
    "DEFAULT_REGION",
    "CallCounters",
    "CounterSnapshot",
    "Emulator",
    "FaultConfig",
    "FaultInjector",
]
