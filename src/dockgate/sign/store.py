"""The storage seam: where cosign-style signature manifests live.

:class:`SignatureStore` is the small protocol an image location implements (an OCI layout
directory in :mod:`dockgate.sign.oci_store`, a registry repository in
:mod:`dockgate.sign.registry_store`). The cosign logic on top — read every layer under the
``.sig``/``.att`` tag, append a layer and rewrite the manifest — lives here once.
"""

from __future__ import annotations

from typing import Protocol

from dockgate.errors import InputError
from dockgate.sign.cosign_layout import (
    MAX_SIGNATURE_MANIFEST_BYTES,
    OCI_MANIFEST,
    Layer,
    build_manifest,
    cosign_tag,
    parse_manifest_layers,
)


class SignatureStore(Protocol):
    """A place holding tagged manifests and blobs (content-addressed, verified on read)."""

    description: str

    def read_tagged_manifest(self, tag: str, max_bytes: int) -> bytes | None:
        """The manifest stored under ``tag``, or None when there is none."""

    def read_blob(self, digest: str, size: int, max_bytes: int) -> bytes:
        """A blob, verified against ``digest`` and ``size``; InputError when absent/bad."""

    def write_blob(self, data: bytes) -> None:
        """Store ``data`` under its sha256 digest (no-op when present)."""

    def write_tagged_manifest(self, tag: str, manifest: bytes, media_type: str) -> None:
        """Store ``manifest`` and point ``tag`` at it (replacing the previous one)."""


def read_layers(store: SignatureStore, image_digest: str, suffix: str) -> list[Layer]:
    """Every layer (signature or attestation) stored for ``image_digest``; [] when none."""
    tag = cosign_tag(image_digest, suffix)
    content = store.read_tagged_manifest(tag, MAX_SIGNATURE_MANIFEST_BYTES)
    if content is None:
        return []
    what = f"{store.description}:{tag}"
    layers = []
    for index, descriptor in enumerate(parse_manifest_layers(content, what)):
        blob = store.read_blob(descriptor.digest, descriptor.size, descriptor.size)
        layers.append(Layer(descriptor.media_type, blob, descriptor.annotations, f"{what} layer {index}"))
    return layers


def append_layer(store: SignatureStore, image_digest: str, suffix: str, layer: Layer) -> str:
    """Add ``layer`` to the image's ``.sig``/``.att`` manifest (as cosign does: one manifest,
    one layer per signature); an identical layer is not added twice. Returns the manifest digest."""
    existing = read_layers(store, image_digest, suffix)
    same = [l for l in existing if l.digest == layer.digest and l.annotations == layer.annotations and l.media_type == layer.media_type]
    layers = existing if same else [*existing, layer]
    built = build_manifest(layers)
    if len(built.manifest) > MAX_SIGNATURE_MANIFEST_BYTES:
        raise InputError(f"{store.description}: signature manifest would exceed {MAX_SIGNATURE_MANIFEST_BYTES} bytes")
    for item in layers:
        store.write_blob(item.blob)
    store.write_blob(built.config)
    store.write_tagged_manifest(cosign_tag(image_digest, suffix), built.manifest, OCI_MANIFEST)
    return built.digest
