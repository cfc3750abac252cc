"""Per-tenant IAM policies from `iam_templates`: substitution, validation and output.

Pure: the caller supplies where the policies live (`PolicyContext`) and what the account says
about each tenant (its id and ARN), so the same code serves a live render and `--offline`.
A value only the account can give (a tenant not created yet, or no account access at all)
renders as `(known after apply)`, as in a plan. IAM's own policy variables (`${aws:username}`)
contain a colon and pass through untouched.

Every problem of every rendered policy is collected before failing, each naming the tenant, the
template and the offending value, because a template error usually hits many tenants at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.config.rules import PLACEHOLDER_RE
from reconciler.config.sourcemap import child_path
from reconciler.diagnostics import Diagnostic, Location
from reconciler.errors import ConfigError, RunError
from reconciler.kinds.tenant import Tenant
from reconciler.state import Desired, Settings

KNOWN_AFTER_APPLY = "(known after apply)"
# IAM quota for a customer managed policy: 6,144 characters, whitespace not counted.
MAX_POLICY_CHARS = 6144
# Services a tenant policy may name. SES v2 actions use the `ses:` prefix (there is no `sesv2:`).
ALLOWED_SERVICES = frozenset({"ses", "cloudwatch", "logs", "events", "sns", "firehose"})
_ACTION_RE = re.compile(r"^([a-z0-9-]+):([A-Za-z0-9*?]+)$")
_PARTITIONS = (("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"), ("us-isob-", "aws-iso-b"),
               ("us-isof-", "aws-iso-f"), ("eu-isoe-", "aws-iso-e"), ("us-iso-", "aws-iso"))

Document = dict[str, Any]


@dataclass(frozen=True, slots=True)
class PolicyContext:
    """Account-wide placeholder values: from the account, or from settings when offline."""

    account_id: str
    region: str
    partition: str


@dataclass(frozen=True, slots=True)
class RenderedPolicy:
    tenant: str
    template: str
    policy_name: str
    description: str
    document: Document


def partition_for_region(region: str) -> str:
    """The AWS partition of a Region name, without asking anyone (offline rendering)."""
    for prefix, partition in _PARTITIONS:
        if region.startswith(prefix):
            return partition
    return "aws"


def offline_context(settings: Settings) -> PolicyContext:
    """Account and Region from the config alone; the account id must then be written there."""
    if not settings.account_id:
        raise RunError("--offline needs settings.account_id in the config (the account the "
                       "policies are for); add it or render against the account")
    return PolicyContext(settings.account_id, settings.region,
                         partition_for_region(settings.region))


def select_tenants(desired: Desired, names: Iterable[str]) -> list[str]:
    """The named tenants (all of them must be in the config), or every tenant with templates."""
    wanted = sorted(set(names))
    unknown = [name for name in wanted if name not in desired.tenants]
    if unknown:
        raise RunError(f"no tenant named {', '.join(map(repr, unknown))} in the config")
    if wanted:
        return wanted
    return sorted(name for name, tenant in desired.tenants.items() if tenant.iam)


def substitute(text: str, values: Mapping[str, str]) -> str:
    """Replace our placeholders; anything else in `${...}` (IAM variables) is left as written."""
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def render_value(value: Any, values: Mapping[str, str]) -> Any:
    """Substitute in every string of a document, mapping keys included (condition keys)."""
    if isinstance(value, str):
        return substitute(value, values)
    if isinstance(value, Mapping):
        return {substitute(str(k), values) if isinstance(k, str) else k:
                render_value(v, values) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [render_value(item, values) for item in value]
    return value


def placeholder_values(tenant: str, live: Tenant | None, ctx: PolicyContext) -> dict[str, str]:
    """The six placeholders for one tenant; id and ARN only once the tenant exists."""
    exists = live is not None
    return {
        "tenant.name": tenant,
        "tenant.id": (live.tenant_id if exists else None) or KNOWN_AFTER_APPLY,
        "tenant.arn": (live.arn if exists else None) or KNOWN_AFTER_APPLY,
        "account_id": ctx.account_id,
        "region": ctx.region,
        "partition": ctx.partition,
    }


def render_policies(desired: Desired, names: Iterable[str], ctx: PolicyContext,
                    live: Mapping[str, Tenant]) -> list[RenderedPolicy]:
    """Every template of every named tenant, validated; raises ConfigError listing all problems."""
    rendered: list[RenderedPolicy] = []
    for name in names:
        values = placeholder_values(name, live.get(name), ctx)
        for template_name in desired.tenants[name].iam:
            template = desired.iam_templates[template_name]
            rendered.append(RenderedPolicy(
                tenant=name, template=template_name,
                policy_name=substitute(template.policy_name, values),
                description=substitute(template.description, values),
                document=render_value(template.document, values)))
    problems = [d for policy in rendered for d in validate_policy(policy)]
    problems += _duplicate_names(rendered)
    if problems:
        raise ConfigError(problems)
    return rendered


def _duplicate_names(rendered: list[RenderedPolicy]) -> list[Diagnostic]:
    """Two templates of one tenant must not render to one policy name (one would be lost)."""
    seen: dict[tuple[str, str], str] = {}
    found: list[Diagnostic] = []
    for policy in rendered:
        first = seen.setdefault((policy.tenant, policy.policy_name), policy.template)
        if first != policy.template:
            found.append(_problem(policy, "policy_name", f"renders to {policy.policy_name!r}, "
                                  f"the same name as template {first!r}"))
    return found


def _problem(policy: RenderedPolicy, path: str, message: str) -> Diagnostic:
    where = child_path("iam_templates", policy.template)
    return Diagnostic(Location(""), f"{where}.{path}" if path else where,
                      f"tenant {policy.tenant!r}: {message}")


def validate_policy(policy: RenderedPolicy) -> list[Diagnostic]:
    """What IAM would refuse: non-JSON values, no Version, unknown action forms, oversize."""
    found = [_problem(policy, path, message) for path, message in _json_problems(
        policy.document, "document")]
    found += [_problem(policy, path, f"unknown placeholder {bad!r} (allowed: "
                       "${tenant.name} ${tenant.id} ${tenant.arn} ${account_id} ${region} "
                       "${partition})") for path, bad in _leftover_placeholders(
                           policy.document, "document")]
    if "Version" not in policy.document:
        found.append(_problem(policy, "document", "the policy has no Version "
                              "(use Version: \"2012-10-17\")"))
    found += [_problem(policy, path, message)
              for path, message in _action_problems(policy.document)]
    if not found:
        size = policy_size(policy.document)
        if size > MAX_POLICY_CHARS:
            found.append(_problem(policy, "document", f"policy {policy.policy_name!r} is "
                                  f"{size:,} characters without whitespace, over IAM's "
                                  f"{MAX_POLICY_CHARS:,} for a managed policy"))
    return found


def policy_size(document: Document) -> int:
    """Characters IAM counts against the quota: the JSON text without whitespace."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return sum(1 for char in text if not char.isspace())


