"""Dotted paths and the map from each path to where it was written.

Paths are what users see in diagnostics (`tenants.Acme.resources.identities[0]`), so the same
spelling is produced when walking YAML and when translating pydantic error locations.
"""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.diagnostics import Location

Mark = int  # file index, line and column packed in one int: 300k positions stay small
_FIELD = 0xFFFFFF


def pack(file_id: int, line: int, col: int) -> Mark:
    return file_id << 48 | min(line, _FIELD) << 24 | min(col, _FIELD)


def unpack(mark: Mark) -> tuple[int, int, int]:
    """(file index, line, column) of a packed mark."""
    return mark >> 48, mark >> 24 & _FIELD, mark & _FIELD


def child_path(parent: str, key: object) -> str:
    """Append a mapping key or a sequence index to a dotted path."""
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{parent}[{key}]"
    text = str(key)
    if "." in text or "[" in text or not text:
        text = f'"{text}"'
    return f"{parent}.{text}" if parent else text


def loc_path(loc: Iterable[object]) -> str:
    """The dotted path of a pydantic error location (dict-key markers are dropped)."""
    path = ""
    for part in loc:
        if part == "[key]":
            continue
        path = child_path(path, part)
    return path


def parent_path(path: str) -> str:
    """The path one level up, or "" at the top."""
    cut = max(path.rfind("."), path.rfind("["))
    if cut > 0 and path.endswith('"'):
        quote = path.rfind('"', 0, len(path) - 1)
        cut = max(path.rfind(".", 0, quote), path.rfind("[", 0, quote))
    return path[:cut] if cut > 0 else ""


class SourceMap:
    """Where every dotted path of the merged config was written (the key's position)."""

    def __init__(self) -> None:
        self.marks: dict[str, Mark] = {}
        self.files: list[str] = []

    def add_file(self, file: str) -> int:
        """Register a file; its index goes into every mark of that file."""
        self.files.append(file)
        return len(self.files) - 1

    def location(self, mark: Mark) -> Location:
        file_id, line, col = unpack(mark)
        return Location(self.files[file_id], line, col)

    def locate(self, path: str, default: Location | None = None) -> Location:
        """The position of `path`, else of its nearest recorded ancestor, else `default`."""
        probe = path
        while probe:
            mark = self.marks.get(probe)
            if mark is not None:
                return self.location(mark)
            probe = parent_path(probe)
        return default if default is not None else Location("")
