"""Verify cosign signatures of an image: fail closed.

A signature is valid only when ALL hold: it is a simple-signing layer, its annotation is
base64 of a DER ECDSA signature that verifies over the exact payload bytes with one of the
given keys, the payload parses strictly, its ``docker-manifest-digest`` equals the image's
digest, and (when asked) its ``docker-reference`` equals the expected reference exactly.
Anything that cannot be checked is a rejection, never an acceptance.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any, Sequence

from dockgate.errors import InputError
from dockgate.sign.cosign_layout import SIGNATURE_ANNOTATION, Layer
from dockgate.sign.dir_layout import UnreadableSignature
from dockgate.sign.keys import PublicKey
from dockgate.sign.payload import SIMPLE_SIGNING_MEDIA_TYPE, PayloadError, parse_payload
from dockgate.sign.rekor import BundleError, LogEntry, verify_bundle

MAX_SIGNATURE_B64_CHARS = 4096


@dataclass(frozen=True)
class VerifiedSignature:
    source: str
    key: str
    docker_reference: str
    manifest_digest: str
    optional: dict[str, Any] | None
    log_entry: LogEntry | None = None


@dataclass(frozen=True)
class Rejection:
    source: str
    reason: str


@dataclass
class VerificationResult:
    image: str
    manifest_digest: str
    verified: list[VerifiedSignature] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.verified)

    def reason(self) -> str:
        """One line: why verification failed (or what passed)."""
        if self.ok:
            refs = ", ".join(sorted({v.docker_reference for v in self.verified}))
            return f"{len(self.verified)} valid signature(s) for {self.manifest_digest} ({refs})"
        if not self.rejected:
            return f"no signatures found for {self.manifest_digest}"
        reasons = "; ".join(sorted({r.reason for r in self.rejected}))
        return f"no valid signature for {self.manifest_digest}: {len(self.rejected)} rejected ({reasons})"


def normalize_reference(text: str) -> str | None:
    """A docker reference in canonical form (``busybox`` → ``docker.io/library/busybox``);
    no default tag is added. None when ``text`` is not a reference."""
    from dockgate.registry import parse_reference

    try:
        ref = parse_reference(text)
    except InputError:
        return None
    if text.startswith("docker://"):
        return None
    name = text.split("@", 1)[0]
    explicit_tag = name.rfind(":") > name.rfind("/")
    out = ref.name
    if explicit_tag and ref.tag:
        out += f":{ref.tag}"
    if ref.digest:
        out += f"@{ref.digest}"
    return out


def decode_signature(value: str) -> bytes:
    if len(value) > MAX_SIGNATURE_B64_CHARS:
        raise ValueError("signature annotation is implausibly long")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("signature annotation is not valid base64") from None
    if not raw:
        raise ValueError("signature annotation is empty")
    return raw


def verify_entry(
    entry: Layer | UnreadableSignature,
    keys: Sequence[PublicKey],
    image_digest: str,
    expected_reference: str | None = None,
    rekor_keys: Sequence[PublicKey] | None = None,
) -> VerifiedSignature | Rejection:
    """Judge one stored signature; with ``rekor_keys`` it must also carry a Rekor bundle that
    proves this very signature was logged."""
    if isinstance(entry, UnreadableSignature):
        return Rejection(entry.source, entry.reason)
    if entry.media_type != SIMPLE_SIGNING_MEDIA_TYPE:
        return Rejection(entry.source, f"not a cosign signature (media type {entry.media_type[:80]!r})")
    annotation = entry.annotations.get(SIGNATURE_ANNOTATION)
    if annotation is None:
        return Rejection(entry.source, f"layer has no {SIGNATURE_ANNOTATION} annotation")
    try:
        signature = decode_signature(annotation)
    except ValueError as exc:
        return Rejection(entry.source, str(exc))
    signer = next((key for key in keys if key.verify(signature, entry.blob)), None)
    if signer is None:
        return Rejection(entry.source, "signature does not verify with the given key(s)")
    try:
        payload = parse_payload(entry.blob)
    except PayloadError as exc:
        return Rejection(entry.source, f"signed payload is invalid: {exc}")
    if payload.manifest_digest != image_digest:
        return Rejection(entry.source, f"signature is for {payload.manifest_digest}, not the image's {image_digest}")
    if expected_reference is not None:
        wanted = normalize_reference(expected_reference)
        signed = normalize_reference(payload.docker_reference)
        if wanted is None or signed is None or wanted != signed:
            return Rejection(entry.source, f"signed docker-reference {payload.docker_reference[:200]!r} is not {expected_reference!r}")
    log_entry = None
    if rekor_keys:
        try:
            log_entry = verify_bundle(entry.annotations, entry.blob, signature, signer, rekor_keys)
        except BundleError as exc:
            return Rejection(entry.source, str(exc))
    return VerifiedSignature(entry.source, signer.source, payload.docker_reference, payload.manifest_digest, payload.optional, log_entry)


def verify_entries(
    image: str,
    image_digest: str,
    entries: Sequence[Layer | UnreadableSignature],
    keys: Sequence[PublicKey],
    expected_reference: str | None = None,
    rekor_keys: Sequence[PublicKey] | None = None,
) -> VerificationResult:
    if not keys:
        raise InputError("no public key given")
    result = VerificationResult(image, image_digest)
    for entry in entries:
        outcome = verify_entry(entry, keys, image_digest, expected_reference, rekor_keys)
        if isinstance(outcome, VerifiedSignature):
            result.verified.append(outcome)
        else:
            result.rejected.append(outcome)
    return result
