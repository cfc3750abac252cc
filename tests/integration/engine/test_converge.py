"""Create from nothing, detect drift per attribute, restore it (acceptance points 1, 2 and 6)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import (
    FULL_TENANT,
    Account,
    arn,
    engine,
    policy_arn,
    seed_full_tenant_resources,
    write_config,
)


@pytest.fixture
def converged(tmp_path: Path, account: Account) -> Path:
    """An account where `Acme` was created by one apply from an empty account."""
    seed_full_tenant_resources(account)
    config = write_config(tmp_path, {"Acme": FULL_TENANT, "Bystander": {"tags": {"x": "y"}}})
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 0, result.output
    return config


def test_apply_on_an_empty_account_creates_every_declared_attribute(
        converged: Path, account: Account) -> None:
    assert sorted(account.names()) == ["Acme", "Bystander"]
    assert account.tags("Acme") == {"CustomerID": "1234", "Environment": "Production",
                                    "managed-by": "ses-reconciler"}
    assert account.suppression("Acme") == {"SuppressionScope": "TENANT",
                                           "SuppressedReasons": ["BOUNCE", "COMPLAINT"]}
    assert account.resources("Acme") == {arn("identity", "acme.example.com"),
                                         arn("configuration-set", "acme-set"),
                                         arn("template", "welcome")}
    assert account.entity("Acme")["ReputationManagementPolicy"] == policy_arn("strict")


def test_apply_writes_a_declared_disabled_customer_status(
        tmp_path: Path, account: Account) -> None:
    """A new tenant starts ENABLED; DISABLED in the config needs the customer-status write."""
    seed_full_tenant_resources(account)
    config = write_config(tmp_path, {"Paused": {**FULL_TENANT, "sending_status": "DISABLED"}})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    entity = account.entity("Paused")
    assert entity["CustomerManagedStatus"]["Status"] == "DISABLED"
    assert entity["SendingStatusAggregate"] == "DISABLED"


def test_plan_after_apply_reports_no_changes(converged: Path) -> None:
    result = engine("plan", converged, "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    assert "No changes." in result.stdout


def _entity_kwargs(account: Account, name: str) -> dict[str, str]:
    tenant = account.tenant(name)
    assert tenant is not None
    return {"ReputationEntityType": "RESOURCE", "ReputationEntityReference": tenant["TenantArn"]}


def _tag_value(a: Account) -> None:
    a.ses.tag_resource(ResourceArn=a.tenant("Acme")["TenantArn"],  # type: ignore[index]
                       Tags=[{"Key": "CustomerID", "Value": "9999"}])


def _surplus_tag(a: Account) -> None:
    a.ses.tag_resource(ResourceArn=a.tenant("Acme")["TenantArn"],  # type: ignore[index]
                       Tags=[{"Key": "Surplus", "Value": "1"}])


def _removed_association(a: Account) -> None:
    a.ses.delete_tenant_resource_association(
        TenantName="Acme", ResourceArn=arn("identity", "acme.example.com"))


def _surplus_association(a: Account) -> None:
    a.ses.create_tenant_resource_association(
        TenantName="Acme", ResourceArn=arn("identity", "other.example.com"))


def _policy(a: Account) -> None:
    a.ses.update_reputation_entity_policy(**_entity_kwargs(a, "Acme"),
                                          ReputationEntityPolicy=policy_arn("none"))


def _customer_status(a: Account) -> None:
    a.ses.update_reputation_entity_customer_managed_status(**_entity_kwargs(a, "Acme"),
                                                           SendingStatus="DISABLED")


def _suppression_pair(a: Account) -> None:
    a.ses.put_tenant_suppression_attributes(TenantName="Acme", SuppressionScope="ACCOUNT",
                                            SuppressedReasons=["BOUNCE"])


def _suppression_cleared(a: Account) -> None:
    a.ses.put_tenant_suppression_attributes(TenantName="Acme")


OUT_OF_BAND: list[tuple[str, Callable[[Account], None], str]] = [
    ("tag-value", _tag_value, "tags"),
    ("surplus-tag", _surplus_tag, "tags"),
    ("removed-association", _removed_association, "resources"),
    ("surplus-association", _surplus_association, "resources"),
    ("policy", _policy, "reputation_policy"),
    ("customer-status", _customer_status, "sending_status"),
    ("suppression-pair", _suppression_pair, "suppression"),
    ("suppression-cleared", _suppression_cleared, "suppression"),
]


def _snapshot(account: Account) -> dict[str, Any]:
    entity = account.entity("Acme")
    return {
        "tags": account.tags("Acme"),
        "resources": account.resources("Acme"),
        "suppression": account.suppression("Acme"),
        "policy": entity["ReputationManagementPolicy"],
        "status": entity["SendingStatusAggregate"],
    }


@pytest.mark.parametrize(("change", "attribute"),
                         [pytest.param(c, attr, id=i) for i, c, attr in OUT_OF_BAND])
def test_out_of_band_change_is_drift_that_apply_restores(
        converged: Path, account: Account, change: Callable[[Account], None],
        attribute: str) -> None:
    expected = _snapshot(account)
    change(account)
    drifted = engine("drift", converged)
    assert drifted.exit_code == 2, drifted.output
    assert "tenant.Acme" in drifted.stdout
    assert f"~ {attribute}:" in drifted.stdout
    assert "tenant.Bystander" not in drifted.stdout
    assert "1 tenant drifted." in drifted.stdout
    restored = engine("apply", converged, "--auto-approve")
    assert restored.exit_code == 0, restored.output
    assert _snapshot(account) == expected
    after = engine("drift", converged)
    assert after.exit_code == 0, after.output
    assert "No drift." in after.stdout


def test_plan_refuses_a_config_naming_a_missing_identity_without_writing(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    account.identities("present.example.com")
    config = write_config(tmp_path, {"Ghostly": {"resources": {
        "identities": ["present.example.com", "ghost.example.com"]}}})
    before = emulator.counters.snapshot()
    result = engine("plan", config)
    assert result.exit_code == 1
    assert "identity/ghost.example.com" in result.stderr
    assert "present.example.com" not in result.stderr
    assert (emulator.counters.snapshot() - before).writes() == 0
    assert account.names() == []


def test_tenant_deleted_out_of_band_is_drift_and_apply_recreates_it(
        converged: Path, account: Account) -> None:
    expected = _snapshot(account)
    account.ses.delete_tenant(TenantName="Acme")
    drifted = engine("drift", converged)
    assert drifted.exit_code == 2, drifted.output
    assert "+ tenant: in the config but absent from the account" in drifted.stdout
    assert engine("apply", converged, "--auto-approve").exit_code == 0
    assert _snapshot(account) == expected
    assert engine("drift", converged).exit_code == 0


def test_tenant_recreated_out_of_band_is_restored(converged: Path, account: Account) -> None:
    """Same name, new TenantId: SES kept none of the old tags, associations or policy."""
    expected = _snapshot(account)
    old_id = account.tenant("Acme")["TenantId"]  # type: ignore[index]
    account.ses.delete_tenant(TenantName="Acme")
    account.ses.create_tenant(TenantName="Acme", Tags=[
        {"Key": "managed-by", "Value": "ses-reconciler"}])
    assert account.tenant("Acme")["TenantId"] != old_id  # type: ignore[index]
    drifted = engine("drift", converged)
    assert drifted.exit_code == 2, drifted.output
    assert "~ reputation_policy:" in drifted.stdout
    assert "~ resources:" in drifted.stdout
    assert engine("apply", converged, "--auto-approve").exit_code == 0
    assert _snapshot(account) == expected
    assert engine("drift", converged).exit_code == 0


def test_drift_json_report_names_tenant_and_attribute(
        converged: Path, account: Account, tmp_path: Path) -> None:
    """Schedulers parse the JSON report (also written with --report) rather than the text."""
    _policy(account)
    report = tmp_path / "drift.json"
    result = engine("drift", converged, "--format", "json", "--report", report)
    assert result.exit_code == 2, result.output
    document = json.loads(result.stdout)
    assert json.loads(report.read_text(encoding="utf-8")) == document
    assert document["summary"] == {"tenants_drifted": 1, "items": 1, "conflicts": 0}
    [item] = document["drift"]
    assert (item["tenant"], item["attribute"], item["actual"], item["expected"]) == (
        "Acme", "reputation_policy", "none", "strict")
