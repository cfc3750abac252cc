"""What the commands that do not plan compute, as text for `cli.py` to print.

`cli.py` reaches these through `reconciler.engine`; each returns the text (or, for a terminal,
the rich table) and raises `ConfigError`/`RunError`, so the CLI only prints and picks exit
codes. Heavy modules (the emulator, rich, the schema) are imported when a command needs them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.errors import ConfigError, RunError
from reconciler.state import Desired, Live


@dataclass(frozen=True, slots=True)
class Validation:
    """`validate`'s answer: whether the config is valid, and what to print (stdout) or, for
    `text`, the diagnostics to list on stderr."""

    ok: bool
    text: str = ""
    error: ConfigError | None = None
    warnings: tuple[str, ...] = ()  # lint warnings for stderr (text format)


def validate(config: str, fmt: str) -> Validation:
    from reconciler.config.load import load

    try:
        loaded = load(config)
    except ConfigError as err:
        if fmt == "json":
            return Validation(False, json.dumps([d.to_dict() for d in err.diagnostics],
                                                indent=2) + "\n")
        if fmt == "github":
            from reconciler.render.github import render_annotations

            return Validation(False, render_annotations(err.diagnostics))
        return Validation(False, error=err)
    if fmt == "json":
        return Validation(True, json.dumps([d.to_dict() for d in loaded.warnings],
                                           indent=2) + "\n")
    tenants, files = len(loaded.desired.tenants), len(loaded.files)
    summary = (f"valid: {tenants} tenant{'s' * (tenants != 1)} in {files} "
               f"file{'s' * (files != 1)}\n")
    if fmt == "github":
        from reconciler.render.github import render_annotations

        return Validation(True, render_annotations(loaded.warnings) + summary)
    return Validation(True, summary, warnings=tuple(str(w) for w in loaded.warnings))


def schema_text() -> str:
    from reconciler.config.schema import schema_text as text

    return text()


def stale_schemas(files: Sequence[Path]) -> list[Path]:
    """The files that do not hold exactly this version's schema."""
    current = schema_text()
    return [f for f in files if not f.is_file() or f.read_text(encoding="utf-8") != current]


def self_policy_text(read_only: bool) -> str:
    from reconciler.iam.permissions import self_policy

    return json.dumps(self_policy(read_only=read_only), indent=2) + "\n"


def status_output(desired: Desired, live: Live, account: str, region: str, fmt: str,
                  tty: bool) -> Any:
    """JSON, Markdown or plain text; on a terminal (text), a rich table."""
    from reconciler.operations.status import status_rows
    from reconciler.render.status import (
        render_status_json,
        render_status_markdown,
        render_status_text,
        status_table,
    )

    rows = status_rows(desired, live)
    if fmt == "json":
        return render_status_json(rows, account=account, region=region)
    if fmt == "markdown":
        return render_status_markdown(rows, account=account, region=region)
    if tty:
        return status_table(rows, title=f"{account} {region}")
    return render_status_text(rows)


def select_pattern(select: str | None) -> re.Pattern[str] | None:
    try:
        return re.compile(select) if select is not None else None
    except re.error as err:
        raise RunError(f"--select is not a valid regular expression: {err}") from err


def import_to_files(live: Live, desired: Desired, out_dir: Path,
                    pattern: re.Pattern[str] | None, *, force: bool, adopt: bool) -> str:
    """Write one config file per selected live tenant; the summary of what was written."""
    from reconciler.operations.import_files import schema_ref, write_imported
    from reconciler.operations.import_iam import tenant_iam
    from reconciler.operations.importer import import_summary, import_tenants

    imported = import_tenants(live.tenants, desired.settings, pattern, schema_ref(out_dir),
                              adopt=adopt, iam=tenant_iam(desired, live))
    write_imported(imported, out_dir, force=force)
    return import_summary(imported, str(out_dir), desired.settings)


def stacks_listing(root: Path, changed_since: str | None, fmt: str) -> str:
    from reconciler.gitops import stacks

    names = (stacks.changed_stacks(root, changed_since) if changed_since
             else stacks.stack_names(root))
    if fmt == "github-matrix":
        return stacks.github_matrix(root, names) + "\n"
    if fmt == "json":
        return json.dumps(stacks.stacks_json(root, names), indent=2) + "\n"
    return "".join(f"{n}\n" for n in names)


def serve_local(host: str, port: int, state_file: str | None,
                ready: Callable[[str], None]) -> None:
    """Run the emulator over HTTP until interrupted; `ready(url)` once it listens."""
    from reconciler.local_account import require_emulator

    require_emulator("local serve")
    from reconciler.emulator.server import serve

    serve(host, port, state_file, lambda server: ready(server.url))


def scaffold(directory: Path, *, stack: str, account: str | None, region: str,
             action: str | None, force: bool) -> int:
    """Write a git-ops repository; the number of files written."""
    from reconciler.gitops.scaffold import DEFAULT_ACTION
    from reconciler.gitops.scaffold import scaffold as write

    return len(write(directory, stack=stack, account=account, region=region,
                     action=action or DEFAULT_ACTION, force=force))
