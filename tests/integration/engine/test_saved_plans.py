"""`plan --out` then `apply --plan`: a saved plan applies only to what it was computed from
(acceptance point 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import NO_LIMITS, Account, engine, write_config


def _config(tmp_path: Path, value: str) -> Path:
    return write_config(tmp_path, {"Acme": {"tags": {"c": value}}, "Other": {}},
                        extra_settings=NO_LIMITS)


@pytest.fixture
def saved(tmp_path: Path, account: Account) -> Path:
    """Acme applied with c=1; the config now says c=2 and that plan is saved."""
    assert engine("apply", _config(tmp_path, "1"), "--auto-approve").exit_code == 0
    _config(tmp_path, "2")
    out = tmp_path / "plan.json"
    result = engine("plan", tmp_path / "ses.yaml", "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_unchanged_saved_plan_applies(tmp_path: Path, saved: Path, account: Account) -> None:
    result = engine("apply", tmp_path / "ses.yaml", "--plan", saved, "--auto-approve")
    assert result.exit_code == 0, result.output
    assert account.tags("Acme") == {"c": "2", "managed-by": "ses-reconciler"}
    assert engine("plan", tmp_path / "ses.yaml", "--detailed-exitcode").exit_code == 0


def test_saved_plan_is_refused_after_an_out_of_band_change(
        tmp_path: Path, saved: Path, account: Account, emulator: Emulator) -> None:
    account.ses.tag_resource(ResourceArn=account.tenant("Acme")["TenantArn"],  # type: ignore[index]
                             Tags=[{"Key": "Extra", "Value": "x"}])
    before = emulator.counters.snapshot()
    result = engine("apply", tmp_path / "ses.yaml", "--plan", saved, "--auto-approve")
    assert result.exit_code == 1
    assert "changed in the account since it was saved" in result.stderr
    assert "Run plan again." in result.stderr
    assert (emulator.counters.snapshot() - before).writes() == 0
    assert account.tags("Acme") == {"c": "1", "Extra": "x", "managed-by": "ses-reconciler"}


def test_saved_plan_for_another_account_is_refused(
        tmp_path: Path, saved: Path, account: Account, emulator: Emulator) -> None:
    document = json.loads(saved.read_text(encoding="utf-8"))
    document["account"] = "999999999999"
    saved.write_text(json.dumps(document), encoding="utf-8")
    before = emulator.counters.snapshot()
    result = engine("apply", tmp_path / "ses.yaml", "--plan", saved, "--auto-approve")
    assert result.exit_code == 1
    assert "saved plan is for account 999999999999" in result.stderr
    assert "123456789012" in result.stderr
    assert (emulator.counters.snapshot() - before).writes() == 0
    assert account.tags("Acme")["c"] == "1"


def test_saved_plan_for_a_changed_config_is_refused(
        tmp_path: Path, saved: Path, account: Account, emulator: Emulator) -> None:
    _config(tmp_path, "3")
    before = emulator.counters.snapshot()
    result = engine("apply", tmp_path / "ses.yaml", "--plan", saved, "--auto-approve")
    assert result.exit_code == 1
    assert "configuration changed since the plan was saved" in result.stderr
    assert (emulator.counters.snapshot() - before).writes() == 0
    assert account.tags("Acme")["c"] == "1"


def test_saved_plan_is_judged_against_the_whole_account_not_the_tenants_it_touches(
        tmp_path: Path, account: Account) -> None:
    """One change among five owned tenants is 20%, under the default 50% change limit, whether
    applied fresh or from a saved plan (which re-reads only the tenant it touches)."""
    tenants: dict[str, dict[str, object]] = {f"T{i}": {} for i in range(5)}
    config = write_config(tmp_path, tenants)
    assert engine("apply", config, "--auto-approve").exit_code == 0
    write_config(tmp_path, {**tenants, "T0": {"tags": {"c": "2"}}})
    out = tmp_path / "plan.json"
    assert engine("plan", config, "--out", out).exit_code == 0
    result = engine("apply", config, "--plan", out, "--auto-approve")
    assert result.exit_code == 0, result.output
    assert account.tags("T0") == {"c": "2", "managed-by": "ses-reconciler"}


def test_config_for_another_account_is_refused_before_reading_ses(
        tmp_path: Path, emulator: Emulator) -> None:
    """The account guard runs on the credentials' account (STS) before any SES call."""
    config = write_config(tmp_path, {"Acme": {}}, extra_settings={"account_id": "999999999999"})
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 1
    assert "account 123456789012, but the config is for account 999999999999" in result.stderr
    assert emulator.counters.attempts("sesv2") == 0
