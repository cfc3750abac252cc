"""What incremental drift costs: history pages + reputation pages + reads of touched tenants.

At N = 300 tenants a full drift costs 2N + 2*ceil(N/100) + 1 = 607 calls. The incremental
drift costs one STS call, ceil(events/50) LookupEvents pages, ceil(N/100) ListReputationEntities
pages and GetTenant + ListTenantResources + GetReputationEntity per touched tenant (GetTenant
only for a deleted one): exact counts, whatever N is beyond the entity pages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import (
    NO_LIMITS,
    Account,
    engine,
    policy_arn,
    write_config,
)

N = 300
DAY = 86400


@pytest.fixture
def yesterday(tmp_path: Path, account: Account, emulator: Emulator) -> Path:
    """N tenants applied by the tool a day ago (their events are outside a 1h window)."""
    account.configuration_sets("shared")
    emulator.options.update(lookup_events_pacing="count")
    tenants = {f"t{i:03d}": {"resources": {"configuration_sets": ["shared"]}} for i in range(N)}
    config = write_config(tmp_path, tenants, prune=True, extra_settings=NO_LIMITS)
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 0, result.output[-2000:]
    emulator.control.age_events(DAY)
    return config


def _incremental_calls(config: Path,
                       emulator: Emulator) -> tuple[dict[str, object], dict[str, int]]:
    before = emulator.counters.snapshot()
    result = engine("drift", config, "--since", "1h", "--format", "json")
    assert result.exit_code in (0, 2), result.output[-2000:]
    delta = (emulator.counters.snapshot() - before).by_operation()
    return json.loads(result.stdout), {op: n for (_, op), n in delta.items()}


def test_no_change_costs_one_history_page_and_the_entity_pages(
        yesterday: Path, emulator: Emulator) -> None:
    report, calls = _incremental_calls(yesterday, emulator)
    assert report["drift"] == []
    assert calls == {"GetCallerIdentity": 1, "LookupEvents": 1, "ListReputationEntities": 3}


def test_five_edits_cost_three_reads_per_touched_tenant(
        yesterday: Path, account: Account, emulator: Emulator) -> None:
    def tenant_arn(name: str) -> str:
        tenant = account.tenant(name)
        assert tenant is not None
        return str(tenant["TenantArn"])

    ses = account.ses
    ses.tag_resource(ResourceArn=tenant_arn("t010"), Tags=[{"Key": "k", "Value": "v"}])
    ses.update_reputation_entity_policy(ReputationEntityType="RESOURCE",
                                        ReputationEntityReference=tenant_arn("t020"),
                                        ReputationEntityPolicy=policy_arn("strict"))
    ses.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE", ReputationEntityReference=tenant_arn("t030"),
        SendingStatus="DISABLED")
    ses.put_tenant_suppression_attributes(TenantName="t040", SuppressionScope="TENANT",
                                          SuppressedReasons=["COMPLAINT"])
    ses.delete_tenant(TenantName="t050")

    report, calls = _incremental_calls(yesterday, emulator)

    assert sorted({item["tenant"] for item in report["drift"]}) == [  # type: ignore[union-attr]
        "t010", "t020", "t030", "t040", "t050"]
    assert calls == {"GetCallerIdentity": 1, "LookupEvents": 1, "ListReputationEntities": 3,
                     "GetTenant": 5, "ListTenantResources": 4, "GetReputationEntity": 4}
    full = 2 * N + 2 * -(-N // 100) + 1
    assert sum(calls.values()) == 18 < full // 30
