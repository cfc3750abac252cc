"""Fixtures shared by every test: a fake-credential environment and the local emulator."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from reconciler.emulator import DEFAULT_ACCOUNT, DEFAULT_REGION, Emulator
from reconciler.emulator.server import EmulatorServer


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach real AWS or read the developer's credentials."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", DEFAULT_REGION)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(DEFAULT_ACCOUNT, DEFAULT_REGION) as emu:
        yield emu


@pytest.fixture
def sesv2(emulator: Emulator) -> object:
    return boto3.client("sesv2", region_name=emulator.region)


@pytest.fixture
def emulator_server() -> Iterator[EmulatorServer]:
    """The emulated account over HTTP on a free 127.0.0.1 port, served from this process.

    For code under test that takes `--endpoint-url`; state starts empty, like `emulator`'s.
    """
    with Emulator(DEFAULT_ACCOUNT, DEFAULT_REGION):
        server = EmulatorServer("127.0.0.1", 0).start()
        try:
            yield server
        finally:
            server.stop()
