"""The file-system edge of the `ci` commands: the files a workflow reads after each step.

Each step writes into one directory (kept as a run artifact) and, on GitHub, appends `key=value`
lines to `$GITHUB_OUTPUT` so later steps read results without parsing logs.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from reconciler.errors import RunError


def write_outputs(out_dir: Path, files: Mapping[str, str], values: Mapping[str, str],
                  github_output: Path | None) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (out_dir / name).write_text(text, encoding="utf-8")
        for key, value in values.items():
            (out_dir / key).write_text(value + "\n", encoding="utf-8")
        if github_output is not None:
            with github_output.open("a", encoding="utf-8") as stream:
                stream.writelines(f"{key}={value}\n" for key, value in values.items())
    except OSError as err:
        raise RunError(f"cannot write the CI outputs to {out_dir}: {err.strerror}; check the "
                       "directory is writable") from err


def read_reviewed(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise RunError(f"cannot read the reviewed comment {path}: {err.strerror}") from err
