"""Targeted planning for pull requests: which tenants did a change touch?

Comparing *resolved* desired state (not file text) catches a tier edit that changes fifty
tenants as well as a one-line tenant edit, and ignores reformatting.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from reconciler.config.load import load_desired_texts
from reconciler.errors import ConfigError, RunError
from reconciler.gitops.git import git
from reconciler.kinds.tenant import Tenant
from reconciler.state import Desired

YAML_SUFFIXES = (".yaml", ".yml")


def changed_tenants(old: Desired, new: Desired) -> frozenset[str] | None:
    """Names whose resolved state differs, including removed ones; None if settings changed
    (ownership, prune or region changes concern every tenant, so the plan must be full)."""
    if old.settings != new.settings:
        return None
    names = set(old.tenants) | set(new.tenants)
    return frozenset(n for n in names
                     if _comparable(old.tenants.get(n)) != _comparable(new.tenants.get(n)))


def _comparable(tenant: Tenant | None) -> Tenant | None:
    return None if tenant is None else dataclasses.replace(tenant, source=None)


def scope_changed_since(new: Desired, config: Path, ref: str) -> frozenset[str] | None:
    texts = config_texts_at(ref, config)
    if not texts:
        return frozenset(new.tenants)
    try:
        old = load_desired_texts(texts)
    except ConfigError as err:
        raise RunError(f"the config at {ref} does not load, so a targeted plan cannot be "
                       f"computed; run a full plan instead ({len(err.diagnostics)} problems)"
                       ) from err
    return changed_tenants(old, new)


def config_texts_at(ref: str, config: Path) -> dict[str, str]:
    """The YAML files under `config` as they were at git `ref`, keyed like the working tree."""
    config = config.resolve()
    cwd = config if config.is_dir() else config.parent
    top = _toplevel(cwd)
    commit = _commit(top, ref)
    rel = config.relative_to(top).as_posix()
    listed = _git(top, "ls-tree", "-r", "--name-only", commit, "--", rel).splitlines()
    texts: dict[str, str] = {}
    for name in sorted(listed):
        if name.endswith(YAML_SUFFIXES):
            texts[str(top / name)] = _git(top, "show", f"{commit}:{name}")
    return texts


def _toplevel(cwd: Path) -> Path:
    try:
        return Path(_git(cwd, "rev-parse", "--show-toplevel").strip())
    except RunError as err:
        raise RunError(f"--changed-since compares with git history, but {cwd} is not in a git "
                       f"repository; run a full plan instead") from err


def _commit(top: Path, ref: str) -> str:
    """The commit `ref` names, resolved with git's end-of-options form so that a ref such as
    `-x` is looked up as a name and never read as an option."""
    try:
        return _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options",
                    f"{ref}^{{commit}}").strip()
    except RunError as err:
        raise RunError(f"--changed-since {ref!r} does not name a commit in the git repository "
                       f"at {top}; check the branch, tag or commit (a shallow CI checkout may "
                       f"need it fetched first)") from err


def _git(cwd: Path, *args: str) -> str:
    return git(cwd, *args, needed_by="--changed-since")
