"""`--target local`: one command at a time on a state file, by `flock` on `<file>.lock`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reconciler.errors import LockHeldError
from reconciler.local_lock import lock_path, state_file_lock
from tests.integration.engine.conftest import run_cli, write_config
from tests.integration.engine.test_local_serve import _wait_ready


def _record(state: Path) -> dict[str, object]:
    return json.loads(lock_path(state).read_text(encoding="utf-8"))


def _held_elsewhere(state: Path, *, release_after: float) -> threading.Thread:
    """Another thread takes the state-file lock and lets it go `release_after` seconds later."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with state_file_lock(state, command="holder"):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(10)
    threading.Timer(release_after, release.set).start()
    return holder


def test_the_holder_writes_its_pid_command_and_start_time(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    with state_file_lock(state, command="ses-reconciler apply ses.yaml"):
        record = _record(state)
    assert record["pid"] == os.getpid()
    assert record["command"] == "ses-reconciler apply ses.yaml"
    assert isinstance(record["started"], str) and record["started"].startswith("20")


def test_release_clears_the_holder_record(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    with state_file_lock(state, command="first"):
        pass
    assert lock_path(state).read_text(encoding="utf-8") == ""


def test_a_second_holder_is_refused_with_the_first_pid_and_command(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    with (state_file_lock(state, command="ses-reconciler apply a.yaml"),
          pytest.raises(LockHeldError) as refused, state_file_lock(state, timeout=0)):
        pass
    message = str(refused.value)
    assert f"pid {os.getpid()}" in message and "ses-reconciler apply a.yaml" in message
    assert "--lock-timeout" in message and "\n" not in message


def test_a_waiter_gets_the_lock_when_the_holder_releases_within_the_timeout(
        tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    holder = _held_elsewhere(state, release_after=0.3)
    with state_file_lock(state, timeout=10, command="waiter"):
        assert _record(state)["command"] == "waiter"
    holder.join()


def test_a_waiter_is_refused_once_the_timeout_has_passed(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    with state_file_lock(state, command="holder"):
        started = time.monotonic()
        with pytest.raises(LockHeldError), state_file_lock(state, timeout=0.5):
            pass
        assert time.monotonic() - started >= 0.5


def test_a_holder_killed_with_sigkill_leaves_no_stale_lock(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    script = ("import sys, time; from pathlib import Path; "
              "from reconciler.local_lock import state_file_lock\n"
              "with state_file_lock(Path(sys.argv[1]), command='doomed'):\n"
              "    print('held', flush=True); time.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", script, str(state)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeldError, match=f"pid {holder.pid}"), \
                state_file_lock(state, timeout=0):
            pass
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        with state_file_lock(state, timeout=0, command="next"):
            assert _record(state)["command"] == "next"
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(10)
        if holder.stdout is not None:
            holder.stdout.close()


def test_plan_on_a_locked_local_account_fails_naming_the_holder(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    config = write_config(tmp_path, {"A": {}})
    with state_file_lock(state, command="ses-reconciler apply other.yaml"):
        result = run_cli("plan", config, "--target", "local", "--local-state", state)
    assert result.exit_code == 1
    assert f"pid {os.getpid()}" in result.stderr
    assert "ses-reconciler apply other.yaml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not state.exists()


def test_a_command_waits_for_the_lock_with_lock_timeout(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    config = write_config(tmp_path, {"A": {}})
    holder = _held_elsewhere(state, release_after=0.5)
    result = run_cli("apply", config, "--target", "local", "--local-state", state,
                     "--auto-approve", "--lock-timeout", "30")
    holder.join()
    assert result.exit_code == 0, result.output
    assert "Apply complete" in result.stdout


def test_local_serve_holds_its_state_file_lock_while_serving(tmp_path: Path) -> None:
    state = tmp_path / "served.json"
    config = write_config(tmp_path, {"A": {}})
    server = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "local", "serve", "--port", "0",
         "--state", str(state)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_ready(server)
        result = run_cli("plan", config, "--target", "local", "--local-state", state)
    finally:
        server.terminate()
        server.wait(timeout=15)
        if server.stderr is not None:
            server.stderr.close()
    assert result.exit_code == 1
    assert f"pid {server.pid}" in result.stderr and "local serve" in result.stderr
    with state_file_lock(state, timeout=0):
        pass
