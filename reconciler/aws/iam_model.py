"""IAM policies and roles as the gateway reads them: plain data, no planning.

The IAM readers return these records and the IAM writers take them back: a writer that changes
or deletes an existing policy or role is handed the record it was read as, and refuses unless
its tags carry the ownership tag (see `Ownership.require`). Documents are dicts: boto3 decodes
IAM's URL-encoded JSON itself, and `document_from_wire` decodes it for any other caller.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from reconciler.errors import NotOwnedError

# one shape of attachments for the config and the account (re-exported for the gateway)
from reconciler.state import PRINCIPAL_KINDS as PRINCIPAL_KINDS
from reconciler.state import Attachments as Attachments
from reconciler.state import Principal as Principal
from reconciler.state import PrincipalKind as PrincipalKind


@dataclass(frozen=True, slots=True)
class Ownership:
    """The tag that marks a policy or role as the tool's. IAM treats tag keys without regard
    to case, so the key matches case-insensitively; the value must match exactly."""

    key: str
    value: str

    def owns(self, tags: Mapping[str, str]) -> bool:
        return any(k.lower() == self.key.lower() and v == self.value for k, v in tags.items())

    def tag(self) -> dict[str, str]:
        return {self.key: self.value}

    def require(self, kind: str, name: str, tags: Mapping[str, str], doing: str) -> None:
        """Raise before any call unless `tags` carry the ownership tag."""
        if not self.owns(tags):
            raise NotOwnedError(
                f"{kind}.{name} does not carry the ownership tag {self.key}={self.value}, so "
                f"it was not {doing} and nothing was written to it; it is managed outside "
                "this tool.")


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    version_id: str
    is_default: bool
    created: datetime | None = None

    @property
    def number(self) -> int:
        """`v12` -> 12; IAM numbers versions in creation order."""
        digits = self.version_id.lstrip("v").split(".", 1)[0]
        return int(digits) if digits.isdigit() else 0


@dataclass(frozen=True, slots=True)
class LivePolicy:
    """A customer-managed policy as read. `document` (the default version's) is read for owned
    policies only; `versions` only when asked; `attachments` only when read (None = not read)."""

    name: str
    path: str
    arn: str
    policy_id: str
    default_version_id: str
    tags: Mapping[str, str] = field(default_factory=dict)
    owned: bool = False
    attachment_count: int = 0
    description: str = ""
    document: Mapping[str, Any] | None = None
    versions: tuple[PolicyVersion, ...] | None = None
    attachments: Attachments | None = None


@dataclass(frozen=True, slots=True)
class LiveRole:
    """A role as read. `attached` (managed policy ARNs) is None when it was not read."""

    name: str
    path: str
    arn: str
    role_id: str
    trust_policy: Mapping[str, Any]
    max_session_duration: int = 3600
    description: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)
    owned: bool = False
    attached: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class RoleSpec:
    """What `create_role` makes: IAM's defaults for an omitted max session are one hour."""

    name: str
    path: str
    trust_policy: Mapping[str, Any]
    max_session_duration: int = 3600
    description: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)


def policy_arn(partition: str, account: str, path: str, name: str) -> str:
    return f"arn:{partition}:iam::{account}:policy{path}{name}"


def role_arn(partition: str, account: str, path: str, name: str) -> str:
    return f"arn:{partition}:iam::{account}:role{path}{name}"


def document_from_wire(value: Any) -> dict[str, Any]:
    """A policy document as a dict: boto3 hands over dicts already; raw clients see the
    URL-encoded JSON string (or plain JSON, as some emulators answer)."""
    if isinstance(value, Mapping):
        return dict(value)
    text = str(value or "")
    if not text.lstrip().startswith("{"):
        text = unquote(text)
    decoded = json.loads(text) if text.strip() else {}
    if not isinstance(decoded, dict):
        raise ValueError("an IAM policy document must be a JSON object")
    return decoded


def document_to_wire(document: Mapping[str, Any]) -> str:
    """Compact JSON in the author's key order (IAM keeps what it is sent)."""
    return json.dumps(document, separators=(",", ":"))


def iam_tags(tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    """IAM's `[{"Key", "Value"}]` as a dict sorted by key (IAM reserves no `aws:` prefix on
    customer tags, so none is dropped)."""
    return dict(sorted((t["Key"], t.get("Value", "")) for t in tags or ()))


def tags_to_iam(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
