"""Ownership is only ever given explicitly (issue cases 1 and 3, adopt, external, import --adopt).

Each test drives the CLI against the emulator and checks the account itself with plain boto3:
a tenant someone else made is never taken over by a racing create, a tenant that lost its
ownership tag is a conflict nothing is written to, and `adopt: true` / `external: true` say in
the config what the tool may do to such a tenant.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import (
    ENGINE_ARGS,
    NO_LIMITS,
    OWNERSHIP,
    Account,
    arn,
    engine,
    run_cli,
    settings,
    write_config,
)
from tests.integration.races import just_before

FOREIGN_TAGS = {"team": "other", "env": "dev"}
TAG_WRITES = ("TagResource", "UntagResource", "PutTenantSuppressionAttributes")


def _config(tmp_path: Path, tenants: dict[str, dict[str, Any]], *, prune: bool = False) -> Path:
    return write_config(tmp_path, tenants, prune=prune, extra_settings=NO_LIMITS)


def snapshot(account: Account, name: str) -> tuple[Any, ...]:
    """Everything the API says about a tenant: tags, suppression, associations, reputation."""
    return (account.tenant(name), account.resources(name), account.entity(name))


def create_foreign(account: Account, name: str) -> None:
    """Another team's tenant: their tags, an association and a suppression pair."""
    account.create_unowned(name, FOREIGN_TAGS, [arn("identity", "theirs.example.com")])
    account.ses.put_tenant_suppression_attributes(
        TenantName=name, SuppressionScope="ACCOUNT", SuppressedReasons=["BOUNCE"])


def tag_writes(emulator: Emulator) -> int:
    return sum(n for (_, op), n in emulator.counters.by_operation().items() if op in TAG_WRITES)


# --- case 1: a create racing someone else's -------------------------------------------------

@pytest.fixture
def racy(tmp_path: Path, account: Account) -> Path:
    account.identities("theirs.example.com", "racy.example.com")
    return _config(tmp_path, {
        "Racy": {"tags": {"env": "prod"}, "reputation_policy": "strict",
                 "suppression": {"scope": "TENANT", "reasons": ["COMPLAINT"]},
                 "resources": {"identities": ["racy.example.com"]}},
        "Fine": {"tags": {"env": "prod"}}})


def test_saved_plan_is_refused_when_the_tenant_it_creates_appears(
        tmp_path: Path, racy: Path, account: Account, emulator: Emulator) -> None:
    out = tmp_path / "plan.json"
    assert engine("plan", racy, "--out", out).exit_code == 0
    create_foreign(account, "Racy")
    before, writes = snapshot(account, "Racy"), emulator.counters.writes()
    result = engine("apply", racy, "--plan", out, "--auto-approve")
    assert result.exit_code == 1
    assert "changed in the account since it was saved" in result.stderr
    assert emulator.counters.writes() == writes
    assert snapshot(account, "Racy") == before


def test_create_racing_a_foreign_tenant_leaves_it_byte_identical(
        racy: Path, account: Account, emulator: Emulator) -> None:
    seen: dict[str, Any] = {}

    def other_team() -> None:
        create_foreign(account, "Racy")
        seen["tenant"], seen["tag_writes"] = snapshot(account, "Racy"), tag_writes(emulator)

    with just_before(emulator, "CreateTenant", "Racy", other_team):
        result = engine("apply", racy, "--auto-approve")
    assert result.exit_code == 1, result.output
    assert snapshot(account, "Racy") == seen["tenant"]
    assert account.tags("Racy") == FOREIGN_TAGS
    assert account.resources("Racy") == {arn("identity", "theirs.example.com")}
    assert account.suppression("Racy") == {"SuppressionScope": "ACCOUNT",
                                           "SuppressedReasons": ["BOUNCE"]}
    assert tag_writes(emulator) == seen["tag_writes"]


def test_create_racing_a_foreign_tenant_exits_1_naming_it_and_the_way_to_adopt_it(
        racy: Path, account: Account, emulator: Emulator) -> None:
    with just_before(emulator, "CreateTenant", "Racy", lambda: create_foreign(account, "Racy")):
        result = engine("apply", racy, "--auto-approve")
    assert result.exit_code == 1
    assert ("tenant.Racy already exists without the ownership tag managed-by=ses-reconciler "
            "(it was created outside this apply), so nothing was written to it; add "
            "`adopt: true` to its entry to take it over, then plan again.") in result.stdout
    assert "Skipped (a prerequisite failed):" in result.stdout
    assert "tenant.Racy:associate:identity/racy.example.com" in result.stdout


