"""What IAM would refuse in a policy document, checked before IAM sees it.

Pure and shared: `validate` checks each template once with sample placeholder values, `iam render`
checks each rendered policy, and an `iam_policy` kind can check before it writes. Findings carry a
path inside the document (`Statement[0].Action[1]`) for the caller to prefix with where the
document was written. Actions are checked against botocore's service models (`catalog`); the
grammar itself (elements, operators, versions) is IAM's and is spelled out here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from reconciler.config.rules import PLACEHOLDER_RE, PLACEHOLDERS
from reconciler.config.sourcemap import child_path
from reconciler.iam import catalog

Severity = Literal["error", "warning"]
PolicyType = Literal["identity", "trust"]

# IAM quotas: a customer managed policy, and a role trust policy (default, raisable to 4,096)
MAX_POLICY_CHARS = 6144
MAX_TRUST_POLICY_CHARS = 2048
VERSIONS = ("2012-10-17", "2008-10-17")
EFFECTS = ("Allow", "Deny")
_TOP_KEYS = ("Version", "Id", "Statement")
_STATEMENT_KEYS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
                   "Resource", "NotResource", "Condition")
_PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")
_OPERATORS = frozenset({
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
    "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
    "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
    "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
    "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals",
    "ArnLike", "ArnNotEquals", "ArnNotLike", "Null"})
_SET_PREFIXES = ("ForAllValues:", "ForAnyValue:")
ACTION_RE = re.compile(r"([A-Za-z0-9-]+):([A-Za-z0-9*?]+)")
_PARTITIONS = frozenset({"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e",
                         "aws-iso-f", "aws-eusc"})
_IAM_VARIABLE = re.compile(r"\$\{[^}]*\}")
_SEGMENTS = {"service": re.compile(r"[a-z0-9*?-]+"), "region": re.compile(r"[a-z0-9*?-]*"),
             "account": re.compile(r"([0-9]{12}|aws|[0-9*?]*\*[0-9*?]*)?")}
UNKNOWN = "(known after apply)"
# what a role trust policy may grant (IAM: "AssumeRole policy may only specify STS AssumeRole
# actions"), and the shapes of an AWS principal
ASSUME_ACTIONS = ("sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity",
                  "sts:SetContext", "sts:SetSourceIdentity", "sts:TagSession")
_AWS_PRINCIPAL = re.compile(
    r"[0-9]{12}|arn:aws[a-z-]*:(iam::[0-9]{12}:(root|(user|role|federated-user)/\S+)"
    r"|sts::[0-9]{12}:assumed-role/\S+)")


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem of a document; `path` is relative to the document ("" for the whole)."""

    path: str
    message: str
    severity: Severity = "error"


def join(base: str, path: str) -> str:
    """`base` (where the document is) followed by a finding's relative path."""
    return f"{base}.{path}" if base and path else base or path


def check_document(document: Any, *, policy_type: PolicyType = "identity",
                   extra_services: Collection[str] = (),
                   max_chars: int | None = None) -> list[Finding]:
    """Every error IAM would raise on `document` (an identity or a role trust policy), in
    document order, then its size once it is otherwise valid. Lint warnings are separate
    (`reconciler.iam.lint`)."""
    if not isinstance(document, Mapping):
        return [Finding("", "the policy document must be a mapping (Version, Statement)")]
    found = list(_json_problems(document, ""))
    found += _leftover_placeholders(document, "")
    found += [Finding(child_path("", k), f"unknown policy element {k!r} (expected one of: "
                      f"{', '.join(_TOP_KEYS)})") for k in document if k not in _TOP_KEYS]
    found += _version(document)
    for path, statement in statements(document):
        found += _statement(path, statement, policy_type, extra_services)
    if not found:
        limit = max_chars or (MAX_TRUST_POLICY_CHARS if policy_type == "trust"
                              else MAX_POLICY_CHARS)
        size = policy_size(document)
        if size > limit:
            what = "role trust policy" if policy_type == "trust" else "managed policy"
            found.append(Finding("", f"the policy is {size:,} characters without whitespace, "
                                 f"over IAM's {limit:,} for a {what}"))
    return found


def policy_size(document: Mapping[str, Any]) -> int:
    """Characters IAM counts against the quota: the JSON text without whitespace."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return sum(1 for char in text if not char.isspace())


def statements(document: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(path, statement) of each statement; `Statement` may be one mapping or a list."""
    statement = document.get("Statement")
    if isinstance(statement, list):
        return [(child_path("Statement", i), s) for i, s in enumerate(statement)]
    return [("Statement", statement)] if statement is not None else []


def each(value: Any, path: str) -> list[tuple[str, Any]]:
    """A policy element that may be one value or a list of them, with each item's path."""
    if isinstance(value, list):
        return [(child_path(path, i), item) for i, item in enumerate(value)]
    return [(path, value)]


