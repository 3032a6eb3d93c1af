"""Media types, content descriptors and pulled manifests as the registry client returns them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from dockgate.errors import InputError
from dockgate.image.digest import parse_digest

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MANIFEST_MEDIA_TYPES = (OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST)
INDEX_MEDIA_TYPES = (OCI_INDEX, DOCKER_MANIFEST_LIST)
OCI_EMPTY_JSON = "application/vnd.oci.empty.v1+json"


@dataclass(frozen=True)
class Descriptor:
    """An OCI content descriptor (the fields dockgate uses, plus annotations)."""

    media_type: str
    digest: str
    size: int
    artifact_type: str | None = None
    annotations: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any, what: str) -> "Descriptor":
        if not isinstance(data, dict):
            raise InputError(f"{what}: descriptor is not a JSON object")
        media_type, size = data.get("mediaType"), data.get("size")
        if not isinstance(media_type, str) or not media_type:
            raise InputError(f"{what}: descriptor without mediaType")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise InputError(f"{what}: descriptor with invalid size {size!r}")
        artifact_type = data.get("artifactType")
        annotations = data.get("annotations") or {}
        if not isinstance(annotations, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in annotations.items()):
            raise InputError(f"{what}: descriptor annotations must map strings to strings")
        return cls(
            media_type,
            parse_digest(data.get("digest"), what),
            size,
            artifact_type if isinstance(artifact_type, str) else None,
            dict(annotations),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mediaType": self.media_type, "digest": self.digest, "size": self.size}
        if self.artifact_type:
            out["artifactType"] = self.artifact_type
        if self.annotations:
            out["annotations"] = dict(self.annotations)
        return out


@dataclass(frozen=True)
class PulledManifest:
    """A manifest or index exactly as served: bytes verified against ``digest``."""

    media_type: str
    digest: str
    content: bytes

    def json(self) -> dict[str, Any]:
        return json.loads(self.content)

    @property
    def is_index(self) -> bool:
        return self.media_type in INDEX_MEDIA_TYPES

    @property
    def descriptor(self) -> Descriptor:
        return Descriptor(self.media_type, self.digest, len(self.content))


def parse_manifest_json(content: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{what}: manifest is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise InputError(f"{what}: manifest is not a JSON object")
    return data
