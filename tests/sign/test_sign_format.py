"""What dockgate writes, field by field, against cosign's signature specification
(sigstore/cosign specs/SIGNATURE_SPEC.md) and against what cosign itself produced
(the payloads of the conformance signatures)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from dockgate.sign.cosign_layout import build_manifest, signature_tag
from dockgate.sign.payload import make_payload
from dockgate.sign.signing import signature_layer
from sign_helpers import make_key_pair

DIGEST = "sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00"


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def test_tag_of_a_digest() -> None:
    assert signature_tag(DIGEST) == "sha256-634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00.sig"


@pytest.mark.shared
def test_payload_bytes_equal_cosigns(cosign_fixtures: Path) -> None:
    """cosign signed exactly these bytes; dockgate writes the same bytes for the same inputs."""
    raw = (cosign_fixtures / "dir-img-cosign-valid" / "signature-1").read_bytes()
    theirs = base64.b64decode(json.loads(raw[raw.index(b"{") :])["payload"])
    assert make_payload("192.168.64.2:5000/cosign-signed-single-sample", DIGEST) == theirs
    raw = (cosign_fixtures / "dir-img-cosign-valid-with-tag" / "signature-1").read_bytes()
    theirs = base64.b64decode(json.loads(raw[raw.index(b"{") :])["payload"])
    optional = {"timestamp": 1657296609, "creator": "containers/image 5.21.2-dev"}
    assert make_payload("192.168.64.2:5000/skopeo-signed:tag", DIGEST, optional) == theirs


def test_payload_keys_and_order() -> None:
    payload = json.loads(make_payload("reg.example/app", DIGEST))
    assert list(payload) == ["critical", "optional"]
    assert list(payload["critical"]) == ["identity", "image", "type"]
    assert payload["critical"]["identity"] == {"docker-reference": "reg.example/app"}
    assert payload["critical"]["image"] == {"docker-manifest-digest": DIGEST}
    assert payload["critical"]["type"] == "cosign container image signature"
    assert payload["optional"] is None


def test_signature_manifest_shape(tmp_path: Path) -> None:
    pair = make_key_pair(tmp_path)
    layer = signature_layer(pair.key, "reg.example/app", DIGEST)
    built = build_manifest([layer])
    manifest = json.loads(built.manifest)
    assert list(manifest) == ["schemaVersion", "mediaType", "config", "layers"]
    assert manifest["schemaVersion"] == 2
    assert manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert manifest["config"] == {"mediaType": "application/vnd.oci.image.config.v1+json", "size": len(built.config), "digest": _sha(built.config)}
    (descriptor,) = manifest["layers"]
    assert list(descriptor) == ["mediaType", "size", "digest", "annotations"]
    assert descriptor["mediaType"] == "application/vnd.dev.cosign.simplesigning.v1+json"
    assert descriptor["size"] == len(layer.blob) and descriptor["digest"] == _sha(layer.blob)
    assert list(descriptor["annotations"]) == ["dev.cosignproject.cosign/signature"]
    signature = base64.b64decode(descriptor["annotations"]["dev.cosignproject.cosign/signature"], validate=True)
    assert signature[0] == 0x30  # ASN.1 DER SEQUENCE (r, s)
    assert pair.public_key().verify(signature, layer.blob)
    assert b" " not in built.manifest and b"\n" not in built.manifest  # compact, as Go marshals


def test_signature_config_is_cosigns() -> None:
    from dockgate.sign.cosign_layout import signature_config

    payload_digest = _sha(b"payload")
    assert signature_config([payload_digest]) == (
        '{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],'
        f'"os":"","rootfs":{{"type":"layers","diff_ids":["{payload_digest}"]}},"config":{{}}}}'
    ).encode()


def test_layout_entry_written_by_sign(oci_image, key_pair, run_cli, password_env) -> None:
    assert run_cli("sign", f"oci:{oci_image.root}", "--key", key_pair.private, "--reference", "reg.example/app")[0] == 0
    entries = json.loads((oci_image.root / "index.json").read_text())["manifests"]
    (entry,) = [e for e in entries if e["digest"] != oci_image.manifest_digest]
    assert entry["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert entry["annotations"]["org.opencontainers.image.ref.name"] == signature_tag(oci_image.manifest_digest)
    manifest_bytes = (oci_image.root / "blobs/sha256" / entry["digest"].split(":")[1]).read_bytes()
    assert _sha(manifest_bytes) == entry["digest"] and len(manifest_bytes) == entry["size"]
    manifest = json.loads(manifest_bytes)
    (layer,) = manifest["layers"]
    payload = (oci_image.root / "blobs/sha256" / layer["digest"].split(":")[1]).read_bytes()
    assert json.loads(payload)["critical"]["image"]["docker-manifest-digest"] == oci_image.manifest_digest
    assert json.loads(payload)["critical"]["identity"]["docker-reference"] == "reg.example/app"
    config = (oci_image.root / "blobs/sha256" / manifest["config"]["digest"].split(":")[1]).read_bytes()
    assert json.loads(config)["rootfs"]["diff_ids"] == [layer["digest"]]


def test_optional_claims_sorted_like_a_go_map(tmp_path: Path) -> None:
    payload = make_payload("r.example/a", DIGEST, {"z": "1", "a": "<&>"})
    assert payload.endswith(b'"optional":{"a":"\\u003c\\u0026\\u003e","z":"1"}}')
