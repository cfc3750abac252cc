"""Fleets: one repository, many stacks (`stacks/<name>/`, each a config with its own settings).

The CI system's matrix runs one job per stack, so an account or Region is planned and applied
by its own job; this module only says which stacks exist and which a branch touched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from reconciler.errors import RunError
from reconciler.gitops.git import changed_files, toplevel

STACKS_DIR = "stacks"
YAML_SUFFIXES = (".yaml", ".yml")


def stack_names(root: Path) -> list[str]:
    """Every `stacks/<name>/` under `root` holding at least one YAML file, sorted."""
    folder = root / STACKS_DIR
    if not folder.is_dir():
        raise RunError(f"{root} has no {STACKS_DIR}/ directory, so it is not a fleet; give the "
                       f"repository root holding {STACKS_DIR}/<name>/ or a config path instead")
    return sorted(p.name for p in folder.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and _has_yaml(p))


def _has_yaml(folder: Path) -> bool:
    return any(f.suffix in YAML_SUFFIXES for f in folder.rglob("*") if f.is_file())


def stack_config(root: Path, name: str) -> Path:
    path = root / STACKS_DIR / name
    if not path.is_dir():
        known = ", ".join(stack_names(root)) or "none"
        raise RunError(f"there is no stack {name!r} under {root / STACKS_DIR} (stacks: {known}); "
                       "check the name")
    return path


def changed_stacks(root: Path, ref: str) -> list[str]:
    """The stacks with a file that differs from git `ref` (committed, staged or not)."""
    names = stack_names(root)
    top = toplevel(root)
    prefix = (root.resolve() / STACKS_DIR).relative_to(top).as_posix() + "/"
    touched = {p[len(prefix):].split("/", 1)[0] for p in changed_files(root, ref)
               if p.startswith(prefix)}
    return [n for n in names if n in touched]


def stacks_json(root: Path, names: Sequence[str]) -> list[dict[str, str]]:
    return [{"stack": n, "path": (root / STACKS_DIR / n).as_posix()} for n in names]


def github_matrix(root: Path, names: Sequence[str]) -> str:
    """`{"include": [{"stack": …, "path": …}, …]}`, for `strategy.matrix: ${{ fromJSON(…) }}`."""
    return json.dumps({"include": stacks_json(root, names)}, separators=(",", ":"))


def stack_local_state(path: Path, name: str, *, many: bool) -> Path:
    """Each stack emulates its own account: the default file moves under stacks/<name>/, and an
    explicit file shared by several stacks gets the stack's name in it."""
    from reconciler.engine import DEFAULT_LOCAL_STATE

    if path == DEFAULT_LOCAL_STATE:
        return DEFAULT_LOCAL_STATE.parent / STACKS_DIR / name / DEFAULT_LOCAL_STATE.name
    return path.with_name(f"{path.stem}-{name}{path.suffix}") if many else path
