"""End-of-life lookups for official base images, from the dated ``dockgate/data/eol.json``.

The data file lists, per official image (golang, python, node, debian, ubuntu, alpine), the
versions whose end of life had passed on the date the file was compiled. Findings quote
that date so a reader knows how fresh the verdict is. Besides the image's own version, the
OS variant in a tag (``-alpine3.16``, ``-buster``) is checked too.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from dataclasses import dataclass
from typing import Any

from dockgate.lint.dockerfile.images import BaseImage

_VERSION_RE = re.compile(r"^(\d+(?:\.\d+)*)")
_ALPINE_VARIANT_RE = re.compile(r"^alpine(\d+\.\d+)")


@dataclass(frozen=True)
class EolMatch:
    product: str
    version: str
    since: str
    compiled: str

    def describe(self) -> str:
        return (f"{self.product} {self.version} reached end of life on {self.since} "
                f"(dockgate end-of-life data compiled {self.compiled})")


@functools.lru_cache(maxsize=1)
def eol_data() -> dict[str, Any]:
    text = (importlib.resources.files("dockgate") / "data" / "eol.json").read_text(encoding="utf-8")
    return json.loads(text)


def compiled_date() -> str:
    return str(eol_data()["compiled"])


def find_eol(base: BaseImage) -> list[EolMatch]:
    """End-of-life matches for ``base``: its own version, then the OS variant in its tag."""
    name = base.official_name
    images = eol_data()["images"]
    if name is None or name not in images or not base.tag:
        return []
    tokens = base.tag.lower().split("-")
    matches: list[EolMatch] = []
    own = _lookup(name, tokens[0])
    if own:
        matches.append(own)
    for token in tokens[1:] if name not in ("debian", "ubuntu") else tokens:
        variant = _ALPINE_VARIANT_RE.match(token)
        found = _lookup("alpine", variant.group(1)) if variant else None
        found = found or _lookup_codename("debian", token) or _lookup_codename("ubuntu", token)
        if found and found not in matches:
            matches.append(found)
    return matches


def _lookup_codename(product: str, token: str) -> EolMatch | None:
    number = eol_data()["images"][product].get("codenames", {}).get(token)
    return _lookup(product, number) if number else None


def _lookup(product: str, token: str) -> EolMatch | None:
    entry = eol_data()["images"][product]
    token = entry.get("codenames", {}).get(token, token)
    found = _VERSION_RE.match(token)
    if not found:
        return None
    parts = found.group(1).split(".")
    width = 2 if entry["key"] == "major.minor" else 1
    if len(parts) < width:
        return None  # "golang:1" or "python:3": too vague to judge
    key = ".".join(parts[:width])
    since = entry["eol"].get(key)
    below = entry.get("all_below")
    if since is None and below and _as_tuple(key) < _as_tuple(below["version"]):
        since = f"{below['since']} or earlier"
    if since is None:
        return None
    return EolMatch(product, key, since, compiled_date())


def _as_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))
