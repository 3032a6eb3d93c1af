"""Signatures in a registry repository, through :class:`dockgate.registry.RegistryClient`.

cosign keeps them in the image's own repository under the ``sha256-<hex>.sig`` tag; the
client verifies every manifest and blob it returns against its digest and bounds its size.
"""

from __future__ import annotations

from dockgate.errors import InputError
from dockgate.registry import DOCKER_MANIFEST, OCI_MANIFEST, RegistryClient


class RegistrySignatureStore:
    """A :class:`~dockgate.sign.store.SignatureStore` over one registry repository."""

    def __init__(self, client: RegistryClient, repository: str) -> None:
        self.client = client
        self.repository = repository
        self.description = f"{client.host}/{repository}"

    def read_tagged_manifest(self, tag: str, max_bytes: int) -> bytes | None:
        pulled = self.client.get_manifest(self.repository, tag, accept=(OCI_MANIFEST, DOCKER_MANIFEST), max_bytes=max_bytes, missing_ok=True)
        return pulled.content if pulled is not None else None

    def read_blob(self, digest: str, size: int, max_bytes: int) -> bytes:
        blob = self.client.get_blob(self.repository, digest, max_bytes=max_bytes, missing_ok=True)
        if blob is None:
            raise InputError(f"{self.description}: blob {digest} is missing")
        if len(blob) != size:
            raise InputError(f"{self.description}: blob {digest} is {len(blob)} bytes, its descriptor says {size}")
        return blob

    def write_blob(self, data: bytes) -> None:
        self.client.push_blob(self.repository, data)

    def write_tagged_manifest(self, tag: str, manifest: bytes, media_type: str) -> None:
        self.client.push_manifest(self.repository, tag, manifest, media_type)
