"""cosign's simple-signing payload: what a signature signs.

Written exactly as cosign marshals it (compact JSON, keys in this order)::

    {"critical":{"identity":{"docker-reference":REF},"image":{"docker-manifest-digest":DIGEST},
     "type":"cosign container image signature"},"optional":OPTIONAL-OR-null}

Read strictly: duplicate keys, a wrong ``type``, or a malformed digest make the payload invalid
(a parser differential must never turn into an accepted signature).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dockgate.image.digest import parse_digest

SIMPLE_SIGNING_MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json"
COSIGN_SIGNATURE_TYPE = "cosign container image signature"
MAX_PAYLOAD_BYTES = 1 << 20


class PayloadError(ValueError):
    """The payload is not a valid simple-signing document (a reason to reject a signature)."""


def go_json(value: Any) -> bytes:
    """JSON as Go's encoding/json writes it: compact, UTF-8, HTML characters escaped.

    Map keys keep the caller's order (Go structs) — pass ``sort_keys`` data yourself for Go maps.
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text.encode("utf-8")


def sorted_keys(value: Any) -> Any:
    """``value`` with every object's keys sorted (how Go marshals ``map[string]interface{}``)."""
    if isinstance(value, dict):
        return {k: sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [sorted_keys(v) for v in value]
    return value


def make_payload(docker_reference: str, manifest_digest: str, optional: dict[str, Any] | None = None) -> bytes:
    parse_digest(manifest_digest, "manifest digest")
    document = {
        "critical": {
            "identity": {"docker-reference": docker_reference},
            "image": {"docker-manifest-digest": manifest_digest},
            "type": COSIGN_SIGNATURE_TYPE,
        },
        "optional": sorted_keys(optional) if optional else None,
    }
    return go_json(document)


@dataclass(frozen=True)
class SimpleSigningPayload:
    docker_reference: str
    manifest_digest: str
    optional: dict[str, Any] | None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise PayloadError(f"duplicate key {key!r}")
        result[key] = value
    return result


def strict_json(data: bytes, what: str) -> Any:
    """Parse JSON refusing duplicate keys and non-UTF-8; raise PayloadError."""
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except PayloadError as exc:
        raise PayloadError(f"{what}: {exc}") from None
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise PayloadError(f"{what} is not valid JSON ({type(exc).__name__})") from None


def _object(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"payload field {name!r} missing or not an object")
    return value


def parse_payload(data: bytes) -> SimpleSigningPayload:
    if len(data) > MAX_PAYLOAD_BYTES:
        raise PayloadError(f"payload larger than {MAX_PAYLOAD_BYTES} bytes")
    document = _object(strict_json(data, "payload"), "payload")
    critical = _object(document.get("critical"), "critical")
    if critical.get("type") != COSIGN_SIGNATURE_TYPE:
        raise PayloadError(f"payload type is {str(critical.get('type'))[:80]!r}, not {COSIGN_SIGNATURE_TYPE!r}")
    reference = _object(critical.get("identity"), "critical.identity").get("docker-reference")
    if not isinstance(reference, str):
        raise PayloadError("payload has no critical.identity.docker-reference string")
    digest = _object(critical.get("image"), "critical.image").get("docker-manifest-digest")
    try:
        parse_digest(digest, "payload")
    except Exception:
        raise PayloadError(f"payload docker-manifest-digest {str(digest)[:80]!r} is not a digest") from None
    optional = document.get("optional")
    if optional is not None and not isinstance(optional, dict):
        raise PayloadError("payload field 'optional' is neither an object nor null")
    return SimpleSigningPayload(reference, digest, optional)
