"""The Rekor bundle of the real cosign signature, checked offline with rekor.pub (--rekor-key)."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest



FOLDER = "dir-img-cosign-key-rekor-valid"
PREFIX = b"\x00sigstore-json\n"


def _rewrite_bundle(source: Path, target: Path, change) -> None:
    shutil.copytree(source, target)
    raw = (target / "signature-1").read_bytes()
    document = json.loads(raw[len(PREFIX) :])
    bundle = json.loads(document["annotations"]["dev.sigstore.cosign/bundle"])
    change(bundle)
    document["annotations"]["dev.sigstore.cosign/bundle"] = json.dumps(bundle)
    (target / "signature-1").write_bytes(PREFIX + json.dumps(document).encode())


def _verify(run_cli, fixtures: Path, folder: Path, *extra) -> tuple[int, dict]:
    code, out, _ = run_cli("verify", f"dir:{folder}", "--key", fixtures / "cosign2.pub", "--rekor-key", fixtures / "rekor.pub", "-f", "json", *extra)
    return code, json.loads(out)


@pytest.mark.shared
def test_bundle_verifies_with_rekor_key(cosign_fixtures: Path, run_cli) -> None:
    code, report = _verify(run_cli, cosign_fixtures, cosign_fixtures / FOLDER)
    assert code == 0
    assert report["signatures"][0]["rekor"] == {
        "integratedTime": 1674251859,
        "logIndex": 11608800,
        "logID": "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d",
    }


@pytest.mark.shared
def test_signature_without_bundle_is_rejected_when_rekor_is_required(cosign_fixtures: Path, run_cli) -> None:
    code, out, _ = run_cli("verify", f"dir:{cosign_fixtures / 'dir-img-cosign-valid'}", "--key", cosign_fixtures / "cosign.pub", "--rekor-key", cosign_fixtures / "rekor.pub", "-f", "json")
    assert code == 1 and "no Rekor bundle" in json.loads(out)["rejected"][0]["reason"]


@pytest.mark.shared
def test_bundle_from_an_unknown_log(cosign_fixtures: Path, run_cli) -> None:
    code, out, _ = run_cli("verify", f"dir:{cosign_fixtures / FOLDER}", "--key", cosign_fixtures / "cosign2.pub", "--rekor-key", cosign_fixtures / "cosign.pub", "-f", "json")
    assert code == 1 and "not one of the given Rekor keys" in json.loads(out)["rejected"][0]["reason"]


def _other_body(bundle: dict) -> None:
    body = json.loads(base64.b64decode(bundle["Payload"]["body"]))
    body["spec"]["data"]["hash"]["value"] = "0" * 64
    bundle["Payload"]["body"] = base64.b64encode(json.dumps(body).encode()).decode()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda b: b["Payload"].update(integratedTime=b["Payload"]["integratedTime"] + 1), "does not verify"),
        (lambda b: b["Payload"].update(logIndex=1), "does not verify"),
        (lambda b: b.update(SignedEntryTimestamp=b["SignedEntryTimestamp"][:-8]), "SignedEntryTimestamp"),
        (_other_body, "does not verify"),
        (lambda b: b.pop("Payload"), "no Payload"),
        (lambda b: b["Payload"].update(logIndex="1"), "not integers"),
    ],
    ids=["time", "index", "truncated-set", "other-body", "no-payload", "string-index"],
)
@pytest.mark.shared
def test_tampered_bundles(cosign_fixtures: Path, tmp_path: Path, run_cli, change, reason: str) -> None:
    folder = tmp_path / "copy"
    _rewrite_bundle(cosign_fixtures / FOLDER, folder, change)
    code, report = _verify(run_cli, cosign_fixtures, folder)
    assert code == 1 and reason in report["rejected"][0]["reason"], report
    # without --rekor-key the (key-signed) signature itself still verifies
    code, _, _ = run_cli("verify", f"dir:{folder}", "--key", cosign_fixtures / "cosign2.pub")
    assert code == 0


def _bundle(rekor, payload: bytes, signature: bytes, public_pem: bytes, *, data: bytes | None = None) -> str:
    from dockgate.sign.keys import sign_bytes
    from dockgate.sign.rekor import key_id

    import hashlib

    body = {
        "apiVersion": "0.0.1",
        "kind": "hashedrekord",
        "spec": {
            "data": {"hash": {"algorithm": "sha256", "value": hashlib.sha256(payload if data is None else data).hexdigest()}},
            "signature": {"content": base64.b64encode(signature).decode(), "publicKey": {"content": base64.b64encode(public_pem).decode()}},
        },
    }
    entry = {"body": base64.b64encode(json.dumps(body).encode()).decode(), "integratedTime": 1, "logID": key_id(rekor.public_key()), "logIndex": 7}
    canonical = json.dumps(entry, separators=(",", ":"), sort_keys=True).encode()
    return json.dumps({"SignedEntryTimestamp": base64.b64encode(sign_bytes(rekor.key, canonical)).decode(), "Payload": entry})


@pytest.mark.parametrize("case", ["good", "other-data", "other-signature", "other-key"])
def test_body_must_describe_this_signature(tmp_path: Path, case: str) -> None:
    from dockgate.sign.keys import public_key_pem, sign_bytes
    from dockgate.sign.rekor import BundleError, verify_bundle
    from sign_helpers import make_key_pair

    signer, rekor, stranger = (make_key_pair(tmp_path / n, n) for n in ("signer", "rekor", "stranger"))
    payload = b'{"any":"payload"}'
    signature = sign_bytes(signer.key, payload)
    kwargs = {
        "good": (payload, signature, public_key_pem(signer.key), None),
        "other-data": (payload, signature, public_key_pem(signer.key), b"other"),
        "other-signature": (payload, sign_bytes(signer.key, payload), public_key_pem(signer.key), None),
        "other-key": (payload, signature, public_key_pem(stranger.key), None),
    }[case]
    bundle = _bundle(rekor, kwargs[0], kwargs[1], kwargs[2], data=kwargs[3])
    annotations = {"dev.sigstore.cosign/bundle": bundle}
    if case == "good":
        entry = verify_bundle(annotations, payload, signature, signer.public_key(), [rekor.public_key()])
        assert (entry.integrated_time, entry.log_index) == (1, 7)
        return
    with pytest.raises(BundleError, match={"other-data": "other data", "other-signature": "another signature", "other-key": "another public key"}[case]):
        verify_bundle(annotations, payload, signature, signer.public_key(), [rekor.public_key()])
