"""Signatures inside an OCI image layout directory (what ``cosign save`` / ``--output`` keeps).

The ``.sig``/``.att`` manifest becomes one more entry of ``index.json``, tagged with the
annotation ``org.opencontainers.image.ref.name`` = ``sha256-<hex>.sig`` (plus cosign's layout
``kind`` annotation). Blobs go to ``blobs/sha256/<hex>``. Reading goes through the image
package's layout reader (:class:`~dockgate.image.blobstore.DirStore`,
:mod:`dockgate.image.ocilayout`): bounded, digest-checked, no symlink followed. Every write is
atomic (temporary file + rename) and its path passes the same checks as a read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dockgate.errors import InputError
from dockgate.fsutil import atomic_write
from dockgate.image.blobstore import DirStore
from dockgate.image.digest import digest_of
from dockgate.image.ocilayout import REF_NAME, blob_name, check_layout, read_blob, read_index, read_verified_blob, ref_name, tagged

KIND_ANNOTATION = "kind"
KIND_BY_SUFFIX = {".sig": "dev.cosignproject.cosign/sigs", ".att": "dev.cosignproject.cosign/atts"}
MAX_INDEX_BYTES = 4 << 20
MAX_IMAGE_MANIFEST_BYTES = 4 << 20
COSIGN_TAG_RE = re.compile(r"^sha256-[0-9a-f]{64}\.(sig|att|sbom)$")


@dataclass(frozen=True)
class ResolvedImage:
    digest: str
    media_type: str
    manifest: bytes
    ref_name: str | None


class OciLayoutStore:
    """A :class:`~dockgate.sign.store.SignatureStore` over an OCI layout directory."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.description = f"oci:{root}"
        if not self.root.is_dir():
            raise InputError(f"{root}: no such OCI layout directory")
        self._files = DirStore(self.root, self.description)
        check_layout(self._files, self.description)

    # ------------------------------------------------------------------ reading

    def read_index(self) -> dict[str, Any]:
        return read_index(self._files, self.description, MAX_INDEX_BYTES)

    def _entries(self) -> list[dict[str, Any]]:
        return [d for d in self.read_index()["manifests"] if isinstance(d, dict)]

    def read_blob(self, digest: str, size: int | None, max_bytes: int) -> bytes:
        return read_verified_blob(self._files, digest, size, self.description, max_bytes)

    def read_tagged_manifest(self, tag: str, max_bytes: int) -> bytes | None:
        named = [d for d in self._entries() if ref_name(d) == tag]
        return read_blob(self._files, named[-1], self.description, max_bytes) if named else None

    def resolve_image(self, tag: str | None) -> ResolvedImage:
        """The image an ``oci:DIR[:TAG]`` names: its top-level manifest (or index) digest."""
        entries = self._entries()
        if tag is not None:
            candidates = tagged(entries, tag)
        else:
            candidates = [d for d in entries if not COSIGN_TAG_RE.match(ref_name(d) or "")]
        if len(candidates) != 1:
            names = sorted({n for d in entries if (n := ref_name(d)) and not COSIGN_TAG_RE.match(n)})
            if not candidates:
                detail = f"no image tagged {tag!r}" if tag else "the layout holds no image"
            else:
                detail = f"{len(candidates)} images match; name one with oci:DIR:TAG"
            raise InputError(f"{self.description}: {detail} (tags present: {', '.join(names) or 'none'})")
        descriptor = candidates[0]
        media_type = descriptor.get("mediaType")
        if not isinstance(media_type, str):
            raise InputError(f"{self.description}: index entry without mediaType")
        manifest = read_blob(self._files, descriptor, f"{self.description}: image manifest", MAX_IMAGE_MANIFEST_BYTES)
        return ResolvedImage(digest_of(manifest), media_type, manifest, ref_name(descriptor))

    # ------------------------------------------------------------------ writing

    def _atomic_write(self, name: str, data: bytes) -> None:
        target = self._files.writable_path(name)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, data)
        except OSError as exc:
            raise InputError(f"{self.description}: cannot write {name} ({exc.strerror or exc})") from None

    def write_blob(self, data: bytes) -> None:
        name = blob_name(digest_of(data))
        if self._files.writable_path(name).is_file() and self._files.size(name) == len(data):
            return
        self._atomic_write(name, data)

    def write_tagged_manifest(self, tag: str, manifest: bytes, media_type: str) -> None:
        self.write_blob(manifest)
        index = self.read_index()
        kept = [d for d in index["manifests"] if not (isinstance(d, dict) and ref_name(d) == tag)]
        annotations = {REF_NAME: tag}
        kind = KIND_BY_SUFFIX.get(tag[-4:])
        if kind:
            annotations[KIND_ANNOTATION] = kind
        kept.append({"mediaType": media_type, "digest": digest_of(manifest), "size": len(manifest), "annotations": annotations})
        index["manifests"] = kept
        self._atomic_write("index.json", json.dumps(index, separators=(",", ":")).encode())
