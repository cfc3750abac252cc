"""One `local serve` process per test session (each scenario works in a Region of its own)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.trust.served import LocalServe


@pytest.fixture(scope="session")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServe]:
    directory = tmp_path_factory.mktemp("served")
    server = LocalServe(directory / "account.json", directory / "serve.log").start()
    try:
        yield server
    finally:
        server.stop()
