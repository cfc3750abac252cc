"""Safe YAML reading with a source map: every value is tied to its file, line and column.

The C parser composes the node graph (fast, and it keeps marks); a small walk then builds plain
Python values. Doing the construction ourselves is what lets us refuse duplicate keys, unknown or
Python tags and alias-expansion bombs, and record where each dotted path was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from reconciler.config.sourcemap import Mark, child_path, unpack
from reconciler.diagnostics import Diagnostic, Location

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MIN_NODE_BUDGET = 10_000
RELEASE_ABOVE = 256 * 1024  # bytes of YAML above which nodes are freed while walking
_ALIAS_RE = re.compile(r"(?:^|[\s\[{,])\*")  # may over-match inside quotes; never under-matches

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null"))
_SEQ, _MAP, _TIMESTAMP, _MERGE = (f"{_TAG}{t}" for t in ("seq", "map", "timestamp", "merge"))
_CONSTRUCTOR = SafeConstructor()
_SCALAR_TAGS = {
    _INT: _CONSTRUCTOR.construct_yaml_int,
    _FLOAT: _CONSTRUCTOR.construct_yaml_float,
    _BOOL: _CONSTRUCTOR.construct_yaml_bool,
    _NULL: _CONSTRUCTOR.construct_yaml_null,
    _TIMESTAMP: _CONSTRUCTOR.construct_yaml_timestamp,
}


_PLAIN_TAGS: dict[str, str] = {}
_PLAIN_CACHE_SIZE = 65_536


class _ComposeLoader(CParser, Resolver):  # type: ignore[misc]
    """libyaml's composer with the standard YAML 1.1 resolver, memoised for plain scalars.

    Resolution is the only Python step left in composing; config keys and values repeat a lot,
    so caching the tag of each plain scalar makes composing close to pure C speed.
    """

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        Resolver.__init__(self)

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is not ScalarNode:
            return _SEQ if kind is SequenceNode else _MAP
        if not implicit[0]:
            return _STR
        tag = _PLAIN_TAGS.get(value)
        if tag is None:
            tag = Resolver.resolve(self, kind, value, implicit)
            if len(_PLAIN_TAGS) >= _PLAIN_CACHE_SIZE:
                _PLAIN_TAGS.clear()
            _PLAIN_TAGS[value] = tag
        return tag


def _compose(text: str) -> Node | None:
    loader = _ComposeLoader(text)
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    finally:
        loader.dispose()


class _Abort(Exception):
    """Stops the walk of one file when continuing would be unsafe (bomb, runaway nesting)."""

    def __init__(self, mark: Any, path: str, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.path = path
        self.message = message


def _display_tag(tag: str) -> str:
    return f"!!{tag[len(_TAG):]}" if tag.startswith(_TAG) else tag


def _drain(items: list[Any]) -> Iterator[Any]:
    items.reverse()
    while items:
        yield items.pop()


class _Walker:
    """Turns one composed document into Python values, recording a mark per dotted path."""

    def __init__(self, file: str, file_id: int, budget: int, release: bool = False) -> None:
        self.file = file
        self.file_bits = file_id << 48
        self.budget = budget
        self.release = release
        self.marks: dict[str, Mark] = {}
        self.diagnostics: list[Diagnostic] = []

    def children(self, node: Node) -> Iterable[Any]:
        """A collection's items; when no node can be reached twice (no aliases), each item is
        released as soon as it is walked, so the node graph and the result never peak together."""
        if not self.release:
            return node.value  # type: ignore[no-any-return]
        return _drain(node.value)

    def where(self, mark: Any) -> Location:
        return Location(self.file, mark.line + 1, mark.column + 1)

    def error(self, mark: Any, path: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.where(mark), path, message))

    def value(self, node: Node, path: str, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _Abort(node.start_mark, path, "alias expansion too large (refusing a YAML bomb)")
        if node.__class__ is ScalarNode:
            return self.scalar(node, path)
        if depth >= MAX_DEPTH:
            raise _Abort(node.start_mark, path,
                         f"nesting deeper than {MAX_DEPTH} levels (or a recursive alias)")
        if node.__class__ is MappingNode:
            return self.mapping(node, path, depth + 1)
        if node.tag != _SEQ:
            self.error(node.start_mark, path, f"tag {_display_tag(node.tag)} is not allowed")
            return None
        return self.sequence(node, path, depth + 1)

    def sequence(self, node: Node, path: str, depth: int) -> list[Any]:
        result: list[Any] = []
        marks, bits = self.marks, self.file_bits
        for i, item in enumerate(self.children(node)):
            child = f"{path}[{i}]"
            mark = item.start_mark
            marks[child] = bits | (mark.line + 1) << 24 | (mark.column + 1)
            if item.__class__ is ScalarNode and item.tag == _STR:
                self.budget -= 1
                result.append(item.value)
            else:
                result.append(self.value(item, child, depth))
        return result

    def scalar(self, node: Node, path: str) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        construct = _SCALAR_TAGS.get(tag)
        if construct is None:
            self.error(node.start_mark, path, f"tag {_display_tag(tag)} is not allowed")
            return None
        try:
            return construct(node)
        except (ValueError, OverflowError, TypeError):
            self.error(node.start_mark, path, f"invalid {_display_tag(tag)} value {node.value!r}")
            return None

    def mapping(self, node: Node, path: str, depth: int) -> dict[str, Any] | None:
        if node.tag != _MAP:
            self.error(node.start_mark, path, f"tag {_display_tag(node.tag)} is not allowed")
            return None
        result: dict[str, Any] = {}
        marks, bits, prefix = self.marks, self.file_bits, f"{path}." if path else ""
        for key_node, value_node in self.children(node):
            key = key_node.value
            if key_node.tag != _STR or key_node.__class__ is not ScalarNode:
                key = self.key(key_node, path)
                if key is None:
                    continue
            plain = key and "." not in key and "[" not in key and '"' not in key
            child = prefix + key if plain else child_path(path, key)
            mark = key_node.start_mark
            if key in result:
                self.duplicate(mark, child, key)
                continue
            marks[child] = bits | (mark.line + 1) << 24 | (mark.column + 1)
            if value_node.__class__ is ScalarNode and value_node.tag == _STR:
                self.budget -= 1
                result[key] = value_node.value
            else:
                result[key] = self.value(value_node, child, depth)
        return result

    def duplicate(self, mark: Any, path: str, key: str) -> None:
        _, line, col = unpack(self.marks[path])
        self.error(mark, path, f"duplicate key {key!r} (first defined at "
                   f"{Location(self.file, line, col)})")

    def key(self, node: Node, path: str) -> str | None:
        if node.__class__ is ScalarNode and node.tag == _STR:
            return node.value  # type: ignore[no-any-return]
        if node.tag == _MERGE:
            self.error(node.start_mark, path, "merge keys (<<) are not supported; "
                       "use defaults or tiers to share settings")
        elif node.__class__ is ScalarNode and node.tag in _SCALAR_TAGS:
            self.error(node.start_mark, child_path(path, node.value),
                       f"key {node.value!r} must be a string (quote it)")
        else:
            self.error(node.start_mark, path, "keys must be plain strings")
        return None


def _syntax_error(file: str, err: yaml.YAMLError) -> Diagnostic:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    context = getattr(err, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    if mark is None:
        return Diagnostic(Location(file, 1, 1), "", message)
    return Diagnostic(Location(file, mark.line + 1, mark.column + 1), "", message)


def too_large(limit: int) -> str:
    size = f"{limit / (1024 * 1024):g} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"
    return f"file is larger than the {size} limit"


def parse_yaml(file: str, text: str,
               file_id: int = 0) -> tuple[Any, dict[str, Mark], list[Diagnostic]]:
    """Parse one YAML document safely.

    Returns the plain value (None for an empty file), the packed mark (see `sourcemap.pack`, with
    `file_id`) of every dotted path, and the problems found. Never raises for bad input: every
    problem becomes a diagnostic.
    """
    if len(text) > MAX_FILE_BYTES:
        return None, {}, [Diagnostic(Location(file, 1, 1), "", too_large(MAX_FILE_BYTES))]
    try:
        root = _compose(text)
    except yaml.YAMLError as err:
        return None, {}, [_syntax_error(file, err)]
    if root is None:
        return None, {}, []
    release = len(text) > RELEASE_ABOVE and ("*" not in text or _ALIAS_RE.search(text) is None)
    walker = _Walker(file, file_id, max(MIN_NODE_BUDGET, len(text)), release)
    try:
        data = walker.value(root, "", 0)
    except _Abort as stop:
        top = stop.path.split("[", 1)[0]  # the keyed entry that holds the runaway list
        where = walker.marks.get(top)
        location = Location(file, *unpack(where)[1:]) if where else walker.where(stop.mark)
        walker.diagnostics.append(Diagnostic(location, top, stop.message))
        return None, walker.marks, walker.diagnostics
    return data, walker.marks, walker.diagnostics
