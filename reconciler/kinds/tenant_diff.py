"""Attribute-level comparison of one desired tenant with its live counterpart.

Each function compares canonical forms (sorted tag maps, resource sets, suppression pairs with
reason sets) and answers *whether* and *what* to write; the planner turns the answers into
`Change`s. Nothing here knows about ordering or rendering.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.kinds.tenant import Tenant, customer_status, protect_tag_key, user_tags
from reconciler.state import ResourceRef, SendingStatus, Settings

__all__ = ["customer_status", "protect_tag_key", "user_tags"]


def is_owned(tenant: Tenant, settings: Settings) -> bool:
    return tenant.tags.get(settings.ownership_tag_key) == settings.ownership_tag_value


def is_protected_live(tenant: Tenant, settings: Settings) -> bool:
    return tenant.tags.get(protect_tag_key(settings)) == "true"


def creation_tags(desired: Tenant, settings: Settings) -> dict[str, str]:
    """Declared tags plus the ownership tag (and protect tag) that mark the tenant as ours."""
    tags = dict(user_tags(desired.tags))
    tags[settings.ownership_tag_key] = settings.ownership_tag_value
    if desired.protect:
        tags[protect_tag_key(settings)] = "true"
    return user_tags(tags)


def target_tags(
    desired: Tenant, live: Tenant, settings: Settings, *, owned: bool
) -> dict[str, str]:
    """The full tag map the live tenant should end with.

    Owned tenants are synced exactly; on an unowned tenant declared keys are merged into what is
    there, so nothing is untagged and the ownership tag is not added behind the owner's back.
    """
    if owned:
        return creation_tags(desired, settings)
    merged = user_tags(live.tags)
    merged.update(user_tags(desired.tags))
    return user_tags(merged)


def resource_diff(
    desired: Tenant, live: Tenant, *, owned: bool
) -> tuple[tuple[ResourceRef, ...], tuple[ResourceRef, ...]]:
    """(to associate, to disassociate), sorted; unowned tenants lose nothing."""
    add = tuple(sorted(desired.resources - live.resources))
    remove = tuple(sorted(live.resources - desired.resources)) if owned else ()
    return add, remove


@dataclass(frozen=True, slots=True)
class StatusDecision:
    write: SendingStatus | None = None
    notice: str | None = None


def decide_status(desired: SendingStatus, live: Tenant) -> StatusDecision:
    """Apply semantics 9: ENABLED and REINSTATED both count as sending; SES pauses are reported.

    The tool never rewrites REINSTATED, never tries to lift an AWS-managed pause unless the
    config asks for REINSTATED, and never re-enables a tenant the config keeps DISABLED.
    """
    customer = customer_status(live)
    aws_paused = live.status is not None and live.status.aws == "DISABLED"
    cause = (live.status.aws_cause if live.status else None) or "no cause given"
    if desired == "DISABLED":
        return StatusDecision("DISABLED" if customer != "DISABLED" else None)
    if desired == "ENABLED":
        notice = f"paused by SES: {cause}; left for an operator to decide" if aws_paused else None
        return StatusDecision("ENABLED" if customer == "DISABLED" else None, notice)
    if customer == "DISABLED" or (aws_paused and customer != "REINSTATED"):
        return StatusDecision("REINSTATED")
    if aws_paused:
        return StatusDecision(notice=f"still paused by SES after REINSTATED: {cause}")
    if customer == "ENABLED":
        return StatusDecision(
            notice="REINSTATED was returned to ENABLED by SES (findings resolved); not drift"
        )
    return StatusDecision()


def surplus_kept(desired: Tenant, live: Tenant) -> tuple[int, int]:
    """(undeclared tags, undeclared resources) an unowned tenant keeps because it is not ours."""
    declared = user_tags(desired.tags)
    tags = sum(1 for k in user_tags(live.tags) if k not in declared)
    return tags, len(live.resources - desired.resources)
