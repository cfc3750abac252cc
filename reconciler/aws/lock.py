"""The apply lock against AWS: a lease in a DynamoDB table, taken by conditional write.

Nothing in SES serialises two applies, so two pipelines could plan from the same account and
each undo the other's work. The lease is one item per account and Region in a table keyed
`LockID` (the layout Terraform's S3 backend used): PutItem succeeds only when no item exists or
the existing one has expired, so a holder that died without releasing blocks others for at most
one lease. A daemon thread renews the lease while the command runs; the item is deleted on exit,
conditioned on our holder id so a lease taken over after expiry is never removed by mistake.
Clocks of the contenders are compared, so hosts must keep NTP time.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from reconciler.errors import LockError, LockHeldError, LockTableMissingError

KEY = "LockID"
LEASE_SECONDS = 60.0
POLL_SECONDS = 2.0
Clock = Callable[[], float]


def lock_key(account: str, region: str) -> str:
    """One lock per account and Region: the unit an apply reads and writes."""
    return f"ses-reconciler/{account}/{region}"


def create_table_command(table: str, region: str) -> str:
    return (f"aws dynamodb create-table --table-name {table} --region {region} "
            f"--attribute-definitions AttributeName={KEY},AttributeType=S "
            f"--key-schema AttributeName={KEY},KeyType=HASH --billing-mode PAY_PER_REQUEST")


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a lease, as stored in its item."""

    lock_id: str
    command: str
    host: str
    pid: int
    started: str
    expires: float

    def describe(self) -> str:
        return (f"lock {self.lock_id} held by `{self.command}` on {self.host} (pid {self.pid}), "
                f"started {self.started}, lease expires {_iso(self.expires)}")

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Holder:
        def text(name: str) -> str:
            return str((item.get(name) or {}).get("S", "?"))

        def number(name: str) -> float:
            try:
                return float((item.get(name) or {}).get("N", "0"))
            except ValueError:
                return 0.0

        return cls(text("Holder"), text("Command"), text("Host"), int(number("Pid")),
                   text("Started"), number("Expires"))


class DynamoLease:
    """One lease on one key; `acquire`, `renew` and `release` are single conditional writes."""

    def __init__(self, client: Any, table: str, *, account: str, region: str, command: str,
                 lease_seconds: float = LEASE_SECONDS, clock: Clock = time.time) -> None:
        self.client, self.table = client, table
        self.account, self.region = account, region
        self.key = lock_key(account, region)
        self.command = command
        self.lease_seconds = lease_seconds
        self.clock = clock
        self.lock_id = str(uuid.uuid4())
        self.lost: str | None = None  # set when a renewal finds the lease taken over
        self._released = False

    def try_acquire(self) -> Holder | None:
        """Take the lease if free or expired; else return who holds it."""
        now = self.clock()
        item = {
            KEY: {"S": self.key}, "Holder": {"S": self.lock_id}, "Command": {"S": self.command},
            "Pid": {"N": str(os.getpid())}, "Host": {"S": socket.gethostname()},
            "Account": {"S": self.account}, "Region": {"S": self.region},
            "Started": {"S": _iso(now)}, "Expires": {"N": _number(now + self.lease_seconds)},
        }
        try:
            self._call("take", self.client.put_item, TableName=self.table, Item=item,
                       ConditionExpression=f"attribute_not_exists({KEY}) OR Expires < :now",
                       ExpressionAttributeValues={":now": {"N": _number(now)}},
                       ReturnValuesOnConditionCheckFailure="ALL_OLD")
        except _Refused as refused:
            return Holder.from_item(refused.item)
        return None

    def acquire(self, timeout: float, poll: float = POLL_SECONDS) -> None:
        """Take the lease, polling for up to `timeout` seconds while someone else holds it."""
        deadline = time.monotonic() + timeout
        while True:
            holder = self.try_acquire()
            if holder is None:
                return
            left = deadline - time.monotonic()
            if left <= 0:
                raise LockHeldError(
                    f"another apply is running on account {self.account} in {self.region} "
                    f"({holder.describe()}); wait for it, retry with --lock-timeout SECONDS, or "
                    f"if that process is dead run `ses-reconciler force-unlock {holder.lock_id} "
                    f"CONFIG`")
            time.sleep(min(poll, left))

    def renew(self) -> bool:
        """Push the expiry forward; False (and `lost` set) when the lease is no longer ours."""
        try:
            self._call("renew", self.client.update_item, TableName=self.table,
                       Key={KEY: {"S": self.key}}, UpdateExpression="SET Expires = :expires",
                       ConditionExpression="Holder = :me",
                       ExpressionAttributeValues={
                           ":me": {"S": self.lock_id},
                           ":expires": {"N": _number(self.clock() + self.lease_seconds)}},
                       ReturnValuesOnConditionCheckFailure="ALL_OLD")
        except _Refused as refused:
            if self._released:
                return False
            taken = (f"now {Holder.from_item(refused.item).describe()}" if refused.item
                     else "the lock item was deleted (force-unlock?)")
            self.lost = (f"the apply lock {self.lock_id} in DynamoDB table {self.table} was lost "
                         f"while running: {taken}; check that no other apply overlapped")
            return False
        return True

    def release(self) -> None:
        """Delete the item if it is still ours; a lease taken over after expiry is left alone."""
        self._released = True
        with suppress(_Refused):
            self._call("release", self.client.delete_item, TableName=self.table,
                       Key={KEY: {"S": self.key}}, ConditionExpression="Holder = :me",
                       ExpressionAttributeValues={":me": {"S": self.lock_id}})

    def _call(self, doing: str, method: Callable[..., Any], **kwargs: Any) -> Any:
        return _call(doing, self.table, self.region, method, **kwargs)


