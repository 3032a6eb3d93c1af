"""Bounded, strict JSON loading: manifests, indexes and configs, and JSON documents on disk
(SBOMs, VEX)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from dockgate.errors import InputError, LimitExceeded


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


def read_json_file(path: Path, what: str, limit: int) -> Any:
    """Parse the JSON file at ``path`` (``what`` names it in errors), refusing files over ``limit`` bytes."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise LimitExceeded(f"{path}: {what} of {size} bytes exceeds the {limit}-byte bound")
        return orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
