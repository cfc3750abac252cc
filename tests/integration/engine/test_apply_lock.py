"""`settings.lock`: apply holds a DynamoDB lease, plan does not; `force-unlock` frees a dead one.

A foreign holder is a lock item written with plain boto3, as another apply on another machine
would have left it; the tool's side runs through the CLI against moto's DynamoDB.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from reconciler.aws.lock import lock_key
from reconciler.emulator import Emulator
from tests.integration.engine.conftest import (
    ACCOUNT,
    REGION,
    Account,
    engine,
    run_cli,
    write_config,
)
from tests.support.lock_table import create_lock_table

TABLE = "ses-reconciler-locks"
KEY = lock_key(ACCOUNT, REGION)
DEAD = "0f6c1d2e-dead-4bee-8f00-000000000001"
LOCK = {"lock": {"dynamodb_table": TABLE}}


@pytest.fixture
def dynamodb(emulator: Emulator) -> Any:
    client = boto3.client("dynamodb", region_name=emulator.region)
    return create_lock_table(client, TABLE)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, {"Locked": {"tags": {"team": "a"}}}, extra_settings=LOCK)


def _hold(dynamodb: Any, holder: str = DEAD, expires_in: float = 3600) -> None:
    now = time.time()
    dynamodb.put_item(TableName=TABLE, Item={
        "LockID": {"S": KEY}, "Holder": {"S": holder},
        "Command": {"S": "ses-reconciler apply other.yaml"}, "Pid": {"N": "4242"},
        "Host": {"S": "ci-runner-7"}, "Account": {"S": ACCOUNT}, "Region": {"S": REGION},
        "Started": {"S": "2026-11-29T10:00:00+00:00"}, "Expires": {"N": str(now + expires_in)}})


def _item(dynamodb: Any) -> dict[str, Any] | None:
    return dynamodb.get_item(TableName=TABLE, Key={"LockID": {"S": KEY}},
                             ConsistentRead=True).get("Item")


def _one_sentence(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_apply_is_refused_while_another_holder_has_the_lease(
        config: Path, dynamodb: Any, account: Account) -> None:
    _hold(dynamodb)
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 1
    message = _one_sentence(result.stderr)
    assert DEAD in message and "ses-reconciler apply other.yaml" in message
    assert "ci-runner-7" in message and "pid 4242" in message
    assert "2026-11-29T10:00:00+00:00" in message and "expires" in message
    assert f"ses-reconciler force-unlock {DEAD}" in message
    assert account.tenant("Locked") is None
    assert _item(dynamodb)["Holder"] == {"S": DEAD}  # type: ignore[index]


def test_apply_succeeds_after_force_unlock_of_the_dead_holder(
        config: Path, dynamodb: Any, account: Account) -> None:
    _hold(dynamodb)
    unlocked = run_cli("force-unlock", DEAD, config, "--target", "aws", "--max-rate", "0")
    assert unlocked.exit_code == 0, unlocked.output
    assert DEAD in unlocked.stdout
    assert _item(dynamodb) is None
    applied = engine("apply", config, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert account.tenant("Locked") is not None


def test_force_unlock_with_another_id_deletes_nothing(config: Path, dynamodb: Any) -> None:
    _hold(dynamodb)
    result = run_cli("force-unlock", "some-other-id", config, "--target", "aws",
                     "--max-rate", "0")
    assert result.exit_code == 1
    message = _one_sentence(result.stderr)
    assert "some-other-id" in message and DEAD in message and "nothing was deleted" in message
    assert _item(dynamodb)["Holder"] == {"S": DEAD}  # type: ignore[index]


def test_force_unlock_without_settings_lock_is_one_sentence(
        tmp_path: Path, emulator: Emulator) -> None:
    plain = write_config(tmp_path, {"A": {}}, name="plain.yaml")
    result = run_cli("force-unlock", DEAD, plain, "--target", "aws", "--max-rate", "0")
    assert result.exit_code == 1
    assert "settings.lock.dynamodb_table" in _one_sentence(result.stderr)


def test_plan_ignores_the_lock(config: Path, dynamodb: Any) -> None:
    _hold(dynamodb)
    result = engine("plan", config, "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    assert "Locked" in result.stdout


def test_drift_ignores_the_lock(config: Path, dynamodb: Any) -> None:
    _hold(dynamodb)
    assert engine("drift", config).exit_code == 2


def test_apply_of_a_saved_plan_takes_the_lock_too(
        tmp_path: Path, config: Path, dynamodb: Any, account: Account) -> None:
    saved = tmp_path / "plan.json"
    assert engine("plan", config, "--out", saved).exit_code == 0
    _hold(dynamodb)
    result = engine("apply", config, "--plan", saved, "--auto-approve")
    assert result.exit_code == 1
    assert DEAD in _one_sentence(result.stderr)
    assert account.tenant("Locked") is None


def test_an_expired_lease_does_not_block_apply(
        config: Path, dynamodb: Any, account: Account) -> None:
    _hold(dynamodb, expires_in=-5)
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 0, result.output
    assert account.tenant("Locked") is not None


def test_apply_releases_the_lease_when_it_ends(
        config: Path, dynamodb: Any, emulator: Emulator) -> None:
    before = emulator.counters.snapshot()
    assert engine("apply", config, "--auto-approve").exit_code == 0
    calls = (emulator.counters.snapshot() - before).by_operation("accepted")
    assert calls[("dynamodb", "PutItem")] == 1 and calls[("dynamodb", "DeleteItem")] == 1
    assert _item(dynamodb) is None


def test_apply_takes_the_lease_before_reading_the_account(
        config: Path, dynamodb: Any, emulator: Emulator) -> None:
    _hold(dynamodb)
    before = emulator.counters.snapshot()
    assert engine("apply", config, "--auto-approve").exit_code == 1
    calls = (emulator.counters.snapshot() - before).by_operation("accepted")
    assert not any(service == "sesv2" for service, _ in calls), calls


def test_apply_with_a_missing_lock_table_names_the_create_command(
        config: Path, emulator: Emulator, account: Account) -> None:
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 1
    message = _one_sentence(result.stderr)
    assert f"aws dynamodb create-table --table-name {TABLE}" in message
    assert account.tenant("Locked") is None


def test_the_self_policy_allows_the_lock_operations_of_apply_and_force_unlock(
        config: Path, dynamodb: Any, emulator: Emulator) -> None:
    before = emulator.counters.snapshot()
    assert engine("apply", config, "--auto-approve").exit_code == 0
    _hold(dynamodb)
    assert run_cli("force-unlock", DEAD, config, "--target", "aws",
                   "--max-rate", "0").exit_code == 0
    delta = emulator.counters.snapshot() - before
    used = {op for op in delta.by_operation("accepted") if op[0] == "dynamodb"}
    policy = json.loads(run_cli("iam", "self-policy").stdout)
    granted = {a for s in policy["Statement"] for a in s["Action"]}
    assert used == {("dynamodb", "PutItem"), ("dynamodb", "DeleteItem")}
    assert {f"dynamodb:{op}" for _, op in used} <= granted
    read_only = json.loads(run_cli("iam", "self-policy", "--read-only").stdout)
    assert not any(a.startswith("dynamodb:") for s in read_only["Statement"]
                   for a in s["Action"])


def test_settings_lock_is_ignored_with_target_local_which_locks_its_state_file(
        tmp_path: Path, config: Path) -> None:
    result = run_cli("apply", config, "--target", "local", "--local-state",
                     tmp_path / "account.json", "--auto-approve")
    assert result.exit_code == 0, result.output


def test_validate_refuses_a_lock_table_name_dynamodb_would_refuse(tmp_path: Path) -> None:
    bad = write_config(tmp_path, {}, extra_settings={"lock": {"dynamodb_table": "a b"}})
    result = run_cli("validate", bad)
    assert result.exit_code == 1
    assert "settings.lock.dynamodb_table" in result.stderr

