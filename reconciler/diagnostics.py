"""Where a config problem is, and what it is.

Every config error points at a file, line, column and dotted path, so that a platform engineer
reading CI output can jump straight to the offending line of a pull request.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True, order=True)
class Location:
    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True, order=True)
class Source:
    """Where a config entry was written, kept past validation so a run-time refusal can point
    at the line to edit just as a config error does."""

    location: Location
    path: str

    def __str__(self) -> str:
        return f"{self.location}: {self.path}"


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    location: Location
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location.file else ""
        path = f"{self.path}: " if self.path else ""
        return f"{where}{path}{self.message}"

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self.location), "path": self.path, "message": self.message,
                "severity": self.severity}
