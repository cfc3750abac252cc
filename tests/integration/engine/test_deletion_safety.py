"""Who may be deleted, and when (acceptance points 3 and 5).

Deletion is the one irreversible thing the engine does (a tenant's reputation does not come
back), so each rule is checked on the account itself, not on the plan text alone. The safety
percentages are lifted to 100 here: with a handful of tenants any single delete would otherwise
trip them, and they are a separate rule from ownership, prune and --allow-delete.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import NO_LIMITS, Account, arn, engine, write_config


def _config(tmp_path: Path, tenants: dict[str, dict[str, Any]], *, prune: bool) -> Path:
    return write_config(tmp_path, tenants, prune=prune, extra_settings=NO_LIMITS)


@pytest.fixture
def two_owned(tmp_path: Path, account: Account) -> None:
    """`Keep` and `Gone` created (and so owned) by an apply."""
    config = _config(tmp_path, {"Keep": {}, "Gone": {"tags": {"t": "1"}}}, prune=True)
    assert engine("apply", config, "--auto-approve").exit_code == 0
    assert sorted(account.names()) == ["Gone", "Keep"]


def test_unowned_tenant_survives_prune_with_allow_delete(
        tmp_path: Path, account: Account) -> None:
    account.identities("hand.example.com")
    account.create_unowned("Handmade", {"team": "ops"}, [arn("identity", "hand.example.com")])
    config = _config(tmp_path, {"Managed": {}}, prune=True)
    result = engine("apply", config, "--auto-approve", "--allow-delete")
    assert result.exit_code == 0, result.output
    assert sorted(account.names()) == ["Handmade", "Managed"]
    assert account.tags("Handmade") == {"team": "ops"}
    assert account.resources("Handmade") == {arn("identity", "hand.example.com")}
    again = engine("plan", config, "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_plan_with_prune_names_the_unowned_tenants_it_leaves_alone(
        tmp_path: Path, account: Account) -> None:
    account.create_unowned("Handmade", {"team": "ops"}, [])
    result = engine("plan", _config(tmp_path, {"Managed": {}}, prune=True))
    assert result.exit_code == 0, result.output
    assert "are not in the config and are left alone: Handmade" in result.stdout


def test_removed_owned_tenant_without_allow_delete_is_refused(
        tmp_path: Path, account: Account, emulator: Emulator, two_owned: None) -> None:
    config = _config(tmp_path, {"Keep": {}}, prune=True)
    before = emulator.counters.snapshot()
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 1
    assert "--allow-delete" in result.stderr
    assert "Gone" in result.stderr
    assert (emulator.counters.snapshot() - before).writes() == 0
    assert sorted(account.names()) == ["Gone", "Keep"]


def test_removed_owned_tenant_without_prune_is_not_planned(
        tmp_path: Path, account: Account, two_owned: None) -> None:
    config = _config(tmp_path, {"Keep": {}}, prune=False)
    result = engine("plan", config, "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    assert "No changes." in result.stdout
    applied = engine("apply", config, "--auto-approve", "--allow-delete")
    assert applied.exit_code == 0, applied.output
    assert sorted(account.names()) == ["Gone", "Keep"]


def test_removed_owned_tenant_with_prune_and_allow_delete_is_deleted(
        tmp_path: Path, account: Account, two_owned: None) -> None:
    config = _config(tmp_path, {"Keep": {}}, prune=True)
    result = engine("apply", config, "--auto-approve", "--allow-delete")
    assert result.exit_code == 0, result.output
    assert account.names() == ["Keep"]
    assert engine("plan", config, "--detailed-exitcode").exit_code == 0


def test_protected_tenant_is_kept_after_its_definition_is_removed(
        tmp_path: Path, account: Account) -> None:
    first = _config(tmp_path, {"Vault": {"protect": True}, "Other": {}}, prune=True)
    assert engine("apply", first, "--auto-approve").exit_code == 0
    config = _config(tmp_path, {"Other": {}}, prune=True)
    result = engine("apply", config, "--auto-approve", "--allow-delete", "--force")
    assert result.exit_code == 0, result.output
    assert sorted(account.names()) == ["Other", "Vault"]
    plan = engine("plan", config, "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert "tenant.Vault: protected" in plan.stdout


def test_protected_tenant_renamed_keeps_the_old_tenant(
        tmp_path: Path, account: Account) -> None:
    first = _config(tmp_path, {"Vault": {"protect": True}}, prune=True)
    assert engine("apply", first, "--auto-approve").exit_code == 0
    renamed = _config(tmp_path, {"Vault2": {"protect": True, "renamed_from": "Vault"}},
                      prune=True)
    result = engine("apply", renamed, "--auto-approve", "--allow-delete", "--force")
    assert result.exit_code == 0, result.output
    assert sorted(account.names()) == ["Vault", "Vault2"]


@pytest.fixture
def rename(tmp_path: Path, account: Account) -> Path:
    """`Old` applied, then the config renames it to `New` (sharing one identity)."""
    account.identities("old.example.com")
    tenant = {"resources": {"identities": ["old.example.com"]}, "tags": {"c": "1"}}
    first = _config(tmp_path, {"Old": tenant}, prune=False)
    assert engine("apply", first, "--auto-approve").exit_code == 0
    return _config(tmp_path, {"New": {**tenant, "renamed_from": "Old"}}, prune=False)


def test_rename_plans_a_loud_replace(rename: Path) -> None:
    result = engine("plan", rename, "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    assert "-/+" in result.stdout
    assert "fresh reputation" in result.stdout
    assert "tenant.Old" in result.stdout and "tenant.New" in result.stdout


def test_rename_without_allow_delete_is_refused_and_changes_nothing(
        rename: Path, account: Account, emulator: Emulator) -> None:
    before = emulator.counters.snapshot()
    result = engine("apply", rename, "--auto-approve")
    assert result.exit_code == 1
    assert "--allow-delete" in result.stderr
    assert (emulator.counters.snapshot() - before).writes() == 0
    assert account.names() == ["Old"]


def test_rename_with_allow_delete_replaces_the_tenant(rename: Path, account: Account) -> None:
    result = engine("apply", rename, "--auto-approve", "--allow-delete")
    assert result.exit_code == 0, result.output
    assert account.names() == ["New"]
    assert account.resources("New") == {arn("identity", "old.example.com")}
    assert account.tags("New") == {"c": "1", "managed-by": "ses-reconciler"}
    assert engine("plan", rename, "--detailed-exitcode").exit_code == 0


def test_rename_planned_with_only_the_new_name_is_still_a_replace(rename: Path) -> None:
    """`--only New` must read the old tenant too, or the rename silently becomes a copy."""
    result = engine("plan", rename, "--only", "New", "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    assert "-/+" in result.stdout
    assert "tenant.Old" in result.stdout
