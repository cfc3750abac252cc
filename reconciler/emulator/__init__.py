"""Local SES emulator: moto extended with the SES v2 tenant APIs.

`Emulator` is the in-process handle used by tests, benchmarks and `--target local`.
"""

from reconciler.emulator.handle import DEFAULT_ACCOUNT, DEFAULT_REGION, Emulator

__all__ = ["DEFAULT_ACCOUNT", "DEFAULT_REGION", "Emulator"]
