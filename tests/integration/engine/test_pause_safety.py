"""Pausing tenants, or leaving them to their findings (policy `none`), has its own share.

A plan that sets `DISABLED` on, or switches to reputation policy `none`, more than
`settings.safety.max_pause_percent` (default 10) of the owned tenants needs `--force`; nothing
is written without it. Creates do not count (a new tenant has no mail to stop).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import Account, engine, write_config

CHANGES_ALLOWED = {"safety": {"max_change_percent": 100}}


def owned(tmp_path: Path, account: Account, count: int = 10) -> list[str]:
    names = [f"T{i:02d}" for i in range(count)]
    created = engine("apply", write_config(tmp_path, {n: {} for n in names}, name="first.yaml"),
                     "--auto-approve")
    assert created.exit_code == 0, created.output
    return names


def with_first(tmp_path: Path, names: list[str], count: int, values: dict[str, Any],
               **settings: Any) -> Path:
    """The config of `names` with `values` on the first `count` of them."""
    tenants = {n: dict(values) if i < count else {} for i, n in enumerate(names)}
    safety = {**CHANGES_ALLOWED["safety"], **settings}
    return write_config(tmp_path, tenants, name="second.yaml",
                        extra_settings={"safety": safety})


def test_pausing_two_of_ten_owned_tenants_needs_force(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    names = owned(tmp_path, account)
    config = with_first(tmp_path, names, 2, {"sending_status": "DISABLED"})
    before = emulator.counters.snapshot()
    refused = engine("apply", config, "--auto-approve")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "error: The plan pauses or sets reputation policy none on 2 of 10 owned tenants "
        "(20.0%: T00, T01), above max_pause_percent 10%; pass --force to allow it.\n")
    assert (emulator.counters.snapshot() - before).writes() == 0
    forced = engine("apply", config, "--auto-approve", "--force")
    assert forced.exit_code == 0, forced.output
    assert account.entity("T00")["CustomerManagedStatus"]["Status"] == "DISABLED"


def test_pausing_one_of_ten_owned_tenants_is_within_the_default_share(
        tmp_path: Path, account: Account) -> None:
    names = owned(tmp_path, account)
    result = engine("apply", with_first(tmp_path, names, 1, {"sending_status": "DISABLED"}),
                    "--auto-approve")
    assert result.exit_code == 0, result.output
    assert account.entity("T00")["CustomerManagedStatus"]["Status"] == "DISABLED"


def test_switching_two_of_ten_owned_tenants_to_policy_none_needs_force(
        tmp_path: Path, account: Account) -> None:
    names = owned(tmp_path, account)
    config = with_first(tmp_path, names, 2, {"reputation_policy": "none"})
    refused = engine("apply", config, "--auto-approve")
    assert refused.exit_code == 1
    assert "sets reputation policy none on 2 of 10 owned tenants" in refused.stderr
    assert account.entity("T01")["ReputationManagementPolicy"].endswith("/standard")
    assert engine("apply", config, "--auto-approve", "--force").exit_code == 0
    assert account.entity("T01")["ReputationManagementPolicy"].endswith("/none")


def test_max_pause_percent_raises_the_share(tmp_path: Path, account: Account) -> None:
    names = owned(tmp_path, account)
    config = with_first(tmp_path, names, 3, {"sending_status": "DISABLED"},
                        max_pause_percent=30)
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 0, result.output


def test_new_tenants_created_paused_do_not_count(tmp_path: Path, account: Account) -> None:
    names = owned(tmp_path, account)
    tenants: dict[str, Any] = {n: {} for n in names}
    tenants.update({f"New{i}": {"sending_status": "DISABLED"} for i in range(3)})
    config = write_config(tmp_path, tenants, name="second.yaml")
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 0, result.output
    assert account.entity("New0")["CustomerManagedStatus"]["Status"] == "DISABLED"
