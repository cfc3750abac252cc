"""What planning costs in API calls, and the plan's machine formats (acceptance points 11, 12).

Call counts come from the emulator's own accounting (every request that reached it, retries
included), not from the client's statistics, so a hidden extra call cannot escape the budget.
The counts asserted are the exact figures the project publishes, by operation.
"""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.emulator import Emulator
from reconciler.emulator.accounting import CounterSnapshot
from tests.integration.engine.conftest import (
    NO_LIMITS,
    Account,
    engine,
    settings,
    write_config,
)


def _shared_three(i: int) -> dict[str, Any]:
    """Three associations: an identity of its own, a shared configuration set and template."""
    return {"tags": {"CustomerID": str(i)},
            "resources": {"identities": [f"t{i:04d}.example.com"],
                          "configuration_sets": ["shared-set"], "templates": ["welcome"]}}


def _build(tmp_path: Path, account: Account, count: int) -> Path:
    account.identities(*(f"t{i:04d}.example.com" for i in range(count)))
    account.configuration_sets("shared-set")
    account.templates("welcome")
    config = write_config(tmp_path, {f"T{i:04d}": _shared_three(i) for i in range(count)})
    result = engine("apply", config, "--auto-approve", "--parallelism", "16")
    assert result.exit_code == 0, result.output[-2000:]
    return config


def _plan_cost(emulator: Emulator, *args: str | Path) -> CounterSnapshot:
    """What one no-change plan cost the emulator: calls by operation, retries included."""
    before = emulator.counters.snapshot()
    result = engine("plan", *args, "--detailed-exitcode")
    assert result.exit_code == 0, result.output[-2000:]
    return emulator.counters.snapshot() - before


def _calls(spent: CounterSnapshot) -> dict[str, int]:
    return {op: n for (_, op), n in sorted(spent.by_operation().items())}


# Exact figures, not bounds: an extra call anywhere (a retry, a re-read, a new per-tenant lookup)
# changes them. A no-change plan of N tenants is GetCallerIdentity once, ceil(N/100) pages each
# of ListTenants and ListReputationEntities, then GetTenant and ListTenantResources per tenant.
NO_CHANGE_PLAN_AT_1000 = {"GetCallerIdentity": 1, "GetTenant": 1000,
                          "ListReputationEntities": 10, "ListTenantResources": 1000,
                          "ListTenants": 10}
# --only reads the named tenant alone, whatever the size of the account.
ONLY_ONE_TENANT = {"GetCallerIdentity": 1, "GetReputationEntity": 1, "GetTenant": 1,
                   "ListTenantResources": 1}


