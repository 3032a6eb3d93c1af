"""Attestations: in-toto statements in DSSE envelopes, stored as cosign stores them."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from dockgate.errors import InputError
from dockgate.sign.attest import attestation_layer, make_statement, verify_attestation
from dockgate.sign.cosign_layout import Layer, attestation_tag
from dockgate.sign.dsse import make_envelope, pae, parse_envelope
from dockgate.sign.verify import Rejection
from sign_helpers import make_key_pair

DIGEST = "sha256:" + "cd" * 32
BOM = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [{"type": "library", "name": "zlib", "version": "1.3"}]}
VULN = {
    "scanner": {"uri": "https://github.com/dockgate/dockgate", "version": "0.1.0", "db": {"uri": "osv", "version": "2026-11-27"}, "result": {"matches": []}},
    "metadata": {"scanStartedOn": "2026-11-27T01:00:00Z", "scanFinishedOn": "2026-11-27T01:00:05Z"},
}


def test_pae_matches_the_dsse_spec_example() -> None:
    # the worked example of the DSSE protocol specification
    assert pae("http://example.com/HelloWorld", b"hello world") == b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"


def test_statement_shape_cyclonedx() -> None:
    statement = json.loads(make_statement("cyclonedx", json.dumps(BOM).encode(), "reg.example/app", DIGEST))
    assert list(statement) == ["_type", "predicateType", "subject", "predicate"]
    assert statement["_type"] == "https://in-toto.io/Statement/v0.1"
    assert statement["predicateType"] == "https://cyclonedx.org/bom"
    assert statement["subject"] == [{"name": "reg.example/app", "digest": {"sha256": "cd" * 32}}]
    assert statement["predicate"] == BOM
    assert list(statement["predicate"]) == sorted(BOM)  # Go map order


def test_statement_shape_vuln() -> None:
    statement = json.loads(make_statement("vuln", json.dumps(VULN).encode(), "reg.example/app", DIGEST))
    assert statement["predicateType"] == "https://cosign.sigstore.dev/attestation/vuln/v1"
    predicate = statement["predicate"]
    assert list(predicate) == ["invocation", "scanner", "metadata"]
    assert list(predicate["invocation"]) == ["parameters", "uri", "event_id", "builder.id"]
    assert list(predicate["scanner"]) == ["uri", "version", "db", "result"]
    assert predicate["scanner"]["db"] == {"uri": "osv", "version": "2026-11-27"}
    assert predicate["metadata"] == VULN["metadata"]


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [
        ("cyclonedx", b"[]", "JSON object"),
        ("cyclonedx", b"{not json", "not valid JSON"),
        ("cyclonedx", b'{"spdxVersion":"SPDX-2.3"}', "not a CycloneDX"),
        ("vuln", b'{"metadata":{"scanStartedOn":"yesterday"}}', "RFC 3339"),
        ("vuln", b'{"scanner":"x"}', "must be an object"),
        ("vuln", b'{"a":1,"a":2}', "duplicate key"),
    ],
)
def test_bad_predicates(kind: str, content: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        make_statement(kind, content, "r/a", DIGEST)


def test_layer_and_envelope_shape(tmp_path: Path) -> None:
    pair = make_key_pair(tmp_path)
    statement = make_statement("cyclonedx", json.dumps(BOM).encode(), "r/a", DIGEST)
    layer = attestation_layer(pair.key, statement)
    assert layer.media_type == "application/vnd.dsse.envelope.v1+json"
    assert layer.annotations == {"dev.cosignproject.cosign/signature": "", "predicateType": "https://cyclonedx.org/bom"}
    assert list(layer.descriptor()["annotations"]) == ["dev.cosignproject.cosign/signature", "predicateType"]
    envelope = json.loads(layer.blob)
    assert list(envelope) == ["payloadType", "payload", "signatures"]
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    assert base64.b64decode(envelope["payload"]) == statement
    assert list(envelope["signatures"][0]) == ["keyid", "sig"]
    signature = base64.b64decode(envelope["signatures"][0]["sig"])
    assert pair.public_key().verify(signature, pae("application/vnd.in-toto+json", statement))
    assert not pair.public_key().verify(signature, statement)  # over PAE, not the raw payload


def test_verify_attestation_rejections(tmp_path: Path) -> None:
    pair, other = make_key_pair(tmp_path / "a"), make_key_pair(tmp_path / "b")
    keys = [pair.public_key()]
    statement = make_statement("cyclonedx", json.dumps(BOM).encode(), "r/a", DIGEST)
    good = attestation_layer(pair.key, statement)
    assert verify_attestation(good, keys, DIGEST).predicate_type == "https://cyclonedx.org/bom"
    cases = {
        "does not verify": attestation_layer(other.key, statement),
        "do not include": attestation_layer(pair.key, make_statement("cyclonedx", json.dumps(BOM).encode(), "r/a", "sha256:" + "0" * 64)),
        "not in-toto": Layer(good.media_type, make_envelope(pair.key, statement, "text/plain"), good.annotations),
        "not a DSSE": Layer("application/json", good.blob, good.annotations),
        "not valid JSON": Layer(good.media_type, good.blob[:-5], good.annotations),
        "is not an in-toto statement": Layer(good.media_type, make_envelope(pair.key, b'{"_type":"x","predicateType":"p","subject":[{}]}'), good.annotations),
    }
    for reason, layer in cases.items():
        outcome = verify_attestation(layer, keys, DIGEST)
        assert isinstance(outcome, Rejection) and reason in outcome.reason, (reason, outcome)
    tampered = json.loads(good.blob)
    tampered["payload"] = base64.b64encode(statement.replace(b"zlib", b"evil")).decode()
    outcome = verify_attestation(Layer(good.media_type, json.dumps(tampered).encode(), good.annotations), keys, DIGEST)
    assert isinstance(outcome, Rejection) and "does not verify" in outcome.reason
    assert isinstance(verify_attestation(good, keys, DIGEST, "https://cosign.sigstore.dev/attestation/vuln/v1"), Rejection)


def test_attest_and_verify_cli(oci_image, key_pair, other_key_pair, tmp_path: Path, run_cli, password_env) -> None:
    bom, vuln = tmp_path / "bom.json", tmp_path / "vuln.json"
    bom.write_text(json.dumps(BOM))
    vuln.write_text(json.dumps(VULN))
    image = f"oci:{oci_image.root}"
    assert run_cli("verify-attestation", image, "--key", key_pair.public)[0] == 1  # none yet
    code, out, err = run_cli("attest", image, "--key", key_pair.private, "--type", "cyclonedx", "--predicate", bom, "-f", "json")
    assert code == 0, err
    assert json.loads(out)["predicateType"] == "https://cyclonedx.org/bom"
    assert run_cli("attest", image, "--key", key_pair.private, "--type", "vuln", "--predicate", vuln)[0] == 0
    code, out, _ = run_cli("verify-attestation", image, "--key", key_pair.public, "-f", "json")
    report = json.loads(out)
    assert code == 0 and sorted(a["predicateType"] for a in report["attestations"]) == ["https://cosign.sigstore.dev/attestation/vuln/v1", "https://cyclonedx.org/bom"]
    assert run_cli("verify-attestation", image, "--key", key_pair.public, "--type", "vuln")[0] == 0
    code, _, err = run_cli("verify-attestation", image, "--key", other_key_pair.public)
    assert code == 1 and "does not verify" in err
    entries = json.loads((oci_image.root / "index.json").read_text())["manifests"]
    tags = [e["annotations"]["org.opencontainers.image.ref.name"] for e in entries if "annotations" in e]
    assert attestation_tag(oci_image.manifest_digest) in tags
    # the project's own image reader still finds the image in the layout next to .sig/.att entries
    assert run_cli("sign", image, "--key", key_pair.private)[0] == 0
    code, out, err = run_cli("sbom", image, "-f", "json")
    assert code == 0, err
    assert oci_image.manifest_digest in out


def test_attest_bad_inputs(oci_image, key_pair, tmp_path: Path, run_cli, password_env) -> None:
    image = f"oci:{oci_image.root}"
    code, _, err = run_cli("attest", image, "--key", key_pair.private, "--type", "cyclonedx", "--predicate", tmp_path / "absent.json")
    assert code == 2 and "no such predicate file" in err
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "manifest.json").write_bytes(oci_image.manifest)
    bom = tmp_path / "bom.json"
    bom.write_text(json.dumps(BOM))
    code, _, err = run_cli("attest", f"dir:{folder}", "--key", key_pair.private, "--type", "cyclonedx", "--predicate", bom)
    assert code == 2 and "not in a dir: layout" in err


def test_fuzzed_envelopes_never_verify(tmp_path: Path) -> None:
    import random

    from test_sign_fuzz import _mutate_bytes

    rng = random.Random(5)
    pair = make_key_pair(tmp_path)
    statement = make_statement("cyclonedx", json.dumps(BOM).encode(), "r/a", DIGEST)
    good = attestation_layer(pair.key, statement)
    original = parse_envelope(good.blob)
    keys = [pair.public_key()]
    for _ in range(1500):
        blob = _mutate_bytes(rng, good.blob)
        outcome = verify_attestation(Layer(good.media_type, blob, good.annotations), keys, DIGEST)
        if not isinstance(outcome, Rejection):
            # only a JSON-level no-op may pass: same payload, same signature bytes
            parsed = parse_envelope(blob)
            assert parsed.payload == original.payload and parsed.payload_type == original.payload_type