def _version(document: Mapping[str, Any]) -> list[Finding]:
    if "Version" not in document:
        return [Finding("", "the policy has no Version (use Version: \"2012-10-17\")")]
    version = document["Version"]
    if isinstance(version, str) and version not in VERSIONS:
        return [Finding("Version", f"Version {version!r} is not one IAM knows (use "
                        "\"2012-10-17\")")]
    if "Statement" not in document or document["Statement"] in ([], None):
        return [Finding("", "the policy has no Statement")]
    return []


def _statement(path: str, statement: Any, policy_type: PolicyType,
               extra_services: Collection[str]) -> list[Finding]:
    if not isinstance(statement, Mapping):
        return [Finding(path, "a statement must be a mapping (Effect, Action, Resource...)")]
    found = [Finding(child_path(path, k), f"unknown statement element {k!r} (expected one of: "
                     f"{', '.join(_STATEMENT_KEYS)})")
             for k in statement if k not in _STATEMENT_KEYS]
    effect = statement.get("Effect")
    if effect is None:
        found.append(Finding(path, "the statement has no Effect (Allow or Deny)"))
    elif effect not in EFFECTS:
        found.append(Finding(child_path(path, "Effect"),
                             f"Effect must be Allow or Deny, got {effect!r}"))
    found += _exactly_one(statement, path, ("Action", "NotAction"))
    found += _shape_by_type(statement, path, policy_type)
    for key in ("Action", "NotAction"):
        for where, action in each(statement.get(key, []), child_path(path, key)):
            message = action_error(action, extra_services)
            if message:
                found.append(Finding(where, message))
    for key in ("Resource", "NotResource"):
        for where, resource in each(statement.get(key, []), child_path(path, key)):
            message = arn_error(resource)
            if message:
                found.append(Finding(where, message))
    if "Condition" in statement:
        found += _conditions(statement["Condition"], child_path(path, "Condition"))
    return found


def _exactly_one(statement: Mapping[str, Any], path: str, pair: tuple[str, str]) -> list[Finding]:
    present = [k for k in pair if k in statement]
    if not present:
        return [Finding(path, f"the statement has no {pair[0]} (or {pair[1]})")]
    if len(present) == 2:
        return [Finding(path, f"a statement takes {pair[0]} or {pair[1]}, not both")]
    return []


def _shape_by_type(statement: Mapping[str, Any], path: str,
                   policy_type: PolicyType) -> list[Finding]:
    if policy_type == "identity":
        found = [Finding(child_path(path, k), f"{k} belongs in a trust or resource policy, "
                         "not in a policy attached to an identity")
                 for k in ("Principal", "NotPrincipal") if k in statement]
        return found + _exactly_one(statement, path, ("Resource", "NotResource"))
    found = [Finding(child_path(path, k), f"a role trust policy takes no {k} (the role is "
                     "the resource)") for k in ("Resource", "NotResource") if k in statement]
    found += _exactly_one(statement, path, ("Principal", "NotPrincipal"))
    for key in ("Principal", "NotPrincipal"):
        if key in statement:
            found += _principal(statement[key], child_path(path, key))
    for where, action in each(statement.get("Action", []), child_path(path, "Action")):
        if isinstance(action, str) and action_error(action) is None and not _assumes(action):
            found.append(Finding(where, (
                f"action {action!r} cannot be granted by a role trust policy, which allows "
                f"only assuming the role ({', '.join(ASSUME_ACTIONS)})")))
    return found


def _assumes(action: str) -> bool:
    """Whether `action` (wildcards allowed) names one of the actions a trust policy grants."""
    if action == "*":
        return True
    pattern = re.compile(re.escape(action.lower()).replace(r"\*", ".*").replace(r"\?", "."))
    return any(pattern.fullmatch(a.lower()) for a in ASSUME_ACTIONS)


def _principal(value: Any, path: str) -> list[Finding]:
    if value == "*":
        return []
    if not isinstance(value, Mapping):
        return [Finding(path, "a principal is \"*\" or a mapping of AWS, Service, Federated "
                        "or CanonicalUser to names")]
    found = [Finding(child_path(path, k), f"unknown principal type {k!r} (expected one of: "
                     f"{', '.join(_PRINCIPAL_KEYS)})") for k in value if k not in _PRINCIPAL_KEYS]
    for where, name in each(value.get("AWS", []), child_path(path, "AWS")):
        if not _aws_principal(name):
            found.append(Finding(where, (
                f"AWS principal {name!r} is not \"*\", an account id or an IAM ARN "
                "(arn:aws:iam::ACCOUNT:root, ...:role/NAME, ...:user/NAME)")))
    return found


def _aws_principal(name: Any) -> bool:
    """`*`, a 12-digit account id, or an IAM or STS ARN of an account (values known only after
    apply, and placeholders reported elsewhere, pass)."""
    if not isinstance(name, str):
        return False
    if name == "*" or UNKNOWN in name or PLACEHOLDER_RE.search(name):
        return True
    return bool(_AWS_PRINCIPAL.fullmatch(name))


