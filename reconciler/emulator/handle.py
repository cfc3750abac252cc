"""In-process emulator handle: moto with the tenant extension, faults, counters and persistence.

Tests, benchmarks and ``--target local`` all need the same thing: one emulated account they can
reach through ordinary boto3 clients, misbehave on demand, count calls against, and keep between
runs. ``Emulator`` bundles that; moto's state is process-wide, so only one should run at a time.
"""

from __future__ import annotations

import functools
import importlib
import os
from pathlib import Path
from types import TracebackType
from typing import Any

from reconciler.emulator import interception, persistence
from reconciler.emulator.accounting import CallCounters
from reconciler.emulator.faults import FaultConfig, FaultInjector

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


class BoundControl:
    """The tenant extension's control functions with the account and Region filled in.

    ``emulator.control.pause(...)`` calls ``reconciler.emulator.control.pause(account, region,
    ...)``; the control module defines which functions exist and what they take.
    """

    def __init__(self, account_id: str, region: str) -> None:
        self._account_id = account_id
        self._region = region

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        module = importlib.import_module("reconciler.emulator.control")
        function = getattr(module, name)
        return functools.partial(function, self._account_id, self._region)

    def __dir__(self) -> list[str]:
        module = importlib.import_module("reconciler.emulator.control")
        return [name for name in getattr(module, "__all__", dir(module))
                if not name.startswith("_")]


class Emulator:
    """Context manager around moto's ``mock_aws`` with the SES tenant extension installed.

    ``faults`` and ``counters`` see every request (any service); ``state_file`` is loaded on start
    when it exists and written on ``stop()``.
    """

    def __init__(self, account_id: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION, *,
                 state_file: str | os.PathLike[str] | None = None,
                 faults: FaultConfig | None = None) -> None:
        self.account_id = account_id
        self.region = region
        self.state_file = Path(state_file) if state_file is not None else None
        self.faults = FaultInjector(faults)
        self.counters = CallCounters()
        self.control = BoundControl(account_id, region)
        self._mock: Any = None

    def start(self) -> Emulator:
        from moto import mock_aws

        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        os.environ["MOTO_ACCOUNT_ID"] = self.account_id
        self._mock = mock_aws()
        self._mock.start()
        try:
            install_extension()
            if self.state_file is not None and self.state_file.exists():
                persistence.load(self.state_file)
        except BaseException:
            self._mock.stop()
            self._mock = None
            raise
        interception.activate(self.faults, self.counters)
        return self

    def stop(self) -> None:
        if self._mock is None:
            return
        interception.deactivate(self.faults)
        try:
            if self.state_file is not None:
                persistence.save(self.state_file)
        finally:
            self._mock.stop()
            self._mock = None

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the emulated account to ``path`` (atomically)."""
        return persistence.save(path)

    def load(self, path: str | os.PathLike[str]) -> None:
        persistence.load(path)

    @property
    def options(self) -> Any:
        """The tenant extension's behaviour switches for this account and Region (mutable)."""
        backend = importlib.import_module("reconciler.emulator.backend")
        return backend.emulator_options(self.account_id, self.region)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def install_extension() -> None:
    """Install the SES v2 tenant operations into moto (idempotent), and the interception hook."""
    interception.install()
    try:
        extension = importlib.import_module("reconciler.emulator.extension")
    except ModuleNotFoundError as err:
        if err.name != "reconciler.emulator.extension":
            raise
        return
    extension.install()
