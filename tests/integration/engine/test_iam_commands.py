"""`iam render` and `iam self-policy` through the CLI, against the emulated account."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import boto3
import pytest

from reconciler.emulator import Emulator
from reconciler.emulator.accounting import OUTCOMES
from reconciler.iam.permissions import OPERATIONS
from tests.integration.engine.conftest import (
    ACCOUNT,
    ENGINE_ARGS,
    FULL_TENANT,
    NO_LIMITS,
    REGION,
    Account,
    engine,
    run_cli,
    seed_full_tenant_resources,
    write_config,
)
from tests.support.monitoring import GROUP, monitor

SENDER: dict[str, Any] = {
    "policy_name": "ses-${tenant.name}-sender",
    "description": "Send as this tenant only.",
    "document": {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["ses:SendEmail"],
            "Resource": "${tenant.arn}",
            "Condition": {"StringEquals": {
                "ses:TenantId": "${tenant.id}",
                "aws:PrincipalTag/${tenant.name}": "${aws:username}"}},
        }],
    },
}


def _config(tmp_path: Path, *, template: dict[str, Any] = SENDER, **settings: Any) -> Path:
    tenants = {"Acme": {"iam": ["sender"]}, "Beta": {"iam": ["sender"]}, "Plain": {}}
    return write_config(tmp_path, tenants, iam_templates={"sender": template},
                        extra_settings=settings)


def _render(config: Path, *args: str) -> dict[str, Any]:
    result = run_cli("iam", "render", config, *ENGINE_ARGS, *args)
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def _statement(rendered: dict[str, Any], tenant: str) -> dict[str, Any]:
    return dict(rendered[tenant][f"ses-{tenant}-sender"]["Statement"][0])


def test_render_after_apply_substitutes_the_live_tenant_id_and_arn(
        tmp_path: Path, account: Account) -> None:
    config = _config(tmp_path)
    assert engine("apply", config, "--auto-approve").exit_code == 0
    live = account.tenant("Acme")
    assert live is not None
    statement = _statement(_render(config), "Acme")
    assert statement["Resource"] == live["TenantArn"]
    assert statement["Condition"] == {"StringEquals": {
        "ses:TenantId": live["TenantId"], "aws:PrincipalTag/Acme": "${aws:username}"}}


def test_render_outputs_every_tenant_with_templates_and_no_other(
        tmp_path: Path, account: Account) -> None:
    assert sorted(_render(_config(tmp_path))) == ["Acme", "Beta"]


def test_render_of_a_tenant_not_created_yet_shows_known_after_apply(
        tmp_path: Path, account: Account) -> None:
    statement = _statement(_render(_config(tmp_path)), "Acme")
    assert statement["Resource"] == "(known after apply)"


def test_render_with_tenant_reads_only_the_named_tenant(
        tmp_path: Path, emulator: Emulator) -> None:
    config = _config(tmp_path)
    assert engine("apply", config, "--auto-approve").exit_code == 0
    emulator.counters.start_journal()
    assert sorted(_render(config, "--tenant", "Beta")) == ["Beta"]
    asked = {str(e.params.get("TenantName")) for e in emulator.counters.journal()
             if "TenantName" in e.params}
    assert asked == {"Beta"}


def test_render_offline_makes_no_call_and_takes_the_account_from_settings(
        tmp_path: Path, emulator: Emulator) -> None:
    template = {**SENDER, "document": {**SENDER["document"], "Statement": [{
        "Effect": "Allow", "Action": "ses:SendEmail",
        "Resource": "arn:${partition}:ses:${region}:${account_id}:identity/*"}]}}
    before = emulator.counters.total() + emulator.counters.failed()
    rendered = _render(_config(tmp_path, template=template), "--offline")
    assert emulator.counters.total() + emulator.counters.failed() == before
    assert _statement(rendered, "Acme")["Resource"] == (
        f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/*")


def test_render_offline_without_an_account_id_exits_1(tmp_path: Path, account: Account) -> None:
    config = _config(tmp_path, account_id=None)
    result = run_cli("iam", "render", config, "--offline")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --offline needs settings.account_id in the config")


def test_render_names_file_line_template_and_action_of_an_invalid_policy_and_exits_1(
        tmp_path: Path, account: Account) -> None:
    bad = {**SENDER, "document": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sesv2:SendEmail", "Resource": "*"}]}}
    config = _config(tmp_path, template=bad)
    result = run_cli("iam", "render", config, "--offline")
    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.endswith(
        ": iam_templates.sender.document.Statement[0].Action: action 'sesv2:SendEmail': IAM "
        "names sesv2 actions with the ses: prefix (ses:SendEmail)")
    assert line.startswith(f"{config.as_posix()}:")


def test_render_text_prints_a_header_and_a_json_block_per_policy(
        tmp_path: Path, account: Account) -> None:
    result = run_cli("iam", "render", _config(tmp_path), "--offline", "--format", "text",
                     "--tenant", "Acme")
    assert result.exit_code == 0, result.output
    header, body = result.stdout.split("\n{", 1)
    assert header == ("# tenant Acme: policy ses-Acme-sender (template sender)\n"
                      "# Send as this tenant only.")
    assert json.loads("{" + body)["Version"] == "2012-10-17"


# --- self-policy ----------------------------------------------------------------------------

def _recorded(emulator: Emulator, *steps: tuple[str, Path, tuple[str, ...]]) -> set[tuple[str,
                                                                                          str]]:
    """Operations sent on the wire (any outcome: a refused call needed permission too)."""
    seen: Counter[tuple[str, str]] = Counter()
    for command, config, args in steps:
        before = emulator.counters.snapshot()
        result = engine(command, config, *args)
        assert result.exit_code in (0, 2), result.output
        delta = emulator.counters.snapshot() - before
        for outcome in OUTCOMES:
            seen.update(delta.by_operation(outcome))
    return set(seen)


def _granted(*args: str) -> set[str]:
    result = run_cli("iam", "self-policy", *args)
    assert result.exit_code == 0
    return {a for s in json.loads(result.stdout)["Statement"] for a in s["Action"]}


def _uncovered(operations: set[tuple[str, str]], granted: set[str]) -> set[tuple[str, str]]:
    return {op for op in operations
            if op not in OPERATIONS or not set(OPERATIONS[op].actions) <= granted}


@pytest.fixture
def scenario(tmp_path: Path, account: Account) -> tuple[Path, Path]:
    """Two configs: the second changes every attribute of Acme and prunes Beta."""
    seed_full_tenant_resources(account)
    first = write_config(tmp_path, {"Acme": FULL_TENANT, "Beta": {}}, prune=True,
                         extra_settings=NO_LIMITS, name="first.yaml")
    changed = {**FULL_TENANT, "tags": {"CustomerID": "9"}, "sending_status": "DISABLED",
               "reputation_policy": "standard", "suppression": None,
               "resources": {"identities": ["other.example.com"]}}
    second = write_config(tmp_path, {"Acme": changed}, prune=True, extra_settings=NO_LIMITS,
                          name="second.yaml")
    return first, second


def test_self_policy_allows_every_operation_recorded_in_apply_plan_and_drift(
        scenario: tuple[Path, Path], emulator: Emulator) -> None:
    first, second = scenario
    apply = ("--auto-approve", "--allow-delete")
    recorded = _recorded(emulator, ("apply", first, apply), ("apply", second, apply),
                         ("plan", second, ()), ("drift", first, ()))
    assert {("sesv2", "DeleteTenant"), ("sesv2", "TagResource")} <= recorded
    assert _uncovered(recorded, _granted()) == set()


def test_read_only_self_policy_allows_every_operation_of_plan_and_drift(
        scenario: tuple[Path, Path], emulator: Emulator) -> None:
    first, second = scenario
    assert engine("apply", first, "--auto-approve").exit_code == 0
    recorded = _recorded(emulator, ("plan", second, ()), ("drift", second, ()))
    assert _uncovered(recorded, _granted("--read-only")) == set()


def test_read_only_self_policy_allows_drift_publishing_and_reading_tenant_events(
        tmp_path: Path, emulator: Emulator) -> None:
    monitor(boto3.client("logs", region_name=REGION), boto3.client("events", region_name=REGION))
    monitoring = {"tenant_events": {"log_group": GROUP}}
    config = write_config(tmp_path, {"Acme": {}}, monitoring=monitoring, name="first.yaml")
    drifted = write_config(tmp_path, {"Acme": {"tags": {"team": "a"}}}, monitoring=monitoring,
                           name="second.yaml")
    assert engine("apply", config, "--auto-approve").exit_code == 0
    recorded = _recorded(emulator, ("drift", drifted, ("--publish", "cloudwatch", "--publish",
                                                       "eventbridge")),
                         ("events", config, ()))
    assert {("cloudwatch", "PutMetricData"), ("events", "PutEvents"),
            ("logs", "FilterLogEvents")} <= recorded
    assert _uncovered(recorded, _granted("--read-only")) == set()
