"""`init` writes a repository that validates and plans at once; examples/gitops is its output."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest

from reconciler.config.schema import schema_text
from reconciler.gitops.scaffold import SCHEMA_PATH, render_files
from tests.integration.gitops.repo import cli

PROJECT = Path(__file__).resolve().parents[3]
EXAMPLE = PROJECT / "examples" / "gitops"
TEMPLATES = PROJECT / "reconciler" / "gitops" / "templates"


def test_examples_gitops_is_exactly_what_init_writes() -> None:
    shipped = {p.relative_to(EXAMPLE).as_posix(): p.read_text(encoding="utf-8")
               for p in EXAMPLE.rglob("*") if p.is_file()}
    assert shipped == render_files()


def test_every_template_is_package_data() -> None:
    data = tomllib.loads((PROJECT / "pyproject.toml").read_text())
    patterns = data["tool"]["setuptools"]["package-data"]["reconciler.gitops"]
    files = [p.relative_to(TEMPLATES.parent).as_posix() for p in TEMPLATES.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    missing = [f for f in files if not any(fnmatch.fnmatchcase(f, pat) and
                                           f.count("/") == pat.count("/") for pat in patterns)]
    assert files and missing == []


def test_init_repository_validates_clean(tmp_path: Path) -> None:
    assert cli("init", tmp_path / "ops").exit_code == 0
    done = cli("validate", tmp_path / "ops", "--all-stacks")
    assert done.exit_code == 0, done.output
    assert done.stdout == "valid: 1 tenant in 4 files\n"
    assert (tmp_path / "ops" / SCHEMA_PATH).read_text() == schema_text()


def test_init_repository_plans_locally_out_of_the_box(tmp_path: Path) -> None:
    assert cli("init", tmp_path / "ops").exit_code == 0
    done = cli("plan", tmp_path / "ops" / "stacks" / "main", "--local-state",
               tmp_path / "account.json", "--detailed-exitcode")
    assert done.exit_code == 2, done.output
    assert 'tenant "Example-Tenant"' in done.stdout


def test_init_sets_the_account_guard_region_and_stack(tmp_path: Path) -> None:
    done = cli("init", tmp_path / "ops", "--stack", "eu", "--account", "210987654321",
               "--region", "eu-west-1")
    assert done.exit_code == 0, done.output
    settings = (tmp_path / "ops" / "stacks" / "eu" / "settings.yaml").read_text()
    assert 'account_id: "210987654321"' in settings and "region: eu-west-1" in settings
    assert "stacks/eu/tenants" in (tmp_path / "ops" / "README.md").read_text()


def test_init_refuses_to_overwrite_a_changed_file(tmp_path: Path) -> None:
    assert cli("init", tmp_path / "ops").exit_code == 0
    (tmp_path / "ops" / "README.md").write_text("ours\n")
    done = cli("init", tmp_path / "ops")
    assert done.exit_code == 1
    assert done.stderr == (f"error: refusing to overwrite 1 existing file(s) in {tmp_path / 'ops'}"
                           ": README.md; pass --force to replace them\n")
    assert (tmp_path / "ops" / "README.md").read_text() == "ours\n"


def test_init_rejects_an_account_id_that_is_not_twelve_digits(tmp_path: Path) -> None:
    done = cli("init", tmp_path / "ops", "--account", "1234")
    assert done.exit_code == 1
    assert done.stderr == "error: --account '1234' is not an AWS account id; give its 12 digits\n"
    assert not (tmp_path / "ops").exists()


def test_init_pins_the_action_it_is_given(tmp_path: Path) -> None:
    ref = "acme/ses-reconciler@" + "a" * 40
    assert cli("init", tmp_path / "ops", "--action", ref).exit_code == 0
    plan = (tmp_path / "ops" / ".github" / "workflows" / "ses-plan.yml").read_text()
    assert f"uses: {ref}\n" in plan and "zizmor: ignore" not in plan


def test_schema_check_names_a_stale_schema_file(tmp_path: Path) -> None:
    stale = tmp_path / "schema.json"
    stale.write_text("{}\n")
    fresh = tmp_path / "fresh.json"
    fresh.write_text(schema_text())
    done = cli("schema", "--check", fresh, stale)
    assert done.exit_code == 1
    assert done.stderr.startswith(f"{stale}:1:1: not the schema of ses-reconciler ")
    assert cli("schema", "--check", fresh).exit_code == 0


def test_the_readme_local_tour_runs_as_written(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("init", tmp_path / "ops").exit_code == 0
    monkeypatch.chdir(tmp_path / "ops")
    assert cli("validate", "--all-stacks", ".").exit_code == 0
    assert cli("plan", "stacks/main", "--detailed-exitcode").exit_code == 2
    applied = cli("apply", "stacks/main", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    drift = cli("drift", "stacks/main")
    assert drift.exit_code == 0, drift.output
    assert (tmp_path / "ops" / ".ses-reconciler" / "local-account.json").is_file()
