"""Incremental drift (`drift --since`, `--watermark`) finds what the full drift finds.

The config is applied by the tool (its calls carry its user-agent marker), then another
principal (plain boto3, no marker) changes the account out of band; the incremental drift must
report exactly the drift items of a full drift while reading only the touched tenants, and
fall back to a full refresh, saying so, in each documented case.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import (
    NO_LIMITS,
    OWNERSHIP,
    REGION,
    Account,
    arn,
    engine,
    policy_arn,
    write_config,
)

TENANTS = ("Acme", "Beta", "Core", "Dune")
READS = {"GetTenant", "ListTenantResources", "GetReputationEntity"}


def _config(tmp_path: Path, **sections: Any) -> Path:
    tenants = {name: {"tags": {"team": name.lower()},
                      "resources": {"identities": [f"{name.lower()}.example.com"],
                                    "configuration_sets": ["shared"]}}
               for name in TENANTS}
    return write_config(tmp_path, tenants, prune=True, extra_settings=NO_LIMITS, **sections)


@pytest.fixture
def applied(tmp_path: Path, account: Account, emulator: Emulator) -> Path:
    account.identities(*(f"{n.lower()}.example.com" for n in TENANTS))
    account.configuration_sets("shared")
    emulator.options.update(lookup_events_pacing="off")
    config = _config(tmp_path)
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 0, result.output[-2000:]
    return config


def _drift(config: Path, *args: str) -> dict[str, Any]:
    result = engine("drift", config, "--format", "json", *args)
    assert result.exit_code in (0, 2), result.output[-2000:]
    return dict(json.loads(result.stdout))


def _refresh_notice(report: dict[str, Any]) -> str:
    return str(report["notices"][0])


def _same_findings(config: Path, emulator: Emulator) -> tuple[dict[str, Any], dict[str, int]]:
    """The full and the incremental drift agree; returns the incremental report and its
    calls by operation."""
    full = _drift(config)
    before = emulator.counters.snapshot()
    incremental = _drift(config, "--since", "1h")
    calls = {op: n for (_, op), n in (emulator.counters.snapshot() - before)
             .by_operation().items()}
    assert full["drift"], "the out-of-band change must be drift"
    assert incremental["drift"] == full["drift"]
    assert incremental["notices"][1:] == full["notices"]
    assert _refresh_notice(incremental).startswith("Incremental refresh: CloudTrail events")
    assert "ListTenants" not in calls
    return incremental, calls


def _tenant_arn(account: Account, name: str) -> str:
    tenant = account.tenant(name)
    assert tenant is not None
    return str(tenant["TenantArn"])


def test_out_of_band_tag_is_found(applied: Path, account: Account, emulator: Emulator) -> None:
    account.ses.tag_resource(ResourceArn=_tenant_arn(account, "Beta"),
                             Tags=[{"Key": "team", "Value": "intruder"}])
    report, calls = _same_findings(applied, emulator)
    assert report["scope"] == ["Beta"]
    assert calls["GetTenant"] == 1


def test_removed_association_is_found(applied: Path, account: Account,
                                      emulator: Emulator) -> None:
    account.ses.delete_tenant_resource_association(TenantName="Core",
                                                   ResourceArn=arn("configuration-set", "shared"))
    report, _ = _same_findings(applied, emulator)
    assert report["scope"] == ["Core"]


def test_policy_change_is_found(applied: Path, account: Account, emulator: Emulator) -> None:
    account.ses.update_reputation_entity_policy(
        ReputationEntityType="RESOURCE", ReputationEntityReference=_tenant_arn(account, "Acme"),
        ReputationEntityPolicy=policy_arn("none"))
    report, _ = _same_findings(applied, emulator)
    assert report["scope"] == ["Acme"]


def test_paused_tenant_is_found(applied: Path, account: Account, emulator: Emulator) -> None:
    account.ses.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE", ReputationEntityReference=_tenant_arn(account, "Dune"),
        SendingStatus="DISABLED")
    report, _ = _same_findings(applied, emulator)
    assert report["scope"] == ["Dune"]


def test_suppression_change_is_found(applied: Path, account: Account,
                                     emulator: Emulator) -> None:
    account.ses.put_tenant_suppression_attributes(TenantName="Beta", SuppressionScope="TENANT",
                                                  SuppressedReasons=["BOUNCE"])
    report, _ = _same_findings(applied, emulator)
    assert report["scope"] == ["Beta"]


def test_deleted_tenant_is_found(applied: Path, account: Account, emulator: Emulator) -> None:
    account.ses.delete_tenant(TenantName="Core")
    report, _ = _same_findings(applied, emulator)
    assert report["scope"] == ["Core"]
    assert [i["kind"] for i in report["drift"]] == ["missing_tenant"]


def test_created_foreign_tenant_with_the_ownership_tag_is_found(
        applied: Path, account: Account, emulator: Emulator) -> None:
    account.create_unowned("Rogue", OWNERSHIP)
    report, _ = _same_findings(applied, emulator)
    assert report["scope"] == ["Rogue"]
    assert [i["kind"] for i in report["drift"]] == ["unexpected_tenant"]


def test_pause_by_ses_is_reported_like_the_full_drift(applied: Path, account: Account,
                                                      emulator: Emulator) -> None:
    """No call records an SES pause: the reputation entities show it."""
    emulator.control.aws_pause("Acme", "trust_and_safety")
    account.ses.tag_resource(ResourceArn=_tenant_arn(account, "Beta"),
                             Tags=[{"Key": "team", "Value": "intruder"}])
    report, _ = _same_findings(applied, emulator)
    assert report["scope"] == ["Acme", "Beta"]
    assert any("paused by SES" in n for n in report["notices"])


def test_the_tools_own_writes_are_not_read_as_changes(applied: Path,
                                                      emulator: Emulator) -> None:
    before = emulator.counters.snapshot()
    report = _drift(applied, "--since", "1h")
    calls = {op: n for (_, op), n in (emulator.counters.snapshot() - before)
             .by_operation().items()}
    assert report["drift"] == [] and report["scope"] == []
    # the apply's 4 CreateTenant and 8 associations; the seeded resources are not the tool's
    assert "5 out-of-band writes read, 12 of this tool's own" in _refresh_notice(report)
    assert not READS & set(calls)


def test_failed_out_of_band_calls_are_skipped(applied: Path, account: Account) -> None:
    with pytest.raises(account.ses.exceptions.AlreadyExistsException):
        account.ses.create_tenant(TenantName="Acme")
    report = _drift(applied, "--since", "1h")
    assert report["scope"] == []
    assert "1 failed calls skipped" in _refresh_notice(report)


def test_iam_policy_edit_is_found(tmp_path: Path, account: Account,
                                  emulator: Emulator) -> None:
    emulator.options.update(lookup_events_pacing="off")
    account.identities("acme.example.com", "beta.example.com")
    template = {"policy_name": "ses-${tenant.name}-sender",
                "document": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": ["ses:SendEmail"],
                    "Resource": "${tenant.arn}"}]}}
    tenants = {n: {"iam": ["sender"], "resources": {"identities": [f"{n.lower()}.example.com"]}}
               for n in ("Acme", "Beta")}
    config = write_config(tmp_path, tenants, extra_settings=NO_LIMITS,
                          iam_templates={"sender": template})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    iam = boto3.client("iam", region_name=REGION)
    policy = next(p for p in iam.list_policies(Scope="Local")["Policies"]
                  if p["PolicyName"] == "ses-Beta-sender")
    iam.create_policy_version(PolicyArn=policy["Arn"], SetAsDefault=True, PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["ses:*"], "Resource": "*"}]}))
    report, calls = _same_findings(config, emulator)
    assert report["scope"] == ["Beta"]
    assert [i["attribute"] for i in report["drift"]] == ["iam_policy.Beta/sender"]
    assert calls["LookupEvents"] == 2  # one per event source: SES, IAM
    # the listing, then only the touched tenant's policy
    assert (calls["ListPolicies"], calls["GetPolicy"], calls["GetPolicyVersion"]) == (1, 1, 1)


# --- fallbacks -------------------------------------------------------------------------------

def _full_fallback(report: dict[str, Any], why: str) -> None:
    notice = _refresh_notice(report)
    assert notice.startswith("Full refresh (every tenant read): ")
    assert why in notice
    assert report["scope"] is None


def test_a_window_beyond_90_days_falls_back_to_full(applied: Path, account: Account,
                                                   emulator: Emulator) -> None:
    account.ses.tag_resource(ResourceArn=_tenant_arn(account, "Beta"),
                             Tags=[{"Key": "team", "Value": "intruder"}])
    before = emulator.counters.snapshot()
    report = _drift(applied, "--since", "91d")
    calls = (emulator.counters.snapshot() - before).by_operation()
    _full_fallback(report, "more than 90 days ago, beyond CloudTrail's event history")
    assert ("cloudtrail", "LookupEvents") not in calls
    assert calls[("sesv2", "ListTenants")] == 1
    assert [i["tenant"] for i in report["drift"]] == ["Beta"]


def test_denied_lookups_fall_back_to_full(applied: Path, emulator: Emulator) -> None:
    emulator.faults.fail("LookupEvents", error_code="AccessDeniedException", status=403)
    report = _drift(applied, "--since", "1h")
    _full_fallback(report, "cloudtrail:LookupEvents was denied (AccessDeniedException)")


def test_full_flag_overrides_since(applied: Path) -> None:
    _full_fallback(_drift(applied, "--since", "1h", "--full"), "--full was given")


def test_watermark_first_run_is_full_then_incremental(applied: Path, tmp_path: Path,
                                                      account: Account) -> None:
    mark = tmp_path / "state" / "drift.watermark"
    first = _drift(applied, "--watermark", str(mark))
    _full_fallback(first, "does not exist yet (first run)")
    stamp = mark.read_text(encoding="utf-8").strip()
    assert stamp.endswith("Z")
    account.ses.tag_resource(ResourceArn=_tenant_arn(account, "Beta"),
                             Tags=[{"Key": "team", "Value": "intruder"}])
    second = _drift(applied, "--watermark", str(mark))
    assert f"(since {stamp}, less 15 min" in _refresh_notice(second)
    assert second["scope"] == ["Beta"]
    assert mark.read_text(encoding="utf-8").strip() >= stamp


def test_plan_refresh_incremental_needs_a_start(applied: Path) -> None:
    result = engine("plan", applied, "--refresh", "incremental")
    assert result.exit_code != 0
    assert "needs --since DURATION|TIMESTAMP or --watermark FILE" in result.output


def test_plan_refresh_incremental_plans_the_touched_tenants(applied: Path,
                                                            account: Account) -> None:
    account.ses.put_tenant_suppression_attributes(TenantName="Acme", SuppressionScope="TENANT",
                                                  SuppressedReasons=["BOUNCE"])
    result = engine("plan", applied, "--refresh", "incremental", "--since", "30m",
                    "--format", "json")
    assert result.exit_code == 0, result.output[-2000:]
    plan = json.loads(result.stdout)
    assert plan["scope"] == ["Acme"]
    assert [c["tenant"] for c in plan["changes"]] == ["Acme"]


def test_an_unreadable_since_is_one_sentence(applied: Path) -> None:
    result = engine("drift", applied, "--since", "yesterday")
    assert result.exit_code == 2  # a usage error
    assert result.stdout == ""
    assert "--since 'yesterday' is neither a duration" in result.output
    assert "Traceback" not in result.output
