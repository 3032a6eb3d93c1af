"""The policy JSON Schema (shipped as package data) and validation whose errors name the line."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import jsonschema

from dockgate.policy.yamldoc import LocatedDocument

MAX_REPORTED_ERRORS = 20


@functools.lru_cache(maxsize=1)
def policy_schema() -> dict[str, Any]:
    text = resources.files("dockgate").joinpath("data/policy.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def schema_text() -> str:
    return json.dumps(policy_schema(), indent=2) + "\n"


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = policy_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def validation_errors(document: LocatedDocument) -> list[str]:
    """One line per problem: ``FILE:LINE: at PATH: message``; empty when the policy is valid."""
    errors = sorted(_validator().iter_errors(document.data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    messages: list[str] = []
    for error in errors[:MAX_REPORTED_ERRORS]:
        path = tuple(error.absolute_path)
        line = document.line_of(path)
        where = f"{document.source}:{line}" if line else document.source
        dotted = _dotted(path) or "(top level)"
        messages.append(f"{where}: at {dotted}: {_short(error)}")
    if len(errors) > MAX_REPORTED_ERRORS:
        messages.append(f"{document.source}: ... and {len(errors) - MAX_REPORTED_ERRORS} more problems")
    return messages


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _short(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown key(s)")
    text = error.message
    return text if len(text) <= 300 else text[:297] + "..."
