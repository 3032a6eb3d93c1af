"""The OCI image layout itself: ``oci-layout``, ``index.json`` and ``blobs/<alg>/<hex>``.

These are the pieces every reader of a layout needs, whatever it looks for in it: the image
opener (:mod:`dockgate.image.oci`) and the signature store kept in the same layout. Every blob
read is bounded and checked against its digest and size; index names (tags) are read from the
``org.opencontainers.image.ref.name`` annotation (or containerd's image name).
"""

from __future__ import annotations

from typing import Any

from dockgate.errors import InputError, LimitExceeded
from dockgate.image.blobstore import BlobStore
from dockgate.image.digest import digest_of, parse_digest
from dockgate.image.jsonload import load_json_object, require

REF_NAME = "org.opencontainers.image.ref.name"
MAX_LAYOUT_FILE_BYTES = 4096
MAX_INDEX_ENTRIES = 10_000


def blob_name(digest: str) -> str:
    """The layout path of a blob: ``blobs/<algorithm>/<hex>`` (``digest`` already parsed)."""
    algorithm, hexpart = digest.split(":", 1)
    return f"blobs/{algorithm}/{hexpart}"


def check_layout(store: BlobStore, what: str) -> None:
    """Refuse anything but an OCI image layout (version 1.x) with an ``index.json``."""
    if not store.has("oci-layout"):
        raise InputError(f"{what}: not an OCI image layout (no oci-layout file)")
    layout = load_json_object(store.read("oci-layout", MAX_LAYOUT_FILE_BYTES), f"{what}: oci-layout", MAX_LAYOUT_FILE_BYTES)
    version = layout.get("imageLayoutVersion")
    if not isinstance(version, str) or not version.startswith("1."):
        raise InputError(f"{what}: unsupported imageLayoutVersion {version!r}")
    if not store.has("index.json"):
        raise InputError(f"{what}: missing index.json")


def read_index(store: BlobStore, what: str, limit: int) -> dict[str, Any]:
    """``index.json`` as a JSON object whose ``manifests`` is a list of at most MAX_INDEX_ENTRIES."""
    index = load_json_object(store.read("index.json", limit), f"{what}: index.json", limit)
    manifests = require(index, "manifests", list, f"{what}: index.json")
    if len(manifests) > MAX_INDEX_ENTRIES:
        raise LimitExceeded(f"{what}: index.json lists more than {MAX_INDEX_ENTRIES} manifests")
    return index


def read_blob(store: BlobStore, descriptor: dict[str, Any], what: str, limit: int) -> bytes:
    """The blob ``descriptor`` points at, checked against its digest and (when given) size."""
    return read_verified_blob(store, descriptor.get("digest"), descriptor.get("size"), what, limit)


def read_verified_blob(store: BlobStore, digest: object, size: object, what: str, limit: int) -> bytes:
    """The blob stored under ``digest``, at most ``limit`` bytes; an int ``size`` must match too."""
    parsed = parse_digest(digest, what)
    if isinstance(size, int) and size > limit:
        raise LimitExceeded(f"{what}: blob {parsed} is {size} bytes, larger than the {limit}-byte bound")
    data = store.read(blob_name(parsed), limit)
    if isinstance(size, int) and size != len(data):
        raise InputError(f"{what}: blob {parsed} is {len(data)} bytes, its descriptor says {size}")
    actual = digest_of(data, parsed.split(":", 1)[0])
    if actual != parsed:
        raise InputError(f"{what}: digest mismatch for {parsed}: content hashes to {actual} (tampered or corrupt)")
    return data


def ref_name(descriptor: dict[str, Any]) -> str | None:
    """The name (tag) an index entry carries, if any."""
    annotations = descriptor.get("annotations")
    if isinstance(annotations, dict):
        name = annotations.get(REF_NAME) or annotations.get("io.containerd.image.name")
        if isinstance(name, str):
            return name
    return None


def tagged(descriptors: list[Any], tag: str) -> list[dict[str, Any]]:
    """The index entries named ``tag``, or named by its last ``:``-part (``repo:1.0`` -> ``1.0``)."""
    return [d for d in descriptors if isinstance(d, dict) and ref_name(d) in (tag, tag.rsplit(":", 1)[-1])]
