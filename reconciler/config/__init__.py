"""The desired state: YAML config files, validated and resolved into `reconciler.state.Desired`.

`load_desired(path)` and `load_desired_texts(files)` are the entry points; both raise one
`ConfigError` carrying every problem found. They are imported on first use, so that the value
rules (`config.rules`) can be imported alone, for example by the IAM checks the loader calls.
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_desired", "load_desired_texts"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from reconciler.config import load

        return getattr(load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
