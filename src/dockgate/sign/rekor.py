"""Offline check of the Rekor bundle cosign attaches to a signature (``dev.sigstore.cosign/bundle``).

The bundle is ``{"SignedEntryTimestamp": B64, "Payload": {"body": B64, "integratedTime": N,
"logIndex": N, "logID": HEX}}``. It is valid when:

- the SignedEntryTimestamp is Rekor's ECDSA-SHA256 signature over the canonical JSON (sorted
  keys, no spaces) of ``{body, integratedTime, logID, logIndex}``, made by a given Rekor key
  whose SHA-256 over its DER SubjectPublicKeyInfo equals ``logID``;
- the body is a ``hashedrekord`` entry for exactly this signature: the payload's sha256, the
  same signature bytes, and the same public key as the one that verified the signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Sequence

from cryptography.hazmat.primitives import serialization

from dockgate.errors import InputError
from dockgate.sign.keys import PublicKey, parse_public_key
from dockgate.sign.payload import PayloadError, strict_json

BUNDLE_ANNOTATION = "dev.sigstore.cosign/bundle"


class BundleError(ValueError):
    """The bundle is absent or does not prove this signature's log entry (the reason)."""


@dataclass(frozen=True)
class LogEntry:
    integrated_time: int
    log_index: int
    log_id: str


def key_id(key: PublicKey) -> str:
    der = key.key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def _b64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise BundleError(f"bundle {what} is not a string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BundleError(f"bundle {what} is not valid base64") from None


def _get(mapping: Any, *path: str) -> Any:
    for name in path:
        if not isinstance(mapping, dict):
            raise BundleError(f"bundle body has no {'.'.join(path)}")
        mapping = mapping.get(name)
    return mapping


def verify_bundle(annotations: dict[str, str], payload: bytes, signature: bytes, signer: PublicKey, rekor_keys: Sequence[PublicKey]) -> LogEntry:
    text = annotations.get(BUNDLE_ANNOTATION)
    if not text:
        raise BundleError("no Rekor bundle on the signature")
    try:
        bundle = strict_json(text.encode("utf-8"), "Rekor bundle")
    except PayloadError as exc:
        raise BundleError(str(exc)) from None
    entry = bundle.get("Payload") if isinstance(bundle, dict) else None
    if not isinstance(entry, dict):
        raise BundleError("Rekor bundle has no Payload")
    body, integrated, index, log_id = entry.get("body"), entry.get("integratedTime"), entry.get("logIndex"), entry.get("logID")
    if not isinstance(body, str) or not isinstance(log_id, str):
        raise BundleError("Rekor bundle Payload lacks body or logID")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (integrated, index)):
        raise BundleError("Rekor bundle integratedTime/logIndex are not integers")
    set_signature = _b64(bundle.get("SignedEntryTimestamp"), "SignedEntryTimestamp")
    canonical = json.dumps({"body": body, "integratedTime": integrated, "logID": log_id, "logIndex": index}, separators=(",", ":"), sort_keys=True).encode()
    log_keys = [k for k in rekor_keys if key_id(k) == log_id]
    if not log_keys:
        raise BundleError(f"Rekor bundle is from log {log_id[:16]}..., not one of the given Rekor keys")
    if not any(k.verify(set_signature, canonical) for k in log_keys):
        raise BundleError("Rekor SignedEntryTimestamp does not verify")
    try:
        entry_body = json.loads(_b64(body, "body"))
    except (ValueError, UnicodeDecodeError):
        raise BundleError("Rekor entry body is not JSON") from None
    if _get(entry_body, "kind") != "hashedrekord":
        raise BundleError(f"Rekor entry kind {str(_get(entry_body, 'kind'))[:40]!r} is not hashedrekord")
    if _get(entry_body, "spec", "data", "hash", "algorithm") != "sha256" or _get(entry_body, "spec", "data", "hash", "value") != hashlib.sha256(payload).hexdigest():
        raise BundleError("Rekor entry is for other data (payload hash differs)")
    if _b64(_get(entry_body, "spec", "signature", "content"), "entry signature") != signature:
        raise BundleError("Rekor entry records another signature")
    logged_key = _b64(_get(entry_body, "spec", "signature", "publicKey", "content"), "entry public key")
    try:
        logged = parse_public_key(logged_key, "Rekor entry public key")
    except InputError:
        raise BundleError("Rekor entry public key is not a PEM ECDSA key") from None
    if key_id(logged) != key_id(signer):
        raise BundleError("Rekor entry records another public key")
    return LogEntry(integrated, index, log_id)
