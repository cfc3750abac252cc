"""Case 4 replayed for real: two `apply` processes at once, each adding a different tenant.

The first apply is held at its confirmation prompt (its stdin is a pseudo-terminal), which is
where a real apply sits longest while holding the lock: a deterministic overlap without any
test hook in the tool. The second apply either waits for it (`--lock-timeout`) and both tenants
exist at the end, or is refused naming the first; never do both print "Apply complete" with one
tenant lost.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from reconciler.aws.lock import create_table_command, lock_key
from reconciler.emulator import Emulator
from reconciler.local_lock import lock_path
from tests.integration.engine.conftest import ACCOUNT, REGION, write_config
from tests.integration.engine.test_local_serve import _wait_ready

TABLE = "ses-reconciler-locks"
WAIT = 60.0


@dataclass
class Apply:
    """One `python -m reconciler apply` process; `prompt` is the pty master when interactive."""

    process: subprocess.Popen[str]
    prompt: int | None = None

    def confirm(self) -> None:
        assert self.prompt is not None
        os.write(self.prompt, b"yes\n")

    def finish(self) -> tuple[int, str, str]:
        try:
            out, err = self.process.communicate(timeout=WAIT)
        finally:
            if self.prompt is not None:
                os.close(self.prompt)
        return self.process.returncode, out, err

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate(timeout=10)


@pytest.fixture
def applies() -> Iterator[Callable[..., Apply]]:
    started: list[Apply] = []

    def start(config: Path, *args: str | Path, interactive: bool = False) -> Apply:
        command = [sys.executable, "-m", "reconciler", "apply", str(config),
                   *(str(a) for a in args)]
        if not interactive:
            command.append("--auto-approve")
            apply = Apply(subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                           text=True))
        else:
            master, slave = pty.openpty()
            process = subprocess.Popen(command, stdin=slave, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
            os.close(slave)
            apply = Apply(process, master)
        started.append(apply)
        return apply

    yield start
    for apply in started:
        apply.kill()


def _until(check: Callable[[], Any], holder: Apply, what: str) -> Any:
    """Poll `check` until it returns something truthy; fail early if `holder` exited."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if holder.process.poll() is not None:
            _, out, err = holder.finish()
            raise AssertionError(f"the first apply exited before {what}: {out}{err}")
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _still_running(apply: Apply, seconds: float = 3.0) -> bool:
    try:
        apply.process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return True
    return False


# --- --target local: the state-file lock ---------------------------------------------------

def _local_configs(tmp_path: Path) -> tuple[Path, Path]:
    extra = {"target": "local"}
    return (write_config(tmp_path, {"Alpha": {}}, name="alpha.yaml", extra_settings=extra),
            write_config(tmp_path, {"Beta": {}}, name="beta.yaml", extra_settings=extra))


def _local_holder(state: Path) -> int | None:
    try:
        return int(json.loads(lock_path(state).read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError):
        return None


def _local_tenants(state: Path) -> set[str]:
    with Emulator(ACCOUNT, REGION, state_file=state):
        page = boto3.client("sesv2", region_name=REGION).list_tenants(PageSize=100)
        return {t["TenantName"] for t in page["Tenants"]}


def test_two_local_applies_with_a_lock_timeout_both_land(
        tmp_path: Path, applies: Callable[..., Apply]) -> None:
    alpha, beta = _local_configs(tmp_path)
    state = tmp_path / "account.json"
    first = applies(alpha, "--local-state", state, interactive=True)
    _until(lambda: _local_holder(state) == first.process.pid, first, "it held the lock")
    second = applies(beta, "--local-state", state, "--lock-timeout", str(WAIT))
    assert _still_running(second), second.finish()
    first.confirm()
    first_code, first_out, first_err = first.finish()
    second_code, second_out, second_err = second.finish()
    assert first_code == 0, first_out + first_err
    assert second_code == 0, second_out + second_err
    assert "Apply complete" in first_out and "Apply complete" in second_out
    assert _local_tenants(state) == {"Alpha", "Beta"}


def test_a_second_local_apply_without_a_timeout_is_refused_naming_the_holder_pid(
        tmp_path: Path, applies: Callable[..., Apply]) -> None:
    alpha, beta = _local_configs(tmp_path)
    state = tmp_path / "account.json"
    first = applies(alpha, "--local-state", state, interactive=True)
    _until(lambda: _local_holder(state) == first.process.pid, first, "it held the lock")
    code, out, err = applies(beta, "--local-state", state).finish()
    assert code == 1
    assert f"pid {first.process.pid}" in err and "apply" in err and str(alpha) in err
    assert "Apply complete" not in out
    first.confirm()
    assert first.finish()[0] == 0
    assert _local_tenants(state) == {"Alpha"}


# --- --target aws: the DynamoDB lease, over HTTP at `local serve` ----------------------------

@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "local", "serve", "--port", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        yield _wait_ready(process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stderr is not None:
            process.stderr.close()


def _create_lock_table(url: str) -> None:
    """Exactly the command the missing-table error tells the user to run."""
    args = create_table_command(TABLE, REGION).split()
    aws = Path(sys.executable).parent / args[0]
    subprocess.run([str(aws), *args[1:], "--endpoint-url", url, "--output", "json"],
                   check=True, capture_output=True, timeout=60)


def _lease_holder(dynamodb: Any) -> str | None:
    item = dynamodb.get_item(TableName=TABLE, Key={"LockID": {"S": lock_key(ACCOUNT, REGION)}},
                             ConsistentRead=True).get("Item")
    return item["Holder"]["S"] if item else None


def _served_configs(tmp_path: Path) -> tuple[Path, Path]:
    extra = {"lock": {"dynamodb_table": TABLE}}
    return (write_config(tmp_path, {"Alpha": {}}, name="alpha.yaml", extra_settings=extra),
            write_config(tmp_path, {"Beta": {}}, name="beta.yaml", extra_settings=extra))


def test_two_applies_against_aws_are_serialised_or_refused_by_the_dynamodb_lease(
        tmp_path: Path, served: str, applies: Callable[..., Apply]) -> None:
    _create_lock_table(served)
    dynamodb = boto3.client("dynamodb", region_name=REGION, endpoint_url=served)
    ses = boto3.client("sesv2", region_name=REGION, endpoint_url=served)
    alpha, beta = _served_configs(tmp_path)
    target = ("--target", "aws", "--endpoint-url", served, "--max-rate", "0")

    first = applies(alpha, *target, interactive=True)
    holder = _until(lambda: _lease_holder(dynamodb), first, "it held the lease")

    code, out, err = applies(beta, *target).finish()
    assert code == 1, out + err
    assert holder in err and f"pid {first.process.pid}" in err
    assert f"force-unlock {holder}" in err and len(err.strip().splitlines()) == 1

    waiting = applies(beta, *target, "--lock-timeout", str(WAIT))
    assert _still_running(waiting), waiting.finish()
    first.confirm()
    first_code, first_out, first_err = first.finish()
    waiting_code, waiting_out, waiting_err = waiting.finish()
    assert first_code == 0, first_out + first_err
    assert waiting_code == 0, waiting_out + waiting_err
    names = {t["TenantName"] for t in ses.list_tenants(PageSize=100)["Tenants"]}
    assert names == {"Alpha", "Beta"}
    assert _lease_holder(dynamodb) is None
