"""`status` and `import` through the CLI, boto3 and the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import (
    ENGINE_ARGS,
    FULL_TENANT,
    NO_LIMITS,
    Account,
    arn,
    engine,
    run_cli,
    seed_full_tenant_resources,
    settings,
    write_config,
)


def _applied(tmp_path: Path, tenants: dict[str, dict[str, object]]) -> Path:
    config = write_config(tmp_path, tenants, extra_settings=NO_LIMITS)
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 0, result.output
    return config


def _row(stdout: str, name: str) -> str:
    (line,) = [line for line in stdout.splitlines() if line.split()[0] == name]
    return line


def test_status_shows_an_aws_managed_pause_with_its_cause(
        tmp_path: Path, emulator: Emulator) -> None:
    config = _applied(tmp_path, {"Acme": {}})
    emulator.control.aws_pause("Acme", "trust_and_safety", "Sending paused for review.")
    result = engine("status", config)
    assert result.exit_code == 0, result.output
    assert "DISABLED (Sending paused for review.)" in _row(result.stdout, "Acme")
    assert _row(result.stdout, "Acme").endswith("paused by SES: Sending paused for review.")


def test_status_shows_reinstated(tmp_path: Path, emulator: Emulator) -> None:
    config = _applied(tmp_path, {"Acme": {"sending_status": "REINSTATED"}})
    emulator.control.aws_pause("Acme", "policy")
    assert engine("apply", config, "--auto-approve").exit_code == 0
    result = engine("status", config)
    assert result.exit_code == 0, result.output
    assert _row(result.stdout, "Acme").endswith(
        "REINSTATED: returns to ENABLED when findings clear")


def test_status_flags_a_live_tenant_not_in_the_config(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    account.create_unowned("Stray", {"Team": "web"})
    config = _applied(tmp_path, {"Acme": {}})
    result = engine("status", config)
    assert result.exit_code == 0, result.output
    assert _row(result.stdout, "Stray").split()[1:3] == ["no", "no"]
    assert _row(result.stdout, "Stray").endswith("not in config")


def test_status_flags_a_configured_tenant_missing_in_the_account(
        tmp_path: Path, emulator: Emulator) -> None:
    config = write_config(tmp_path, {"Acme": {}})
    result = engine("status", config)
    assert result.exit_code == 0, result.output
    assert _row(result.stdout, "Acme").endswith("in config, missing in account")


def test_status_json_parses(tmp_path: Path, emulator: Emulator) -> None:
    config = _applied(tmp_path, {"Acme": {"reputation_policy": "strict"}})
    result = engine("status", config, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    (acme,) = document["tenants"]
    assert (document["account"], document["region"]) == ("123456789012", "us-east-1")
    assert (acme["name"], acme["owned"], acme["reputation_policy"]) == ("Acme", True, "strict")
    assert acme["sending_status_aggregate"] == "ENABLED"


def test_status_markdown_lists_a_tenant_paused_by_ses_under_needs_attention(
        tmp_path: Path, emulator: Emulator) -> None:
    config = _applied(tmp_path, {"Acme": {}, "Beta": {}})
    emulator.control.aws_pause("Beta", "policy", "Paused by the standard policy.")
    result = engine("status", config, "--format", "markdown")
    assert result.exit_code == 0, result.output
    attention, everything = result.stdout.split("<details>")
    assert "2 tenants, 1 sending, 1 paused by SES" in attention
    assert "| `Beta` |" in attention and "`Acme`" not in attention
    assert "| `Acme` |" in everything and "| `Beta` |" in everything


def _import(out: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli("import", *ENGINE_ARGS, "--out", out, *args)
    return result.exit_code, result.stdout, result.stderr


def _seed_two_tenants(tmp_path: Path, account: Account) -> None:
    """An owned, protected, disabled tenant with everything set, and an unowned one."""
    seed_full_tenant_resources(account)
    full = {**FULL_TENANT, "protect": True, "sending_status": "DISABLED"}
    (tmp_path / "applied").mkdir()
    _applied(tmp_path / "applied", {"Acme": full})
    account.create_unowned("Stray", {"Team": "web"}, [arn("identity", "other.example.com")])


def test_import_round_trip_validates_and_plans_no_changes(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    _seed_two_tenants(tmp_path, account)
    config_dir = tmp_path / "config"
    code, stdout, stderr = _import(config_dir / "imported")
    assert code == 0, stderr
    assert "Imported 2 tenant(s)" in stdout and "Stray.yaml  (not owned)" in stdout
    (config_dir / "settings.yaml").write_text(yaml.safe_dump({"settings": settings()}))
    validated = run_cli("validate", config_dir)
    assert validated.exit_code == 0, validated.output
    assert validated.stdout == "valid: 2 tenants in 3 files\n"
    planned = engine("plan", config_dir, "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "No changes" in planned.stdout


def test_import_writes_the_config_shape(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    _seed_two_tenants(tmp_path, account)
    code, _, stderr = _import(tmp_path / "out")
    assert code == 0, stderr
    text = (tmp_path / "out" / "Acme.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    body = yaml.safe_load(text)["tenants"]["Acme"]
    assert body == {**FULL_TENANT, "protect": True, "sending_status": "DISABLED"}


def test_import_select_writes_only_matching_tenants(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    for name in ("Shop-A", "Shop-B", "Other"):
        account.create_unowned(name)
    code, _, stderr = _import(tmp_path / "out", "--select", "^Shop-")
    assert code == 0, stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["Shop-A.yaml", "Shop-B.yaml"]


def test_import_refuses_to_overwrite_without_force(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    account.create_unowned("Stray")
    out = tmp_path / "out"
    out.mkdir()
    (out / "Stray.yaml").write_text("mine\n")
    code, _, stderr = _import(out)
    assert code == 1
    assert "refusing to overwrite 1 existing file(s)" in stderr and "--force" in stderr
    assert (out / "Stray.yaml").read_text() == "mine\n"
    forced, _, stderr = _import(out, "--force")
    assert forced == 0, stderr
    assert (out / "Stray.yaml").read_text().startswith("# yaml-language-server")


def test_import_with_config_uses_its_ownership_tag(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    ownership = {"ownership": {"tag_key": "owner", "tag_value": "team-a"}}
    config = write_config(tmp_path, {"Acme": {"tags": {"Env": "prod"}}},
                          extra_settings={**NO_LIMITS, **ownership})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    result = run_cli("import", "--config", config, *ENGINE_ARGS, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "(not owned)" not in result.stdout
    body = yaml.safe_load((tmp_path / "out" / "Acme.yaml").read_text())["tenants"]["Acme"]
    assert body["tags"] == {"Env": "prod"}


def test_import_rejects_an_invalid_select_regex(tmp_path: Path, emulator: Emulator) -> None:
    code, _, stderr = _import(tmp_path / "out", "--select", "(")
    assert code == 1
    assert stderr.startswith("error: --select is not a valid regular expression")
