"""in-toto attestations in DSSE envelopes, stored as cosign stores them.

The statement (in-toto Statement v0.1, what ``cosign attest`` writes)::

    {"_type":"https://in-toto.io/Statement/v0.1","predicateType":URI,
     "subject":[{"name":REPOSITORY,"digest":{"sha256":HEX}}],"predicate":{...}}

It is the payload of a DSSE envelope (payloadType ``application/vnd.in-toto+json``). The envelope
is one layer (media type ``application/vnd.dsse.envelope.v1+json``) of the ``sha256-<hex>.att``
manifest, with the annotations ``predicateType`` and an empty ``dev.cosignproject.cosign/signature``
(the signature lives inside the envelope).

Verification fails closed: the envelope must be signed (PAE) by a given key, the statement
must parse strictly, name the image digest among its subjects, and carry the wanted type.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Sequence

from cryptography.hazmat.primitives.asymmetric import ec

from dockgate.errors import InputError
from dockgate.image.digest import parse_digest
from dockgate.sign.cosign_layout import PREDICATE_TYPE_ANNOTATION, SIGNATURE_ANNOTATION, Layer
from dockgate.sign.dsse import DSSE_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE, make_envelope, parse_envelope
from dockgate.sign.keys import PublicKey
from dockgate.sign.payload import PayloadError, go_json, sorted_keys, strict_json
from dockgate.sign.verify import Rejection

STATEMENT_V01 = "https://in-toto.io/Statement/v0.1"
STATEMENT_V1 = "https://in-toto.io/Statement/v1"
PREDICATE_TYPES = {
    "cyclonedx": "https://cyclonedx.org/bom",
    "vuln": "https://cosign.sigstore.dev/attestation/vuln/v1",
}
MAX_PREDICATE_BYTES = 32 << 20
ZERO_TIME = "0001-01-01T00:00:00Z"


def predicate_type_uri(name: str) -> str:
    if name in PREDICATE_TYPES:
        return PREDICATE_TYPES[name]
    if name in PREDICATE_TYPES.values():
        return name
    raise InputError(f"unknown attestation type {name!r} (known: {', '.join(PREDICATE_TYPES)})")


def _load_predicate(data: bytes, what: str) -> dict[str, Any]:
    if len(data) > MAX_PREDICATE_BYTES:
        raise InputError(f"{what}: predicate larger than {MAX_PREDICATE_BYTES} bytes")
    try:
        value = strict_json(data, what)
    except PayloadError as exc:
        raise InputError(str(exc)) from None
    if not isinstance(value, dict):
        raise InputError(f"{what}: the predicate must be a JSON object")
    return value


def _string(value: Any, name: str, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{what}: {name} must be a string")
    return value


def _time(value: Any, name: str, what: str) -> str:
    if value is None:
        return ZERO_TIME
    text = _string(value, name, what)
    try:
        datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{what}: {name} is not an RFC 3339 time: {text[:60]!r}") from None
    return text


def _object(value: Any, name: str, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{what}: {name} must be an object")
    return value


def cyclonedx_predicate(data: bytes, what: str) -> Any:
    predicate = _load_predicate(data, what)
    if predicate.get("bomFormat") != "CycloneDX":
        raise InputError(f"{what}: not a CycloneDX JSON document (bomFormat is {str(predicate.get('bomFormat'))[:40]!r})")
    return sorted_keys(predicate)  # Go re-marshals the parsed map with sorted keys


def vuln_predicate(data: bytes, what: str) -> dict[str, Any]:
    """cosign's vulnerability-scan predicate, in the field order of its Go struct."""
    raw = _load_predicate(data, what)
    invocation = _object(raw.get("invocation"), "invocation", what)
    scanner = _object(raw.get("scanner"), "scanner", what)
    db = _object(scanner.get("db"), "scanner.db", what)
    metadata = _object(raw.get("metadata"), "metadata", what)
    return {
        "invocation": {
            "parameters": sorted_keys(invocation.get("parameters")),
            "uri": _string(invocation.get("uri"), "invocation.uri", what),
            "event_id": _string(invocation.get("event_id"), "invocation.event_id", what),
            "builder.id": _string(invocation.get("builder.id"), "invocation.builder.id", what),
        },
        "scanner": {
            "uri": _string(scanner.get("uri"), "scanner.uri", what),
            "version": _string(scanner.get("version"), "scanner.version", what),
            "db": {"uri": _string(db.get("uri"), "scanner.db.uri", what), "version": _string(db.get("version"), "scanner.db.version", what)},
            "result": sorted_keys(scanner.get("result")),
        },
        "metadata": {
            "scanStartedOn": _time(metadata.get("scanStartedOn"), "metadata.scanStartedOn", what),
            "scanFinishedOn": _time(metadata.get("scanFinishedOn"), "metadata.scanFinishedOn", what),
        },
    }


