"""The state machine's own view of the account: config entries, a plain-boto3 reading of every
tenant, and the rules an apply must leave behind, written from the README's promises rather than
from the planner.

Ownership is decided per tenant before an apply, from what the account shows and what the entry
chooses: a tenant created by the tool or carrying the ownership tag is managed (it equals its
entry); `adopt: true` makes an untagged one managed; `external: true` lets the entry add to an
untagged one and nothing more; an untagged declared tenant with neither is a conflict, and like
every tenant that is not ours it must come out of the apply exactly as it went in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
OWNERSHIP_KEY, OWNERSHIP_VALUE = "managed-by", "ses-reconciler"
REFS = ("identity/a.example.com", "identity/b.example.com", "configuration-set/cs1",
        "template/tpl1")
YAML_SECTION = {"identity": "identities", "configuration-set": "configuration_sets",
                "template": "templates"}

Suppression = tuple[str, frozenset[str]]


def arn(ref: str) -> str:
    return f"arn:aws:ses:{REGION}:{ACCOUNT}:{ref}"


@dataclass(frozen=True)
class Entry:
    """One tenant as the config declares it; None means the key is not written."""

    tags: Mapping[str, str] = field(default_factory=dict)
    resources: frozenset[str] = frozenset()
    policy: str | None = None
    status: str | None = None
    suppression: Suppression | None = None
    flag: str | None = None  # "adopt" or "external"

    def to_yaml(self) -> dict[str, Any]:
        document: dict[str, Any] = {}
        if self.tags:
            document["tags"] = dict(self.tags)
        if self.resources:
            sections: dict[str, list[str]] = {}
            for ref in sorted(self.resources):
                kind, name = ref.split("/", 1)
                sections.setdefault(YAML_SECTION[kind], []).append(name)
            document["resources"] = sections
        if self.policy is not None:
            document["reputation_policy"] = self.policy
        if self.status is not None:
            document["sending_status"] = self.status
        if self.suppression is not None:
            scope, reasons = self.suppression
            document["suppression"] = {"scope": scope, "reasons": sorted(reasons)}
        if self.flag is not None:
            document[self.flag] = True
        return document


@dataclass(frozen=True)
class Seen:
    """One tenant as plain boto3 reads it: GetTenant, ListTenantResources, GetReputationEntity."""

    tenant: Mapping[str, Any]
    resources: tuple[str, ...]
    entity: Mapping[str, Any] | None

    @property
    def tags(self) -> dict[str, str]:
        return {t["Key"]: t["Value"] for t in self.tenant.get("Tags") or ()}

    @property
    def owned(self) -> bool:
        return self.tags.get(OWNERSHIP_KEY) == OWNERSHIP_VALUE

    @property
    def policy(self) -> str:
        arn_ = (self.entity or {}).get("ReputationManagementPolicy")
        return arn_.rsplit("/", 1)[-1] if arn_ else "standard"

    @property
    def customer_record(self) -> Mapping[str, Any]:
        return (self.entity or {}).get("CustomerManagedStatus") or {}

    @property
    def customer_status(self) -> str | None:
        return self.customer_record.get("Status")

    @property
    def aws_status(self) -> str | None:
        return ((self.entity or {}).get("AwsSesManagedStatus") or {}).get("Status")

    @property
    def suppression(self) -> Suppression | None:
        attrs = self.tenant.get("SuppressionAttributes") or {}
        if not attrs.get("SuppressionScope"):
            return None
        return attrs["SuppressionScope"], frozenset(attrs.get("SuppressedReasons") or ())

    @property
    def identity(self) -> tuple[Any, ...]:
        return tuple(self.tenant.get(k) for k in ("TenantId", "TenantArn", "CreatedTimestamp"))


def read_tenant(ses: Any, name: str) -> Seen | None:
    try:
        tenant = ses.get_tenant(TenantName=name)["Tenant"]
    except ses.exceptions.NotFoundException:
        return None
    resources: list[str] = []
    kwargs: dict[str, Any] = {"TenantName": name, "PageSize": 100}
    while True:
        page = ses.list_tenant_resources(**kwargs)
        resources += [r["ResourceArn"] for r in page.get("TenantResources", [])]
        if not page.get("NextToken"):
            break
        kwargs["NextToken"] = page["NextToken"]
    try:
        entity = ses.get_reputation_entity(
            ReputationEntityType="RESOURCE",
            ReputationEntityReference=tenant["TenantArn"])["ReputationEntity"]
    except ses.exceptions.NotFoundException:
        entity = None
    return Seen(tenant, tuple(sorted(resources)), entity)


def read_account(ses: Any) -> dict[str, Seen]:
    """Every tenant of the account, read in full."""
    names: list[str] = []
    kwargs: dict[str, Any] = {"PageSize": 100}
    while True:
        page = ses.list_tenants(**kwargs)
        names += [t["TenantName"] for t in page.get("Tenants", [])]
        if not page.get("NextToken"):
            break
        kwargs["NextToken"] = page["NextToken"]
    found = {name: read_tenant(ses, name) for name in names}
    return {name: seen for name, seen in found.items() if seen is not None}


class Fate(Enum):
    """What an apply must do with one tenant, decided from the account before it runs."""

    MANAGED = "equals its entry, ownership tag included"
    EXTERNAL = "keeps everything, gains what the entry declares"
    UNTOUCHED = "byte-identical to before the apply"
    DELETED = "gone (owned, undeclared, prune on)"


def fate(entry: Entry | None, seen: Seen | None) -> Fate:
    if entry is None:
        return Fate.DELETED if seen is not None and seen.owned else Fate.UNTOUCHED
    if seen is None or seen.owned or entry.flag == "adopt":
        return Fate.MANAGED
    return Fate.EXTERNAL if entry.flag == "external" else Fate.UNTOUCHED


def is_conflict(entry: Entry | None, seen: Seen | None) -> bool:
    """Declared, present without the ownership tag, and the entry chose neither way out."""
    return entry is not None and seen is not None and not seen.owned and entry.flag is None


def status_holds(wanted: str, seen: Seen) -> bool:
    """ENABLED and REINSTATED both mean sending; only a DISABLED entry may leave it DISABLED."""
    customer = seen.customer_status
    if wanted == "DISABLED":
        return customer == "DISABLED"
    if customer == "DISABLED":
        return False
    return not (wanted == "REINSTATED" and seen.aws_status == "DISABLED"
                and customer != "REINSTATED")


def managed_problems(name: str, entry: Entry, seen: Seen | None) -> list[str]:
    if seen is None:
        return [f"{name}: declared and ours, but absent"]
    found = {
        "tags": (seen.tags, {**entry.tags, OWNERSHIP_KEY: OWNERSHIP_VALUE}),
        "resources": (seen.resources, tuple(sorted(arn(r) for r in entry.resources))),
        "policy": (seen.policy, entry.policy or "standard"),
        "suppression": (seen.suppression, entry.suppression),
    }
    problems = [f"{name}: {what} {got!r}, expected {want!r}"
                for what, (got, want) in found.items() if got != want]
    if not status_holds(entry.status or "ENABLED", seen):
        problems.append(f"{name}: status {seen.entity!r} does not satisfy "
                        f"{entry.status or 'ENABLED'}")
    return problems


def external_problems(name: str, entry: Entry, before: Seen, after: Seen | None) -> list[str]:
    if after is None:
        return [f"{name}: external tenant deleted"]
    if after.identity != before.identity:
        return [f"{name}: external tenant replaced: {before.identity} -> {after.identity}"]
    found = {
        "tags": (after.tags, {**before.tags, **entry.tags}),
        "resources": (after.resources,
                      tuple(sorted(set(before.resources) | {arn(r) for r in entry.resources}))),
        "policy": (after.policy, entry.policy or before.policy),
        "suppression": (after.suppression,
                        entry.suppression if entry.suppression else before.suppression),
    }
    problems = [f"{name}: {what} {got!r}, expected {want!r}"
                for what, (got, want) in found.items() if got != want]
    if entry.status is not None and not status_holds(entry.status, after):
        problems.append(f"{name}: status {after.entity!r} does not satisfy {entry.status}")
    if entry.status is None and after.customer_record != before.customer_record:
        problems.append(f"{name}: customer status written without a declaration")
    return problems


def apply_problems(config: Mapping[str, Entry], before: Mapping[str, Seen],
                   after: Mapping[str, Seen], raced: Mapping[str, Seen]) -> list[str]:
    """Every way the account after an apply breaks the promises, given the account before it.

    `raced` holds tenants created out of band while the apply ran (between its read and its
    create), as they were right after that creation.
    """
    problems: list[str] = []
    for name in sorted(set(config) | set(before) | set(after)):
        entry, old, new = config.get(name), before.get(name), after.get(name)
        if name in raced:
            old = raced[name]
        what = fate(entry, old)
        if what is Fate.MANAGED:
            problems += managed_problems(name, entry, new)  # type: ignore[arg-type]
        elif what is Fate.EXTERNAL:
            problems += external_problems(name, entry, old, new)  # type: ignore[arg-type]
        elif what is Fate.DELETED and new is not None:
            problems.append(f"{name}: owned and undeclared, yet not pruned")
        elif what is Fate.UNTOUCHED and new != old:
            problems.append(f"{name}: not ours, yet changed: {old!r} -> {new!r}")
    return problems
