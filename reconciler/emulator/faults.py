"""Fault injection for the emulator: throttling, latency, random 5xx, targeted failures, gates.

The reconciler's rate limiter, retries and partial-failure handling can only be trusted if they
are exercised against an endpoint that misbehaves the way SES does, reproducibly. Every request
the emulator receives asks ``FaultInjector.decide`` what to do, in this order:

0. gates (``hold(...)``, see ``gates.py``): the chosen request is held, nothing else applies;
1. added latency (``latency_ms`` plus a seeded jitter up to ``latency_jitter_ms``, plus
   ``latency_spike_ms`` on a seeded ``latency_spike_rate`` share of the calls);
2. throttling: one token bucket per (service, operation family) refilling at the configured TPS,
   holding up to ``burst`` tokens (default: one second's worth); an empty bucket refuses the call.
   Independently, ``throttle_rate`` refuses that share of the calls at random (seeded), until
   ``throttle_limit`` calls were refused that way (a throttling episode; None: no end);
3. targeted failures (``fail(...)``): operation X, optionally for resource Y only, N times or
   always, optionally each time with probability ``rate`` (seeded);
4. random 5xx at ``error_rate``, drawn from a seeded generator.

Operation families (SES v2; every other service's operations form the family ``other`` of that
service, with their own bucket):

- ``tenant-read``: GetTenant, ListTenants, ListTenantResources, ListResourceTenants
- ``tenant-write``: CreateTenant, DeleteTenant, Create/DeleteTenantResourceAssociation,
  PutTenantSuppressionAttributes
- ``reputation``: Get/ListReputationEntities, UpdateReputationEntityPolicy,
  UpdateReputationEntityCustomerManagedStatus, ListRecommendations
- ``tags``: TagResource, UntagResource, ListTagsForResource
- ``other``: everything else

Throttling answers as each protocol does: SES v2 ``TooManyRequestsException`` 429 with body
``{"message": "Too Many Requests"}``, JSON services ``ThrottlingException`` 400, query services
``Throttling`` 400.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from reconciler.emulator.gates import Gate, GateSpec

Action = Literal["pass", "throttle", "fail", "hold"]

SESV2_FAMILIES: dict[str, str] = {
    **dict.fromkeys(
        ("GetTenant", "ListTenants", "ListTenantResources", "ListResourceTenants"),
        "tenant-read"),
    **dict.fromkeys(
        ("CreateTenant", "DeleteTenant", "CreateTenantResourceAssociation",
         "DeleteTenantResourceAssociation", "PutTenantSuppressionAttributes"), "tenant-write"),
    **dict.fromkeys(
        ("GetReputationEntity", "ListReputationEntities", "UpdateReputationEntityPolicy",
         "UpdateReputationEntityCustomerManagedStatus", "ListRecommendations"), "reputation"),
    **dict.fromkeys(("TagResource", "UntagResource", "ListTagsForResource"), "tags"),
}
FAMILIES = ("tenant-read", "tenant-write", "reputation", "tags", "other")
ANY_FAMILY = "*"

ERROR_STATUS: dict[str, int] = {
    "InternalFailure": 500, "InternalServerError": 500, "ServiceUnavailable": 503,
    "TooManyRequestsException": 429, "Throttling": 400, "ThrottlingException": 400,
    "AccessDeniedException": 403, "NotFoundException": 404, "BadRequestException": 400,
    "ConflictException": 409, "ConcurrentModificationException": 500,
    "LimitExceededException": 400,
    # IAM (query protocol)
    "NoSuchEntity": 404, "EntityAlreadyExists": 409, "DeleteConflict": 409, "LimitExceeded": 409,
}


def operation_family(service: str, operation: str) -> str:
    """The throttling family of an operation; only SES v2 distinguishes more than ``other``."""
    if service == "sesv2":
        return SESV2_FAMILIES.get(operation, "other")
    return "other"


@dataclass(frozen=True)
class Call:
    """What the injector knows about one request."""

    service: str
    operation: str
    resources: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Decision:
    action: Action
    delay: float = 0.0
    error_code: str = ""
    status: int = 200
    gate: Gate | None = field(default=None, compare=False, repr=False)
    apply_then_hold: bool = False


@dataclass
class FaultConfig:
    """Everything that shapes the injected faults; ``tps`` maps a family (or ``*``) to a rate."""

    tps: dict[str, float] = field(default_factory=dict)
    burst: float | None = None
    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0
    latency_spike_rate: float = 0.0
    latency_spike_ms: float = 0.0
    throttle_rate: float = 0.0
    throttle_limit: int | None = None
    error_rate: float = 0.0
    error_codes: tuple[str, ...] = ("InternalFailure", "ServiceUnavailable")
    services: tuple[str, ...] | None = None
    seed: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultConfig:
        values = dict(data)
        if "error_codes" in values:
            values["error_codes"] = tuple(values["error_codes"])
        if values.get("services") is not None:
            values["services"] = tuple(values["services"])
        config = cls(**values)
        config.check()
        return config

    def check(self) -> None:
        """Shares are probabilities; a typo like 50 for 50 % must not pass silently."""
        for name in ("latency_spike_rate", "throttle_rate", "error_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if self.throttle_limit is not None and self.throttle_limit < 0:
            raise ValueError(f"throttle_limit must not be negative, not {self.throttle_limit}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TargetedFailure:
    """Fail ``operation`` (for ``resource`` only, if given) ``times`` times, or always if None;
    with ``rate``, each matching call fails only with that probability."""

    operation: str
    resource: str | None = None
    times: int | None = None
    error_code: str = "InternalFailure"
    status: int | None = None
    service: str | None = None
    rate: float | None = None

    def matches(self, call: Call) -> bool:
        return (call.operation == self.operation
                and (self.service is None or call.service == self.service)
                and (self.resource is None or self.resource in call.resources)
                and (self.times is None or self.times > 0))


class TokenBucket:
    """Classic token bucket; the caller holds the injector's lock."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate, self.capacity = rate, capacity
        self.tokens, self.updated = capacity, now

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class FaultInjector:
    """Thread-safe decision maker; with a seed, the same call sequence meets the same faults."""

    def __init__(self, config: FaultConfig | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._targets: list[TargetedFailure] = []
        self._gates: list[Gate] = []
        self._gate_ids = 0
        self.history: list[Decision] = []
        self.configure(config or FaultConfig())

    @property
    def config(self) -> FaultConfig:
        return self._config

    def configure(self, config: FaultConfig | None = None, **changes: Any) -> FaultConfig:
        """Replace the configuration (or change some fields); buckets and generators restart."""
        base = config or FaultConfig()
        new = FaultConfig.from_dict({**base.to_dict(), **changes})
        with self._lock:
            self._config = new
            self._buckets: dict[tuple[str, str], TokenBucket] = {}
            self._latency_rng = random.Random(f"latency:{new.seed}")
            self._error_rng = random.Random(f"errors:{new.seed}")
            self._spike_rng = random.Random(f"spikes:{new.seed}")
            self._throttle_rng = random.Random(f"throttle:{new.seed}")
            self._random_throttles = 0
            self._target_rng = random.Random(f"targets:{new.seed}")
            self.history: list[Decision] = []
        return new

    def fail(self, operation: str, *, resource: str | None = None, times: int | None = None,
             error_code: str = "InternalFailure", status: int | None = None,
             service: str | None = None, rate: float | None = None) -> TargetedFailure:
        if rate is not None and not 0.0 < rate <= 1.0:
            raise ValueError(f"rate must be above 0 and at most 1, not {rate}")
        target = TargetedFailure(operation, resource, times, error_code, status, service, rate)
        with self._lock:
            self._targets.append(target)
        return target

    def hold(self, operation: str, **spec: Any) -> Gate:
        """Arm a gate on the ``nth`` request of ``operation`` (see ``GateSpec``)."""
        gate_spec = GateSpec(operation, **spec)
        with self._lock:
            self._gate_ids += 1
            gate = Gate(self._gate_ids, gate_spec)
            self._gates.append(gate)
        return gate

    def gate(self, gate_id: int) -> Gate:
        with self._lock:
            for gate in self._gates:
                if gate.gate_id == gate_id:
                    return gate
        raise LookupError(f"gate {gate_id}")

    @property
    def gates(self) -> list[Gate]:
        with self._lock:
            return list(self._gates)

    def clear_gates(self) -> None:
        """Release every held request and forget every gate."""
        with self._lock:
            gates, self._gates = self._gates, []
        for gate in gates:
            gate.release()

    def clear(self) -> None:
        """Remove every fault: configuration back to defaults, no targeted failures, no gates."""
        with self._lock:
            self._targets.clear()
        self.clear_gates()
        self.configure()

    @property
    def has_targets(self) -> bool:
        """Whether decisions need the request's resource names (targets or gates match them)."""
        return bool(self._targets or self._gates)

    @property
    def targets(self) -> list[TargetedFailure]:
        with self._lock:
            return list(self._targets)

    def decide(self, call: Call) -> Decision:
        with self._lock:
            decision = self._decide_locked(call)
            if len(self.history) < 100_000:
                self.history.append(decision)
            return decision

    def _decide_locked(self, call: Call) -> Decision:
        cfg = self._config
        for gate in self._gates:
            phase = gate.claim(call.service, call.operation, call.resources)
            if phase is not None:
                return Decision("hold", gate=gate, apply_then_hold=phase == "after")
        if cfg.services is not None and call.service not in cfg.services:
            return Decision("pass")
        delay = self._draw_latency(cfg)
        if not self._admit(call, cfg) or self._random_throttle(cfg):
            code, status = throttle_error(call.service)
            return Decision("throttle", delay, code, status)
        for target in self._targets:
            if target.matches(call):
                if target.rate is not None and self._target_rng.random() >= target.rate:
                    continue
                if target.times is not None:
                    target.times -= 1
                status = target.status or ERROR_STATUS.get(target.error_code, 400)
                return Decision("fail", delay, target.error_code, status)
        if cfg.error_rate and self._error_rng.random() < cfg.error_rate:
            code = self._error_rng.choice(cfg.error_codes)
            return Decision("fail", delay, code, ERROR_STATUS.get(code, 500))
        return Decision("pass", delay)

    def _random_throttle(self, cfg: FaultConfig) -> bool:
        if not cfg.throttle_rate or (cfg.throttle_limit is not None
                                     and self._random_throttles >= cfg.throttle_limit):
            return False
        if self._throttle_rng.random() >= cfg.throttle_rate:
            return False
        self._random_throttles += 1
        return True

    def _draw_latency(self, cfg: FaultConfig) -> float:
        jitter = self._latency_rng.uniform(0, cfg.latency_jitter_ms) if cfg.latency_jitter_ms else 0
        spike = (cfg.latency_spike_ms if cfg.latency_spike_rate
                 and self._spike_rng.random() < cfg.latency_spike_rate else 0.0)
        return (cfg.latency_ms + jitter + spike) / 1000.0

    def _admit(self, call: Call, cfg: FaultConfig) -> bool:
        family = operation_family(call.service, call.operation)
        rate = cfg.tps.get(family, cfg.tps.get(ANY_FAMILY))
        if not rate:
            return True
        key = (call.service, family)
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(rate, cfg.burst or max(rate, 1.0), now)
        return bucket.take(now)

    def to_dict(self) -> dict[str, Any]:
        return {"config": self._config.to_dict(),
                "targets": [asdict(t) for t in self.targets],
                "gates": [g.to_dict() for g in self.gates]}


def throttle_error(service: str) -> tuple[str, int]:
    """The throttling error each service family answers with."""
    if service == "sesv2":
        return "TooManyRequestsException", 429
    if service in QUERY_SERVICES:
        return "Throttling", 400
    return "ThrottlingException", 400


QUERY_SERVICES = frozenset({"iam", "sts", "ses", "sns", "sqs", "cloudformation", "ec2",
                            "autoscaling", "elb", "rds", "cloudwatch"})

MESSAGES = {
    "TooManyRequestsException": "Too Many Requests", "Throttling": "Rate exceeded",
    "ThrottlingException": "Rate exceeded", "InternalFailure": "An internal error occurred.",
    "ServiceUnavailable": "Service is unavailable.",
}


def request_resources(values: Iterable[str]) -> frozenset[str]:
    """Every name a targeted failure may match: the values, and each segment of ARN values."""
    found: set[str] = set()
    for value in values:
        found.add(value)
        if value.startswith("arn:"):
            resource = value.split(":", 5)[-1]
            found.update(resource.split("/"))
            found.add(resource)
    return frozenset(found)
