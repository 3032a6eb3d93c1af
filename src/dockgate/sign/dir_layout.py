"""containers/image's ``dir:`` layout (what ``skopeo copy ... dir:PATH`` writes).

``manifest.json`` is the image manifest; its digest is the sha256 of its bytes. Signatures are
``signature-1``, ``signature-2``, ... (read in order until the first gap). A sigstore signature
file is a NUL byte, ``sigstore-json`` and a newline, then JSON::

    {"mimeType": MEDIA-TYPE, "payload": BASE64, "annotations": {NAME: VALUE, ...}}

which carries exactly what one layer of a cosign ``.sig`` manifest carries. Other signature
formats (GPG "simple signing") are reported as not sigstore signatures, never accepted.
Files are read with the image package's bounded reader; unlike in an OCI layout, symlinks are
followed (containers/image's own ``dir:`` fixtures link files between folders).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dockgate.errors import InputError, LimitExceeded
from dockgate.image.blobstore import read_regular_file
from dockgate.image.digest import digest_of
from dockgate.sign.cosign_layout import Layer

SIGSTORE_PREFIX = b"\x00sigstore-json\n"
MAX_MANIFEST_BYTES = 4 << 20
MAX_SIGNATURE_FILE_BYTES = 4 << 20
MAX_SIGNATURE_FILES = 1000


@dataclass(frozen=True)
class UnreadableSignature:
    """A signature file that cannot be a valid sigstore signature (the reason says why)."""

    source: str
    reason: str


def manifest_digest(root: str | Path) -> tuple[str, bytes]:
    """The digest of ``manifest.json`` and its bytes; InputError when it cannot be computed."""
    path = Path(root) / "manifest.json"
    if not Path(root).is_dir():
        raise InputError(f"{root}: no such directory (dir: layout)")
    data = read_regular_file(path, MAX_MANIFEST_BYTES, f"{path}: manifest", follow_symlinks=True)
    if data is None:
        raise InputError(f"{root}: no manifest.json: cannot compute the image digest")
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InputError(f"{path}: manifest digest cannot be computed: the manifest is not valid JSON") from None
    if not isinstance(document, dict):
        raise InputError(f"{path}: manifest digest cannot be computed: not a JSON object")
    if document.get("schemaVersion") == 1:
        raise InputError(f"{path}: Docker schema 1 manifests are not supported (their digest depends on stripping JWS signatures)")
    if document.get("schemaVersion") != 2:
        raise InputError(f"{path}: manifest digest cannot be computed: unknown schemaVersion {str(document.get('schemaVersion'))[:20]}")
    return digest_of(data), data


def parse_signature_file(data: bytes, source: str) -> Layer | UnreadableSignature:
    if not data.startswith(SIGSTORE_PREFIX):
        return UnreadableSignature(source, "not a sigstore signature (other signature format)")
    try:
        document = json.loads(data[len(SIGSTORE_PREFIX) :])
    except (ValueError, UnicodeDecodeError, RecursionError):
        return UnreadableSignature(source, "sigstore signature is not valid JSON")
    if not isinstance(document, dict):
        return UnreadableSignature(source, "sigstore signature is not a JSON object")
    media_type, payload, annotations = document.get("mimeType"), document.get("payload"), document.get("annotations") or {}
    if not isinstance(media_type, str) or not isinstance(payload, str):
        return UnreadableSignature(source, "sigstore signature without mimeType or payload")
    if not isinstance(annotations, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in annotations.items()):
        return UnreadableSignature(source, "sigstore signature annotations must map strings to strings")
    try:
        blob = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return UnreadableSignature(source, "sigstore signature payload is not valid base64")
    return Layer(media_type, blob, dict(annotations), source)


def read_signatures(root: str | Path) -> list[Layer | UnreadableSignature]:
    found: list[Layer | UnreadableSignature] = []
    for number in range(1, MAX_SIGNATURE_FILES + 2):
        path = Path(root) / f"signature-{number}"
        data = read_regular_file(path, MAX_SIGNATURE_FILE_BYTES, f"{path}: signature", follow_symlinks=True)
        if data is None:
            break
        if number > MAX_SIGNATURE_FILES:
            raise LimitExceeded(f"{root}: more than {MAX_SIGNATURE_FILES} signature files")
        found.append(parse_signature_file(data, str(path)))
    return found


def encode_signature_file(layer: Layer) -> bytes:
    document = {"mimeType": layer.media_type, "payload": base64.b64encode(layer.blob).decode("ascii"), "annotations": layer.annotations}
    return SIGSTORE_PREFIX + json.dumps(document, separators=(",", ":")).encode()


def write_signature(root: str | Path, layer: Layer) -> Path:
    """Store ``layer`` as the next ``signature-N`` file (atomically); return its path."""
    root = Path(root)
    number = 1
    while (root / f"signature-{number}").exists():
        number += 1
        if number > MAX_SIGNATURE_FILES:
            raise LimitExceeded(f"{root}: already {MAX_SIGNATURE_FILES} signature files")
    target = root / f"signature-{number}"
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".signature.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(encode_signature_file(layer))
        os.link(tmp, target)  # fails rather than overwrite a signature written meanwhile
    except OSError as exc:
        raise InputError(f"{target}: cannot write signature ({exc.strerror or exc})") from None
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass
    return target
