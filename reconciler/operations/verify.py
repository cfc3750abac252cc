"""`verify --send-test`: can each tenant actually send through the resources it is given?

One message per selected tenant, to the SES mailbox simulator only (`success@...`: SES accepts
it, delivers nothing, and it counts against neither bounce nor complaint rates), with
`TenantName`, from the tenant's identity, through its configuration set and with its template
when the config gives them (the first of each, in name order; a template is rendered with `{}`
as its data). Sends are sequential and paced at `PACE_SHARE` of the account's MaxSendRate, so
the test leaves room for the account's own mail.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from reconciler.aws.sending import ProbeMessage, SendResult, max_send_rate, send_test
from reconciler.errors import RunError
from reconciler.kinds.tenant import Tenant
from reconciler.state import Desired

SIMULATOR = "success@simulator.amazonses.com"
PACE_SHARE = 0.8
LOCAL_PART = "send-test"  # the From of a tenant whose identity is a domain


@dataclass(frozen=True, slots=True)
class VerifyReport:
    account: str
    region: str
    recipient: str
    max_send_rate: float
    results: tuple[SendResult, ...]
    messages: tuple[ProbeMessage, ...]

    @property
    def ok(self) -> bool:
        return all(r.outcome == "sent" for r in self.results)


def check_recipient(to: str) -> None:
    """Only the simulator's success address: a test must never reach a real mailbox."""
    if to != SIMULATOR:
        raise RunError(f"verify --send-test sends only to the SES mailbox simulator's {SIMULATOR}, "
                       f"not to {to}, so no real mailbox is ever written to; drop --to or give "
                       f"--to {SIMULATOR} (nothing was sent)")


def selected(desired: Desired, names: Iterable[str]) -> list[Tenant]:
    """The named tenants (every tenant of the config if none), in name order."""
    wanted = sorted(set(names)) or sorted(desired.tenants)
    unknown = [n for n in wanted if n not in desired.tenants]
    if unknown:
        raise RunError(f"--tenant names tenants the config does not declare: "
                       f"{', '.join(unknown)}; give names from the config (nothing was sent)")
    return [desired.tenants[n] for n in wanted]


def probe_message(tenant: Tenant, to: str) -> ProbeMessage | None:
    """None when the config gives the tenant no identity to send from."""
    def first(kind: str) -> str | None:
        return next((r.name for r in sorted(tenant.resources) if r.kind == kind), None)

    identity = first("identity")
    if identity is None:
        return None
    sender = identity if "@" in identity else f"{LOCAL_PART}@{identity}"
    return ProbeMessage(tenant.name, sender, to, first("configuration-set"), first("template"))


class Pacer:
    """Starts at most one send per interval (first send at once)."""

    def __init__(self, per_second: float, clock: Callable[[], float],
                 sleep: Callable[[float], None]) -> None:
        self.interval = 1.0 / per_second
        self.clock, self.sleep = clock, sleep
        self.next: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self.next is not None and now < self.next:
            self.sleep(self.next - now)
            now = self.next
        self.next = now + self.interval


def send_tests(client: Any, desired: Desired, names: Iterable[str], to: str, *,
               account: str, region: str, clock: Callable[[], float] = time.monotonic,
               sleep: Callable[[float], None] = time.sleep) -> VerifyReport:
    check_recipient(to)
    tenants = selected(desired, names)
    rate = max_send_rate(client)
    if rate <= 0:
        raise RunError(f"account {account} may send no mail in {region} (GetAccount "
                       "MaxSendRate 0); nothing was sent")
    pacer = Pacer(rate * PACE_SHARE, clock, sleep)
    results: list[SendResult] = []
    messages: list[ProbeMessage] = []
    for tenant in tenants:
        message = probe_message(tenant, to)
        if message is None:
            results.append(SendResult(tenant.name, "no_identity"))
            continue
        pacer.wait()
        messages.append(message)
        results.append(send_test(client, message))
    return VerifyReport(account, region, to, rate, tuple(results), tuple(messages))
