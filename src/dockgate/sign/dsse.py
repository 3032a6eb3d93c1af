"""DSSE (Dead Simple Signing Envelope), as cosign uses it for attestations.

The signature is over PAE(payloadType, payload) =
``"DSSEv1" SP len(type) SP type SP len(body) SP body`` (lengths in ASCII decimal), never over
the base64 text. The envelope is ``{"payloadType", "payload": B64, "signatures": [{"keyid",
"sig": B64}]}``.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec

from dockgate.sign.keys import PublicKey, sign_bytes
from dockgate.sign.payload import PayloadError, go_json, strict_json

DSSE_MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json"
IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"
MAX_SIGNATURES = 64
_URLSAFE_RE = re.compile(r"^[A-Za-z0-9_-]*={0,2}$")


def pae(payload_type: str, payload: bytes) -> bytes:
    """The pre-authentication encoding DSSE signs."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


@dataclass(frozen=True)
class Envelope:
    payload_type: str
    payload: bytes
    signatures: list[tuple[str, bytes]]

    def signed_by(self, keys: list[PublicKey] | tuple[PublicKey, ...]) -> PublicKey | None:
        message = pae(self.payload_type, self.payload)
        for _, signature in self.signatures:
            for key in keys:
                if key.verify(signature, message):
                    return key
        return None


def make_envelope(key: ec.EllipticCurvePrivateKey, payload: bytes, payload_type: str = IN_TOTO_PAYLOAD_TYPE) -> bytes:
    signature = sign_bytes(key, pae(payload_type, payload))
    return go_json(
        {
            "payloadType": payload_type,
            "payload": base64.b64encode(payload).decode("ascii"),
            "signatures": [{"keyid": "", "sig": base64.b64encode(signature).decode("ascii")}],
        }
    )


def _b64(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise PayloadError(f"envelope {what} is not a string")
    try:
        if _URLSAFE_RE.match(value) and ("-" in value or "_" in value):  # DSSE allows URL-safe base64
            return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise PayloadError(f"envelope {what} is not valid base64") from None


def parse_envelope(data: bytes) -> Envelope:
    """Parse strictly; raise PayloadError (a reason to reject) on anything malformed."""
    document = strict_json(data, "DSSE envelope")
    if not isinstance(document, dict):
        raise PayloadError("DSSE envelope is not a JSON object")
    payload_type = document.get("payloadType")
    if not isinstance(payload_type, str):
        raise PayloadError("DSSE envelope has no payloadType")
    payload = _b64(document.get("payload"), "payload")
    signatures = document.get("signatures")
    if not isinstance(signatures, list) or not signatures:
        raise PayloadError("DSSE envelope has no signatures")
    if len(signatures) > MAX_SIGNATURES:
        raise PayloadError(f"DSSE envelope has more than {MAX_SIGNATURES} signatures")
    parsed = []
    for item in signatures:
        if not isinstance(item, dict):
            raise PayloadError("DSSE signature is not an object")
        keyid = item.get("keyid", "")
        parsed.append((keyid if isinstance(keyid, str) else "", _b64(item.get("sig"), "signature")))
    return Envelope(payload_type, payload, parsed)
