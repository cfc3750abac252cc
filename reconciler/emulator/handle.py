"""In-process emulator handle: starts moto with the tenant extension installed."""

from __future__ import annotations

import os
from types import TracebackType

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


class Emulator:
    """Context manager around moto's `mock_aws` with the SES tenant extension installed."""

    def __init__(self, account_id: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION) -> None:
        self.account_id = account_id
        self.region = region
        self._mock = None

    def start(self) -> Emulator:
        from moto import mock_aws

        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        os.environ["MOTO_ACCOUNT_ID"] = self.account_id
        self._mock = mock_aws()
        self._mock.start()
        try:
            from reconciler.emulator.extension import install
        except ImportError:  # extension not built yet
            return self
        install()
        return self

    def stop(self) -> None:
        if self._mock is not None:
            self._mock.stop()
            self._mock = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
