"""The monitoring the tool creates carries SES's tenant events end to end: apply makes the log
group, its resource-policy statement, the rule and its target; a pause by the config and a pause
by SES then reach the log group, and `events` lists both with their origin and cause."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import NO_LIMITS, engine, write_config

MONITORING = {"tenant_events": {"rule_name": "SESTenantStatusMonitor",
                                "log_group": "/aws/ses/tenants", "retention_days": 30}}


def _config(tmp_path: Path, acme: dict[str, Any]) -> Path:
    return write_config(tmp_path, {"Acme": acme, "Beta": {}}, extra_settings=NO_LIMITS,
                        monitoring=MONITORING)


def _events(config: Path) -> dict[str, list[dict[str, Any]]]:
    result = engine("events", config, "--format", "json")
    assert result.exit_code == 0, result.output
    return {t["name"]: t["events"] for t in json.loads(result.stdout)["tenants"]}


def test_a_pause_applied_with_the_monitoring_that_records_it_is_recorded(
        tmp_path: Path, emulator: Emulator) -> None:
    config = _config(tmp_path, {"sending_status": "DISABLED"})

    applied = engine("apply", config, "--auto-approve")

    assert applied.exit_code == 0, applied.output
    [acme] = _events(config)["Acme"]
    assert (acme["origin"], acme["status"]) == ("CUSTOMER_MANAGED", "DISABLED")


def test_pauses_by_the_config_and_by_ses_reach_the_tools_log_group(
        tmp_path: Path, emulator: Emulator) -> None:
    assert engine("apply", _config(tmp_path, {}), "--auto-approve").exit_code == 0
    config = _config(tmp_path, {"sending_status": "DISABLED"})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    emulator.control.aws_pause("Beta", cause="Sending paused after spam trap hits.")

    found = _events(config)

    [acme], [beta] = found["Acme"], found["Beta"]
    assert (acme["origin"], acme["status"], acme["cause"]) == (
        "CUSTOMER_MANAGED", "DISABLED", "Status manually updated.")
    assert (beta["origin"], beta["status"], beta["cause"]) == (
        "AWS_MANAGED", "DISABLED", "Sending paused after spam trap hits.")