@pytest.mark.slow
def test_plan_of_1000_unchanged_tenants_costs_exactly_2021_calls(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    n = 1000
    config = _build(tmp_path, account, n)
    spent = _plan_cost(emulator, config)
    print(f"plan of {n} unchanged tenants: {spent.attempts()} calls: {_calls(spent)}")
    assert (spent.attempts(), _calls(spent)) == (2021, NO_CHANGE_PLAN_AT_1000)
    assert spent.attempts() <= 2 * n + 2 * math.ceil(n / 100) + 5


@pytest.mark.slow
def test_plan_only_one_tenant_of_1000_costs_exactly_4_calls(
        tmp_path: Path, account: Account, emulator: Emulator) -> None:
    config = _build(tmp_path, account, 1000)
    spent = _plan_cost(emulator, config, "--only", "T0042")
    print(f"plan --only of one tenant in 1000: {spent.attempts()} calls: {_calls(spent)}")
    assert (spent.attempts(), _calls(spent)) == (4, ONLY_ONE_TENANT)


@pytest.fixture
def pending(tmp_path: Path, account: Account) -> Path:
    """Acme applied, then its config changed: a plan with changes to render."""
    account.identities("acme.example.com")
    first = {"Acme": {"tags": {"c": "1"}}, "Other": {}}
    assert engine("apply", write_config(tmp_path, first), "--auto-approve").exit_code == 0
    return write_config(tmp_path, {"Acme": {"tags": {"c": "2"}, "resources": {
        "identities": ["acme.example.com"]}}, "Other": {}})


def test_plan_json_is_the_saved_plan_document(tmp_path: Path, pending: Path) -> None:
    out = tmp_path / "saved.json"
    result = engine("plan", pending, "--format", "json", "--out", out)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed == json.loads(out.read_text(encoding="utf-8"))
    assert printed["kind"] == "ses-reconciler/plan"
    assert {c["tenant"] for c in printed["changes"]} == {"Acme"}
    assert sorted(c["action"] for c in printed["changes"]) == ["associate", "update_tags"]


def test_plan_markdown_names_the_changes(pending: Path) -> None:
    result = engine("plan", pending, "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith("#")
    assert "Acme" in result.stdout
    assert "identity/acme.example.com" in result.stdout
    assert "Other" not in result.stdout


# --- --changed-since ---------------------------------------------------------------------

def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A throwaway identity and no user or system git configuration."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.com")


class Repo:
    """A git repository holding a config directory: settings plus one file per tenant."""

    def __init__(self, root: Path) -> None:
        self.root, self.config = root, root / "conf"
        self.config.mkdir(parents=True)
        _git(root, "init", "-q", "-b", "main")
        document = {"settings": settings(prune=True, **NO_LIMITS)}
        (self.config / "settings.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")

    def tenant(self, name: str, value: str) -> None:
        document = {"tenants": {name: {"tags": {"v": value}}}}
        (self.config / f"{name}.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")

    def remove(self, name: str) -> None:
        (self.config / f"{name}.yaml").unlink()

    def commit(self) -> None:
        _git(self.root, "add", "-A")
        _git(self.root, "commit", "-q", "-m", "config")


@pytest.fixture
def repo(tmp_path: Path, git_env: None, account: Account) -> Repo:
    """Edit, Drop and three unchanged tenants, committed and applied."""
    repo = Repo(tmp_path / "repo")
    for name in ("Drop", "Edit", "Same1", "Same2", "Same3"):
        repo.tenant(name, "1")
    repo.commit()
    assert engine("apply", repo.config, "--auto-approve").exit_code == 0
    return repo


def test_changed_since_plans_only_the_changed_and_removed_tenants(repo: Repo) -> None:
    repo.tenant("Edit", "2")
    repo.remove("Drop")
    result = engine("plan", repo.config, "--changed-since", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["scope"] == ["Drop", "Edit"]
    assert {(c["tenant"], c["action"]) for c in plan["changes"]} == {
        ("Drop", "delete_tenant"), ("Edit", "update_tags")}


def test_changed_since_costs_exactly_7_calls_whatever_the_unchanged_tenants(
        repo: Repo, emulator: Emulator) -> None:
    repo.tenant("Edit", "2")
    repo.remove("Drop")
    small = _plan_cost_changes(emulator, repo)
    _git(repo.root, "checkout", "-q", "--", ".")
    for i in range(40):
        repo.tenant(f"More{i:02d}", "1")
    repo.commit()
    assert engine("apply", repo.config, "--auto-approve").exit_code == 0
    repo.tenant("Edit", "2")
    repo.remove("Drop")
    large = _plan_cost_changes(emulator, repo)
    print(f"plan --changed-since with 3 / 43 unchanged tenants: {small} / {large} calls")
    assert (small, large) == (7, 7)


def _plan_cost_changes(emulator: Emulator, repo: Repo) -> int:
    """The targeted read of the edited and the removed tenant: STS once, then GetTenant,
    GetReputationEntity and ListTenantResources for each of the two."""
    before = emulator.counters.snapshot()
    result = engine("plan", repo.config, "--changed-since", "HEAD", "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    spent = emulator.counters.snapshot() - before
    assert _calls(spent) == {"GetCallerIdentity": 1, "GetReputationEntity": 2, "GetTenant": 2,
                             "ListTenantResources": 2}
    return spent.attempts()


# --- --stats: the association reads the reader chose, and why --------------------------------

def _stats_line(stderr: str) -> str:
    return next(line for line in stderr.splitlines() if line.startswith("Associations read"))


def test_stats_say_associations_were_read_per_tenant_when_tenants_have_their_own(
        tmp_path: Path, account: Account) -> None:
    account.identities("a.example.com", "b.example.com", "c.example.com")
    config = write_config(tmp_path, {name: {"resources": {"identities": [f"{name}.example.com"]}}
                                     for name in ("a", "b", "c")})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    result = engine("plan", config, "--stats")
    assert result.exit_code == 0, result.output
    assert _stats_line(result.stderr) == (
        "Associations read per tenant: estimated 3 calls per tenant (ListTenantResources), "
        "against at least 6 calls per resource (resource List walks + ListResourceTenants "
        "pages)")


def test_stats_say_associations_were_read_per_resource_when_tenants_share_them(
        tmp_path: Path, account: Account) -> None:
    account.configuration_sets("shared-set")
    config = write_config(tmp_path, {f"T{i:02d}": {"resources": {
        "configuration_sets": ["shared-set"]}} for i in range(20)})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    result = engine("drift", config, "--stats")
    assert result.exit_code == 0, result.output
    assert _stats_line(result.stderr) == (
        "Associations read per resource: estimated 4 calls per resource (resource List walks "
        "+ ListResourceTenants pages), against 20 calls per tenant (ListTenantResources)")


def test_targeted_plan_states_no_association_strategy(
        tmp_path: Path, account: Account) -> None:
    config = write_config(tmp_path, {"Acme": {}})
    assert engine("apply", config, "--auto-approve").exit_code == 0
    result = engine("plan", config, "--stats", "--only", "Acme")
    assert result.exit_code == 0, result.output
    assert "API calls:" in result.stderr and "Associations read" not in result.stderr
