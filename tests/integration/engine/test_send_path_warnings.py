"""`plan` warns about sends SES will refuse once the plan is applied (no send, no extra call).

An identity whose default configuration set the tenant is not given: SES uses that set for the
identity's sends that name none, and refuses them (403) unless it is associated. A template the
config gives a tenant that stays unassociated (the tenant is in conflict, so nothing is written
to it). Warnings appear in the text, JSON and Markdown plans.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import (
    NO_LIMITS,
    Account,
    engine,
    write_config,
)

DEFAULT_SET_WARNING = ("tenant.Acme: identity acme.example.com has the default configuration set "
                       "acme-default, which is not associated with the tenant")
TEMPLATE_WARNING = ("tenant.Shop: template welcome is in its config but will not be associated "
                    "with it")
ACME = {"resources": {"identities": ["acme.example.com"], "configuration_sets": ["acme-set"]}}


def identity_with_default_set(account: Account) -> None:
    account.configuration_sets("acme-default", "acme-set")
    account.ses.create_email_identity(EmailIdentity="acme.example.com",
                                      ConfigurationSetName="acme-default")


def plan(config: Path, *args: str) -> Any:
    result = engine("plan", config, *args)
    assert result.exit_code == 0, result.output
    return result


def test_an_identity_default_set_the_tenant_lacks_is_warned_in_text(
        tmp_path: Path, account: Account) -> None:
    identity_with_default_set(account)
    result = plan(write_config(tmp_path, {"Acme": ACME}, extra_settings=NO_LIMITS))
    assert "Warnings (sends SES will refuse once this plan is applied):" in result.stdout
    assert f"  - {DEFAULT_SET_WARNING}" in result.stdout
    assert "add acme-default to its configuration_sets" in result.stdout


def test_the_warning_is_in_the_json_and_markdown_plans(tmp_path: Path, account: Account) -> None:
    identity_with_default_set(account)
    config = write_config(tmp_path, {"Acme": ACME}, extra_settings=NO_LIMITS)
    [warning] = json.loads(plan(config, "--format", "json").stdout)["warnings"]
    assert warning.startswith(DEFAULT_SET_WARNING)
    markdown = plan(config, "--format", "markdown").stdout
    assert "### Send-path warnings" in markdown
    assert f"- {DEFAULT_SET_WARNING}" in markdown


def test_a_tenant_given_its_identity_default_set_gets_no_warning(
        tmp_path: Path, account: Account) -> None:
    identity_with_default_set(account)
    given = {"resources": {"identities": ["acme.example.com"],
                           "configuration_sets": ["acme-default"]}}
    result = plan(write_config(tmp_path, {"Acme": given}, extra_settings=NO_LIMITS),
                  "--format", "json")
    assert json.loads(result.stdout)["warnings"] == []


def test_the_check_costs_no_call_beyond_the_plan_read(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    """The default set comes from the GetEmailIdentity the reader makes anyway to check that
    a referenced identity exists."""
    identity_with_default_set(account)
    config = write_config(tmp_path, {"Acme": ACME}, extra_settings=NO_LIMITS)
    before = emulator.counters.snapshot()
    plan(config)
    calls = {op: n for (_, op), n in (emulator.counters.snapshot() - before).by_operation().items()}
    assert calls == {"GetCallerIdentity": 1, "ListTenants": 1, "GetEmailIdentity": 1,
                     "GetConfigurationSet": 1}


def test_a_template_a_conflicting_tenant_will_not_have_is_warned(
        tmp_path: Path, account: Account) -> None:
    account.identities("shop.example.com")
    account.templates("welcome")
    account.create_unowned("Shop", resources=[account.seed.arn("identity", "shop.example.com")])
    config = write_config(tmp_path, {"Shop": {"tier": "basic"}}, extra_settings=NO_LIMITS,
                          tiers={"basic": {"resources": {"identities": ["shop.example.com"],
                                                         "templates": ["welcome"]}}})
    result = plan(config)
    assert f"  - {TEMPLATE_WARNING}" in result.stdout
    assert "Conflicts" in result.stdout


def test_a_template_the_plan_associates_is_not_warned(tmp_path: Path, account: Account) -> None:
    account.identities("shop.example.com")
    account.templates("welcome")
    config = write_config(tmp_path, {"Shop": {"tier": "basic"}}, extra_settings=NO_LIMITS,
                          tiers={"basic": {"resources": {"identities": ["shop.example.com"],
                                                         "templates": ["welcome"]}}})
    result = plan(config, "--format", "json")
    assert json.loads(result.stdout)["warnings"] == []
