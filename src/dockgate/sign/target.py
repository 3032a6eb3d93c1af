"""What IMAGE names for sign/verify/attest: a digest plus where its signatures live.

- ``dir:PATH`` (or a directory with ``manifest.json``): containers/image ``dir:`` layout;
  signatures are ``signature-N`` files.
- ``oci:DIR[:TAG]`` (or a directory with ``oci-layout``): OCI image layout; signatures are
  ``.sig``/``.att`` manifests in the same layout.
- anything else: a registry reference ``[registry/]repo[:tag|@digest]``; signatures are in the
  image's repository under cosign's tags. A tag is resolved to its digest first.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from dockgate.errors import InputError, UsageError
from dockgate.sign import dir_layout
from dockgate.sign.cosign_layout import ATTESTATION_SUFFIX, SIGNATURE_SUFFIX, Layer
from dockgate.sign.store import SignatureStore, append_layer, read_layers


@dataclass
class ImageTarget:
    """A resolved image: ``digest`` is what signatures must bind."""

    text: str
    kind: str  # "dir", "oci" or "registry"
    digest: str
    identity: str  # default docker-reference / attestation subject name
    store: SignatureStore | None = None
    dir_root: Path | None = None

    def signature_entries(self) -> list[Layer | dir_layout.UnreadableSignature]:
        if self.dir_root is not None:
            return list(dir_layout.read_signatures(self.dir_root))
        assert self.store is not None
        return list(read_layers(self.store, self.digest, SIGNATURE_SUFFIX))

    def add_signature(self, layer: Layer) -> str:
        """Store a signature layer; return where it went."""
        if self.dir_root is not None:
            return str(dir_layout.write_signature(self.dir_root, layer))
        assert self.store is not None
        manifest_digest = append_layer(self.store, self.digest, SIGNATURE_SUFFIX, layer)
        return f"{self.store.description}:{self.digest.replace(':', '-')}{SIGNATURE_SUFFIX} ({manifest_digest})"

    def attestation_entries(self) -> list[Layer]:
        return list(read_layers(self._attestation_store(), self.digest, ATTESTATION_SUFFIX))

    def add_attestation(self, layer: Layer) -> str:
        store = self._attestation_store()
        manifest_digest = append_layer(store, self.digest, ATTESTATION_SUFFIX, layer)
        return f"{store.description}:{self.digest.replace(':', '-')}{ATTESTATION_SUFFIX} ({manifest_digest})"

    def _attestation_store(self) -> SignatureStore:
        if self.store is None:
            raise UsageError(f"{self.text}: attestations are stored in an OCI layout or a registry, not in a dir: layout")
        return self.store


def _local_kind(text: str) -> tuple[str | None, str]:
    for prefix in ("dir", "oci"):
        if text.startswith(prefix + ":"):
            return prefix, text[len(prefix) + 1 :]
    if text.startswith(("docker-archive:", "oci-archive:", "rootfs:")):
        raise UsageError(f"{text}: signatures are kept in an OCI layout directory (oci:DIR), a dir: layout or a registry; not in archives")
    if os.path.isdir(text):
        if os.path.exists(os.path.join(text, "oci-layout")):
            return "oci", text
        if os.path.exists(os.path.join(text, "manifest.json")):
            return "dir", text
        raise InputError(f"{text}: neither an OCI layout (oci-layout) nor a dir: layout (manifest.json)")
    if os.path.isfile(text):
        raise UsageError(f"{text}: is a file; sign/verify an OCI layout directory, a dir: layout or a registry reference")
    return None, text


def _open_dir(path: str, text: str) -> ImageTarget:
    root = Path(path)
    digest, _ = dir_layout.manifest_digest(root)
    return ImageTarget(text, "dir", digest, root.resolve().name, dir_root=root)


def _open_oci(rest: str, text: str) -> ImageTarget:
    from dockgate.image.source import parse_image_spec
    from dockgate.sign.oci_store import OciLayoutStore

    spec = parse_image_spec("oci:" + rest)
    store = OciLayoutStore(spec.path)
    image = store.resolve_image(spec.tag)
    identity = Path(spec.path).resolve().name
    if image.ref_name and "/" in image.ref_name:
        identity = _name_without_tag(image.ref_name)
    return ImageTarget(text, "oci", image.digest, identity, store=store)


def _name_without_tag(name: str) -> str:
    name = name.split("@", 1)[0]
    slash, colon = name.rfind("/"), name.rfind(":")
    return name[:colon] if colon > slash else name


@contextmanager
def open_target(text: str, transport_options: object | None = None) -> Iterator[ImageTarget]:
    """Resolve IMAGE; a registry connection stays open for the ``with`` block."""
    if not text:
        raise UsageError("no image given")
    kind, rest = _local_kind(text)
    if kind == "dir":
        yield _open_dir(rest, text)
        return
    if kind == "oci":
        yield _open_oci(rest, text)
        return
    from dockgate.registry import RegistryClient, parse_reference
    from dockgate.sign.registry_store import RegistrySignatureStore

    try:
        reference = parse_reference(rest)
    except InputError as exc:
        raise InputError(f"{text}: no such local image, and not a registry reference ({exc})") from None
    with RegistryClient.for_reference(reference, transport_options) as client:  # type: ignore[arg-type]
        if reference.digest:  # make sure the image exists: never sign or judge a digest nobody serves
            client.head_manifest(reference.repository, reference.digest)
        digest = client.resolve(reference)
        store = RegistrySignatureStore(client, reference.repository)
        yield ImageTarget(text, "registry", digest, reference.name, store=store)
