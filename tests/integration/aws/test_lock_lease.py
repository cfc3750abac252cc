"""The apply lease in DynamoDB: conditional writes on moto's DynamoDB, through boto3 on the wire.

Each test reads the lock item back with its own plain boto3 client, so what is asserted is what
another apply (or an operator) would see in the table.
"""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest

from reconciler.aws.clients import ClientFactory
from reconciler.aws.lock import (
    DynamoLease,
    create_table_command,
    force_unlock,
    held_lease,
    lock_key,
)
from reconciler.emulator import Emulator
from reconciler.errors import LockError, LockHeldError, LockTableMissingError
from tests.support.lock_table import create_lock_table

TABLE = "ses-reconciler-locks"
ACCOUNT, REGION = "123456789012", "us-east-1"
KEY = lock_key(ACCOUNT, REGION)


@pytest.fixture
def table(emulator: Emulator) -> Any:
    """A plain client on a freshly created lock table, as an operator would create it."""
    client = boto3.client("dynamodb", region_name=emulator.region)
    return create_lock_table(client, TABLE)


@pytest.fixture
def dynamodb(factory: ClientFactory) -> Any:
    """The client the tool itself uses (made by its ClientFactory)."""
    return factory.client("dynamodb")


def _lease(client: Any, command: str = "ses-reconciler apply a.yaml", **kwargs: Any) -> DynamoLease:
    return DynamoLease(client, TABLE, account=ACCOUNT, region=REGION, command=command, **kwargs)


def _item(table: Any) -> dict[str, Any] | None:
    item = table.get_item(TableName=TABLE, Key={"LockID": {"S": KEY}}, ConsistentRead=True)
    return item.get("Item")


def test_acquire_writes_holder_command_pid_host_account_region_and_expiry(
        table: Any, dynamodb: Any) -> None:
    lease = _lease(dynamodb, lease_seconds=60)
    before = time.time()
    lease.acquire(timeout=0)
    item = _item(table)
    assert item is not None
    assert item["Holder"] == {"S": lease.lock_id}
    assert item["Command"] == {"S": "ses-reconciler apply a.yaml"}
    assert item["Account"] == {"S": ACCOUNT} and item["Region"] == {"S": REGION}
    assert int(item["Pid"]["N"]) > 0 and item["Host"]["S"] and item["Started"]["S"]
    assert before + 59 <= float(item["Expires"]["N"]) <= time.time() + 61


def test_the_lock_key_is_per_account_and_region() -> None:
    assert lock_key(ACCOUNT, REGION) != lock_key(ACCOUNT, "eu-west-1")
    assert lock_key(ACCOUNT, REGION) != lock_key("999999999999", REGION)


def test_a_second_holder_is_refused_with_the_first_named(table: Any, dynamodb: Any) -> None:
    first = _lease(dynamodb, command="ses-reconciler apply first.yaml")
    first.acquire(timeout=0)
    second = _lease(dynamodb, command="ses-reconciler apply second.yaml")
    with pytest.raises(LockHeldError) as refused:
        second.acquire(timeout=0)
    message = str(refused.value)
    assert first.lock_id in message
    assert "ses-reconciler apply first.yaml" in message
    assert f"force-unlock {first.lock_id}" in message
    assert "\n" not in message
    assert _item(table)["Holder"] == {"S": first.lock_id}  # type: ignore[index]


def test_a_waiting_holder_gets_the_lease_once_it_is_released(table: Any, dynamodb: Any) -> None:
    first = _lease(dynamodb)
    first.acquire(timeout=0)
    second = _lease(dynamodb)
    assert second.try_acquire() is not None
    first.release()
    second.acquire(timeout=1)
    assert _item(table)["Holder"] == {"S": second.lock_id}  # type: ignore[index]


def test_an_expired_lease_is_taken_over(table: Any, dynamodb: Any) -> None:
    dead = _lease(dynamodb, lease_seconds=60)
    dead.acquire(timeout=0)
    later = _lease(dynamodb, clock=lambda: time.time() + 61)
    later.acquire(timeout=0)
    assert _item(table)["Holder"] == {"S": later.lock_id}  # type: ignore[index]


def test_a_lease_not_yet_expired_is_not_taken_over(table: Any, dynamodb: Any) -> None:
    _lease(dynamodb, lease_seconds=60).acquire(timeout=0)
    almost = _lease(dynamodb, clock=lambda: time.time() + 55)
    with pytest.raises(LockHeldError):
        almost.acquire(timeout=0)


def test_renewal_pushes_the_expiry_forward(table: Any, dynamodb: Any) -> None:
    now = [1_000_000.0]
    lease = _lease(dynamodb, lease_seconds=60, clock=lambda: now[0])
    lease.acquire(timeout=0)
    now[0] += 30
    assert lease.renew() is True
    assert float(_item(table)["Expires"]["N"]) == 1_000_090.0  # type: ignore[index]


