"""The few git questions the pipeline asks; every failure is one RunError sentence."""

from __future__ import annotations

import subprocess
from pathlib import Path

from reconciler.errors import RunError


def git(cwd: Path, *args: str, needed_by: str = "this command") -> str:
    """Run git, turning its absence or failure into one sentence naming what needed it."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                              text=True)
    except FileNotFoundError as err:
        raise RunError(f"{needed_by} needs git, which is not installed") from err
    except subprocess.CalledProcessError as err:
        raise RunError(f"git {' '.join(args)} failed: {err.stderr.strip()}") from err
    return done.stdout


def merge_base(cwd: Path, ref: str) -> str:
    """Where the current branch left `ref`: what a pull request's plan is compared with."""
    return git(cwd, "merge-base", ref, "HEAD").strip()


def changed_files(cwd: Path, ref: str) -> list[str]:
    """Paths (relative to the repository top) that differ between `ref` and the work tree."""
    top = Path(git(cwd, "rev-parse", "--show-toplevel").strip())
    listed = git(top, "diff", "--name-only", ref, "--").splitlines()
    untracked = git(top, "ls-files", "--others", "--exclude-standard").splitlines()
    return sorted(set(listed) | set(untracked))


def toplevel(cwd: Path) -> Path:
    return Path(git(cwd, "rev-parse", "--show-toplevel").strip())
