"""The control surface: plain functions of (account, Region, ...) returning JSON-able dicts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reconciler.emulator import DEFAULT_ACCOUNT, DEFAULT_REGION, Emulator, control
from reconciler.emulator.messages import SesApiError


def test_options_is_the_live_object_of_that_backend(emulator: Emulator) -> None:
    assert control.options(DEFAULT_ACCOUNT, DEFAULT_REGION) is emulator.options


def test_set_options_switches_a_variant_and_reports_all_options(
    sesv2: Any, emulator: Emulator
) -> None:
    reported = control.set_options(DEFAULT_ACCOUNT, DEFAULT_REGION, repeat_association="ok")
    assert json.loads(json.dumps(reported))["repeat_association"] == "ok"
    assert emulator.options.repeat_association == "ok"


def test_set_options_refuses_unknown_names(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="repeat_assocation"):
        control.set_options(DEFAULT_ACCOUNT, DEFAULT_REGION, repeat_assocation="ok")


def test_options_are_per_region(emulator: Emulator) -> None:
    control.set_options(DEFAULT_ACCOUNT, "eu-west-1", max_tenants=1)
    assert emulator.options.max_tenants == 10_000


@pytest.mark.parametrize(
    "event",
    [
        lambda: control.aws_pause(DEFAULT_ACCOUNT, DEFAULT_REGION, "acme", kind="policy"),
        lambda: control.aws_resume(DEFAULT_ACCOUNT, DEFAULT_REGION, "acme"),
        lambda: control.add_finding(DEFAULT_ACCOUNT, DEFAULT_REGION, "acme", "LOW"),
        lambda: control.clear_findings(DEFAULT_ACCOUNT, DEFAULT_REGION, "acme"),
        lambda: control.reputation_entity(DEFAULT_ACCOUNT, DEFAULT_REGION, "acme"),
    ],
    ids=["pause", "resume", "finding", "clear", "read"],
)
def test_events_return_json_able_entities(tenant: dict[str, Any], event: Any) -> None:
    returned = event()
    assert json.loads(json.dumps(returned))["ReputationEntityReference"] == tenant["TenantArn"]


def test_unknown_pause_kind_is_refused(tenant: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="support"):
        control.aws_pause(DEFAULT_ACCOUNT, DEFAULT_REGION, "acme", kind="support")  # type: ignore[arg-type]


def test_events_on_an_unknown_tenant_fail_like_the_api(emulator: Emulator) -> None:
    with pytest.raises(SesApiError) as raised:
        control.add_finding(DEFAULT_ACCOUNT, DEFAULT_REGION, "ghost", "HIGH")
    assert raised.value.code == 404
    assert raised.value.message == "The requested tenant ghost does not exist."


def test_pause_shows_through_get_tenant(sesv2: Any, tenant: dict[str, Any]) -> None:
    control.aws_pause(DEFAULT_ACCOUNT, DEFAULT_REGION, "acme", kind="trust_and_safety")
    assert sesv2.get_tenant(TenantName="acme")["Tenant"]["SendingStatus"] == "DISABLED"
