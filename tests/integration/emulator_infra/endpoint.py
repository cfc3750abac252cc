"""An emulator endpoint already running (in-process `EmulatorServer`): its clients and control."""

from __future__ import annotations

from dataclasses import dataclass

from tests.integration.emulator_infra.conftest import ServedAccount


@dataclass
class Endpoint:
    """The same `client` and `control` calls as `ServedAccount`, for a server started elsewhere."""

    url: str
    client = ServedAccount.client
    control = ServedAccount.control
