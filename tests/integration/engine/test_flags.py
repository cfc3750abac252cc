"""Flags mean what they say: an AWS-only option is never silently ignored for the emulator,
an endpoint URL selects AWS over the config's `target: local`, and `--changed-since` refs are
looked up as refs, never read as git options."""

from __future__ import annotations

import subprocess
from pathlib import Path

import boto3
import pytest
from click.testing import Result

from reconciler.emulator.server import EmulatorServer
from tests.integration.engine.conftest import closed_port, run_cli, write_config

AWS_ONLY = [("--endpoint-url", "http://127.0.0.1:9"), ("--profile", "prod"),
            ("--max-rate", "2")]


@pytest.fixture
def local_config(tmp_path: Path) -> Path:
    """The example's shape: `target: local` in the config; no referenced resources."""
    return write_config(tmp_path, {"Acme": {"tags": {"c": "1"}}},
                        extra_settings={"target": "local"})


def state(tmp_path: Path) -> Path:
    return tmp_path / "local-account.json"


def usage_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: "), result.stderr
    return lines[-1]


@pytest.mark.parametrize(("flag", "value"), AWS_ONLY)
def test_an_aws_only_option_with_explicit_target_local_is_a_usage_error(
        local_config: Path, tmp_path: Path, flag: str, value: str) -> None:
    result = run_cli("plan", local_config, "--target", "local", "--local-state",
                     state(tmp_path), flag, value)
    assert usage_error(result) == (
        f"Error: {flag} applies only to AWS, not to --target local (the embedded emulator); "
        f"drop it or use --target aws")
    assert not state(tmp_path).exists()


def test_several_aws_only_options_are_named_together(local_config: Path,
                                                      tmp_path: Path) -> None:
    result = run_cli("plan", local_config, "--target", "local", "--profile", "p",
                     "--max-rate", "1")
    assert usage_error(result).startswith("Error: --profile and --max-rate apply only to AWS")


@pytest.mark.parametrize(("flag", "value"), AWS_ONLY[1:])
def test_profile_or_max_rate_with_the_configs_target_local_is_a_usage_error(
        local_config: Path, tmp_path: Path, flag: str, value: str) -> None:
    result = run_cli("plan", local_config, "--local-state", state(tmp_path), flag, value)
    assert usage_error(result) == (
        f"Error: {flag} applies only to AWS, but the config's settings.target is local; add "
        f"--target aws (or --endpoint-url URL) to run against AWS, or drop it")


def test_an_endpoint_url_selects_aws_over_the_configs_target_local(
        local_config: Path, tmp_path: Path, emulator_server: EmulatorServer) -> None:
    result = run_cli("apply", local_config, "--local-state", state(tmp_path),
                     "--endpoint-url", emulator_server.url, "--max-rate", "0",
                     "--auto-approve")
    assert result.exit_code == 0, result.output
    ses = boto3.client("sesv2", region_name="us-east-1", endpoint_url=emulator_server.url)
    assert ses.get_tenant(TenantName="Acme")["Tenant"]["TenantName"] == "Acme"
    assert not state(tmp_path).exists()


def test_aws_endpoint_url_from_the_environment_also_selects_aws(
        local_config: Path, tmp_path: Path, emulator_server: EmulatorServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator_server.url)
    result = run_cli("plan", local_config, "--local-state", state(tmp_path), "--max-rate", "0",
                     "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    assert emulator_server.counters.by_operation().get(("sesv2", "ListTenants"), 0) == 1
    assert not state(tmp_path).exists()


def test_explicit_target_local_ignores_aws_endpoint_url_from_the_environment(
        local_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed_port()}")
    result = run_cli("apply", local_config, "--target", "local", "--local-state",
                     state(tmp_path), "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "Apply complete: 1 applied" in result.stdout
    assert state(tmp_path).exists()


def test_explicit_target_local_ignores_aws_profile_from_the_environment(
        local_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "not-in-any-config-file")
    result = run_cli("apply", local_config, "--target", "local", "--local-state",
                     state(tmp_path), "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "Apply complete: 1 applied" in result.stdout


def test_the_endpoint_url_help_says_it_selects_aws() -> None:
    text = " ".join(run_cli("plan", "--help").stdout.split())
    assert "selects --target aws even when the config says target: local" in text
    assert "AWS_ENDPOINT_URL, which an explicit --target local ignores" in text


# --- --changed-since ----------------------------------------------------------------------

def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


@pytest.fixture
def repo_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed config in a fresh git repository (no user or system git configuration)."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.com")
    root = tmp_path / "repo"
    root.mkdir()
    config = write_config(root, {"Acme": {"tags": {"c": "1"}}},
                          extra_settings={"target": "local"})
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "config")
    return config


def changed_since(config: Path, ref: str) -> Result:
    return run_cli("plan", config, "--local-state", config.parent / "state.json",
                   "--changed-since", ref)


@pytest.mark.parametrize("ref", ["-x", "--output=stolen", "no-such-branch"])
def test_a_ref_that_names_no_commit_is_one_sentence(repo_config: Path, ref: str) -> None:
    result = changed_since(repo_config, ref)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: --changed-since {ref!r} does not name a commit in the git repository at "
        f"{repo_config.parent.resolve()}; check the branch, tag or commit (a shallow CI "
        f"checkout may need it fetched first)"]
    assert not (repo_config.parent / "stolen").exists()


def test_a_valid_ref_still_scopes_the_plan(repo_config: Path) -> None:
    result = changed_since(repo_config, "main")
    assert result.exit_code == 0, result.output
    assert "No changes" in result.stdout


def test_a_config_outside_git_is_one_sentence(local_config: Path, tmp_path: Path) -> None:
    result = changed_since(local_config, "main")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: --changed-since compares with git history, but {tmp_path.resolve()} is not "
        f"in a git repository; run a full plan instead"]
