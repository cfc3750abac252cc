"""The workflows shipped and written by `init` pass actionlint and zizmor (as `make
lint-workflows` runs them), so the check also holds when only the test suite runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.gitops.repo import cli

PROJECT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def tool(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed in this environment (pip install -e '.[dev]')")
    return path


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120,
                          check=False, cwd=PROJECT)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("init") / "ops"
    assert cli("init", root).exit_code == 0
    return root


def test_actionlint_finds_nothing(written: Path) -> None:
    workflows = [*(PROJECT / "examples" / "gitops").glob(".github/workflows/*.yml"),
                 *written.glob(".github/workflows/*.yml")]
    assert len(workflows) == 6
    args: list[str | Path] = [tool("actionlint")]
    if (BIN / "shellcheck").exists():
        args.append(f"-shellcheck={BIN / 'shellcheck'}")
    done = run(*args, *workflows)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_offline_finds_nothing_of_medium_severity_or_more(written: Path) -> None:
    done = run(tool("zizmor"), "--offline", "--min-severity", "medium", "action.yml",
               "examples/gitops", written)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout
