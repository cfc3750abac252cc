"""`events`: what happened to each tenant, read back from the monitoring log group.

The log group and rule are made with plain boto3 (tests/support/monitoring.py); the pauses are
made by `apply` (customer-managed) and by the emulator's control surface (SES, AWS-managed),
so each event travels SES -> EventBridge rule -> CloudWatch Logs -> FilterLogEvents.
"""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest

from reconciler.aws.log_events import log_events
from reconciler.emulator import Emulator
from reconciler.emulator.server import EmulatorServer
from tests.integration.engine.conftest import REGION, engine, run_cli, write_config
from tests.support.monitoring import GROUP, monitor

MONITORING = {"tenant_events": {"log_group": GROUP}}


@pytest.fixture
def monitored(emulator: Emulator) -> Emulator:
    monitor(boto3.client("logs", region_name=REGION), boto3.client("events", region_name=REGION))
    return emulator


def _config(tmp_path: Path, **sections: Any) -> Path:
    tenants = {"Acme": {"sending_status": "DISABLED"}, "Beta": {}}
    return write_config(tmp_path, tenants, **sections)


def _applied(tmp_path: Path) -> Path:
    config = _config(tmp_path, monitoring=MONITORING)
    assert engine("apply", config, "--auto-approve").exit_code == 0
    return config


def _events(config: Path, *args: str) -> dict[str, Any]:
    result = engine("events", config, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_a_pause_by_apply_and_a_pause_by_ses_are_both_listed_with_origin_and_cause(
        tmp_path: Path, monitored: Emulator) -> None:
    config = _applied(tmp_path)
    monitored.control.aws_pause("Beta", cause="Sending paused after spam trap hits.")
    result = engine("events", config)
    assert result.exit_code == 0, result.output
    assert "Acme" in result.stdout and "Beta" in result.stdout
    assert "paused by you: Status manually updated." in result.stdout
    assert "paused by SES: Sending paused after spam trap hits." in result.stdout
    report = _events(config)
    by_name = {t["name"]: t["events"] for t in report["tenants"]}
    [acme] = by_name["Acme"]
    assert (acme["origin"], acme["status"], acme["cause"]) == (
        "CUSTOMER_MANAGED", "DISABLED", "Status manually updated.")
    [beta] = by_name["Beta"]
    assert (beta["origin"], beta["status"], beta["cause"]) == (
        "AWS_MANAGED", "DISABLED", "Sending paused after spam trap hits.")
    assert [t["name"] for t in report["tenants"]] == ["Beta", "Acme"]  # newest first


def test_a_tenant_s_history_is_newest_first_with_findings_opened_and_resolved(
        tmp_path: Path, monitored: Emulator) -> None:
    config = _applied(tmp_path)
    monitored.control.add_finding("Beta", "HIGH")
    monitored.control.clear_findings("Beta")
    [beta] = _events(config, "--tenant", "Beta")["tenants"]
    assert [e["summary"].split(":")[0] for e in beta["events"]] == [
        "finding resolved", "paused by SES", "finding opened"]
    times = [e["time"] for e in beta["events"]]
    assert times == sorted(times, reverse=True)
    assert beta["events"][-1]["impact"] == "HIGH" and beta["events"][-1]["type"] == "BOUNCE"


def test_tenant_narrows_the_report_to_the_named_tenants(
        tmp_path: Path, monitored: Emulator) -> None:
    config = _applied(tmp_path)
    monitored.control.aws_pause("Beta")
    assert [t["name"] for t in _events(config, "--tenant", "Acme")["tenants"]] == ["Acme"]


def test_since_leaves_out_older_events(tmp_path: Path, monitored: Emulator) -> None:
    config = _applied(tmp_path)
    future = "2999-01-01T00:00:00Z"
    result = engine("events", config, "--since", future)
    assert result.exit_code == 1
    assert "in the future" in result.stderr
    assert len(_events(config, "--since", "1m")["tenants"]) == 1


def test_a_config_without_monitoring_says_so_in_one_sentence(
        tmp_path: Path, emulator: Emulator) -> None:
    result = engine("events", _config(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "monitoring is not set up" in result.stderr
    assert "monitoring.tenant_events" in result.stderr


def test_a_missing_log_group_says_monitoring_is_not_set_up(
        tmp_path: Path, emulator: Emulator) -> None:
    result = engine("events", _config(tmp_path, monitoring=MONITORING))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert f"the log group {GROUP} does not exist" in result.stderr


def test_a_since_that_is_not_a_duration_or_a_time_is_refused(
        tmp_path: Path, monitored: Emulator) -> None:
    result = engine("events", _config(tmp_path, monitoring=MONITORING), "--since", "yesterday")
    assert result.exit_code == 1
    assert "--since 'yesterday' is neither a duration nor a time" in result.stderr


def test_no_events_is_said_plainly(tmp_path: Path, monitored: Emulator) -> None:
    result = engine("events", _config(tmp_path, monitoring=MONITORING))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"No tenant events in {GROUP}")


def test_other_messages_in_the_group_are_counted_not_shown(
        tmp_path: Path, monitored: Emulator) -> None:
    config = _applied(tmp_path)
    logs = boto3.client("logs", region_name=REGION)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="other")
    logs.put_log_events(logGroupName=GROUP, logStreamName="other", logEvents=[
        {"timestamp": int(time.time() * 1000), "message": "not json"}])
    report = _events(config)
    assert report["skipped"] == 1
    assert [t["name"] for t in report["tenants"]] == ["Acme"]


def test_every_page_of_the_log_group_is_read(monitored: Emulator) -> None:
    logs = boto3.client("logs", region_name=REGION)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="s")
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName=GROUP, logStreamName="s", logEvents=[
        {"timestamp": now - 7 + i, "message": str(i)} for i in range(7)])
    found = list(log_events(logs, GROUP, now - 60_000, now + 60_000, page_size=3))
    assert sorted(e["message"] for e in found) == [str(i) for i in range(7)]


def test_over_local_serve_both_pauses_travel_to_the_log_group_and_back(
        tmp_path: Path, emulator_server: EmulatorServer) -> None:
    url = emulator_server.url
    monitor(boto3.client("logs", region_name=REGION, endpoint_url=url),
            boto3.client("events", region_name=REGION, endpoint_url=url))
    config = _config(tmp_path, monitoring=MONITORING)
    served = ("--target", "aws", "--endpoint-url", url)
    assert run_cli("apply", config, *served, "--auto-approve").exit_code == 0
    request = urllib.request.Request(
        f"{url}/_ses_reconciler/control/pause", method="POST",
        data=json.dumps({"tenant_name": "Beta", "cause": "Paused for review."}).encode())
    urllib.request.urlopen(request).close()
    result = run_cli("events", config, *served, "--format", "json")
    assert result.exit_code == 0, result.output
    seen = {t["name"]: [(e["origin"], e["status"], e["cause"]) for e in t["events"]]
            for t in json.loads(result.stdout)["tenants"]}
    assert seen == {"Acme": [("CUSTOMER_MANAGED", "DISABLED", "Status manually updated.")],
                    "Beta": [("AWS_MANAGED", "DISABLED", "Paused for review.")]}
