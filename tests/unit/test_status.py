"""The `status` rows and their renderings, from hand-built Desired and Live states."""

from __future__ import annotations

import json
from dataclasses import replace

from reconciler.kinds.tenant import Tenant
from reconciler.operations.status import StatusRow, status_rows
from reconciler.render.markdown import LIMIT
from reconciler.render.status import (
    HEADERS,
    render_status_json,
    render_status_markdown,
    render_status_text,
)
from reconciler.state import LiveStatus
from tests.unit.planning.builders import desired, have, live, want
from tests.unit.render.golden import assert_golden


def _paused(name: str, cause: str) -> Tenant:
    tenant = have(name)
    status = LiveStatus(customer=None, aws="DISABLED", aggregate="DISABLED", impact="HIGH",
                        aws_cause=cause)
    return Tenant(tenant.name, tags=tenant.tags, status=status, tenant_id=tenant.tenant_id)


def test_rows_cover_both_sides_sorted_by_name() -> None:
    rows = status_rows(desired(want("B"), want("C")), live(have("A"), have("B")))
    assert [(r.name, r.in_config, r.in_account) for r in rows] == [
        ("A", False, True), ("B", True, True), ("C", True, False)]


def test_configured_tenant_missing_in_account_says_so() -> None:
    (row,) = status_rows(desired(want("Acme")), live())
    assert row.attention == "in config, missing in account"
    assert row.aggregate is None and row.reputation_policy is None


def test_aws_managed_pause_shows_its_cause() -> None:
    (row,) = status_rows(desired(want("Acme")), live(_paused("Acme", "policy")))
    assert (row.aws_status, row.aws_cause, row.aggregate) == ("DISABLED", "policy", "DISABLED")
    assert row.attention == "paused by SES: policy"


def test_reinstated_says_it_returns_to_enabled() -> None:
    (row,) = status_rows(desired(want("Acme")), live(have("Acme", customer="REINSTATED")))
    assert row.attention == "REINSTATED: returns to ENABLED when findings clear"


def test_live_tenant_outside_the_config_is_flagged_and_not_owned() -> None:
    (row,) = status_rows(desired(), live(have("Stray", owned=False)))
    assert (row.in_config, row.owned, row.attention) == (False, False, "not in config")


def test_customer_status_never_written_is_none() -> None:
    (row,) = status_rows(desired(want("Acme")), live(have("Acme")))
    assert row.customer_status is None and row.attention == ""


def test_text_is_aligned_columns_with_a_header() -> None:
    rows = status_rows(desired(want("Acme"), want("Gone")),
                       live(_paused("Acme", "policy"), have("Stray", owned=False)))
    lines = render_status_text(rows).splitlines()
    assert lines[0].split() == list(HEADERS)
    start = lines[0].index("SES-MANAGED")
    assert lines[1][start:].startswith("DISABLED (policy)")
    assert lines[2].split()[:3] == ["Gone", "yes", "-"]
    assert lines[3].split()[:3] == ["Stray", "no", "no"]


def test_json_lists_every_row_with_nulls_for_unknowns() -> None:
    rows = status_rows(desired(want("Gone")), live(have("Acme", customer="DISABLED")))
    document = json.loads(render_status_json(rows, account="123456789012", region="us-east-1"))
    assert document["account"] == "123456789012"
    acme, gone = document["tenants"]
    assert acme["customer_managed_status"] == "DISABLED"
    assert acme["attention"] == "disabled by customer; not in config"
    assert gone["in_account"] is False and gone["reputation_policy"] is None


def test_no_tenants_says_so() -> None:
    assert render_status_text([]) == "No tenants in the config or the account.\n"


def _customer(name: str, status: str) -> Tenant:
    """A tenant whose customer-managed status is `status` (and so is its aggregate)."""
    tenant = have(name)
    return replace(tenant, status=LiveStatus(customer=status, aws="ENABLED", aggregate=status))


def _fleet_rows() -> list[StatusRow]:
    return status_rows(
        desired(want("Acme"), want("Beta"), want("Gone"), want("Held"), want("Grace")),
        live(_customer("Acme", "ENABLED"),
             _paused("Beta", "Paused by the standard policy | bounce rate 15.2%"),
             _customer("Held", "DISABLED"), _customer("Grace", "REINSTATED"),
             have("Stray", owned=False)))


def test_markdown_counts_flags_and_lists_every_tenant_as_its_golden_file() -> None:
    assert_golden("status.md", render_status_markdown(
        _fleet_rows(), account="123456789012", region="us-east-1"))


def test_markdown_of_a_huge_account_stays_under_the_comment_limit_and_counts_the_rest() -> None:
    names = [f"tenant-{i:05}-{'x' * 40}" for i in range(10_000)]
    rows = status_rows(desired(*(want(n) for n in names)), live(*(have(n) for n in names)))
    text = render_status_markdown(rows, account="123456789012", region="us-east-1")
    assert len(text) <= LIMIT
    assert "more not shown; `ses-reconciler status` lists every tenant." in text
    assert "10,000 tenants, 10,000 sending, 0 paused by SES" in text


def test_markdown_with_no_tenants_says_so() -> None:
    text = render_status_markdown([], account="123456789012", region="us-east-1")
    assert "No tenants in the config or the account." in text
