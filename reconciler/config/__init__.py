"""The desired state: YAML config files, validated and resolved into `reconciler.state.Desired`.

`load_desired(path)` and `load_desired_texts(files)` are the entry points; both raise one
`ConfigError` carrying every problem found.
"""

from reconciler.config.load import load_desired, load_desired_texts

__all__ = ["load_desired", "load_desired_texts"]
