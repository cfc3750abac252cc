"""Adaptive client-side rate limiting, attached to botocore clients through events.

SES publishes no rate for the tenant APIs and suggests about one request per second, so the
limiter keeps one token bucket per *operation family* (the APIs that share a server-side budget,
as far as one can guess: tenant reads, tenant writes, reputation, tags). Every HTTP attempt takes a
token, retries included, because a retry costs the server exactly as much as the first try.
Throttles cut the family's rate by a factor (at most once per cool-down, so a burst of parallel
throttles is one signal, not eight); successes add back a little, up to a ceiling. Waiting
happens outside the lock: a caller reserves its slot, then sleeps for it, so service is fair.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from typing import Any

THROTTLE_CODES = frozenset({
    "TooManyRequestsException", "ThrottlingException", "Throttling", "ThrottledException",
    "RequestLimitExceeded", "SlowDown", "RequestThrottled", "RequestThrottledException",
})

_FAMILIES: Mapping[str, str] = {
    **dict.fromkeys(("GetTenant", "ListTenants", "ListTenantResources", "ListResourceTenants"),
                    "tenant-read"),
    **dict.fromkeys(("CreateTenant", "DeleteTenant", "CreateTenantResourceAssociation",
                     "DeleteTenantResourceAssociation", "PutTenantSuppressionAttributes"),
                    "tenant-write"),
    **dict.fromkeys(("GetReputationEntity", "ListReputationEntities",
                     "UpdateReputationEntityPolicy",
                     "UpdateReputationEntityCustomerManagedStatus", "ListRecommendations"),
                    "reputation"),
    **dict.fromkeys(("TagResource", "UntagResource", "ListTagsForResource"), "tags"),
}


def operation_family(service: str, operation: str) -> str:
    """The bucket an operation draws from; unknown operations get a bucket of their own."""
    if service == "sesv2" and operation in _FAMILIES:
        return _FAMILIES[operation]
    return f"{service}:{operation}"


class _Bucket:
    """Token bucket whose rate may be None (unlimited until the first throttle)."""

    def __init__(self, rate: float | None, now: float) -> None:
        self.rate = rate
        self.tokens = 1.0
        self.stamp = now
        self.last_backoff = float("-inf")
        self.sent: deque[float] = deque()
        self.accepted: deque[float] = deque()

    @staticmethod
    def record(stamps: deque[float], now: float, window: float) -> None:
        stamps.append(now)
        while stamps and stamps[0] <= now - window:
            stamps.popleft()

    def reserve(self, now: float, window: float) -> float:
        """Take one token (possibly on credit) and return how long the caller must wait."""
        self.record(self.sent, now, window)
        if self.rate is None:
            return 0.0
        self.tokens = min(1.0, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class AdaptiveRateLimiter:
    """Per-family token buckets with multiplicative decrease and additive increase.

    `start_rate` None means unlimited until throttled (the local emulator); the first throttle
    then starts from the rate the server accepted over the last `window` seconds (or, with no
    success yet, the rate sent), times `backoff`. `growth` is the rate gained per second of
    successful traffic (each success adds `growth / rate`). `clock` and `sleep` are parameters
    so the arithmetic can be checked against a fake clock.
    """

    def __init__(self, start_rate: float | None = None, *, ceiling: float | None = None,
                 floor: float = 0.2, backoff: float = 0.7, growth: float = 0.5,
                 cooldown: float = 1.0, window: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.start_rate, self.ceiling, self.floor = start_rate, ceiling, floor
        self.backoff, self.growth, self.cooldown, self.window = backoff, growth, cooldown, window
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._buckets: dict[str, _Bucket] = {}
        self._calls: Counter[str] = Counter()
        self._throttles: Counter[str] = Counter()

    @classmethod
    def for_aws(cls) -> AdaptiveRateLimiter:
        """About 1 request/s per family, as SES suggests, allowed to creep up to 2."""
        return cls(1.0, ceiling=2.0, growth=0.05)

    @classmethod
    def for_local(cls) -> AdaptiveRateLimiter:
        """Unlimited until the endpoint throttles."""
        return cls(None)

    def _bucket(self, family: str) -> _Bucket:
        bucket = self._buckets.get(family)
        if bucket is None:
            bucket = self._buckets[family] = _Bucket(self.start_rate, self._clock())
        return bucket

    def acquire(self, service: str, operation: str) -> float:
        """Count one attempt and wait for its token; returns the seconds waited."""
        with self._lock:
            self._calls[operation] += 1
            wait = self._bucket(operation_family(service, operation)).reserve(
                self._clock(), self.window)
        if wait > 0:
            self._sleep(wait)
        return wait

    def throttled(self, service: str, operation: str) -> None:
        """Multiplicative decrease, once per cool-down period per family."""
        with self._lock:
            self._throttles[operation] += 1
            bucket, now = self._bucket(operation_family(service, operation)), self._clock()
            if now - bucket.last_backoff < self.cooldown:
                return
            bucket.last_backoff = now
            base = bucket.rate
            if base is None:
                accepted = sum(1 for t in bucket.accepted if t > now - self.window)
                sent = sum(1 for t in bucket.sent if t > now - self.window)
                base = (accepted or sent) / self.window
            bucket.rate = max(self.floor, base * self.backoff)
            bucket.tokens = min(bucket.tokens, 0.0)
            bucket.stamp = now

    def succeeded(self, service: str, operation: str) -> None:
        """Additive increase: about `growth` requests/s more per second of successes."""
        with self._lock:
            bucket = self._bucket(operation_family(service, operation))
            bucket.record(bucket.accepted, self._clock(), self.window)
            if bucket.rate is None:
                return
            grown = bucket.rate + self.growth / bucket.rate
            bucket.rate = grown if self.ceiling is None else min(self.ceiling, grown)

    def rate(self, family: str) -> float | None:
        with self._lock:
            return self._bucket(family).rate

    @property
    def calls(self) -> dict[str, int]:
        """Attempts per operation so far (retries included): the figure `--stats` prints."""
        with self._lock:
            return dict(self._calls)

    @property
    def throttles(self) -> dict[str, int]:
        with self._lock:
            return dict(self._throttles)

    def attach(self, client: Any) -> None:
        """Hook this limiter into one botocore client: every attempt passes through it."""
        service = client.meta.service_model.service_id.hyphenize()
        client.meta.events.register_first(f"before-send.{service}", self._on_send)
        client.meta.events.register_first(f"response-received.{service}", self._on_response)

    def _on_send(self, event_name: str, **_: Any) -> None:
        _, service, operation = event_name.split(".", 2)
        self.acquire(service, operation)

    def _on_response(self, event_name: str, parsed_response: Any = None,
                     response_dict: Any = None, **_: Any) -> None:
        _, service, operation = event_name.split(".", 2)
        status = (response_dict or {}).get("status_code", 0)
        code = ((parsed_response or {}).get("Error") or {}).get("Code", "")
        if status == 429 or code in THROTTLE_CODES:
            self.throttled(service, operation)
        elif 200 <= status < 300:
            self.succeeded(service, operation)
