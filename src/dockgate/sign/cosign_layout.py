"""How cosign stores signatures and attestations next to an image (registry or OCI layout).

One OCI image manifest per signed image and kind, tagged ``sha256-<hex>.sig`` (signatures) or
``sha256-<hex>.att`` (attestations). Each signature is one layer: the layer blob is the payload,
the layer descriptor's annotations carry the base64 signature. The config is the minimal image
config cosign writes (zero timestamps, the payload digests as diff_ids). Field order matches
go-containerregistry's JSON (what cosign pushes), so dockgate's manifests are byte-for-byte the
shape cosign produces.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from dockgate.errors import InputError
from dockgate.image.digest import digest_of, parse_digest
from dockgate.sign.payload import go_json

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature"
BUNDLE_ANNOTATION = "dev.sigstore.cosign/bundle"
CERTIFICATE_ANNOTATION = "dev.sigstore.cosign/certificate"
PREDICATE_TYPE_ANNOTATION = "predicateType"
SIGNATURE_SUFFIX = ".sig"
ATTESTATION_SUFFIX = ".att"
MAX_SIGNATURE_MANIFEST_BYTES = 4 << 20
MAX_LAYERS = 1000
MAX_LAYER_BYTES = 64 << 20  # attestations carry whole SBOMs


def cosign_tag(image_digest: str, suffix: str) -> str:
    """``sha256:abc`` → ``sha256-abc.sig`` (or ``.att``)."""
    return parse_digest(image_digest, "image digest").replace(":", "-") + suffix


def signature_tag(image_digest: str) -> str:
    return cosign_tag(image_digest, SIGNATURE_SUFFIX)


def attestation_tag(image_digest: str) -> str:
    return cosign_tag(image_digest, ATTESTATION_SUFFIX)


@dataclass(frozen=True)
class Layer:
    """One stored signature or attestation: the blob and its descriptor's fields."""

    media_type: str
    blob: bytes
    annotations: dict[str, str] = field(default_factory=dict)
    source: str = ""

    @property
    def digest(self) -> str:
        return digest_of(self.blob)

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mediaType": self.media_type, "size": len(self.blob), "digest": self.digest}
        if self.annotations:
            out["annotations"] = {k: self.annotations[k] for k in sorted(self.annotations)}  # Go map order
        return out


def signature_config(layer_digests: list[str]) -> bytes:
    """The image config cosign writes for a signature/attestation manifest."""
    return go_json(
        {
            "architecture": "",
            "created": "0001-01-01T00:00:00Z",
            "history": [{"created": "0001-01-01T00:00:00Z"} for _ in layer_digests],
            "os": "",
            "rootfs": {"type": "layers", "diff_ids": layer_digests},
            "config": {},
        }
    )


@dataclass(frozen=True)
class BuiltManifest:
    manifest: bytes
    config: bytes

    @property
    def digest(self) -> str:
        return digest_of(self.manifest)


def build_manifest(layers: list[Layer]) -> BuiltManifest:
    config = signature_config([layer.digest for layer in layers])
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "size": len(config), "digest": digest_of(config)},
        "layers": [layer.descriptor() for layer in layers],
    }
    return BuiltManifest(go_json(manifest), config)


@dataclass(frozen=True)
class LayerDescriptor:
    media_type: str
    digest: str
    size: int
    annotations: dict[str, str]


def parse_manifest_layers(content: bytes, what: str) -> list[LayerDescriptor]:
    """The layer descriptors of a signature/attestation manifest (bounded, validated)."""
    if len(content) > MAX_SIGNATURE_MANIFEST_BYTES:
        raise InputError(f"{what}: signature manifest larger than {MAX_SIGNATURE_MANIFEST_BYTES} bytes")
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InputError(f"{what}: signature manifest is not valid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("layers"), list):
        raise InputError(f"{what}: signature manifest has no layers list")
    layers = data["layers"]
    if len(layers) > MAX_LAYERS:
        raise InputError(f"{what}: signature manifest lists {len(layers)} layers (bound {MAX_LAYERS})")
    out = []
    for index, item in enumerate(layers):
        where = f"{what}: layer {index}"
        if not isinstance(item, dict) or not isinstance(item.get("mediaType"), str):
            raise InputError(f"{where}: descriptor without mediaType")
        size = item.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_LAYER_BYTES:
            raise InputError(f"{where}: invalid or oversized size {str(size)[:40]}")
        annotations = item.get("annotations") or {}
        if not isinstance(annotations, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in annotations.items()):
            raise InputError(f"{where}: annotations must map strings to strings")
        out.append(LayerDescriptor(item["mediaType"], parse_digest(item.get("digest"), where), size, dict(annotations)))
    return out
