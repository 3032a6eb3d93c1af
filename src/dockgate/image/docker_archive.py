"""docker-archive tarballs (``docker save``/skopeo): manifest.json -> config + layer files.

Handles the classic layout (``<id>.json`` config, ``<id>/layer.tar`` or ``<diff_id>.tar``
layers) and the newer OCI-inside layout where the paths are ``blobs/sha256/<hex>``. The
config is checked against the digest its name carries; each layer against the config's
diff_ids (and against its blob digest when its name carries one).
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

import orjson

from dockgate.errors import InputError
from dockgate.image.blobstore import TarStore
from dockgate.image.config import layer_history, parse_config
from dockgate.image.digest import digest_of
from dockgate.image.limits import Limits
from dockgate.image.model import LayerRef, OpenedImage

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _named_digest(path: str) -> str | None:
    """sha256 digest carried by a file name: blobs/sha256/<hex>, <hex>.json, <hex>.tar, <hex>/layer.tar is not one."""
    parts = path.split("/")
    if len(parts) == 3 and parts[0] == "blobs" and parts[1] == "sha256" and _HEX64.match(parts[2]):
        return f"sha256:{parts[2]}"
    base = posixpath.basename(path)
    stem = base.rsplit(".", 1)[0] if "." in base else base
    if len(parts) == 1 and _HEX64.match(stem):
        return f"sha256:{stem}"
    return None


def _normalise_tag(tag: str) -> set[str]:
    forms = {tag}
    if "/" not in tag.split(":")[0]:
        forms.add(f"docker.io/library/{tag}")
    if tag.startswith("docker.io/library/"):
        forms.add(tag.removeprefix("docker.io/library/"))
    if ":" not in tag.rsplit("/", 1)[-1]:
        forms |= {f"{f}:latest" for f in list(forms)}
    return forms


def open_docker_archive(store: TarStore, reference: str, tag: str | None, limits: Limits) -> OpenedImage:
    what = reference
    if not store.has("manifest.json"):
        raise InputError(f"{what}: not a docker-archive (no manifest.json)")
    raw = store.read("manifest.json", limits.max_manifest_bytes)
    try:
        entries = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{what}: manifest.json is not valid JSON ({exc})") from None
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise InputError(f"{what}: manifest.json must be a non-empty list of images")
    entry = _pick(entries, tag, what)
    config_path = entry.get("Config")
    layer_paths = entry.get("Layers")
    if not isinstance(config_path, str) or not isinstance(layer_paths, list) or not all(isinstance(p, str) for p in layer_paths):
        raise InputError(f"{what}: manifest.json entry lacks Config or Layers")
    config_bytes = store.read(config_path, limits.max_manifest_bytes)
    config_digest = digest_of(config_bytes)
    named = _named_digest(config_path)
    if named is not None and named != config_digest:
        raise InputError(f"{what}: config {config_path} hashes to {config_digest} (tampered or corrupt)")
    config = parse_config(config_bytes, what, limits)
    diff_ids: list[str] = config["rootfs"]["diff_ids"]
    if len(diff_ids) != len(layer_paths):
        raise InputError(f"{what}: manifest.json lists {len(layer_paths)} layers but the config has {len(diff_ids)} diff_ids")
    history = layer_history(config)
    layers = []
    for i, path in enumerate(layer_paths):
        size = store.size(path)  # raises a clear error when the layer file is missing
        blob_digest = _named_digest(path) if path.startswith("blobs/") else None
        layers.append(
            LayerRef(
                index=i,
                diff_id=diff_ids[i],
                digest=blob_digest,
                size=size,
                media_type=None,
                open_blob=(lambda p=path: store.open(p)),
                created_by=history[i] if i < len(history) else "",
            )
        )
    tags = entry.get("RepoTags")
    return OpenedImage(
        reference=reference,
        source_type="docker-archive",
        config=config,
        layers=layers,
        manifest_digest=None,
        config_digest=config_digest,
        repo_tags=[t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
        closers=[store.close],
    )


def _pick(entries: list[dict[str, Any]], tag: str | None, what: str) -> dict[str, Any]:
    if tag is None:
        if len(entries) == 1:
            return entries[0]
        tags = [t for e in entries for t in (e.get("RepoTags") or []) if isinstance(t, str)]
        raise InputError(f"{what}: holds {len(entries)} images; name one as docker-archive:PATH:TAG (tags: {', '.join(tags) or 'none'})")
    wanted = _normalise_tag(tag)
    for entry in entries:
        tags = entry.get("RepoTags") or []
        if any(isinstance(t, str) and (_normalise_tag(t) & wanted) for t in tags):
            return entry
    raise InputError(f"{what}: no image tagged {tag!r}")
