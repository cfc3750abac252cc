"""The file-system edge of `import`: where the schema modeline points, and writing the files.

All or nothing: every target is checked before the first file is written, so a refused import
leaves the directory as it was.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from reconciler.errors import RunError
from reconciler.operations.importer import SCHEMA_FILE, ImportedTenant, file_name


def schema_ref(out_dir: Path, cwd: Path | None = None) -> str:
    """The modeline target relative to the files: the nearest `schemas/` above `out_dir`
    holding the schema, else `schemas/` under the working directory, where
    `ses-reconciler schema > schemas/ses-reconciler.schema.json` would put it."""
    out = out_dir.resolve()
    for parent in (out, *out.parents):
        candidate = parent / "schemas" / SCHEMA_FILE
        if candidate.is_file():
            return Path(os.path.relpath(candidate, out)).as_posix()
    fallback = (cwd or Path.cwd()).resolve() / "schemas" / SCHEMA_FILE
    return Path(os.path.relpath(fallback, out)).as_posix()


def write_imported(imported: Sequence[ImportedTenant], out_dir: Path, *,
                   force: bool) -> list[Path]:
    """Write one file per tenant; refuse (writing nothing) if any exists, unless `force`."""
    targets = [(out_dir / file_name(t.name), t) for t in imported]
    existing = sorted(str(path) for path, _ in targets if path.exists())
    if existing and not force:
        raise RunError(f"refusing to overwrite {len(existing)} existing file(s): "
                       f"{', '.join(existing)}; pass --force to replace them")
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, tenant in targets:
        path.write_text(tenant.text, encoding="utf-8")
    return [path for path, _ in targets]