def action_error(action: Any, extra_services: Collection[str] = ()) -> str | None:
    """Why `action` names no IAM action, or None. A service in `extra_services` is accepted
    with any action name (a service botocore does not model, or an IAM-only permission)."""
    if action == "*":
        return None
    match = ACTION_RE.fullmatch(action) if isinstance(action, str) else None
    if match is None:
        return f"action {action!r} is not of the form service:Name"
    prefix, name = match.group(1).lower(), match.group(2)
    if prefix in extra_services:
        return None
    if not catalog.known_prefix(prefix):
        return _unknown_service(action, prefix, name)
    if not catalog.matching(prefix, name):
        verb = "matches no" if "*" in name or "?" in name else "is not an"
        return f"action {action!r} {verb} {prefix} action (botocore's {prefix} service models)"
    return None


def _unknown_service(action: str, prefix: str, name: str) -> str:
    iam_prefix = catalog.prefix_of_service(prefix)
    if iam_prefix is not None:
        return (f"action {action!r}: IAM names {prefix} actions with the {iam_prefix}: prefix "
                f"({iam_prefix}:{name})")
    return (f"action {action!r}: unknown service {prefix!r} (list it in "
            "settings.iam.extra_services if IAM knows it)")


def arn_error(resource: Any) -> str | None:
    """Why `resource` is neither `*` nor an ARN, or None; wildcards, IAM variables
    (`${aws:username}`) and values known only after apply are accepted in any part."""
    if not isinstance(resource, str):
        return f"resource {resource!r} is not a string"
    if any(":" not in m for m in PLACEHOLDER_RE.findall(resource)):
        return None  # a leftover placeholder, reported as such
    value = _IAM_VARIABLE.sub("x", resource.replace(UNKNOWN, "*"))
    if value == "*":
        return None
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return (f"resource {resource!r} is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:"
                "RESOURCE) nor \"*\"")
    partition = parts[1]
    if partition not in _PARTITIONS and "*" not in partition and "?" not in partition:
        return f"resource {resource!r}: unknown partition {partition!r}"
    for (label, pattern), segment in zip(_SEGMENTS.items(), parts[2:5], strict=True):
        if not pattern.fullmatch(segment) or (label == "service" and not segment):
            return f"resource {resource!r}: {segment!r} is not a valid {label}"
    if not parts[5]:
        return f"resource {resource!r} names no resource after the account"
    return None


def operator_error(operator: str) -> str | None:
    """Why `operator` is not an IAM condition operator, or None."""
    base = operator
    for prefix in _SET_PREFIXES:
        base = base.removeprefix(prefix)
    core = base.removesuffix("IfExists")
    if core in _OPERATORS and not (core == "Null" and core != base):
        return None
    return f"unknown condition operator {operator!r}"


def _conditions(condition: Any, path: str) -> list[Finding]:
    if not isinstance(condition, Mapping):
        return [Finding(path, "Condition must be a mapping of operators to keys and values")]
    found: list[Finding] = []
    for operator, keys in condition.items():
        where = child_path(path, operator)
        message = operator_error(str(operator))
        if message:
            found.append(Finding(where, message))
        if not isinstance(keys, Mapping):
            found.append(Finding(where, f"{operator} must map condition keys to values"))
    return found


def condition_keys(statement: Mapping[str, Any]) -> Iterator[str]:
    """Every condition key a statement tests, lower-cased (IAM keys ignore case)."""
    condition = statement.get("Condition")
    if isinstance(condition, Mapping):
        for keys in condition.values():
            if isinstance(keys, Mapping):
                yield from (str(k).lower() for k in keys)


def _json_problems(value: Any, path: str) -> Iterator[Finding]:
    """Values JSON cannot carry as such (YAML reads an unquoted 2012-10-17 as a date)."""
    if isinstance(value, str | bool | int | float) or value is None:
        return
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                yield Finding(child_path(path, str(k)), f"key {k!r} is not a string")
            yield from _json_problems(v, child_path(path, str(k)))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _json_problems(item, child_path(path, i))
    else:
        yield Finding(path, f"{value!r} is a {type(value).__name__}, not a JSON value "
                      "(quote it)")


def unknown_placeholder_message(name: str) -> str:
    return (f"unknown placeholder ${{{name}}} (allowed: "
            + " ".join(f"${{{p}}}" for p in sorted(PLACEHOLDERS)) + ")")


def _leftover_placeholders(value: Any, path: str) -> list[Finding]:
    """`${...}` left after substitution that IAM would not know either (IAM's own variables
    have a colon: `${aws:username}`)."""
    found: list[Finding] = []
    if isinstance(value, str):
        found += [Finding(path, unknown_placeholder_message(m))
                  for m in PLACEHOLDER_RE.findall(value) if ":" not in m]
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found += _leftover_placeholders(str(key), child_path(path, str(key)))
            found += _leftover_placeholders(item, child_path(path, str(key)))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found += _leftover_placeholders(item, child_path(path, i))
    return found
