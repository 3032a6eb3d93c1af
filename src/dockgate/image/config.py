"""The image config (platform, Env, history, rootfs.diff_ids) and the layer list it anchors."""

from __future__ import annotations

from typing import Any, BinaryIO, Callable

from dockgate.errors import InputError
from dockgate.image.digest import parse_digest
from dockgate.image.jsonload import load_json_object, require
from dockgate.image.limits import Limits
from dockgate.image.model import LayerRef

NON_LAYER_MEDIA = ("application/vnd.oci.empty.v1+json",)


def parse_config(data: bytes, what: str, limits: Limits) -> dict[str, Any]:
    config = load_json_object(data, f"{what}: image config", limits.max_manifest_bytes)
    rootfs = require(config, "rootfs", dict, f"{what}: image config")
    diff_ids = require(rootfs, "diff_ids", list, f"{what}: image config rootfs")
    for i, diff_id in enumerate(diff_ids):
        parse_digest(diff_id, f"{what}: config rootfs.diff_ids[{i}]")
    if len(diff_ids) > limits.max_layers:
        raise InputError(f"{what}: {len(diff_ids)} layers is more than the bound of {limits.max_layers}")
    return config


def layer_history(config: dict[str, Any]) -> list[str]:
    """created_by of each non-empty history entry, aligned with the layers (best effort)."""
    history = config.get("history")
    if not isinstance(history, list):
        return []
    out = []
    for entry in history:
        if isinstance(entry, dict) and not entry.get("empty_layer"):
            created = entry.get("created_by")
            out.append(created if isinstance(created, str) else "")
    return out


def layers_from_manifest(
    manifest: dict[str, Any],
    config: dict[str, Any],
    what: str,
    limits: Limits,
    opener: Callable[[str], Callable[[], BinaryIO]],
) -> list[LayerRef]:
    descriptors = require(manifest, "layers", list, f"{what}: manifest")
    diff_ids: list[str] = config["rootfs"]["diff_ids"]
    layer_descs = [d for d in descriptors if isinstance(d, dict) and d.get("mediaType") not in NON_LAYER_MEDIA]
    if len(layer_descs) != len(diff_ids):
        raise InputError(f"{what}: manifest lists {len(layer_descs)} layers but the config has {len(diff_ids)} diff_ids")
    history = layer_history(config)
    layers = []
    for i, desc in enumerate(layer_descs):
        digest = parse_digest(desc.get("digest"), f"{what}: layer {i}")
        size = desc.get("size")
        media_type = desc.get("mediaType")
        layers.append(
            LayerRef(
                index=i,
                diff_id=diff_ids[i],
                digest=digest,
                size=size if isinstance(size, int) else None,
                media_type=media_type if isinstance(media_type, str) else None,
                open_blob=opener(digest),
                created_by=history[i] if i < len(history) else "",
            )
        )
    return layers