def test_create_racing_a_foreign_tenant_still_applies_the_other_tenants(
        racy: Path, account: Account, emulator: Emulator) -> None:
    with just_before(emulator, "CreateTenant", "Racy", lambda: create_foreign(account, "Racy")):
        engine("apply", racy, "--auto-approve")
    assert account.tags("Fine") == {"env": "prod", **OWNERSHIP}


def test_after_a_lost_race_the_next_plan_shows_the_conflict(
        racy: Path, account: Account, emulator: Emulator) -> None:
    with just_before(emulator, "CreateTenant", "Racy", lambda: create_foreign(account, "Racy")):
        engine("apply", racy, "--auto-approve")
    result = engine("plan", racy, "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    assert "tenant.Racy exists in the account without the ownership tag" in result.stdout


def test_create_meeting_a_tenant_of_an_interrupted_apply_continues_it(
        racy: Path, account: Account, emulator: Emulator) -> None:
    """CreateTenant reached SES but the answer was lost: the tenant carries our tag."""
    def earlier_apply() -> None:
        account.create_unowned("Racy", {"env": "stale", **OWNERSHIP})

    with just_before(emulator, "CreateTenant", "Racy", earlier_apply):
        result = engine("apply", racy, "--auto-approve")
    assert result.exit_code == 0, result.output
    assert account.tags("Racy") == {"env": "prod", **OWNERSHIP}
    assert account.resources("Racy") == {arn("identity", "racy.example.com")}
    assert engine("plan", racy, "--detailed-exitcode").exit_code == 0


# --- case 3: a declared tenant that lost its ownership tag ------------------------------------

ACME = {"tags": {"env": "prod"}, "resources": {"identities": ["acme.example.com"]}}


@pytest.fixture
def lost_tag(tmp_path: Path, account: Account) -> Path:
    """Acme applied, then by hand: ownership tag removed, a surplus association added."""
    account.identities("acme.example.com", "surplus.example.com")
    config = _config(tmp_path, {"Acme": ACME})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    tenant_arn = account.tenant("Acme")["TenantArn"]  # type: ignore[index]
    account.ses.untag_resource(ResourceArn=tenant_arn, TagKeys=["managed-by"])
    account.ses.create_tenant_resource_association(
        TenantName="Acme", ResourceArn=arn("identity", "surplus.example.com"))
    return config


def test_lost_ownership_tag_makes_plan_detailed_exitcode_exit_2_with_both_ways_out(
        lost_tag: Path) -> None:
    result = engine("plan", lost_tag, "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    assert ("  ! tenant.Acme exists in the account without the ownership tag "
            "managed-by=ses-reconciler, so nothing is written to it; add `adopt: true` to its "
            "entry to manage it fully, or `external: true` to only add what the entry "
            "declares.") in result.stdout
    assert "No changes to make." in result.stdout


def test_lost_ownership_tag_makes_drift_exit_2(lost_tag: Path) -> None:
    result = engine("drift", lost_tag, "--format", "json")
    assert result.exit_code == 2, result.output
    document = json.loads(result.stdout)
    assert document["summary"]["conflicts"] == 1
    assert [(i["tenant"], i["kind"]) for i in document["drift"]] == [("Acme", "conflict")]


def test_lost_ownership_tag_plan_json_lists_the_conflict(lost_tag: Path) -> None:
    result = engine("plan", lost_tag, "--format", "json")
    document = json.loads(result.stdout)
    assert document["changes"] == []
    assert [c["tenant"] for c in document["conflicts"]] == ["Acme"]


def test_apply_writes_nothing_to_a_conflicting_tenant_and_exits_1(
        lost_tag: Path, account: Account, emulator: Emulator) -> None:
    before, writes = snapshot(account, "Acme"), emulator.counters.writes()
    result = engine("apply", lost_tag, "--auto-approve")
    assert result.exit_code == 1
    assert result.stderr.startswith("conflict: tenant.Acme exists in the account without")
    assert emulator.counters.writes() == writes
    assert snapshot(account, "Acme") == before


def test_adopt_resolves_a_lost_ownership_tag(
        tmp_path: Path, lost_tag: Path, account: Account) -> None:
    adopted = _config(tmp_path, {"Acme": {**ACME, "adopt": True}})
    planned = engine("plan", adopted, "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output
    assert "# tenant.Acme will be adopted" in planned.stdout
    applied = engine("apply", adopted, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert account.tags("Acme") == {"env": "prod", **OWNERSHIP}
    assert account.resources("Acme") == {arn("identity", "acme.example.com")}
    again = engine("plan", adopted, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes." in again.stdout


def test_adopted_tenant_is_owned_and_pruned_once_it_leaves_the_config(
        tmp_path: Path, lost_tag: Path, account: Account) -> None:
    adopted = _config(tmp_path, {"Acme": {**ACME, "adopt": True}})
    assert engine("apply", adopted, "--auto-approve").exit_code == 0
    emptied = _config(tmp_path, {"Other": {}}, prune=True)
    result = engine("apply", emptied, "--auto-approve", "--allow-delete")
    assert result.exit_code == 0, result.output
    assert account.names() == ["Other"]


# --- external: additive, on purpose -----------------------------------------------------------

@pytest.fixture
def partner(tmp_path: Path, account: Account) -> Path:
    """Another team's Partner tenant; the config declares it external with a few additions."""
    account.identities("theirs.example.com", "ours.example.com")
    create_foreign(account, "Partner")
    return _config(tmp_path, {"Partner": {
        "external": True, "tags": {"env": "prod", "billing": "42"},
        "reputation_policy": "strict", "resources": {"identities": ["ours.example.com"]}}},
        prune=True)


def test_external_tenant_gets_only_what_its_entry_declares(
        partner: Path, account: Account) -> None:
    result = engine("apply", partner, "--auto-approve")
    assert result.exit_code == 0, result.output
    assert account.tags("Partner") == {"team": "other", "env": "prod", "billing": "42"}
    assert account.resources("Partner") == {arn("identity", "theirs.example.com"),
                                            arn("identity", "ours.example.com")}
    assert account.entity("Partner")["ReputationManagementPolicy"].endswith("/strict")
    assert account.suppression("Partner") == {"SuppressionScope": "ACCOUNT",
                                              "SuppressedReasons": ["BOUNCE"]}
    assert engine("plan", partner, "--detailed-exitcode").exit_code == 0


def test_external_tenant_is_never_deleted_when_it_leaves_the_config(
        tmp_path: Path, partner: Path, account: Account) -> None:
    assert engine("apply", partner, "--auto-approve").exit_code == 0
    emptied = _config(tmp_path, {"Other": {}}, prune=True)
    result = engine("apply", emptied, "--auto-approve", "--allow-delete")
    assert result.exit_code == 0, result.output
    assert sorted(account.names()) == ["Other", "Partner"]


def test_external_tenant_that_does_not_exist_is_a_plan_error_naming_it(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    config = _config(tmp_path, {"Partner": {"external": True}})
    result = engine("plan", config)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: tenant.Partner is declared `external: true` but does not exist in the account")
    assert account.names() == []


# --- a tenant GetTenant just returned never looks absent --------------------------------------

def test_associations_404_after_get_tenant_aborts_the_plan_instead_of_a_create(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    config = _config(tmp_path, {"Acme": {}})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    emulator.faults.fail("ListTenantResources", resource="Acme", error_code="NotFoundException")
    result = engine("plan", config, "--detailed-exitcode")
    assert result.exit_code == 1
    assert "will be created" not in result.stdout
    assert result.stderr.startswith("error: tenant.Acme exists (GetTenant found it) but "
                                    "ListTenantResources answered NotFound twice")


def test_associations_404_once_after_get_tenant_is_read_again(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    config = _config(tmp_path, {"Acme": {}})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    emulator.faults.fail("ListTenantResources", resource="Acme", times=1,
                         error_code="NotFoundException")
    result = engine("plan", config, "--detailed-exitcode")
    assert result.exit_code == 0, result.output


# --- import ------------------------------------------------------------------------------------

def _import_into(tmp_path: Path, *args: str) -> Path:
    config_dir = tmp_path / "config"
    result = run_cli("import", *ENGINE_ARGS, "--out", config_dir / "imported", *args)
    assert result.exit_code == 0, result.output
    (config_dir / "settings.yaml").write_text(
        yaml.safe_dump({"settings": settings(**NO_LIMITS)}))
    return config_dir


def test_import_adopt_plans_an_adoption_then_no_changes(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    account.identities("theirs.example.com")
    create_foreign(account, "Stray")
    config = _import_into(tmp_path, "--adopt")
    planned = engine("plan", config, "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output
    assert "# tenant.Stray will be adopted" in planned.stdout
    assert engine("apply", config, "--auto-approve").exit_code == 0
    assert account.tags("Stray") == {**FOREIGN_TAGS, **OWNERSHIP}
    again = engine("plan", config, "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_import_without_adopt_writes_external_and_plans_no_conflict(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    account.identities("theirs.example.com")
    create_foreign(account, "Stray")
    config = _import_into(tmp_path)
    body = yaml.safe_load((config / "imported" / "Stray.yaml").read_text())["tenants"]["Stray"]
    assert body["external"] is True
    planned = engine("plan", config, "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
