"""The safety percentages count only from `settings.safety.min_tenants` owned tenants.

With three tenants, re-running an apply that was killed part way changes every one of them;
that recovery must not need `--force`. From ten owned tenants (the default floor) the
percentages apply as before, and below it deleting still needs `--allow-delete`.
"""

from __future__ import annotations

from pathlib import Path

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import Account, engine, write_config


def owned(tmp_path: Path, account: Account, count: int) -> list[str]:
    """`count` tenants created, and so owned, by an apply."""
    names = [f"T{i:02d}" for i in range(count)]
    created = engine("apply", write_config(tmp_path, {n: {} for n in names}, name="first.yaml"),
                     "--auto-approve")
    assert created.exit_code == 0, created.output
    assert sorted(account.names()) == names
    return names


def retagged(tmp_path: Path, names: list[str], changed: int, **kw: object) -> Path:
    """The config of `names` with a new tag on the first `changed` of them."""
    tenants = {n: {"tags": {"wave": "2"}} if i < changed else {} for i, n in enumerate(names)}
    return write_config(tmp_path, tenants, name="second.yaml", **kw)  # type: ignore[arg-type]


def test_changing_all_three_owned_tenants_applies_without_force(
        tmp_path: Path, account: Account) -> None:
    names = owned(tmp_path, account, 3)
    result = engine("apply", retagged(tmp_path, names, 3), "--auto-approve")
    assert result.exit_code == 0, result.output
    assert all(account.tags(n)["wave"] == "2" for n in names)


def test_changing_six_of_ten_owned_tenants_is_refused_without_force(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    names = owned(tmp_path, account, 10)
    config = retagged(tmp_path, names, 6)
    before = emulator.counters.snapshot()
    refused = engine("apply", config, "--auto-approve")
    assert refused.exit_code == 1
    assert "changes 6 of 10 managed tenants (60.0%), above max_change_percent 50%" in (
        refused.stderr)
    assert (emulator.counters.snapshot() - before).writes() == 0
    forced = engine("apply", config, "--auto-approve", "--force")
    assert forced.exit_code == 0, forced.output


def test_a_floor_of_zero_applies_the_percentages_to_three_tenants(
        tmp_path: Path, account: Account) -> None:
    names = owned(tmp_path, account, 3)
    config = retagged(tmp_path, names, 3, extra_settings={"safety": {"min_tenants": 0}})
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 1
    assert "changes 3 of 3 managed tenants (100.0%)" in result.stderr


def test_below_the_floor_a_delete_still_needs_allow_delete(
        tmp_path: Path, account: Account) -> None:
    names = owned(tmp_path, account, 3)
    config = write_config(tmp_path, {names[0]: {}}, prune=True, name="second.yaml")
    refused = engine("apply", config, "--auto-approve")
    assert refused.exit_code == 1
    assert "pass --allow-delete" in refused.stderr
    allowed = engine("apply", config, "--auto-approve", "--allow-delete")
    assert allowed.exit_code == 0, allowed.output
    assert account.names() == [names[0]]
