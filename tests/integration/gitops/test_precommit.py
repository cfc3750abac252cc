"""`pre-commit try-repo` on this project runs its hooks in a repository made by `init`.

pre-commit installs the hook repository (this project) into a fresh virtualenv with pip, fetching
the dependencies from PyPI: about 40 s with a warm pip cache, a minute without. So the test runs
when SES_RECONCILER_PRECOMMIT_TEST=1 (`make test` sets it) and is skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.config.schema import schema_text
from tests.integration.gitops.repo import cli, git

PROJECT = Path(__file__).resolve().parents[3]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("SES_RECONCILER_PRECOMMIT_TEST") != "1",
                       reason="installs the project from PyPI dependencies (~40 s); "
                              "set SES_RECONCILER_PRECOMMIT_TEST=1 (make test does)"),
]


def _commit_all(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.email=ops@example.com", "-c", "user.name=Ops", "commit", "-qm", "x")


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A committed snapshot of this checkout (its work tree as it is) and a pre-commit home
    shared by the tests, so the hook environment is built once."""
    snapshot = tmp_path_factory.mktemp("hook-repo")
    listed = git(PROJECT, "ls-files", "-co", "--exclude-standard").splitlines()
    for rel in listed:
        source = PROJECT / rel
        if source.is_file():
            (snapshot / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / rel)
    git(snapshot, "init", "-q", "-b", "main")
    _commit_all(snapshot)
    yield snapshot, tmp_path_factory.mktemp("pre-commit-home")


def try_repo(hooks: tuple[Path, Path], repo: Path, hook: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PRE_COMMIT_HOME"] = str(hooks[1])
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hooks[0]), hook,
                           "--all-files"], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=600, check=False)


@pytest.fixture
def ops(tmp_path: Path) -> Path:
    assert cli("init", tmp_path / "ops").exit_code == 0
    git(tmp_path / "ops", "init", "-q", "-b", "main")
    _commit_all(tmp_path / "ops")
    return tmp_path / "ops"


def test_validate_hook_passes_on_a_valid_config(hooks: tuple[Path, Path], ops: Path) -> None:
    done = try_repo(hooks, ops, "ses-reconciler-validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ses-reconciler validate" in done.stdout and "Passed" in done.stdout


def test_validate_hook_fails_with_file_and_line(hooks: tuple[Path, Path], ops: Path) -> None:
    tenant = ops / "stacks" / "main" / "tenants" / "example.yaml"
    tenant.write_text(tenant.read_text().replace("tier: shared", "tier: missing"))
    _commit_all(ops)
    done = try_repo(hooks, ops, "ses-reconciler-validate")
    assert done.returncode == 1
    assert ("stacks/main/tenants/example.yaml:6:5: tenants.Example-Tenant.tier: unknown tier "
            "'missing'") in done.stdout


def test_schema_hook_fails_on_a_stale_schema(hooks: tuple[Path, Path], ops: Path) -> None:
    schema = ops / "schemas" / "ses-reconciler.schema.json"
    assert schema.read_text() == schema_text()
    schema.write_text("{}\n")
    _commit_all(ops)
    done = try_repo(hooks, ops, "ses-reconciler-schema")
    assert done.returncode == 1
    assert "schemas/ses-reconciler.schema.json:1:1: not the schema of ses-reconciler" in done.stdout
