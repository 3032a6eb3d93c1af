"""Bounded, strict JSON loading for manifests, indexes and configs."""

from __future__ import annotations

from typing import Any

import orjson

from dockgate.errors import InputError


def load_json_object(data: bytes, what: str, limit: int) -> dict[str, Any]:
    if len(data) > limit:
        raise InputError(f"{what}: {len(data)} bytes is larger than the {limit}-byte bound")
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{what}: not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise InputError(f"{what}: expected a JSON object, got {type(value).__name__}")
    return value


def require(obj: dict[str, Any], key: str, kind: type, what: str) -> Any:
    value = obj.get(key)
    if not isinstance(value, kind):
        raise InputError(f"{what}: missing or invalid {key!r}")
    return value
