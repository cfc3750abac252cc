"""kill -9 of an apply at precise points; a plain re-run converges (no --force).

Each point is a gate on one request of the apply (run with `--parallelism 1` against a
`local serve` process that outlives it). After the SIGKILL the account is left exactly as the
dead process left it; the test first checks that state (the point is where it claims to be),
then re-runs `apply --auto-approve` (with `--allow-delete` where the change prunes) and reads
the account back with plain boto3: owned tenants equal the config, every resource is held by
exactly its declared tenants, no duplicates, and the foreign tenants read back byte-identical.

Every point works in a Region of its own, so one served account hosts them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.integration.engine.conftest import run_cli
from tests.integration.trust.served import LocalServe, kill_at_gate
from tests.integration.trust.world import (
    ACCOUNT,
    Foreign,
    World,
    divergences,
    resource_arn,
    write_config,
)

IDENTITIES = ("a.example.com", "b.example.com", "moving.example.com", "old.example.com",
              "shared.example.com", "new.example.com")
CONFIGURATION_SETS = ("cs-a", "cs-new")
TEMPLATES = ("welcome",)

BEFORE: dict[str, dict[str, Any]] = {
    "Alpha": {"tags": {"CustomerID": "1", "Env": "prod", "Drop": "x"},
              "resources": {"identities": ["a.example.com"], "configuration_sets": ["cs-a"]},
              "suppression": {"scope": "TENANT", "reasons": ["BOUNCE"]}},
    "Bravo": {"resources": {"identities": ["b.example.com", "moving.example.com"],
                            "templates": ["welcome"]}},
    "Charlie": {"resources": {"identities": ["shared.example.com"]}},
    "Delta": {"tags": {"CustomerID": "4"}},
    "Oldname": {"tags": {"CustomerID": "9"}, "resources": {"identities": ["old.example.com"]}},
}
# Tags, suppression, policy and status of Alpha; a move from Bravo to Alpha; a new tenant Echo.
EDIT: dict[str, dict[str, Any]] = {
    **BEFORE,
    "Alpha": {"tags": {"CustomerID": "1", "Env": "staging", "Added": "y"},
              "resources": {"identities": ["a.example.com", "moving.example.com"],
                            "configuration_sets": ["cs-a"]},
              "reputation_policy": "strict", "sending_status": "DISABLED",
              "suppression": {"scope": "TENANT", "reasons": ["BOUNCE", "COMPLAINT"]}},
    "Bravo": {"resources": {"identities": ["b.example.com"], "templates": ["welcome"]}},
    "Echo": {"tags": {"CustomerID": "5"},
             "resources": {"identities": ["new.example.com"], "configuration_sets": ["cs-new"],
                           "templates": ["welcome"]},
             "reputation_policy": "strict", "sending_status": "DISABLED",
             "suppression": {"scope": "TENANT", "reasons": ["COMPLAINT"]}},
}
# Charlie and Delta pruned; Oldname renamed to Newname (a replace).
PRUNE: dict[str, dict[str, Any]] = {
    **{name: BEFORE[name] for name in ("Alpha", "Bravo")},
    "Newname": {"renamed_from": "Oldname", "tags": {"CustomerID": "9"},
                "resources": {"identities": ["old.example.com"]}},
}


def _arn(world: World, kind: str, name: str) -> str:
    return resource_arn(world.region, kind, name)


def _tags(world: World, name: str) -> dict[str, str]:
    return dict(world.observed(name).tags)


def _tag_sync_half_done(world: World) -> None:
    tags = _tags(world, "Alpha")
    assert "Drop" not in tags and tags["Env"] == "prod" and "Added" not in tags, tags


def _suppression_unchanged(world: World) -> None:
    assert world.observed("Alpha").suppression == {
        "SuppressionScope": "TENANT", "SuppressedReasons": ["BOUNCE"]}


def _policy_without_status(world: World) -> None:
    observed = world.observed("Alpha")
    assert observed.policy.endswith("/strict") and observed.status == "ENABLED", observed


def _moved_but_not_removed(world: World) -> None:
    assert world.holders(_arn(world, "identity", "moving.example.com")) == {
        "Alpha", "Bravo", "Foreign-Lookalike"}


def _created_bare(world: World) -> None:
    observed = world.observed("Echo")
    assert observed.tags == {"CustomerID": "5", "managed-by": "ses-reconciler"}
    assert observed.resources == frozenset()


def _one_association_of_three(world: World) -> None:
    assert len(world.observed("Echo").resources) == 1


def _one_of_two_deleted(world: World) -> None:
    names = set(world.names())
    assert "Charlie" not in names and "Delta" in names, names


def _rename_created_only(world: World) -> None:
    assert {"Newname", "Oldname"} <= set(world.names())
    assert world.observed("Newname").resources == frozenset()


def _rename_before_delete(world: World) -> None:
    assert world.holders(_arn(world, "identity", "old.example.com")) == {"Newname", "Oldname"}


@dataclass(frozen=True)
class Point:
    """Where the apply dies: the gate that holds the request, and the state that proves it."""

    name: str
    region: str
    tenants: dict[str, dict[str, Any]]
    gate: dict[str, Any]
    left: Callable[[World], None] | None = None
    last_write: bool = False
    prunes: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "prunes", not set(BEFORE) <= set(self.tenants))


POINTS = [
    Point("mid-tag-sync-between-untag-and-tag", "us-east-2", EDIT,
          {"operation": "TagResource", "resource": "Alpha"}, _tag_sync_half_done),
    Point("mid-suppression", "us-west-1", EDIT,
          {"operation": "PutTenantSuppressionAttributes", "resource": "Alpha"},
          _suppression_unchanged),
    Point("between-policy-and-status", "us-west-2", EDIT,
          {"operation": "UpdateReputationEntityCustomerManagedStatus", "resource": "Alpha"},
          _policy_without_status),
    Point("between-associate-and-disassociate-of-a-move", "ca-central-1", EDIT,
          {"operation": "DeleteTenantResourceAssociation", "resource": "Bravo"},
          _moved_but_not_removed),
    Point("after-a-create-before-its-associations", "eu-west-1", EDIT,
          {"operation": "CreateTenant", "resource": "Echo", "phase": "after"}, _created_bare),
    Point("mid-associations-of-a-new-tenant", "eu-west-2", EDIT,
          {"operation": "CreateTenantResourceAssociation", "resource": "Echo", "nth": 2},
          _one_association_of_three),
    Point("after-the-last-write-of-an-edit", "eu-central-1", EDIT,
          {"operation": "CreateTenantResourceAssociation", "resource": "Echo", "nth": 3,
           "phase": "after"}, last_write=True),
    Point("mid-prune-between-two-deletes", "eu-north-1", PRUNE,
          {"operation": "DeleteTenant", "resource": "Delta"}, _one_of_two_deleted),
    Point("rename-after-the-new-tenant-is-created", "ap-south-1", PRUNE,
          {"operation": "CreateTenant", "resource": "Newname", "phase": "after"},
          _rename_created_only),
    Point("rename-before-the-old-tenant-is-deleted", "ap-northeast-1", PRUNE,
          {"operation": "DeleteTenant", "resource": "Oldname"}, _rename_before_delete),
    Point("after-the-last-write-of-a-prune", "ap-southeast-1", PRUNE,
          {"operation": "DeleteTenant", "resource": "Oldname", "phase": "after"},
          last_write=True),
]


def _seed(serve: LocalServe, region: str) -> tuple[World, Foreign]:
    """Resources, and two tenants made out of band: one with another team's tags, one whose
    ownership key carries another value. Both hold resources our tenants also hold."""
    ses = serve.client("sesv2", region)
    for identity in IDENTITIES:
        ses.create_email_identity(EmailIdentity=identity)
    for name in CONFIGURATION_SETS:
        ses.create_configuration_set(ConfigurationSetName=name)
    for name in TEMPLATES:
        ses.create_email_template(TemplateName=name,
                                  TemplateContent={"Subject": name, "Text": "hello"})
    team = ses.create_tenant(
        TenantName="Foreign-Team", Tags=[{"Key": "team", "Value": "other"}],
        SuppressionAttributes={"SuppressionScope": "TENANT", "SuppressedReasons": ["BOUNCE"]})
    ses.create_tenant(TenantName="Foreign-Lookalike",
                      Tags=[{"Key": "managed-by", "Value": "someone-else"}])
    world = World(ses, region)
    for tenant, kind, name in (("Foreign-Team", "identity", "shared.example.com"),
                               ("Foreign-Team", "template", "welcome"),
                               ("Foreign-Lookalike", "identity", "b.example.com"),
                               ("Foreign-Lookalike", "identity", "moving.example.com")):
        ses.create_tenant_resource_association(TenantName=tenant,
                                               ResourceArn=_arn(world, kind, name))
    ses.update_reputation_entity_policy(
        ReputationEntityType="RESOURCE", ReputationEntityReference=team["TenantArn"],
        ReputationEntityPolicy=f"arn:aws:ses:{region}:aws:reputation-policy/strict")
    ses.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE", ReputationEntityReference=team["TenantArn"],
        SendingStatus="DISABLED")
    return world, Foreign.snapshot(world, ("Foreign-Team", "Foreign-Lookalike"))


def _resources(region: str) -> list[str]:
    return ([resource_arn(region, "identity", n) for n in IDENTITIES]
            + [resource_arn(region, "configuration-set", n) for n in CONFIGURATION_SETS]
            + [resource_arn(region, "template", n) for n in TEMPLATES])


def _served(command: str, config: Path, serve: LocalServe, *args: str) -> Any:
    return run_cli(command, config, "--target", "aws", "--endpoint-url", serve.url,
                   "--max-rate", "0", *args)


@pytest.mark.parametrize("point", POINTS, ids=[p.name for p in POINTS])
def test_rerun_after_kill_converges_without_force(point: Point, serve: LocalServe,
                                                  tmp_path: Path) -> None:
    world, foreign = _seed(serve, point.region)
    before = write_config(tmp_path / "before.yaml", point.region, BEFORE)
    first = _served("apply", before, serve, "--auto-approve")
    assert first.exit_code == 0, first.output
    config = write_config(tmp_path / "after.yaml", point.region, point.tenants)
    delete = ("--allow-delete",) if point.prunes else ()

    killed = kill_at_gate(serve, point.gate, config, tmp_path / "killed.log",
                          "--parallelism", "1", *delete)

    assert killed.returncode == -9, killed.output
    assert "Apply complete" not in killed.output
    if point.left is not None:
        point.left(world)
    if point.last_write:
        assert divergences(world, point.tenants, foreign, _resources(point.region)) == []
    rerun = _served("apply", config, serve, "--auto-approve", *delete)
    assert rerun.exit_code == 0, rerun.output
    assert "Traceback" not in rerun.output
    again = _served("plan", config, serve, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert divergences(world, point.tenants, foreign, _resources(point.region)) == []
    assert ACCOUNT in world.tenant(sorted(point.tenants)[0])["TenantArn"]
