"""`drift --publish cloudwatch|eventbridge`: the drift run's findings where alarms can see them.

Metrics are read back with GetMetricData and the event through an EventBridge rule whose
CloudWatch Logs target is made with plain boto3, as a dashboard or an alert would see them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from reconciler.emulator import Emulator
from reconciler.emulator.server import EmulatorServer
from tests.integration.engine.conftest import ACCOUNT, REGION, engine, run_cli, write_config
from tests.support.monitoring import logged, monitor

METRICS = ("DriftedObjects", "TenantsPausedBySES", "TenantsWithHighImpactFindings",
           "RunSucceeded")
DRIFT_GROUP = "/ses-reconciler/drift"
DRIFT_PATTERN = {"source": ["ses-reconciler"], "detail-type": ["Drift Detected"]}
TENANTS = {"Acme": {"tags": {"team": "a"}}, "Beta": {}, "Gamma": {"reputation_policy": "none"}}


def _drifted_account(tmp_path: Path, control: Any, *client_args: Any) -> Path:
    """Acme's tag changed out of band (drift), Beta paused by SES, Gamma with a HIGH finding
    (policy none: not paused)."""
    config = write_config(tmp_path, TENANTS)
    stack = tmp_path / "stacks" / "prod"
    stack.mkdir(parents=True)
    config = Path(config.rename(stack / "ses.yaml"))
    assert engine("apply", config, "--auto-approve", *client_args).exit_code == 0
    ses = boto3.client("sesv2", region_name=REGION, **_endpoint(client_args))
    arn = ses.get_tenant(TenantName="Acme")["Tenant"]["TenantArn"]
    ses.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "changed"}])
    control("pause", tenant_name="Beta", cause="Paused by SES.")
    control("add_finding", tenant_name="Gamma", impact="HIGH")
    return config


def _endpoint(client_args: tuple[Any, ...]) -> dict[str, str]:
    return {"endpoint_url": str(client_args[1])} if client_args else {}


def _metric_values(cloudwatch: Any, stack: str = "prod") -> dict[str, list[float]]:
    dimensions = [{"Name": "Account", "Value": ACCOUNT}, {"Name": "Region", "Value": REGION},
                  {"Name": "Stack", "Value": stack}]
    now = datetime.now(UTC)
    answer = cloudwatch.get_metric_data(
        MetricDataQueries=[{"Id": f"m{i}", "Label": name, "MetricStat": {
            "Metric": {"Namespace": "SESReconciler", "MetricName": name,
                       "Dimensions": dimensions}, "Period": 60, "Stat": "Maximum"}}
            for i, name in enumerate(METRICS)],
        StartTime=now - timedelta(minutes=10), EndTime=now + timedelta(minutes=10))
    return {r["Label"]: list(r["Values"]) for r in answer["MetricDataResults"]}


def test_get_metric_data_returns_what_the_drift_run_found_over_local_serve(
        tmp_path: Path, emulator_server: EmulatorServer) -> None:
    args = ("--endpoint-url", emulator_server.url)

    def control(name: str, **body: Any) -> None:
        import urllib.request

        request = urllib.request.Request(
            f"{emulator_server.url}/_ses_reconciler/control/{name}",
            data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request).close()

    config = _drifted_account(tmp_path, control, *args)
    result = run_cli("drift", config, "--target", "aws", *args, "--publish", "cloudwatch")
    assert result.exit_code == 2, result.output
    cloudwatch = boto3.client("cloudwatch", region_name=REGION, endpoint_url=emulator_server.url)
    assert _metric_values(cloudwatch) == {"DriftedObjects": [1.0], "TenantsPausedBySES": [1.0],
                                          "TenantsWithHighImpactFindings": [1.0],
                                          "RunSucceeded": [1.0]}


def _in_process(emulator: Emulator) -> Any:
    def control(name: str, **body: Any) -> None:
        getattr(emulator.control, name)(**body)
    return control


def test_the_drift_event_reaches_a_rule_target_with_counts_and_names(
        tmp_path: Path, emulator: Emulator) -> None:
    logs = boto3.client("logs", region_name=REGION)
    monitor(logs, boto3.client("events", region_name=REGION), group=DRIFT_GROUP,
            rule="drift-alerts", pattern=DRIFT_PATTERN)
    config = _drifted_account(tmp_path, _in_process(emulator))
    result = engine("drift", config, "--publish", "eventbridge", "--publish", "cloudwatch")
    assert result.exit_code == 2, result.output
    [event] = logged(logs, DRIFT_GROUP)
    assert (event["source"], event["detail-type"]) == ("ses-reconciler", "Drift Detected")
    detail = event["detail"]
    assert (detail["account"], detail["region"], detail["stack"]) == (ACCOUNT, REGION, "prod")
    assert detail["counts"] == {"drifted_objects": 1, "tenants_paused_by_ses": 1,
                                "tenants_with_high_impact_findings": 1}
    assert detail["first"] == {"drifted": ["tenant.Acme"], "paused_by_ses": ["Beta"],
                               "high_impact_findings": ["Gamma"]}
    assert detail["truncated"] is False
    assert _metric_values(boto3.client("cloudwatch", region_name=REGION))["RunSucceeded"] == [1]


def test_without_drift_the_heartbeat_is_published_and_no_event(
        tmp_path: Path, emulator: Emulator) -> None:
    logs = boto3.client("logs", region_name=REGION)
    monitor(logs, boto3.client("events", region_name=REGION), group=DRIFT_GROUP,
            rule="drift-alerts", pattern=DRIFT_PATTERN)
    config = write_config(tmp_path, TENANTS)
    assert engine("apply", config, "--auto-approve").exit_code == 0
    result = engine("drift", config, "--publish", "cloudwatch", "--publish", "eventbridge")
    assert result.exit_code == 0, result.output
    assert logged(logs, DRIFT_GROUP) == []
    values = _metric_values(boto3.client("cloudwatch", region_name=REGION), tmp_path.name)
    assert values == {"DriftedObjects": [0.0], "TenantsPausedBySES": [0.0],
                      "TenantsWithHighImpactFindings": [0.0], "RunSucceeded": [1.0]}


@pytest.mark.parametrize("target, operation", [("cloudwatch", "PutMetricData"),
                                               ("eventbridge", "PutEvents")])
def test_a_failed_publication_is_one_sentence_and_keeps_the_drift_exit_code(
        tmp_path: Path, emulator: Emulator, target: str, operation: str) -> None:
    config = _drifted_account(tmp_path, _in_process(emulator))
    emulator.faults.fail(operation, error_code="AccessDeniedException", status=400)
    result = engine("drift", config, "--publish", target)
    assert result.exit_code == 2, result.output
    assert "Drift report" in result.stdout
    [warning] = result.stderr.splitlines()
    assert warning.startswith(f"warning: the drift was not published to {target}: ")
    assert "denied" in warning


def test_the_scheduled_ci_drift_step_publishes_the_same_metrics(
        tmp_path: Path, emulator: Emulator) -> None:
    config = _drifted_account(tmp_path, _in_process(emulator))
    result = engine("ci", "drift", config, "--out-dir", tmp_path / "out",
                    "--publish", "cloudwatch")
    assert result.exit_code == 2, result.output
    assert "Acme" in (tmp_path / "out" / "issue.md").read_text()
    assert _metric_values(boto3.client("cloudwatch", region_name=REGION)) == {
        "DriftedObjects": [1.0], "TenantsPausedBySES": [1.0],
        "TenantsWithHighImpactFindings": [1.0], "RunSucceeded": [1.0]}
