"""Find the image references a Dockerfile and Kubernetes manifests use, with their lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dockerfile

from dockgate.errors import InputError
from dockgate.gate.workloads import containers_of
from dockgate.lint.yaml_safe import Limits, load_documents

MAX_DOCKERFILE_BYTES = 4 << 20
MAX_MANIFEST_FILES = 2000


@dataclass(frozen=True)
class ImageUse:
    reference: str
    file: str
    line: int | None
    context: str  # "FROM (stage build)" or "Deployment/my-app container app"


def dockerfile_images(path: Path) -> list[ImageUse]:
    text = _read_text(path, MAX_DOCKERFILE_BYTES)
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError as exc:
        raise InputError(f"{path}: not a valid Dockerfile: {exc}") from None
    stages: set[str] = set()
    uses: list[ImageUse] = []
    for command in commands:
        if command.cmd.upper() != "FROM" or not command.value:
            continue
        image = command.value[0]
        alias = command.value[2].lower() if len(command.value) >= 3 and command.value[1].upper() == "AS" else None
        if image.lower() not in stages and image.lower() != "scratch":
            label = f"FROM (stage {alias})" if alias else "FROM"
            uses.append(ImageUse(image, str(path), command.start_line, label))
        if alias:
            stages.add(alias)
    return uses


def manifest_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in {".yaml", ".yml", ".json"} and p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"manifest path not found: {path}")
        if len(files) > MAX_MANIFEST_FILES:
            raise InputError(f"more than {MAX_MANIFEST_FILES} manifest files under {path}")
    return files


def manifest_images(path: Path) -> list[ImageUse]:
    """Images of every workload in a manifest file (List kinds included), read with the shared
    safe YAML loader (size, depth and alias bounds)."""
    uses: list[ImageUse] = []
    for document in load_documents(_read_bytes(path, Limits().max_bytes), str(path)):
        for base, obj in _objects(document.value):
            for container in containers_of(obj):
                line = document.position((*base, *container.path, "image"))[0]
                uses.append(ImageUse(container.image, str(path), line, f"{container.owner} {container.kind} {container.name}"))
    return uses


def _objects(value: Any) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    if not isinstance(value, dict):
        return []
    items = value.get("items")
    if str(value.get("kind", "")).endswith("List") and isinstance(items, list):
        return [(("items", i), item) for i, item in enumerate(items) if isinstance(item, dict)]
    return [((), value)]


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise InputError(f"{path}: larger than {limit} bytes")
    return raw


def _read_text(path: Path, limit: int) -> str:
    try:
        return _read_bytes(path, limit).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
