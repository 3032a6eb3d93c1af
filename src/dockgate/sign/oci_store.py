"""Signatures inside an OCI image layout directory (what ``cosign save`` / ``--output`` keeps).

The ``.sig``/``.att`` manifest becomes one more entry of ``index.json``, tagged with the
annotation ``org.opencontainers.image.ref.name`` = ``sha256-<hex>.sig`` (plus cosign's layout
``kind`` annotation). Blobs go to ``blobs/sha256/<hex>``. Every read is bounded and verified,
every write is atomic (temporary file + rename) and stays inside the layout directory.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dockgate.fsutil import atomic_write
from dockgate.errors import InputError, LimitExceeded
from dockgate.image.digest import digest_of, parse_digest

REF_NAME = "org.opencontainers.image.ref.name"
KIND_ANNOTATION = "kind"
KIND_BY_SUFFIX = {".sig": "dev.cosignproject.cosign/sigs", ".att": "dev.cosignproject.cosign/atts"}
MAX_INDEX_BYTES = 4 << 20
MAX_IMAGE_MANIFEST_BYTES = 4 << 20
MAX_INDEX_ENTRIES = 10_000
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
        if not (self.root / "oci-layout").is_file():
            raise InputError(f"{root}: not an OCI image layout (no oci-layout file)")
        if not (self.root / "index.json").is_file():
            raise InputError(f"{root}: OCI layout without index.json")

    def _check_blob_dirs(self) -> None:
        """Refuse ``blobs`` or ``blobs/sha256`` as symlinks: reads and writes stay inside the layout."""
        for relative in ("blobs", "blobs/sha256"):
            if (self.root / relative).is_symlink():
                raise InputError(f"{self.description}: {relative} is a symlink; refusing to read or write through it")

    # ------------------------------------------------------------------ reading

    def _read_file(self, relative: str, max_bytes: int, what: str) -> bytes:
        path = self.root / relative
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            raise InputError(f"{self.description}: {what} {relative} is missing") from None
        except OSError as exc:
            raise InputError(f"{self.description}: cannot read {relative} ({exc.strerror})") from None
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{self.description}: {relative} is not a regular file (symlinks are not followed)")
        if info.st_size > max_bytes:
            raise LimitExceeded(f"{self.description}: {what} {relative} is {info.st_size} bytes, larger than the {max_bytes} byte bound")
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise LimitExceeded(f"{self.description}: {what} {relative} is larger than the {max_bytes} byte bound")
        return data

    def read_index(self) -> dict[str, Any]:
        raw = self._read_file("index.json", MAX_INDEX_BYTES, "index")
        try:
            index = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise InputError(f"{self.description}: index.json is not valid JSON") from None
        if not isinstance(index, dict) or not isinstance(index.get("manifests"), list):
            raise InputError(f"{self.description}: index.json has no manifests list")
        if len(index["manifests"]) > MAX_INDEX_ENTRIES:
            raise LimitExceeded(f"{self.description}: index.json lists more than {MAX_INDEX_ENTRIES} manifests")
        return index

    def _entries(self) -> list[dict[str, Any]]:
        return [d for d in self.read_index()["manifests"] if isinstance(d, dict)]

    def read_blob(self, digest: str, size: int | None, max_bytes: int) -> bytes:
        digest = parse_digest(digest, self.description)
        algorithm, hexpart = digest.split(":", 1)
        self._check_blob_dirs()
        data = self._read_file(f"blobs/{algorithm}/{hexpart}", max_bytes, "blob")
        if size is not None and len(data) != size:
            raise InputError(f"{self.description}: blob {digest} is {len(data)} bytes, its descriptor says {size}")
        if digest_of(data, algorithm) != digest:
            raise InputError(f"{self.description}: blob {digest} does not match its digest (tampered or corrupt)")
        return data

    def read_tagged_manifest(self, tag: str, max_bytes: int) -> bytes | None:
        tagged = [d for d in self._entries() if _ref_name(d) == tag]
        if not tagged:
            return None
        descriptor = tagged[-1]
        size = descriptor.get("size")
        return self.read_blob(str(descriptor.get("digest")), size if isinstance(size, int) else None, max_bytes)

    def resolve_image(self, tag: str | None) -> ResolvedImage:
        """The image an ``oci:DIR[:TAG]`` names: its top-level manifest (or index) digest."""
        entries = self._entries()
        if tag is not None:
            candidates = [d for d in entries if _ref_name(d) in (tag, tag.rsplit(":", 1)[-1])]
        else:
            candidates = [d for d in entries if not COSIGN_TAG_RE.match(_ref_name(d) or "")]
        if len(candidates) != 1:
            names = sorted({n for d in entries if (n := _ref_name(d)) and not COSIGN_TAG_RE.match(n)})
            if not candidates:
                detail = f"no image tagged {tag!r}" if tag else "the layout holds no image"
            else:
                detail = f"{len(candidates)} images match; name one with oci:DIR:TAG"
            raise InputError(f"{self.description}: {detail} (tags present: {', '.join(names) or 'none'})")
        descriptor = candidates[0]
        media_type = descriptor.get("mediaType")
        if not isinstance(media_type, str):
            raise InputError(f"{self.description}: index entry without mediaType")
        size = descriptor.get("size")
        if isinstance(size, int) and size > MAX_IMAGE_MANIFEST_BYTES:
            raise LimitExceeded(f"{self.description}: image manifest is {size} bytes, larger than the {MAX_IMAGE_MANIFEST_BYTES} byte bound")
        manifest = self.read_blob(str(descriptor.get("digest")), size if isinstance(size, int) else None, MAX_IMAGE_MANIFEST_BYTES)
        return ResolvedImage(digest_of(manifest), media_type, manifest, _ref_name(descriptor))

    # ------------------------------------------------------------------ writing

    def _atomic_write(self, relative: str, data: bytes) -> None:
        target = self.root / relative
        if target.is_symlink():
            raise InputError(f"{self.description}: {relative} is a symlink; refusing to replace it")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            atomic_write(target, data)
        except OSError as exc:
            raise InputError(f"{self.description}: cannot write {relative} ({exc.strerror or exc})") from None

    def write_blob(self, data: bytes) -> None:
        hexpart = digest_of(data).split(":", 1)[1]
        relative = f"blobs/sha256/{hexpart}"
        path = self.root / relative
        self._check_blob_dirs()
        if path.is_file() and not path.is_symlink() and path.stat().st_size == len(data):
            return
        self._atomic_write(relative, data)

    def write_tagged_manifest(self, tag: str, manifest: bytes, media_type: str) -> None:
        self.write_blob(manifest)
        index = self.read_index()
        kept = [d for d in index["manifests"] if not (isinstance(d, dict) and _ref_name(d) == tag)]
        annotations = {REF_NAME: tag}
        kind = KIND_BY_SUFFIX.get(tag[-4:])
        if kind:
            annotations[KIND_ANNOTATION] = kind
        kept.append({"mediaType": media_type, "digest": digest_of(manifest), "size": len(manifest), "annotations": annotations})
        index["manifests"] = kept
        self._atomic_write("index.json", json.dumps(index, separators=(",", ":")).encode())


def _ref_name(descriptor: dict[str, Any]) -> str | None:
    annotations = descriptor.get("annotations")
    if isinstance(annotations, dict) and isinstance(annotations.get(REF_NAME), str):
        return annotations[REF_NAME]
    return None
