"""Resources named by full ARN stay in their account and Region (issue 7, case 2).

An ARN of another account, or of another Region than the run's, used to be reduced to its bare
name and associated as the caller's own resource. Now the run refuses it before any write,
pointing at the config line; an ARN of the run's own account and Region plans like its name.
"""

from __future__ import annotations

from pathlib import Path

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import ACCOUNT, Account, arn, engine

FOREIGN_ACCOUNT_ARN = "arn:aws:ses:us-east-1:999999999999:identity/acme.example.com"
HOME_ARN = arn("identity", "acme.example.com")  # us-east-1, the emulator's account


def config_with(tmp_path: Path, resource: str, *, account_id: bool = True) -> Path:
    """One tenant whose only identity is `resource`, written on line 7 column 9."""
    account = f'  account_id: "{ACCOUNT}"\n' if account_id else ""
    path = tmp_path / "ses.yaml"
    path.write_text("settings:\n  region: us-east-1\n" + account + "tenants:\n  Acme:\n"
                    "    resources:\n      identities:\n" + f"        - {resource}\n",
                    encoding="utf-8")
    return path


def writes_during(emulator: Emulator, *args: str | Path) -> tuple[int, int, str]:
    """(exit code, accepted write calls, stderr) of one CLI run."""
    before = emulator.counters.snapshot()
    result = engine(*args)
    return result.exit_code, (emulator.counters.snapshot() - before).writes(), result.stderr


def test_arn_of_another_account_is_refused_with_its_line_and_no_write(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    account.identities("acme.example.com")
    config = config_with(tmp_path, FOREIGN_ACCOUNT_ARN, account_id=False)
    for command in (("plan",), ("apply", "--auto-approve")):
        code, writes, stderr = writes_during(emulator, command[0], config, *command[1:])
        assert (code, writes) == (1, 0), stderr
        assert stderr.startswith(
            f"error: {config.as_posix()}:7:11: tenants.Acme.resources.identities[0]: the "
            f"resource ARN {FOREIGN_ACCOUNT_ARN} is in account 999999999999, but this run is in "
            f"account {ACCOUNT} in us-east-1"), stderr
        assert "run with credentials for account 999999999999" in stderr
        assert len(stderr.strip().splitlines()) == 1
    assert account.names() == []


def test_arn_of_the_config_region_is_refused_when_run_in_another_region(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    config = config_with(tmp_path, HOME_ARN)
    code, writes, stderr = writes_during(emulator, "apply", config, "--auto-approve",
                                         "--region", "eu-west-1")
    assert (code, writes) == (1, 0), stderr
    assert stderr.startswith(
        f"error: {config.as_posix()}:8:11: tenants.Acme.resources.identities[0]: the resource "
        f"ARN {HOME_ARN} is in Region us-east-1, but this run is in account {ACCOUNT} in "
        "eu-west-1"), stderr
    assert "run with --region us-east-1, or write 'acme.example.com' instead" in stderr


def test_drift_is_refused_the_same_way(tmp_path: Path, account: Account) -> None:
    result = engine("drift", config_with(tmp_path, HOME_ARN), "--region", "eu-west-1")
    assert result.exit_code == 1
    assert "is in Region us-east-1" in result.stderr


def test_arn_of_the_run_applies_and_then_plans_no_changes(
        tmp_path: Path, account: Account) -> None:
    account.identities("acme.example.com")
    config = config_with(tmp_path, HOME_ARN)
    applied = engine("apply", config, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert account.resources("Acme") == {HOME_ARN}
    again = engine("plan", config, "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_switching_a_name_to_its_arn_plans_no_changes(
        tmp_path: Path, account: Account) -> None:
    account.identities("acme.example.com")
    assert engine("apply", config_with(tmp_path, "acme.example.com"),
                  "--auto-approve").exit_code == 0
    result = engine("plan", config_with(tmp_path, HOME_ARN), "--detailed-exitcode")
    assert result.exit_code == 0, result.output


def test_arn_of_the_run_naming_a_missing_identity_is_refused_before_any_write(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    code, writes, stderr = writes_during(emulator, "apply", config_with(tmp_path, HOME_ARN),
                                         "--auto-approve")
    assert (code, writes) == (1, 0)
    assert "do not exist in the account: identity/acme.example.com" in stderr
    assert account.names() == []


def test_saved_plan_with_an_arn_of_the_run_applies(tmp_path: Path, account: Account) -> None:
    account.identities("acme.example.com")
    config, saved = config_with(tmp_path, HOME_ARN), tmp_path / "plan.json"
    assert engine("plan", config, "--out", saved).exit_code == 0
    applied = engine("apply", config, "--plan", saved, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert account.resources("Acme") == {HOME_ARN}
