"""OCI image layout (directory or tar archive): index.json -> manifest -> config + layers.

Every blob read is checked against its descriptor's digest and size (the layout files
themselves are read by :mod:`dockgate.image.ocilayout`). Indexes may nest and
may hold several platforms; the wanted platform (default linux/amd64) is chosen, and a
clear error lists what is there when it is missing.
"""

from __future__ import annotations

from typing import Any

from dockgate.errors import InputError
from dockgate.image.blobstore import BlobStore
from dockgate.image.config import layers_from_manifest, parse_config
from dockgate.image.jsonload import load_json_object, require
from dockgate.image.limits import Limits
from dockgate.image.model import DEFAULT_PLATFORM, OpenedImage, Platform
from dockgate.image.ocilayout import blob_name, check_layout, read_blob, read_index, ref_name, tagged

INDEX_TYPES = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
}
MANIFEST_TYPES = {
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
}


def open_oci(store: BlobStore, reference: str, source_type: str, tag: str | None, platform: Platform | None, limits: Limits) -> OpenedImage:
    what = reference
    check_layout(store, what)
    descriptors = read_index(store, what, limits.max_manifest_bytes)["manifests"]
    if tag is not None:
        named = tagged(descriptors, tag)
        if not named:
            names = sorted({n for d in descriptors if isinstance(d, dict) and (n := ref_name(d))})
            raise InputError(f"{what}: no image tagged {tag!r} (tags present: {', '.join(names) or 'none'})")
        descriptors = named
    manifest_desc = _choose(store, descriptors, platform, what, limits, depth=0)
    manifest_bytes = read_blob(store, manifest_desc, f"{what}: manifest", limits.max_manifest_bytes)
    manifest = load_json_object(manifest_bytes, f"{what}: manifest", limits.max_manifest_bytes)
    config_desc = require(manifest, "config", dict, f"{what}: manifest")
    config_bytes = read_blob(store, config_desc, f"{what}: config", limits.max_manifest_bytes)
    config = parse_config(config_bytes, what, limits)
    layers = layers_from_manifest(manifest, config, what, limits, lambda digest: (lambda: store.open(blob_name(digest))))
    return OpenedImage(
        reference=reference,
        source_type=source_type,
        config=config,
        layers=layers,
        manifest_digest=manifest_desc["digest"],
        config_digest=config_desc.get("digest"),
        repo_tags=[n for d in descriptors if isinstance(d, dict) and (n := ref_name(d))],
        closers=[store.close],
    )


def _is_attestation(descriptor: dict[str, Any]) -> bool:
    annotations = descriptor.get("annotations")
    if isinstance(annotations, dict) and annotations.get("vnd.docker.reference.type") == "attestation-manifest":
        return True
    plat = Platform.from_json(descriptor.get("platform"))
    return plat is not None and plat.os == "unknown"


def _choose(store: BlobStore, descriptors: list[Any], platform: Platform | None, what: str, limits: Limits, depth: int) -> dict[str, Any]:
    """Pick one image manifest descriptor, descending into nested indexes."""
    if depth > 4:
        raise InputError(f"{what}: image indexes nested too deeply")
    candidates = [d for d in descriptors if isinstance(d, dict) and not _is_attestation(d)]
    if not candidates:
        raise InputError(f"{what}: the index lists no image manifest")
    wanted = platform or DEFAULT_PLATFORM
    nested = [d for d in candidates if d.get("mediaType") in INDEX_TYPES]
    manifests = [d for d in candidates if d.get("mediaType") not in INDEX_TYPES]
    with_platform = [d for d in manifests if Platform.from_json(d.get("platform")) is not None]
    without_platform = [d for d in manifests if Platform.from_json(d.get("platform")) is None]
    for d in with_platform:
        if Platform.from_json(d["platform"]).matches(wanted):  # type: ignore[union-attr]
            return d
    if len(without_platform) == 1 and not with_platform and not nested:
        return without_platform[0]
    if without_platform:
        found = _choose_by_config(store, without_platform, wanted, what, limits)
        if found is not None:
            return found
    for d in nested:
        data = read_blob(store, d, f"{what}: nested index", limits.max_manifest_bytes)
        inner = load_json_object(data, f"{what}: nested index", limits.max_manifest_bytes)
        return _choose(store, require(inner, "manifests", list, f"{what}: nested index"), platform, what, limits, depth + 1)
    present = ", ".join(sorted({str(Platform.from_json(d["platform"])) for d in with_platform})) or "unknown"
    raise InputError(f"{what}: no image for platform {wanted} (platforms present: {present}); choose one with --platform")


def _choose_by_config(store: BlobStore, manifests: list[dict[str, Any]], wanted: Platform, what: str, limits: Limits) -> dict[str, Any] | None:
    seen = []
    for d in manifests:
        manifest = load_json_object(read_blob(store, d, f"{what}: manifest", limits.max_manifest_bytes), f"{what}: manifest", limits.max_manifest_bytes)
        config_desc = manifest.get("config")
        if not isinstance(config_desc, dict):
            continue
        config = load_json_object(read_blob(store, config_desc, f"{what}: config", limits.max_manifest_bytes), f"{what}: config", limits.max_manifest_bytes)
        plat = Platform.from_json(config)
        if plat is not None:
            seen.append(str(plat))
            if plat.matches(wanted):
                return d
    if len(manifests) == 1 and not seen:
        return manifests[0]
    if seen:
        raise InputError(f"{what}: no image for platform {wanted} (platforms present: {', '.join(sorted(set(seen)))}); choose one with --platform")
    return None