def _json_problems(value: Any, path: str) -> list[tuple[str, str]]:
    """Values JSON cannot carry as such (YAML reads an unquoted 2012-10-17 as a date)."""
    if isinstance(value, str | bool | int | float) or value is None:
        return []
    if isinstance(value, Mapping):
        bad_keys = [(child_path(path, str(k)), f"key {k!r} is not a string")
                    for k in value if not isinstance(k, str)]
        return bad_keys + [p for k, v in value.items()
                           for p in _json_problems(v, child_path(path, str(k)))]
    if isinstance(value, list | tuple):
        return [p for i, item in enumerate(value) for p in _json_problems(item, child_path(
            path, i))]
    return [(path, f"{value!r} is a {type(value).__name__}, not a JSON value (quote it)")]


def _leftover_placeholders(value: Any, path: str) -> list[tuple[str, str]]:
    """`${...}` left after substitution that IAM would not know either (keys are not
    checked by `validate`, so a misspelt condition key surfaces here)."""
    found: list[tuple[str, str]] = []
    if isinstance(value, str):
        found += [(path, f"${{{m}}}") for m in PLACEHOLDER_RE.findall(value) if ":" not in m]
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found += _leftover_placeholders(str(key), child_path(path, str(key)))
            found += _leftover_placeholders(item, child_path(path, str(key)))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found += _leftover_placeholders(item, child_path(path, i))
    return found


def _statements(document: Document) -> list[tuple[str, Any]]:
    statement = document.get("Statement")
    if isinstance(statement, list):
        return [(child_path("document.Statement", i), s) for i, s in enumerate(statement)]
    return [("document.Statement", statement)] if statement is not None else []


def _action_problems(document: Document) -> list[tuple[str, str]]:
    """Each Action / NotAction must be `service:Name` with an allowed service."""
    found: list[tuple[str, str]] = []
    for path, statement in _statements(document):
        if not isinstance(statement, Mapping):
            continue
        for key in ("Action", "NotAction"):
            if key not in statement:
                continue
            for where, action in _each(statement[key], child_path(path, key)):
                message = action_error(action)
                if message:
                    found.append((where, message))
    return found


def _each(value: Any, path: str) -> list[tuple[str, Any]]:
    """A policy element that may be one value or a list of them, with each item's path."""
    if isinstance(value, list):
        return [(child_path(path, i), item) for i, item in enumerate(value)]
    return [(path, value)]


def action_error(action: Any) -> str | None:
    """Why `action` is not an allowed `service:Name`, or None."""
    match = _ACTION_RE.match(action) if isinstance(action, str) else None
    if match is None:
        return f"action {action!r} is not of the form service:Name"
    service = match.group(1)
    if service == "sesv2":
        return f"action {action!r}: SES v2 actions use the ses: prefix (ses:{match.group(2)})"
    if service not in ALLOWED_SERVICES:
        return (f"action {action!r}: service {service!r} is not allowed in tenant policies "
                f"(allowed: {', '.join(sorted(ALLOWED_SERVICES))})")
    return None


def policies_json(policies: Iterable[RenderedPolicy], names: Iterable[str]) -> str:
    """`{tenant: {policy_name: document}}`; a selected tenant without templates maps to {}."""
    out: dict[str, dict[str, Document]] = {name: {} for name in sorted(names)}
    for policy in policies:
        out.setdefault(policy.tenant, {})[policy.policy_name] = policy.document
    return json.dumps(out, indent=2) + "\n"


def policies_text(policies: Iterable[RenderedPolicy]) -> str:
    """One header and one pretty JSON block per policy, for reading and pasting."""
    blocks = []
    for p in policies:
        header = f"# tenant {p.tenant}: policy {p.policy_name} (template {p.template})"
        if p.description:
            header += f"\n# {p.description}"
        blocks.append(f"{header}\n{json.dumps(p.document, indent=2)}\n")
    return "\n".join(blocks) if blocks else "no IAM policies to render\n"
