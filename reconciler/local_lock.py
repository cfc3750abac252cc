"""`--target local`: one command at a time on a state file.

The emulator loads the state file when a command starts and saves it when the command ends, so
two overlapping commands on one file lose the work of whichever saves first; even a plan would
overwrite an apply. Every command that opens the file therefore holds an exclusive `flock` on a
sibling `<file>.lock` for its whole life. The kernel drops the lock when the holder exits, however
it exits, so a killed command never leaves a stale lock behind; the holder's pid, command line and
start time are written into the lock file only to name it to whoever is kept waiting.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shlex
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reconciler.errors import LockHeldError

POLL_SECONDS = 0.1


def lock_path(state_file: Path) -> Path:
    return state_file.with_name(state_file.name + ".lock")


def command_line() -> str:
    """How the running command was invoked, as a user would type it."""
    return shlex.join(["ses-reconciler", *sys.argv[1:]])


@contextmanager
def state_file_lock(state_file: Path, *, timeout: float = 0.0,
                    command: str | None = None) -> Iterator[Path]:
    """Hold the exclusive lock of `state_file`, waiting up to `timeout` seconds for it."""
    path = lock_path(state_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, state_file, timeout)
        record = {"pid": os.getpid(), "command": command or command_line(),
                  "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(record) + "\n").encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, state_file: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockHeldError(
                    f"the local account {state_file} is in use by {_holder(fd)}; wait for it "
                    f"to finish, or retry with --lock-timeout SECONDS") from None
            time.sleep(POLL_SECONDS)


def _holder(fd: int) -> str:
    """The holder as it described itself; it writes just after locking, so allow it a moment."""
    for _ in range(10):
        try:
            record = json.loads(os.pread(fd, 4096, 0).decode() or "null")
        except ValueError:
            record = None
        if isinstance(record, dict):
            return (f"pid {record.get('pid')} (`{record.get('command')}`, since "
                    f"{record.get('started')})")
        time.sleep(0.02)
    return "another process"
