"""Make a cosign signature layer for an image digest."""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from dockgate.sign.cosign_layout import SIGNATURE_ANNOTATION, Layer
from dockgate.sign.keys import sign_bytes
from dockgate.sign.payload import SIMPLE_SIGNING_MEDIA_TYPE, make_payload


def signature_layer(
    key: ec.EllipticCurvePrivateKey,
    docker_reference: str,
    manifest_digest: str,
    optional: dict[str, Any] | None = None,
) -> Layer:
    """The simple-signing payload for ``manifest_digest`` and its signature annotation."""
    payload = make_payload(docker_reference, manifest_digest, optional)
    signature = base64.b64encode(sign_bytes(key, payload)).decode("ascii")
    return Layer(SIMPLE_SIGNING_MEDIA_TYPE, payload, {SIGNATURE_ANNOTATION: signature})
