"""Safe YAML loading with source positions and hard bounds (aliases, size, depth, nodes).

The C parser (libyaml through ``yaml.CSafeLoader``) produces an event stream; this module
builds plain Python values from it itself, so that it can

* remember the line and column (1-based) of every mapping key and sequence item, keyed by
  the path to the value (``("spec", "containers", 0, "image")``),
* refuse YAML bombs: the number of alias references and the expanded node count of a
  document are bounded (billion laughs expands to 10^9 nodes from a few hundred bytes),
* refuse nesting deeper than a bound and input larger than a bound,

and never build anything but dicts, lists, str, int, float, bool and None (safe tags only).
Every failure is an :class:`InputError` naming the source and the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from dockgate.errors import InputError, LimitExceeded

Path = tuple[str | int, ...]
Position = tuple[int, int]  # (line, column), both 1-based

MAX_BYTES = 16 * 1024 * 1024
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 1_000_000
MAX_DEPTH = 200

_STR = "tag:yaml.org,2002:str"
_RESOLVER = Resolver()
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
    builder = _Builder(source, limits)
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or "malformed YAML"
        raise InputError(f"{source}{where}: invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: invalid YAML: {' '.join(str(exc).split())}") from None
    return builder.documents


class _Builder:
    """Turns parser events into values; tracks positions, anchors and the bounds."""

    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.documents: list[YamlDocument] = []
        self._stack: list[_Frame] = []
        self._anchors: dict[str, tuple[Any, int]] = {}
        self._aliases = 0
        self._expanded = 0
        self._positions: dict[Path, Position] = {}
        self._doc_line = 1
        self._root: Any = None

    def _fail(self, mark: Any, message: str) -> None:
        line = f":{mark.line + 1}" if mark is not None else ""
        raise LimitExceeded(f"{self.source}{line}: {message}")

    def feed(self, event: yaml.Event) -> None:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            self._value(self._scalar(event), 1, event)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if len(self._stack) >= self.limits.max_depth:
                self._fail(event.start_mark, f"nesting deeper than {self.limits.max_depth} levels")
            container: Any = {} if kind is yaml.MappingStartEvent else []
            path, where = self._slot(event)
            self._stack.append(_Frame(container, path, event.anchor, where))
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = self._stack.pop()
            if frame.pending_key is not _NO_KEY:
                frame.pending_key = _NO_KEY
            self._value(frame.container, frame.size, None, frame=frame)
        elif kind is yaml.AliasEvent:
            self._aliases += 1
            if self._aliases > self.limits.max_aliases:
                self._fail(event.start_mark, f"more than {self.limits.max_aliases} YAML aliases (possible YAML bomb); refused")
            target = self._anchors.get(event.anchor)
            if target is None:
                self._fail(event.start_mark, f"undefined alias *{event.anchor}")
            value, size = target
            self._value(value, size, event, is_alias=True)
        elif kind is yaml.DocumentStartEvent:
            self._positions = {}
            self._anchors = {}
            self._aliases = 0
            self._expanded = 0
            self._doc_line = event.start_mark.line + 1
            self._root = None
            self._has_root = False
        elif kind is yaml.DocumentEndEvent:
            if self._has_root:
                self.documents.append(YamlDocument(self._root, self._doc_line, event.end_mark.line + 1, self._positions))

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        value = event.value
        tag = event.tag
        if tag is None or tag == "!":
            tag = _STR if event.style else _RESOLVER.resolve(ScalarNode, value, event.implicit)
        if tag == _STR:
            return value
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return _CONSTRUCTOR.bool_values.get(value.lower(), value)
        if tag == "tag:yaml.org,2002:int":
            return _CONSTRUCTOR.construct_yaml_int(ScalarNode(tag, value))
        if tag == "tag:yaml.org,2002:float":
            return _CONSTRUCTOR.construct_yaml_float(ScalarNode(tag, value))
        return value  # timestamps, binary, custom tags: keep the text, as Kubernetes reads strings

    def _slot(self, event: yaml.Event) -> tuple[Path, Position]:
        """Path and position of the value about to be built at the current place."""
        if not self._stack:
            return (), (event.start_mark.line + 1, event.start_mark.column + 1)
        parent = self._stack[-1]
        if isinstance(parent.container, list):
            return parent.path + (len(parent.container),), (event.start_mark.line + 1, event.start_mark.column + 1)
        if parent.pending_key is _NO_KEY:  # a mapping key that is itself a collection
            return parent.path + ("<key>",), (event.start_mark.line + 1, event.start_mark.column + 1)
        return parent.path + (parent.pending_key,), parent.key_position

    def _value(self, value: Any, size: int, event: Any, *, is_alias: bool = False, frame: "_Frame | None" = None) -> None:
        self._expanded += size if is_alias else 1
        if self._expanded > self.limits.max_expanded_nodes:
            mark = event.start_mark if event is not None else None
            self._fail(mark, f"document expands to more than {self.limits.max_expanded_nodes} nodes (possible YAML bomb); refused")
        if frame is not None:
            path, where, anchor = frame.path, frame.where, frame.anchor
        else:
            path, where = self._slot(event)
            anchor = None if is_alias else event.anchor
        if anchor:
            self._anchors[anchor] = (value, size)
        if not self._stack:
            self._root = value
            self._has_root = True
            self._positions[()] = where
            return
        parent = self._stack[-1]
        parent.size += size
        if isinstance(parent.container, list):
            self._positions[path] = where
            parent.container.append(value)
            return
        if parent.pending_key is _NO_KEY:
            if isinstance(value, (dict, list)):
                value = repr(value)  # complex keys never occur in Kubernetes objects
            parent.pending_key = value
            mark = event.start_mark if event is not None else None
            parent.key_position = (mark.line + 1, mark.column + 1) if mark is not None else where
            return
        key = parent.pending_key
        parent.pending_key = _NO_KEY
        if key == "<<" and isinstance(value, (dict, list)):
            _merge(parent.container, value)
            return
        self._positions[path] = where
        parent.container[key] = value


def _merge(target: dict[Any, Any], merged: Any) -> None:
    """YAML merge keys (``<<: *base``): keys already present win."""
    sources = merged if isinstance(merged, list) else [merged]
    for source in sources:
        if isinstance(source, dict):
            for key, value in source.items():
                target.setdefault(key, value)


class _NoKey:
    __slots__ = ()


_NO_KEY: Any = _NoKey()


class _Frame:
    __slots__ = ("container", "path", "anchor", "where", "pending_key", "key_position", "size")

    def __init__(self, container: Any, path: Path, anchor: str | None, where: Position) -> None:
        self.container = container
        self.path = path
        self.anchor = anchor
        self.where = where
        self.pending_key: Any = _NO_KEY
        self.key_position: Position = where
        self.size = 1