def make_statement(type_name: str, predicate_data: bytes, subject_name: str, image_digest: str, what: str = "predicate") -> bytes:
    digest = parse_digest(image_digest, "image digest")
    if not digest.startswith("sha256:"):
        raise InputError(f"attestation subjects use sha256 digests; the image digest is {digest}")
    uri = predicate_type_uri(type_name)
    predicate = cyclonedx_predicate(predicate_data, what) if uri == PREDICATE_TYPES["cyclonedx"] else vuln_predicate(predicate_data, what)
    statement = {
        "_type": STATEMENT_V01,
        "predicateType": uri,
        "subject": [{"name": subject_name, "digest": {"sha256": digest.split(":", 1)[1]}}],
        "predicate": predicate,
    }
    return go_json(statement)


def attestation_layer(key: ec.EllipticCurvePrivateKey, statement: bytes) -> Layer:
    predicate_type = strict_json(statement, "statement")["predicateType"]
    envelope = make_envelope(key, statement, IN_TOTO_PAYLOAD_TYPE)
    return Layer(DSSE_MEDIA_TYPE, envelope, {SIGNATURE_ANNOTATION: "", PREDICATE_TYPE_ANNOTATION: predicate_type})


@dataclass(frozen=True)
class VerifiedAttestation:
    source: str
    key: str
    predicate_type: str
    subjects: list[str]
    statement: dict[str, Any]


def _statement(payload: bytes) -> dict[str, Any]:
    statement = strict_json(payload, "statement")
    if not isinstance(statement, dict):
        raise PayloadError("statement is not a JSON object")
    if statement.get("_type") not in (STATEMENT_V01, STATEMENT_V1):
        raise PayloadError(f"statement _type {str(statement.get('_type'))[:80]!r} is not an in-toto statement")
    if not isinstance(statement.get("predicateType"), str):
        raise PayloadError("statement has no predicateType")
    subjects = statement.get("subject")
    if not isinstance(subjects, list) or not subjects:
        raise PayloadError("statement has no subjects")
    return statement


def _subject_matches(subject: Any, hexdigest: str) -> bool:
    return isinstance(subject, dict) and isinstance(subject.get("digest"), dict) and subject["digest"].get("sha256") == hexdigest


def verify_attestation(
    layer: Layer, keys: Sequence[PublicKey], image_digest: str, predicate_type: str | None = None
) -> VerifiedAttestation | Rejection:
    if layer.media_type != DSSE_MEDIA_TYPE:
        return Rejection(layer.source, f"not a DSSE attestation (media type {layer.media_type[:80]!r})")
    try:
        envelope = parse_envelope(layer.blob)
    except PayloadError as exc:
        return Rejection(layer.source, str(exc))
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE:
        return Rejection(layer.source, f"envelope payloadType {envelope.payload_type[:80]!r} is not in-toto")
    signer = envelope.signed_by(list(keys))
    if signer is None:
        return Rejection(layer.source, "attestation signature does not verify with the given key(s)")
    try:
        statement = _statement(envelope.payload)
    except PayloadError as exc:
        return Rejection(layer.source, f"signed statement is invalid: {exc}")
    hexdigest = image_digest.split(":", 1)[1]
    if not any(_subject_matches(s, hexdigest) for s in statement["subject"]):
        return Rejection(layer.source, f"attestation subjects do not include {image_digest}")
    if predicate_type is not None and statement["predicateType"] != predicate_type:
        return Rejection(layer.source, f"predicate type is {statement['predicateType'][:120]!r}, not {predicate_type!r}")
    names = [str(s.get("name", "")) for s in statement["subject"] if isinstance(s, dict)]
    return VerifiedAttestation(layer.source, signer.source, statement["predicateType"], names, statement)
