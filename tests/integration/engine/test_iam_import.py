"""`import` writes back which IAM templates a live tenant's owned policies come from.

The round trip: apply a config with templates, drop its tenant entries, import with that
config, and plan the imported files next to it: nothing to change, no policy deleted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import (
    ENGINE_ARGS,
    NO_LIMITS,
    Account,
    engine,
    run_cli,
    write_config,
)
from tests.integration.engine.iam_helpers import (
    PATH,
    admin,
    apply_ok,
    iam,
    iam_config,
    role,
    sender,
)


def _import(config: Path, out: Path) -> str:
    result = run_cli("import", "--config", config, *ENGINE_ARGS, "--out", out)
    assert result.exit_code == 0, result.output[-3000:]
    return result.stdout


def _entry(out: Path, tenant: str) -> dict[str, Any]:
    return dict(yaml.safe_load((out / f"{tenant}.yaml").read_text())["tenants"][tenant])


def _settings_only(config_dir: Path, **kw: Any) -> Path:
    """The applied config's settings and templates, without its tenants."""
    return iam_config(config_dir, {}, **kw)


def test_imported_tenants_list_their_templates_and_plan_no_changes(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    apply_ok(iam_config(tmp_path, {"Acme": ["sender", "admin"], "Bravo": ["sender"]}))
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    settings = _settings_only(config_dir)

    _import(settings, config_dir / "imported")

    assert _entry(config_dir / "imported", "Acme")["iam"] == ["admin", "sender"]
    assert _entry(config_dir / "imported", "Bravo")["iam"] == ["sender"]
    planned = engine("plan", config_dir, "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output[-3000:]
    assert "No changes" in planned.stdout


def test_a_policy_without_the_ownership_tag_is_not_listed(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    apply_ok(iam_config(tmp_path, {"Acme": ["sender"]}))
    iam().create_policy(
        PolicyName="ses-Acme-admin", Path=PATH,
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ses:GetTenant", "Resource": "*"}]}),
        Tags=[{"Key": "managed-by:tenant", "Value": "Acme"},
              {"Key": "managed-by:template", "Value": "admin"}])
    config_dir = tmp_path / "config"
    config_dir.mkdir()

    _import(_settings_only(config_dir), config_dir / "imported")

    assert _entry(config_dir / "imported", "Acme")["iam"] == ["sender"]


def test_a_tenant_without_owned_policies_gets_no_iam_key(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    apply_ok(iam_config(tmp_path, {"Acme": ["sender"], "Bravo": {}}))
    config_dir = tmp_path / "config"
    config_dir.mkdir()

    _import(_settings_only(config_dir), config_dir / "imported")

    assert "iam" not in _entry(config_dir / "imported", "Bravo")


def test_attachments_beyond_the_templates_are_written_as_the_tenants_own(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    role("sender-Acme")
    role("ops")
    templates = {"sender": {**sender(), "attach": {"roles": ["sender-${tenant.name}"]}},
                 "admin": admin()}
    apply_ok(iam_config(tmp_path, {"Acme": {"iam": ["sender"],
                                            "iam_attach": {"sender": {"roles": ["ops"]}}}},
                        templates=templates))
    config_dir = tmp_path / "config"
    config_dir.mkdir()

    _import(_settings_only(config_dir, templates=templates), config_dir / "imported")

    assert _entry(config_dir / "imported", "Acme")["iam_attach"] == {
        "sender": {"roles": ["ops"]}}
    planned = engine("plan", config_dir, "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output[-3000:]


def test_a_policy_of_a_template_the_config_lacks_is_named_in_a_comment_not_listed(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    apply_ok(iam_config(tmp_path, {"Acme": ["sender", "admin"]}))
    config_dir = tmp_path / "config"
    config_dir.mkdir()

    summary = _import(_settings_only(config_dir, templates={"sender": sender()}),
                      config_dir / "imported")

    text = (config_dir / "imported" / "Acme.yaml").read_text()
    assert _entry(config_dir / "imported", "Acme")["iam"] == ["sender"]
    assert ("# The policy ses-Acme-admin comes from the IAM template admin, which the config "
            "does not declare") in text
    assert "  ses-Acme-admin (template admin)" in summary
    validated = run_cli("validate", config_dir)
    assert validated.exit_code == 0, validated.output


def test_a_template_given_by_defaults_is_listed_too_and_plans_no_changes(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    templates = {"sender": sender(), "admin": admin()}
    layered = {"extra_settings": NO_LIMITS, "iam_templates": templates,
               "defaults": {"iam": ["sender"]}}
    apply_ok(write_config(tmp_path, {"Acme": {"iam": ["admin"]}}, **layered))
    config_dir = tmp_path / "config"
    config_dir.mkdir()

    _import(write_config(config_dir, {}, **layered), config_dir / "imported")

    assert _entry(config_dir / "imported", "Acme")["iam"] == ["admin", "sender"]
    planned = engine("plan", config_dir, "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output[-3000:]
