"""A git-ops repository made by `init` in a temporary directory, driven like CI drives it.

Commands run in-process through click against the in-process emulator (`--target aws` with
moto's `mock_aws`): the same boto3 wire path as `--target local`, with the account reachable by
the test's own client to seed resources and make drift.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from reconciler.cli import main

ACCOUNT = "123456789012"
ENGINE = ("--target", "aws", "--max-rate", "0")


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@dataclass
class OpsRepo:
    root: Path

    @property
    def stack(self) -> Path:
        return self.root / "stacks" / "main"

    def write(self, rel: str, text: str) -> None:
        path = self.stack / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.stack / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new), encoding="utf-8")

    def commit(self, message: str) -> str:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", message)
        return self.head()

    def head(self) -> str:
        return git(self.root, "rev-parse", "HEAD")

    def checkout(self, *args: str) -> None:
        git(self.root, "checkout", "-q", *args)

    def ci(self, step: str, out: Path, *args: str) -> Result:
        return cli("ci", step, self.root, "--stack", "main", "--out-dir", out, *ENGINE, *args)


def init_repo(path: Path) -> OpsRepo:
    done = cli("init", path, "--account", ACCOUNT)
    assert done.exit_code == 0, done.output
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "ops@example.com")
    git(path, "config", "user.name", "Ops")
    repo = OpsRepo(path)
    repo.commit("init")
    return repo
