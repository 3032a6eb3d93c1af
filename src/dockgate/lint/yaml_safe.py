"""Safe YAML loading with source positions and hard bounds (aliases, size, depth, nodes).

The C composer (libyaml through ``yaml.CSafeLoader``) builds the node tree, where an anchor
and all its aliases share one node, so composing a bomb is cheap; this module turns the
nodes into plain Python values itself, so that it can

* remember the line and column (1-based) of every mapping key and sequence item, keyed by
  the path to the value (``("spec", "containers", 0, "image")``),
* refuse YAML bombs: the number of alias references and the expanded node count of a
  document are bounded (billion laughs expands to 10^9 nodes from a few hundred bytes),
* refuse nesting deeper than a bound and input larger than a bound,

and never build anything but dicts, lists, str, int, float, bool and None (safe tags only).
Every failure is an :class:`InputError` naming the source and the line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import Node, ScalarNode, SequenceNode

from dockgate.errors import InputError, LimitExceeded

Path = tuple[str | int, ...]
Position = tuple[int, int]  # (line, column), both 1-based

MAX_BYTES = 16 * 1024 * 1024
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 1_000_000
MAX_DEPTH = 200

_STR = "tag:yaml.org,2002:str"
_CONSTRUCTOR = SafeConstructor()


@dataclass(frozen=True)
class Limits:
    max_bytes: int = MAX_BYTES
    max_aliases: int = MAX_ALIASES
    max_expanded_nodes: int = MAX_EXPANDED_NODES
    max_depth: int = MAX_DEPTH


@dataclass
class YamlDocument:
    """One document of a stream: its value and where each path sits in the source."""

    value: Any
    line: int  # 1-based line where the document's content starts
    end_line: int
    positions: dict[Path, Position] = field(default_factory=dict)

    def position(self, path: Path) -> Position:
        """Position of ``path``, or of its nearest existing ancestor (missing fields)."""
        for cut in range(len(path), -1, -1):
            found = self.positions.get(path[:cut])
            if found is not None:
                return found
        return (self.line, 1)


def load_documents(data: bytes | str, source: str, limits: Limits = Limits()) -> list[YamlDocument]:
    """Parse every document of a YAML (or JSON) stream; raise InputError on any problem."""
    size = len(data)
    if size > limits.max_bytes:
        raise LimitExceeded(f"{source}: file is {size} bytes, larger than the {limits.max_bytes}-byte limit")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}: not UTF-8 text (byte {exc.start})") from None
    else:
        text = data
    documents = []
    try:
        for root in yaml.compose_all(text, Loader=_CachingLoader):
            if root is None:
                continue
            walker = _Walker(source, limits)
            value = walker.build(root, (), root_position(root), 0)
            documents.append(YamlDocument(value, root.start_mark.line + 1, root.end_mark.line + 1, walker.positions))
    except yaml.MarkedYAMLError as exc:
        as_json = _json_fallback(text, limits)
        if as_json is not None:
            return as_json
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or "malformed YAML"
        raise InputError(f"{source}{where}: invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: invalid YAML: {' '.join(str(exc).split())}") from None
    return documents


def _json_fallback(text: str, limits: Limits) -> list[YamlDocument] | None:
    """Valid JSON that YAML 1.1 rejects (e.g. surrogate-pair escapes): read it as JSON.

    Only the document's own position is known then; findings point at its first line.
    """
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if _depth(value, limits.max_depth) > limits.max_depth:
        return None
    line = text[: len(text) - len(stripped)].count("\n") + 1
    return [YamlDocument(value, line, text.count("\n") + 1, {(): (line, 1)})]


def _depth(value: Any, bound: int) -> int:
    """Nesting depth of a JSON value, stopping early past ``bound``."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > bound:
            return deepest
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


class _CachingLoader(yaml.CSafeLoader):
    """The C loader with a memo in front of implicit tag resolution (a Python regex scan per
    scalar otherwise); manifests repeat the same keys and values over and over."""

    _memo: dict[tuple[str, tuple[bool, bool]], str] = {}

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is not ScalarNode or not isinstance(implicit, tuple) or len(value) > 64:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = self._memo.get(key)
        if tag is None:
            if len(self._memo) > 50_000:
                self._memo.clear()
            tag = self._memo[key] = super().resolve(kind, value, implicit)
        return tag


