"""`make demo`'s steps as separate processes create the example's monitoring; plain boto3 over
`local serve` (on the same state file) reads it back as the config declares it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import yaml

from tests.integration.engine.conftest import run_process
from tests.integration.engine.test_local_serve import _wait_ready

EXAMPLE = Path(__file__).resolve().parents[3] / "configs" / "example"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """validate, plan, apply (`make demo`), then `local serve` on the state they left."""
    state = tmp_path_factory.mktemp("demo") / "demo-account.json"
    local = ("--target", "local", "--local-state", state)
    for step in (("validate", EXAMPLE), ("plan", EXAMPLE, *local),
                 ("apply", EXAMPLE, *local, "--auto-approve")):
        done = run_process(*step)
        assert done.returncode == 0, done.stdout + done.stderr
    again = run_process("plan", EXAMPLE, *local, "--detailed-exitcode")
    assert again.returncode == 0, again.stdout + again.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "local", "serve", "--port", "0", "--state",
         str(state)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        yield state, _wait_ready(process)
    finally:
        process.terminate()
        process.wait(timeout=15)
        if process.stderr is not None:
            process.stderr.close()


def _declared() -> dict[str, object]:
    settings = yaml.safe_load((EXAMPLE / "settings.yaml").read_text(encoding="utf-8"))
    return dict(settings["monitoring"]["tenant_events"])


def test_the_rule_pattern_matches_the_config(demo: tuple[Path, str]) -> None:
    events = boto3.client("events", region_name="us-east-1", endpoint_url=demo[1])
    rule = events.describe_rule(Name=_declared()["rule_name"])
    pattern = json.loads(rule["EventPattern"])
    assert rule["State"] == "ENABLED"
    assert pattern == {"source": ["aws.ses"], "detail-type": [
        "Sending Status Enabled", "Sending Status Disabled",
        "Advisor Recommendation Status Open", "Advisor Recommendation Status Resolved",
        "Advisor Recommendation Status Closed"]}


def test_the_retention_matches_the_config(demo: tuple[Path, str]) -> None:
    logs = boto3.client("logs", region_name="us-east-1", endpoint_url=demo[1])
    name = _declared()["log_group"]
    [group] = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert (group["logGroupName"], group["retentionInDays"]) == (name, _declared()[
        "retention_days"])


def test_the_resource_policy_statement_lets_eventbridge_write_to_the_group(
        demo: tuple[Path, str]) -> None:
    logs = boto3.client("logs", region_name="us-east-1", endpoint_url=demo[1])
    [policy] = logs.describe_resource_policies()["resourcePolicies"]
    [statement] = json.loads(policy["policyDocument"])["Statement"]
    assert statement == {
        "Sid": "SesReconcilerTenantEvents", "Effect": "Allow",
        "Principal": {"Service": ["delivery.logs.amazonaws.com", "events.amazonaws.com"]},
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": f"arn:aws:logs:us-east-1:123456789012:log-group:{_declared()['log_group']}:*"}


def test_the_target_joins_the_rule_to_the_log_group(demo: tuple[Path, str]) -> None:
    events = boto3.client("events", region_name="us-east-1", endpoint_url=demo[1])
    targets = events.list_targets_by_rule(Rule=_declared()["rule_name"])["Targets"]
    assert [(t["Id"], t["Arn"]) for t in targets] == [
        ("ses-reconciler-log-group",
         f"arn:aws:logs:us-east-1:123456789012:log-group:{_declared()['log_group']}")]
