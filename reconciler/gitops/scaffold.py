"""`init`: write a ready git-ops repository from the templates shipped with the package.

The templates are the files the team gets, with a few `@@NAME@@` placeholders (stack, Region,
account line, action, version); the stack directory itself is named `@@STACK@@`. The JSON Schema
is generated, so editors' modelines always point at the installed version's schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from reconciler import __version__
from reconciler.config.schema import schema_text
from reconciler.errors import RunError

TEMPLATES = "templates"
SCHEMA_PATH = "schemas/ses-reconciler.schema.json"
DEFAULT_ACTION = "ses-reconciler/ses-reconciler@v" + __version__
_ACTION_PIN = (" # zizmor: ignore[unpinned-uses] the tool's own release tag; pin a commit SHA "
               "with `init --action OWNER/REPO@SHA`")
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ACCOUNT = re.compile(r"^[0-9]{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]$")
_ACTION = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[\w.-]+$")


def _check(stack: str, account: str | None, region: str, action: str) -> None:
    if not _NAME.match(stack):
        raise RunError(f"--stack {stack!r} is not a valid stack name; use 1 to 64 letters, "
                       "digits, '-' or '_'")
    if account is not None and not _ACCOUNT.match(account):
        raise RunError(f"--account {account!r} is not an AWS account id; give its 12 digits")
    if not _REGION.match(region):
        raise RunError(f"--region {region!r} is not an AWS Region name such as us-east-1")
    if not _ACTION.match(action):
        raise RunError(f"--action {action!r} is not OWNER/REPO@REF")


def render_files(stack: str = "main", account: str | None = None, region: str = "us-east-1",
                 action: str = DEFAULT_ACTION) -> dict[str, str]:
    """Relative path -> text of every file `init` writes, the schema excluded."""
    _check(stack, account, region, action)
    pinned = _ACTION.match(action) and re.search(r"@[0-9a-f]{40}$", action)
    values = {
        "STACK": stack,
        "REGION": region,
        "ACCOUNT_LINE": (f'account_id: "{account}"     # guard: refuse to run against any other '
                         "account" if account else
                         '# account_id: "123456789012"  # set it: the tool then refuses any other '
                         "account"),
        "ACTION": action + ("" if pinned else _ACTION_PIN),
        "VERSION": __version__,
    }
    root = resources.files("reconciler.gitops").joinpath(TEMPLATES)
    return {path.replace("@@STACK@@", stack): _substitute(text, values)
            for path, text in _walk(root, "")}


def _walk(folder: Traversable, prefix: str) -> Iterator[tuple[str, str]]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        rel = f"{prefix}{entry.name}"
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _walk(entry, rel + "/")
        else:
            yield rel, entry.read_text(encoding="utf-8")


def _substitute(text: str, values: Mapping[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    return text


def scaffold(directory: Path, *, stack: str = "main", account: str | None = None,
             region: str = "us-east-1", action: str = DEFAULT_ACTION,
             force: bool = False) -> list[Path]:
    """Write the repository; refuse (writing nothing) if a file exists with other content."""
    files = {**render_files(stack, account, region, action), SCHEMA_PATH: schema_text()}
    clashes = sorted(rel for rel, text in files.items()
                     if (directory / rel).exists()
                     and (directory / rel).read_text(encoding="utf-8") != text)
    if clashes and not force:
        raise RunError(f"refusing to overwrite {len(clashes)} existing file(s) in {directory}: "
                       f"{', '.join(clashes)}; pass --force to replace them")
    written = []
    try:
        for rel, text in files.items():
            path = directory / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as err:
        raise RunError(f"cannot write {directory}: {err.strerror}") from err
    return written
