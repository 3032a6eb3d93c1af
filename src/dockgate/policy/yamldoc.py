"""Read one small YAML document into plain Python values plus a map of where each value is.

The map key is the path of the value (a tuple of keys and list indexes) and the value is its
1-based line, so a validation error or a gate verdict can name the policy line. Aliases,
custom tags and multiple documents are refused: a policy has no use for them and they are
the usual way to make a YAML file expensive to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from dockgate.errors import InputError

MAX_POLICY_BYTES = 1 << 20
MAX_DEPTH = 32
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}

Path = tuple[str | int, ...]


@dataclass
class LocatedDocument:
    data: Any
    lines: dict[Path, int]
    source: str

    def line_of(self, path: Path) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while True:
            if probe in self.lines:
                return self.lines[probe]
            if not probe:
                return None
            probe = probe[:-1]


def load_located(text: str, source: str) -> LocatedDocument:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_POLICY_BYTES:
        raise InputError(f"{source}: policy larger than {MAX_POLICY_BYTES} bytes")
    if "&" in text or "*" in text:
        _refuse_aliases(text, source)
    try:
        nodes = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"{where}: not valid YAML: {problem}") from None
    if len(nodes) != 1 or nodes[0] is None:
        raise InputError(f"{source}: expected exactly one YAML document, found {len(nodes)}")
    lines: dict[Path, int] = {}
    data = _convert(nodes[0], (), lines, source, 0)
    return LocatedDocument(data, lines, source)


def _refuse_aliases(text: str, source: str) -> None:
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise InputError(f"{source}:{event.start_mark.line + 1}: YAML anchors and aliases are not allowed in a policy")
    except yaml.YAMLError:
        return  # compose reports the syntax error with its line


def _convert(node: yaml.Node, path: Path, lines: dict[Path, int], source: str, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise InputError(f"{source}:{node.start_mark.line + 1}: nesting deeper than {MAX_DEPTH}")
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(f"{source}:{key_node.start_mark.line + 1}: mapping keys must be plain strings")
            key = str(key_node.value)
            if key in result:
                raise InputError(f"{source}:{key_node.start_mark.line + 1}: duplicate key {key!r}")
            result[key] = _convert(value_node, (*path, key), lines, source, depth + 1)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), lines, source, depth + 1) for i, item in enumerate(node.value)]
    if node.tag not in _PLAIN_TAGS:
        raise InputError(f"{source}:{node.start_mark.line + 1}: YAML tag {node.tag!r} is not allowed in a policy")
    if node.tag == "tag:yaml.org,2002:timestamp":
        return str(node.value)  # keep dates as written; the schema and the model check them
    return yaml.constructor.SafeConstructor().construct_object(node)

