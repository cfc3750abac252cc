"""The limiter's arithmetic, against a fake clock passed in as a parameter."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.aws.ratelimit import AdaptiveRateLimiter, operation_family


class FakeClock:
    """Time that only moves when someone sleeps or the test advances it."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def limiter(clock: FakeClock, start: float | None = 1.0, **kwargs: float) -> AdaptiveRateLimiter:
    return AdaptiveRateLimiter(start, clock=clock, sleep=clock.sleep, **kwargs)


def test_first_call_of_a_family_does_not_wait() -> None:
    clock = FakeClock()
    assert limiter(clock).acquire("sesv2", "GetTenant") == 0.0


def test_calls_are_spaced_at_the_start_rate() -> None:
    clock = FakeClock()
    lim = limiter(clock, 2.0, ceiling=2.0)
    waits = [lim.acquire("sesv2", "GetTenant") for _ in range(5)]
    assert waits == [0.0, 0.5, 0.5, 0.5, 0.5]
    assert clock.now == pytest.approx(102.0)


def test_idle_time_does_not_accumulate_a_burst_beyond_one_token() -> None:
    clock = FakeClock()
    lim = limiter(clock, 1.0)
    lim.acquire("sesv2", "GetTenant")
    clock.now += 60
    assert [lim.acquire("sesv2", "GetTenant") for _ in range(2)] == [0.0, 1.0]


def test_families_have_separate_buckets() -> None:
    clock = FakeClock()
    lim = limiter(clock, 1.0)
    lim.acquire("sesv2", "GetTenant")
    assert lim.acquire("sesv2", "GetReputationEntity") == 0.0
    assert lim.acquire("sesv2", "ListTenants") == pytest.approx(1.0)


def test_operations_map_to_their_family() -> None:
    assert operation_family("sesv2", "ListTenantResources") == "tenant-read"
    assert operation_family("sesv2", "CreateTenantResourceAssociation") == "tenant-write"
    assert operation_family("sesv2", "UpdateReputationEntityPolicy") == "reputation"
    assert operation_family("sts", "GetCallerIdentity") == "sts:GetCallerIdentity"


def test_throttle_cuts_the_rate_by_the_backoff_factor() -> None:
    clock = FakeClock()
    lim = limiter(clock, 4.0, backoff=0.5)
    lim.throttled("sesv2", "GetTenant")
    assert lim.rate("tenant-read") == pytest.approx(2.0)


def test_throttles_within_the_cooldown_count_once() -> None:
    clock = FakeClock()
    lim = limiter(clock, 4.0, backoff=0.5, cooldown=1.0)
    for _ in range(8):
        lim.throttled("sesv2", "GetTenant")
    assert lim.rate("tenant-read") == pytest.approx(2.0)
    clock.now += 1.0
    lim.throttled("sesv2", "GetTenant")
    assert lim.rate("tenant-read") == pytest.approx(1.0)


def test_rate_never_drops_below_the_floor() -> None:
    clock = FakeClock()
    lim = limiter(clock, 0.3, backoff=0.5, floor=0.2)
    lim.throttled("sesv2", "GetTenant")
    assert lim.rate("tenant-read") == pytest.approx(0.2)


def test_success_adds_growth_over_rate() -> None:
    clock = FakeClock()
    lim = limiter(clock, 2.0, growth=0.5)
    lim.succeeded("sesv2", "GetTenant")
    assert lim.rate("tenant-read") == pytest.approx(2.25)


def test_growth_stops_at_the_ceiling() -> None:
    clock = FakeClock()
    lim = limiter(clock, 1.0, ceiling=1.5, growth=0.5)
    for _ in range(10):
        lim.succeeded("sesv2", "GetTenant")
    assert lim.rate("tenant-read") == pytest.approx(1.5)


def test_unlimited_family_never_waits() -> None:
    clock = FakeClock()
    lim = limiter(clock, None)
    assert sum(lim.acquire("sesv2", "GetTenant") for _ in range(100)) == 0.0


def test_first_throttle_of_an_unlimited_family_starts_below_the_accepted_rate() -> None:
    clock = FakeClock()
    lim = limiter(clock, None, backoff=0.5, window=1.0)
    for _ in range(10):
        lim.acquire("sesv2", "CreateTenant")
        lim.succeeded("sesv2", "CreateTenant")
        clock.now += 0.05
    lim.throttled("sesv2", "CreateTenant")
    assert lim.rate("tenant-write") == pytest.approx(5.0)


def test_first_throttle_without_any_success_uses_the_sent_rate() -> None:
    clock = FakeClock()
    lim = limiter(clock, None, backoff=0.5, window=1.0)
    for _ in range(6):
        lim.acquire("sesv2", "CreateTenant")
    lim.throttled("sesv2", "CreateTenant")
    assert lim.rate("tenant-write") == pytest.approx(3.0)


def test_a_throttle_makes_the_next_call_wait_a_full_interval() -> None:
    clock = FakeClock()
    lim = limiter(clock, 4.0, backoff=0.5)
    lim.acquire("sesv2", "GetTenant")
    lim.throttled("sesv2", "GetTenant")
    assert lim.acquire("sesv2", "GetTenant") == pytest.approx(0.5)


def test_calls_and_throttles_are_counted_per_operation() -> None:
    clock = FakeClock()
    lim = limiter(clock, None)
    for op in ("GetTenant", "GetTenant", "ListTenants"):
        lim.acquire("sesv2", op)
    lim.throttled("sesv2", "GetTenant")
    assert lim.calls == {"GetTenant": 2, "ListTenants": 1}
    assert lim.throttles == {"GetTenant": 1}


def test_concurrent_callers_reserve_consecutive_slots() -> None:
    clock = FakeClock()
    waits: list[float] = []
    lim = AdaptiveRateLimiter(10.0, ceiling=10.0, clock=clock, sleep=waits.append)
    threads = [threading.Thread(target=lim.acquire, args=("sesv2", "GetTenant"))
               for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == pytest.approx([0.1 * i for i in range(1, 20)])


@given(st.lists(st.booleans(), max_size=200), st.floats(0.1, 50.0))
def test_rate_stays_between_floor_and_ceiling_whatever_the_answers(
        throttles: list[bool], start: float) -> None:
    clock = FakeClock()
    lim = limiter(clock, start, ceiling=60.0, floor=0.1)
    for throttled in throttles:
        clock.now += 0.3
        (lim.throttled if throttled else lim.succeeded)("sesv2", "GetTenant")
    assert 0.1 <= lim.rate("tenant-read") <= 60.0
