"""Two exception families: the config is wrong, or the run went wrong.

`cli.py` alone maps them to exit codes; library code raises, never prints.
"""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.diagnostics import Diagnostic


class ReconcilerError(Exception):
    """Base of everything this project raises on purpose."""


class ConfigError(ReconcilerError):
    """The desired state is invalid. Carries every problem found, not just the first."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(sorted(diagnostics))
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class RunError(ReconcilerError):
    """Something went wrong while talking to the account, or the run was refused."""


class AccountMismatchError(RunError):
    """The credentials point at another account or region than the config or saved plan."""


class PlanError(RunError):
    """The plan cannot be computed as asked (for example a referenced resource is missing)."""


class SafetyError(RunError):
    """The plan would do something destructive or large without the flag that allows it."""


class StalePlanError(RunError):
    """A saved plan no longer matches the account or the config it was computed from."""


class LockError(RunError):
    """The apply lock could not be taken, kept or released as asked."""


class LockHeldError(LockError):
    """Another command holds the lock (the local state file, or the DynamoDB lease)."""


class LockTableMissingError(LockError):
    """`settings.lock.dynamodb_table` names a table that does not exist in the account."""


class NotOwnedError(RunError):
    """A write met a tenant that exists without the ownership tag; nothing was written to it."""


class AwsError(RunError):
    """A call to AWS failed: the message says what was being done, AWS's answer and the fix."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class OptionConflictError(RunError):
    """Command-line options contradict each other or the config (a usage error, exit 2)."""
