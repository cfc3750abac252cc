"""`ses-reconciler validate` and `ses-reconciler schema`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli import main

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "configs" / "example"
INVALID = ROOT / "tests" / "data" / "configs" / "invalid"


def test_validate_prints_a_summary_and_exits_0_for_a_valid_config() -> None:
    result = CliRunner().invoke(main, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0
    assert result.stdout == "valid: 10 tenants in 9 files\n"


def test_validate_prints_every_problem_as_file_line_col_path_message_on_stderr() -> None:
    case = INVALID / "many-errors-in-one-file.yaml"
    result = CliRunner().invoke(main, ["validate", str(case)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 4
    assert lines[0] == f"{case.as_posix()}:9:5: tenants.Good.tier: unknown tier 'gold'"
    assert result.stdout == ""


def test_validate_json_lists_diagnostic_objects_on_stdout() -> None:
    case = INVALID / "unknown-tier.yaml"
    result = CliRunner().invoke(main, ["validate", str(case), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [{
        "file": case.as_posix(), "line": 7, "col": 5, "path": "tenants.Acme.tier",
        "message": "unknown tier 'prof' (did you mean 'pro'?)", "severity": "error"}]


def test_validate_json_of_a_valid_config_is_an_empty_list() -> None:
    result = CliRunner().invoke(main, ["validate", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_schema_prints_the_committed_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "schemas" / "ses-reconciler.schema.json").read_text()


def test_validate_of_a_missing_path_says_so_and_exits_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path / 'nope'}: no such file or directory\n"


def test_validate_shows_warnings_on_stderr_and_still_exits_0() -> None:
    case = ROOT / "tests" / "data" / "configs" / "warnings" / "send-without-tenant-condition.yaml"
    result = CliRunner().invoke(main, ["validate", str(case)])
    assert result.exit_code == 0
    assert result.stdout == "valid: 0 tenants in 1 file\n"
    assert result.stderr.startswith(
        f"warning: {case.as_posix()}:9:11: iam_templates.sender.document.Statement[0]: sending "
        "(SendEmail, SendRawEmail) is allowed without a ses:TenantName condition")


def test_validate_json_lists_warnings_with_their_severity() -> None:
    case = ROOT / "tests" / "data" / "configs" / "warnings" / "ses-star.yaml"
    result = CliRunner().invoke(main, ["validate", str(case), "--format", "json"])
    assert result.exit_code == 0
    found = json.loads(result.stdout)
    assert [(d["line"], d["severity"]) for d in found] == [(10, "warning"), (11, "warning")]