def test_renewal_after_a_takeover_reports_the_lease_lost_and_leaves_it(
        table: Any, dynamodb: Any) -> None:
    mine = _lease(dynamodb, lease_seconds=60)
    mine.acquire(timeout=0)
    other = _lease(dynamodb, command="ses-reconciler apply other.yaml",
                   clock=lambda: time.time() + 120)
    other.acquire(timeout=0)
    assert mine.renew() is False
    assert mine.lost is not None and other.lock_id in mine.lost
    assert _item(table)["Holder"] == {"S": other.lock_id}  # type: ignore[index]


def test_the_held_lease_is_renewed_while_the_body_runs(table: Any, dynamodb: Any) -> None:
    with held_lease(dynamodb, TABLE, account=ACCOUNT, region=REGION, command="apply",
                    timeout=0, lease_seconds=0.9) as lease:
        first = float(_item(table)["Expires"]["N"])  # type: ignore[index]
        time.sleep(1.2)
        renewed = float(_item(table)["Expires"]["N"])  # type: ignore[index]
        assert lease.lost is None
    assert renewed > first
    assert lease.lost is None


def test_the_renewal_thread_reports_a_lease_taken_over_while_the_body_runs(
        table: Any, dynamodb: Any) -> None:
    with held_lease(dynamodb, TABLE, account=ACCOUNT, region=REGION, command="apply",
                    timeout=0, lease_seconds=0.9) as lease:
        other = _lease(dynamodb, command="ses-reconciler apply other.yaml",
                       clock=lambda: time.time() + 5)
        other.acquire(timeout=0)
        deadline = time.monotonic() + 5
        while lease.lost is None and time.monotonic() < deadline:
            time.sleep(0.05)
    assert lease.lost is not None and other.lock_id in lease.lost
    assert _item(table)["Holder"] == {"S": other.lock_id}  # type: ignore[index]


def test_the_held_lease_is_released_on_exit(table: Any, dynamodb: Any) -> None:
    with held_lease(dynamodb, TABLE, account=ACCOUNT, region=REGION, command="apply",
                    timeout=0):
        assert _item(table) is not None
    assert _item(table) is None


def test_the_held_lease_is_released_when_a_keyboard_interrupt_unwinds_through_it(
        table: Any, dynamodb: Any) -> None:
    with pytest.raises(KeyboardInterrupt), held_lease(
            dynamodb, TABLE, account=ACCOUNT, region=REGION, command="apply", timeout=0):
        assert _item(table) is not None
        raise KeyboardInterrupt
    assert _item(table) is None


def test_release_leaves_a_lease_that_was_taken_over_in_place(table: Any, dynamodb: Any) -> None:
    mine = _lease(dynamodb, lease_seconds=60)
    mine.acquire(timeout=0)
    other = _lease(dynamodb, clock=lambda: time.time() + 120)
    other.acquire(timeout=0)
    mine.release()
    assert _item(table)["Holder"] == {"S": other.lock_id}  # type: ignore[index]


def test_force_unlock_with_the_holder_id_deletes_the_lease(table: Any, dynamodb: Any) -> None:
    dead = _lease(dynamodb)
    dead.acquire(timeout=0)
    force_unlock(dynamodb, TABLE, account=ACCOUNT, region=REGION, lock_id=dead.lock_id)
    assert _item(table) is None


def test_force_unlock_with_another_id_names_the_holder_and_deletes_nothing(
        table: Any, dynamodb: Any) -> None:
    holder = _lease(dynamodb, command="ses-reconciler apply live.yaml")
    holder.acquire(timeout=0)
    with pytest.raises(LockError) as refused:
        force_unlock(dynamodb, TABLE, account=ACCOUNT, region=REGION, lock_id="not-the-holder")
    assert holder.lock_id in str(refused.value) and "nothing was deleted" in str(refused.value)
    assert _item(table)["Holder"] == {"S": holder.lock_id}  # type: ignore[index]


def test_force_unlock_without_a_lease_says_none_is_held(table: Any, dynamodb: Any) -> None:
    with pytest.raises(LockError, match="no apply lock is held"):
        force_unlock(dynamodb, TABLE, account=ACCOUNT, region=REGION, lock_id="gone")


def test_a_missing_table_is_one_sentence_with_the_create_command(
        emulator: Emulator, dynamodb: Any) -> None:
    with pytest.raises(LockTableMissingError) as missing:
        _lease(dynamodb).acquire(timeout=0)
    message = str(missing.value)
    assert create_table_command(TABLE, REGION) in message
    assert "AttributeName=LockID,AttributeType=S" in message and "\n" not in message

