"""Every failure a user can meet is one sentence on stderr and exit 1, never a traceback;
`--debug` (or SES_RECONCILER_DEBUG=1) shows the traceback."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reconciler.emulator import Emulator
from tests.integration.engine.conftest import (
    closed_port,
    engine,
    run_cli,
    run_process,
    write_config,
)

NO_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
                  "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                  "AWS_EC2_METADATA_DISABLED": "true"}


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, {"Acme": {"tags": {"c": "1"}}})


def test_access_denied_on_list_tenants_names_the_permission(
        config: Path, emulator: Emulator) -> None:
    emulator.faults.fail("ListTenants", error_code="AccessDeniedException", status=403)
    result = engine("plan", config)
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert line.startswith("error: reading the account's tenants (sesv2 ListTenants) was "
                           "denied (AccessDeniedException")
    assert "allow ses:ListTenants for these credentials" in line
    assert "`ses-reconciler iam self-policy`" in line


def test_access_denied_during_apply_is_the_same_sentence_in_the_report(
        config: Path, emulator: Emulator) -> None:
    emulator.faults.fail("CreateTenant", error_code="AccessDeniedException", status=403)
    result = engine("apply", config, "--auto-approve")
    assert result.exit_code == 1
    assert ("    error: creating a tenant (sesv2 CreateTenant) was denied "
            "(AccessDeniedException") in result.stdout
    assert "allow ses:CreateTenant for these credentials" in result.stdout
    assert "Traceback" not in result.output


def test_an_expired_token_says_to_refresh_the_session(config: Path, emulator: Emulator) -> None:
    emulator.faults.fail("ListTenants", error_code="ExpiredTokenException", status=403)
    result = engine("drift", config)
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "failed because the session has expired (ExpiredTokenException" in line
    assert "`aws sso login`" in line


def test_no_credentials_names_the_ways_to_provide_them(
        config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in NO_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    result = engine("plan", config)
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert line.startswith("error: identifying the account (sts GetCallerIdentity) needs AWS "
                           "credentials and none were found")
    assert "--profile or AWS_PROFILE" in line and "`aws sso login`" in line


def test_an_unreachable_endpoint_names_the_url_and_gives_up_after_a_few_tries(
        config: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    result = run_cli("plan", config, "--endpoint-url", url)
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert f"could not reach the AWS endpoint {url}/" in line
    assert "(EndpointConnectionError); check --endpoint-url" in line
    assert elapsed < 15, elapsed  # 3 attempts, backoffs of at most 1 s and 2 s


def test_an_unknown_profile_is_one_sentence(config: Path) -> None:
    result = run_cli("plan", config, "--target", "aws", "--profile", "nowhere")
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == (
        "error: the AWS profile 'nowhere' is not in the AWS config files; check --profile or "
        "AWS_PROFILE (`aws configure list-profiles` lists them)")


def test_debug_prints_the_traceback_before_the_sentence(config: Path) -> None:
    done = run_process("--debug", "plan", config, "--target", "aws", env=NO_CREDENTIALS)
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "NoCredentialsError" in done.stderr
    assert done.stderr.rstrip().splitlines()[-1].startswith("error: identifying the account")


def test_debug_is_also_an_environment_variable(config: Path) -> None:
    done = run_process("plan", config, "--target", "aws",
                       env={**NO_CREDENTIALS, "SES_RECONCILER_DEBUG": "1"})
    assert done.returncode == 1
    assert "Traceback" in done.stderr


def test_an_unexpected_failure_is_one_sentence_pointing_to_debug(
        config: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    done = run_process("plan", config, "--target", "local",
                       "--local-state", blocker / "state.json")
    assert done.returncode == 1
    line = one_error_line(done.stderr)
    assert line.startswith("error: unexpected FileExistsError: ")
    assert line.endswith("; rerun with --debug for details")
    shown = run_process("--debug", "plan", config, "--target", "local",
                        "--local-state", blocker / "state.json")
    assert shown.returncode == 1 and "Traceback" in shown.stderr


# --- installed without the `local` extra ----------------------------------------------------

@pytest.fixture
def without_moto(tmp_path: Path) -> dict[str, str]:
    """A PYTHONPATH entry first in line whose `moto` fails to import as an absent one does."""
    shadow = tmp_path / "shadow" / "moto"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'moto'\", name='moto')\n", encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join([str(shadow.parent), os.environ.get("PYTHONPATH", "")])}


def test_target_local_without_moto_says_what_to_install(
        config: Path, tmp_path: Path, without_moto: dict[str, str]) -> None:
    done = run_process("plan", config, "--target", "local",
                       "--local-state", tmp_path / "state.json", env=without_moto)
    assert done.returncode == 1
    line = one_error_line(done.stderr)
    assert line == ("error: --target local runs the embedded SES emulator, which is not "
                    "installed (no module named 'moto'); install it with pip install "
                    "'ses-reconciler[local]' (or `make install` in a checkout)")
    assert not (tmp_path / "state.json").exists()


def test_local_serve_without_moto_says_what_to_install(without_moto: dict[str, str]) -> None:
    done = run_process("local", "serve", "--port", "0", env=without_moto)
    assert done.returncode == 1
    assert "pip install 'ses-reconciler[local]'" in one_error_line(done.stderr)


def test_target_aws_does_not_need_moto(config: Path, without_moto: dict[str, str]) -> None:
    done = run_process("plan", config, "--target", "aws", "--profile", "nowhere",
                       env=without_moto)
    assert done.returncode == 1
    assert "the AWS profile 'nowhere'" in one_error_line(done.stderr)
