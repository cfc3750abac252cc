"""Files -> merged document -> validated model -> resolved `Desired`.

This is the config API the rest of the tool calls: `load_desired(path)` for a file or directory,
`load_desired_texts(files)` for a config held in memory (for example as it was at a git ref).
Both are pure apart from reading the given files, and raise one `ConfigError` carrying every
problem found, in file order.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reconciler.config.checks import Checker, Declared, arn_entries, arn_scope, arn_sources
from reconciler.config.explain import diagnostics_of, unknown_key_message
from reconciler.config.models import NAMED_SECTIONS, SINGLE_SECTIONS, ConfigFile
from reconciler.config.resolve import TenantResolver, resolve
from reconciler.config.sourcemap import Mark, SourceMap, child_path
from reconciler.config.yaml_loader import MAX_FILE_BYTES, parse_yaml, too_large
from reconciler.diagnostics import Diagnostic, Location
from reconciler.errors import ConfigError
from reconciler.state import Desired

YAML_SUFFIXES = (".yaml", ".yml")
_SECTIONS = [*SINGLE_SECTIONS[:2], *NAMED_SECTIONS, SINGLE_SECTIONS[2]]


@dataclass(frozen=True, slots=True)
class Loaded:
    """A valid config: the resolved state and the files it came from."""

    desired: Desired
    files: tuple[str, ...]
    warnings: tuple[Diagnostic, ...] = ()  # lint findings of a valid config (never fatal)


def load_desired(path: str | Path) -> Desired:
    """Load, validate and resolve a config file or a directory of YAML files."""
    return load(path).desired


def load_desired_texts(files: Mapping[str, str]) -> Desired:
    """Same as `load_desired` for in-memory files (relative path -> YAML text)."""
    return load_texts(files).desired


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Loading builds hundreds of thousands of acyclic objects; the cyclic collector would rescan
    them again and again (quadratic in practice), so it is paused and restored afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(path: str | Path) -> Loaded:
    """`load_desired`, also telling which files were read (for the `validate` summary)."""
    with _gc_paused():
        return _load_path(Path(path))


def _load_path(root: Path) -> Loaded:
    texts: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for name in _config_files(root):
        try:
            if os.stat(name).st_size > MAX_FILE_BYTES:
                problems.append(Diagnostic(Location(name, 1, 1), "", too_large(MAX_FILE_BYTES)))
                continue
            with open(name, "rb") as stream:
                texts[name] = stream.read().decode("utf-8-sig")
        except UnicodeDecodeError as err:
            problems.append(Diagnostic(Location(name, 1, 1), "", f"not UTF-8 text: {err.reason}"))
        except OSError as err:
            problems.append(Diagnostic(Location(name, 1, 1), "", f"cannot read: {err.strerror}"))
    return _load(texts, problems)


def load_texts(files: Mapping[str, str]) -> Loaded:
    """`load_desired_texts` with the file list; every entry is parsed, whatever its suffix."""
    with _gc_paused():
        return _load(dict(sorted(files.items())), [])


def _config_files(root: Path) -> list[str]:
    """The config files under `root` (posix paths as displayed), sorted by relative path."""
    if root.is_file():
        return [root.as_posix()]
    if not root.is_dir():
        raise ConfigError([Diagnostic(Location(""), "", f"{root}: no such file or directory")])
    top = root.as_posix()
    found: list[tuple[str, str]] = []
    for folder, dirs, names in os.walk(top):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = folder[len(top):].lstrip("/")
        found.extend((f"{rel}/{n}" if rel else n, f"{folder}/{n}") for n in names
                     if n.endswith(YAML_SUFFIXES) and not n.startswith("."))
    if not found:
        raise ConfigError([Diagnostic(Location(""), "", f"{root}: no *.yaml or *.yml files found")])
    return [path for _, path in sorted(found)]


def _load(texts: Mapping[str, str], problems: list[Diagnostic]) -> Loaded:
    smap = SourceMap()
    merger = _Merger(smap, problems)
    for file, text in texts.items():
        data, marks, found = parse_yaml(file, text, smap.add_file(file))
        problems.extend(found)
        merger.add(file, data, marks)
    merged = merger.merged
    declared = Declared(tenants=set(_section(merged, "tenants")),
                        tiers=set(_section(merged, "tiers")),
                        iam_templates=set(_section(merged, "iam_templates")),
                        iam_roles=set(_section(merged, "iam_roles")))
    config, settings_valid = _validate(merged, smap, problems)
    arns = list(arn_entries(merged))
    problems.extend(arn_scope(arns, merged, smap))
    del merger, merged  # the validated model holds its own copy; the raw tree is not needed
    if config is None:
        raise ConfigError(problems)
    resolve_tenant = TenantResolver(config.defaults, config.tiers)
    tenants = {name: resolve_tenant(name, tenant, smap.locate(child_path("tenants", name)))
               for name, tenant in config.tenants.items()}
    found = Checker(config, declared, smap, settings_valid).run(tenants)
    problems.extend(d for d in found if d.severity == "error")
    if problems:
        raise ConfigError(problems)
    warnings = tuple(sorted(d for d in found if d.severity == "warning"))
    where = {name: smap.locate(child_path("iam_templates", name))
             for name in config.iam_templates}
    return Loaded(resolve(config, tenants, arn_sources(arns, smap), where), tuple(texts),
                  warnings)


def _section(merged: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = merged.get(name)
    return section if isinstance(section, dict) else {}


class _Merger:
    """Merges files section by section; a name or a single section given twice is an error."""

    def __init__(self, smap: SourceMap, problems: list[Diagnostic]) -> None:
        self.smap = smap
        self.problems = problems
        self.merged: dict[str, Any] = {}

    def add(self, file: str, data: Any, marks: dict[str, Mark]) -> None:
        if data is None:
            return
        if not isinstance(data, dict):
            self.problems.append(Diagnostic(Location(file, 1, 1), "", "expected a mapping of "
                                            f"sections ({', '.join(_SECTIONS)})"))
            return
        rejected = [path for key, value in data.items()
                    for path in self._section(key, value, marks)]
        if rejected:
            marks = {p: m for p, m in marks.items() if not _under_any(p, rejected)}
        self.smap.marks.update(marks)

    def _section(self, key: str, value: Any, marks: dict[str, Mark]) -> list[str]:
        """Merge one top-level section; returns the paths refused as duplicates."""
        top = child_path("", key)
        if key not in _SECTIONS:
            self._error(marks, top, unknown_key_message(key, _SECTIONS))
            return [top]
        if value is None:
            return []
        if key in NAMED_SECTIONS and isinstance(value, dict):
            target = self.merged.setdefault(key, {})
            rejected = []
            for name, entry in value.items():
                path = child_path(key, name)
                if name in target:
                    self._twice(marks, path, f"{NAMED_SECTIONS[key]} {name!r}")
                    rejected.append(path)
                else:
                    target[name] = {} if entry is None else entry  # `Acme:` alone is allowed
            return rejected
        if key in self.merged:
            self._twice(marks, top, f"section {key!r}")
            return [top]
        self.merged[key] = value
        return []

    def _error(self, marks: dict[str, Mark], path: str, message: str) -> None:
        self.problems.append(Diagnostic(self.smap.location(marks[path]), path, message))

    def _twice(self, marks: dict[str, Mark], path: str, what: str) -> None:
        self._error(marks, path, f"{what} is defined twice: here and at {self.smap.locate(path)}")


def _under_any(path: str, prefixes: list[str]) -> bool:
    return any(path == p or path.startswith((f"{p}.", f"{p}[")) for p in prefixes)


def _validate(merged: dict[str, Any], smap: SourceMap,
              problems: list[Diagnostic]) -> tuple[ConfigFile | None, bool]:
    """Validate the merged document; on errors, validate again without the broken entries.

    The second pass keeps the cross-document checks running on everything that is valid, so one
    run reports all problems instead of stopping at the first broken tenant.
    """
    try:
        return ConfigFile.model_validate(merged), True
    except ValidationError as err:
        errors = err.errors()
    problems.extend(diagnostics_of(errors, smap))
    pruned = dict(merged)
    for error in errors:
        top, rest = error["loc"][0], error["loc"][1:]
        section = pruned.get(str(top))
        if top in NAMED_SECTIONS and rest and isinstance(section, dict):
            pruned[str(top)] = {k: v for k, v in section.items() if k != rest[0]}
        else:
            pruned.pop(str(top), None)
    try:
        config = ConfigFile.model_validate(pruned)
    except ValidationError:
        return None, False
    return config, not any(e["loc"][0] == "settings" for e in errors)