def root_position(node: Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


_IN_PROGRESS = object()


class _Walker:
    """Turns one composed node tree into values; records positions; enforces the bounds.

    The C composer shares one node between an anchor and all its aliases, so a node met a
    second time *is* an alias reference: its value is reused (never rebuilt) and its
    expanded size is added to the document's total, which is what a bomb inflates.
    """

    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.positions: dict[Path, Position] = {}
        self._built: dict[int, tuple[Any, int]] = {}
        self._aliases = 0
        self._expanded = 0

    def _fail(self, node: Node, message: str) -> None:
        raise LimitExceeded(f"{self.source}:{node.start_mark.line + 1}: {message}")

    def build(self, node: Node, path: Path, where: Position, depth: int) -> Any:
        self.positions[path] = where
        value, _ = self._value(node, path, depth)
        return value

    def _value(self, node: Node, path: Path, depth: int) -> tuple[Any, int]:
        key = id(node)
        seen = self._built.get(key)
        if seen is not None:
            if seen[0] is _IN_PROGRESS:
                self._fail(node, "recursive YAML alias; refused")
            self._aliases += 1
            if self._aliases > self.limits.max_aliases:
                self._fail(node, f"more than {self.limits.max_aliases} YAML aliases (possible YAML bomb); refused")
            self._count(node, seen[1])
            return seen
        if isinstance(node, ScalarNode):
            self._count(node, 1)
            result = (_scalar(node), 1)
            self._built[key] = result
            return result
        if depth >= self.limits.max_depth:
            self._fail(node, f"nesting deeper than {self.limits.max_depth} levels")
        self._built[key] = (_IN_PROGRESS, 0)
        size_before = self._expanded
        if isinstance(node, SequenceNode):
            items: list[Any] = []
            for index, child in enumerate(node.value):
                child_path = path + (index,)
                self.positions[child_path] = (child.start_mark.line + 1, child.start_mark.column + 1)
                items.append(self._value(child, child_path, depth + 1)[0])
            value: Any = items
        else:
            mapping: dict[Any, Any] = {}
            merges = []
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    name = _scalar(key_node)
                    self._count(key_node, 1)
                else:
                    name = repr(self._value(key_node, path + ("<key>",), depth + 1)[0])
                if key_node.tag == "tag:yaml.org,2002:merge":
                    merges.append(self._value(value_node, path + ("<<",), depth + 1)[0])
                    continue
                child_path = path + (name,)
                self.positions[child_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                mapping[name] = self._value(value_node, child_path, depth + 1)[0]
            for merged in merges:
                _merge(mapping, merged)
            value = mapping
        self._count(node, 1)
        result = (value, self._expanded - size_before)
        self._built[key] = result
        return result

    def _count(self, node: Node, size: int) -> None:
        self._expanded += size
        if self._expanded > self.limits.max_expanded_nodes:
            self._fail(node, f"document expands to more than {self.limits.max_expanded_nodes} nodes (possible YAML bomb); refused")


def _scalar(node: ScalarNode) -> Any:
    tag = node.tag
    value = node.value
    if tag == _STR:
        return value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return _CONSTRUCTOR.bool_values.get(value.lower(), value)
    if tag == "tag:yaml.org,2002:int":
        return _CONSTRUCTOR.construct_yaml_int(node)
    if tag == "tag:yaml.org,2002:float":
        return _CONSTRUCTOR.construct_yaml_float(node)
    return value  # timestamps, binary, custom tags: keep the text, as Kubernetes reads strings


def _merge(target: dict[Any, Any], merged: Any) -> None:
    """YAML merge keys (``<<: *base``): keys already present win."""
    sources = merged if isinstance(merged, list) else [merged]
    for source in sources:
        if isinstance(source, dict):
            for key, value in source.items():
                target.setdefault(key, value)
