"""IAM's rules for names and paths, read from IAM's own botocore model (min, max, pattern).

One message per rule, shared by the config models and the per-tenant checks, so a role name
rendered from `${tenant.name}` fails with the same words as one written out.
"""

from __future__ import annotations

import re
from typing import Literal

from reconciler.iam import catalog

NameKind = Literal["policy", "role", "group", "user"]
_SHAPES: dict[NameKind, str] = {"policy": "policyNameType", "role": "roleNameType",
                                "group": "groupNameType", "user": "existingUserNameType"}


def _fits(shape_name: str, value: str) -> bool:
    shape = catalog.iam_shape(shape_name)
    if not shape.get("min", 0) <= len(value) <= shape.get("max", len(value)):
        return False
    pattern = shape.get("pattern")
    return pattern is None or re.fullmatch(pattern, value, re.ASCII) is not None


def name_error(kind: NameKind, name: str) -> str | None:
    """Why IAM would refuse `name` for a `kind`, or None."""
    shape = _SHAPES[kind]
    if _fits(shape, name):
        return None
    limit = catalog.iam_shape(shape)["max"]
    return (f"IAM {kind} name {name!r} must be 1-{limit} characters of letters, digits and "
            "+ = , . @ _ -")


def path_error(path: str) -> str | None:
    """Why IAM would refuse `path` for a policy or role, or None."""
    if _fits("pathType", path):
        return None
    return (f"IAM path {path!r} must start and end with '/' and hold only printable ASCII "
            "(e.g. /ses-reconciler/), at most 512 characters")