def force_unlock(client: Any, table: str, *, account: str, region: str, lock_id: str) -> None:
    """Delete the lease of `account`/`region` only if its holder is `lock_id`."""
    try:
        _call("force-unlock", table, region, client.delete_item, TableName=table,
              Key={KEY: {"S": lock_key(account, region)}}, ConditionExpression="Holder = :id",
              ExpressionAttributeValues={":id": {"S": lock_id}},
              ReturnValuesOnConditionCheckFailure="ALL_OLD")
    except _Refused as refused:
        now = (f"it is {Holder.from_item(refused.item).describe()}" if refused.item
               else "no apply lock is held")
        raise LockError(f"lock {lock_id} is not the apply lock of account {account} in "
                        f"{region} ({now}); nothing was deleted") from None


@contextmanager
def held_lease(client: Any, table: str, *, account: str, region: str, command: str,
               timeout: float, lease_seconds: float = LEASE_SECONDS,
               clock: Clock = time.time) -> Iterator[DynamoLease]:
    """Hold the lease for the body, renewing it every third of a lease; released on any exit,
    KeyboardInterrupt included."""
    lease = DynamoLease(client, table, account=account, region=region, command=command,
                        lease_seconds=lease_seconds, clock=clock)
    lease.acquire(timeout)
    stop = threading.Event()
    renewer = threading.Thread(target=_renew_until, args=(lease, stop, lease_seconds / 3),
                               name="apply-lock-renewal", daemon=True)
    renewer.start()
    try:
        yield lease
    finally:
        stop.set()
        renewer.join(timeout=5)  # a renewal racing the release only finds the item gone
        lease.release()


def _renew_until(lease: DynamoLease, stop: threading.Event, every: float) -> None:
    while not stop.wait(every):
        try:
            if not lease.renew():
                return
        except LockError:  # a transient failure: the next tick retries within the lease
            continue


class _Refused(Exception):
    """A conditional write's condition was false; `item` is the item as it was, if any."""

    def __init__(self, item: Mapping[str, Any]) -> None:
        super().__init__("conditional check failed")
        self.item = item


def _call(doing: str, table: str, region: str, method: Callable[..., Any],
          **kwargs: Any) -> Any:
    try:
        return method(**kwargs)
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code", "")
        if code == "ConditionalCheckFailedException":
            raise _Refused(err.response.get("Item") or {}) from None
        if code == "ResourceNotFoundException":
            raise LockTableMissingError(
                f"the lock table {table} (settings.lock.dynamodb_table) does not exist in "
                f"{region}; create it with `{create_table_command(table, region)}`") from None
        message = err.response.get("Error", {}).get("Message", "")
        raise LockError(f"cannot {doing} the apply lock in DynamoDB table {table}: {code}: "
                        f"{message}") from err
    except BotoCoreError as err:
        raise LockError(f"cannot {doing} the apply lock in DynamoDB table {table}: "
                        f"{err}") from err


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds")


def _number(value: float) -> str:
    return f"{value:.3f}"
