"""The one place where boto3 clients are made.

Everything that talks to the account receives a `ClientFactory` (or clients made by it), so the
session, Region, endpoint, retry policy and rate limiter are decided once. Each client carries the
limiter on its event hooks: code that calls `client.get_tenant(...)` is limited and counted
without knowing it.
"""

from __future__ import annotations

import os
import random
import threading
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ConnectionError

from reconciler import __version__
from reconciler.aws.failures import aws_failures
from reconciler.aws.ratelimit import AdaptiveRateLimiter
from reconciler.state import ArnContext

DEFAULT_MAX_ATTEMPTS = 12
# A refused or unroutable endpoint is a wrong URL or a network down far more often than a
# blip: three tries, not twelve with backoffs of up to 20 s each.
CONNECT_ATTEMPTS = 3
CONNECT_TIMEOUT = 10.0
DEFAULT_REGION = "us-east-1"
_MAX_BACKOFF = 20.0
# Appended to every request's User-Agent: CloudTrail records it, and incremental drift skips
# the events that carry it (the tool's own writes are not drift).
USER_AGENT_MARKER = f"ses-reconciler/{__version__}"


class _ConflictRetry:
    """Retries 409 ConflictException, which SES v2 answers to concurrent changes of one entity
    and which standard mode does not consider retryable; same jittered backoff, same cap."""

    def __init__(self, max_attempts: int) -> None:
        self.max_attempts = max_attempts

    def __call__(self, response: Any = None, attempts: int = 1, **_: Any) -> float | None:
        if response is None or attempts >= self.max_attempts:
            return None
        if (response[1].get("Error") or {}).get("Code") != "ConflictException":
            return None
        return random.uniform(0, min(_MAX_BACKOFF, 2.0 ** (attempts - 1)))


def _bound_connect_retries(caught_exception: Exception | None = None, attempts: int = 1,
                           **_: Any) -> None:
    """Ends the retries of a connection failure after CONNECT_ATTEMPTS: raising the caught
    exception here is what botocore itself does once no handler asks for another attempt."""
    if isinstance(caught_exception, ConnectionError) and attempts >= CONNECT_ATTEMPTS:
        raise caught_exception


class ClientFactory:
    """One boto3 session; one cached client per service, all sharing one limiter.

    `endpoint_url` (or `AWS_ENDPOINT_URL`) points every client at an emulator. The limiter defaults
    to about one request per second per operation family against AWS, and to unlimited-until-
    throttled against a custom endpoint. Retries use botocore's standard mode with enough
    attempts to ride out a throttling episode; the limiter sees every attempt.
    """

    def __init__(self, profile: str | None = None, region: str | None = None,
                 endpoint_url: str | None = None, max_attempts: int = DEFAULT_MAX_ATTEMPTS,
                 limiter: AdaptiveRateLimiter | None = None, parallelism: int = 8, *,
                 emulated: bool = False) -> None:
        with aws_failures("opening the AWS session"):
            self.session = boto3.Session(profile_name=profile, region_name=region)
        self.region: str = region or self.session.region_name or DEFAULT_REGION
        if not emulated:
            endpoint_url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
        self.endpoint_url = endpoint_url
        if limiter is None:
            limiter = (AdaptiveRateLimiter.for_local() if self.endpoint_url
                       else AdaptiveRateLimiter.for_aws())
        self.limiter = limiter
        self.max_attempts = max_attempts
        self.config = Config(
            region_name=self.region,
            retries={"mode": "standard", "max_attempts": max_attempts},
            max_pool_connections=max(32, parallelism + 2),
            connect_timeout=CONNECT_TIMEOUT,
            ignore_configured_endpoint_urls=emulated,
            user_agent_extra=USER_AGENT_MARKER,
        )
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._account: str | None = None

    @classmethod
    def for_emulator(cls, region: str | None = None, **kwargs: Any) -> ClientFactory:
        """A factory for an in-process emulator: no endpoint URL, yet no 1 rps pacing either.

        AWS_ENDPOINT_URL is ignored: it would send the calls past the emulator."""
        return cls(region=region, limiter=AdaptiveRateLimiter.for_local(), emulated=True,
                   **kwargs)

    def client(self, service: str, region: str | None = None) -> Any:
        """The cached client for `service` (in `region`, default the factory's); made under a
        lock (sessions are not thread-safe)."""
        key = service if region is None or region == self.region else f"{service}@{region}"
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                with aws_failures(f"opening the {service} client"):
                    client = self.session.client(service, config=self.config,
                                                 endpoint_url=self.endpoint_url,
                                                 region_name=region or self.region)
                self.limiter.attach(client)
                retry_event = f"needs-retry.{client.meta.service_model.service_id.hyphenize()}"
                client.meta.events.register_first(retry_event, _ConflictRetry(self.max_attempts))
                client.meta.events.register_first(retry_event, _bound_connect_retries)
                self._clients[key] = client
            return client

    def caller_account(self) -> str:
        """The account of the credentials (STS GetCallerIdentity, asked once per factory)."""
        if self._account is None:
            with aws_failures("identifying the account (sts GetCallerIdentity)"):
                identity = self.client("sts").get_caller_identity()
            self._account = str(identity["Account"])
        return self._account

    @property
    def partition(self) -> str:
        return self.session.get_partition_for_region(self.region)

    def arn_context(self) -> ArnContext:
        return ArnContext(self.partition, self.region, self.caller_account())

    @property
    def calls(self) -> dict[str, int]:
        """API attempts per operation made through this factory's clients (retries included)."""
        return self.limiter.calls

    def call_counts(self) -> dict[str, int]:
        return dict(sorted(self.limiter.calls.items()))
