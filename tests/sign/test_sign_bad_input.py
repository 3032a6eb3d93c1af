"""Bad input fails closed: exit 1 when verification fails, 2 when it cannot run; one line."""

from __future__ import annotations

import base64
import json
import os
import shutil
from pathlib import Path

import pytest

from dockgate.sign.cosign_layout import SIGNATURE_ANNOTATION, Layer, signature_tag
from dockgate.sign.oci_store import OciLayoutStore
from dockgate.sign.signing import signature_layer
from dockgate.sign.store import append_layer, read_layers


def _one_line(err: str) -> None:
    assert err.startswith("dockgate: ") and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def _replace_signature(root: Path, digest: str, layer: Layer) -> None:
    """Rewrite the image's .sig manifest to hold only ``layer`` (consistently: new digests)."""
    store = OciLayoutStore(root)
    index = json.loads((root / "index.json").read_text())
    index["manifests"] = [m for m in index["manifests"] if (m.get("annotations") or {}).get("org.opencontainers.image.ref.name") != signature_tag(digest)]
    (root / "index.json").write_text(json.dumps(index))
    append_layer(store, digest, ".sig", layer)


def _verify(run_cli, image, key) -> tuple[int, str, str]:
    code, out, err = run_cli("verify", f"oci:{image.root}", "--key", key.public)
    _one_line(err)
    return code, out, err


def test_missing_signatures(oci_image, key_pair, run_cli) -> None:
    code, _, err = _verify(run_cli, oci_image, key_pair)
    assert code == 1 and "no signatures found" in err


def test_tampered_payload(oci_image, key_pair, run_cli) -> None:
    good = signature_layer(key_pair.key, "reg.example/app", oci_image.manifest_digest)
    tampered = good.blob.replace(b"reg.example/app", b"reg.example/evil")
    _replace_signature(oci_image.root, oci_image.manifest_digest, Layer(good.media_type, tampered, good.annotations))
    code, _, err = _verify(run_cli, oci_image, key_pair)
    assert code == 1 and "does not verify" in err


def test_payload_blob_changed_in_place(oci_image, key_pair, run_cli, password_env) -> None:
    assert run_cli("sign", f"oci:{oci_image.root}", "--key", key_pair.private)[0] == 0
    (layer,) = read_layers(OciLayoutStore(oci_image.root), oci_image.manifest_digest, ".sig")
    blob = oci_image.root / "blobs/sha256" / layer.digest.split(":")[1]
    blob.write_bytes(blob.read_bytes().replace(b"sha256:", b"sha512:"))
    code, _, err = _verify(run_cli, oci_image, key_pair)
    assert code == 2 and "tampered or corrupt" in err


def test_signature_over_another_digest(oci_image, key_pair, run_cli) -> None:
    other = "sha256:" + "0" * 64
    layer = signature_layer(key_pair.key, "reg.example/app", other)
    _replace_signature(oci_image.root, oci_image.manifest_digest, layer)
    code, _, err = _verify(run_cli, oci_image, key_pair)
    assert code == 1 and f"signature is for {other}" in err


@pytest.mark.parametrize("cut", [1, 4, 20, 60])
def test_truncated_signature(oci_image, key_pair, run_cli, cut: int) -> None:
    good = signature_layer(key_pair.key, "reg.example/app", oci_image.manifest_digest)
    truncated = good.annotations[SIGNATURE_ANNOTATION][:-cut]
    _replace_signature(oci_image.root, oci_image.manifest_digest, Layer(good.media_type, good.blob, {SIGNATURE_ANNOTATION: truncated}))
    code, _, err = _verify(run_cli, oci_image, key_pair)
    assert code == 1 and ("base64" in err or "does not verify" in err)


def test_signature_annotation_missing_or_empty(oci_image, key_pair, run_cli) -> None:
    good = signature_layer(key_pair.key, "reg.example/app", oci_image.manifest_digest)
    for annotations, reason in (({}, "has no"), ({SIGNATURE_ANNOTATION: ""}, "empty")):
        _replace_signature(oci_image.root, oci_image.manifest_digest, Layer(good.media_type, good.blob, annotations))
        code, _, err = _verify(run_cli, oci_image, key_pair)
        assert code == 1 and reason in err


def test_signed_payload_of_wrong_type_is_rejected(oci_image, key_pair, run_cli) -> None:
    from dockgate.sign.keys import sign_bytes

    payload = json.dumps({"critical": {"identity": {"docker-reference": "r/a"}, "image": {"docker-manifest-digest": oci_image.manifest_digest}, "type": "atomic container signature"}, "optional": None}).encode()
    layer = Layer("application/vnd.dev.cosign.simplesigning.v1+json", payload, {SIGNATURE_ANNOTATION: base64.b64encode(sign_bytes(key_pair.key, payload)).decode()})
    _replace_signature(oci_image.root, oci_image.manifest_digest, layer)
    code, _, err = _verify(run_cli, oci_image, key_pair)
    assert code == 1 and "payload type" in err


def test_duplicate_keys_in_signed_payload_are_rejected(oci_image, key_pair, run_cli) -> None:
    from dockgate.sign.keys import sign_bytes

    digest = oci_image.manifest_digest
    payload = (
        '{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"sha256:' + "1" * 64 + '",'
        f'"docker-manifest-digest":"{digest}"}},"type":"cosign container image signature"}},"optional":null}}'
    ).encode()
    layer = Layer("application/vnd.dev.cosign.simplesigning.v1+json", payload, {SIGNATURE_ANNOTATION: base64.b64encode(sign_bytes(key_pair.key, payload)).decode()})
    _replace_signature(oci_image.root, digest, layer)
    code, _, err = _verify(run_cli, oci_image, key_pair)
    assert code == 1 and "duplicate key" in err


def test_wrong_passphrase(oci_image, key_pair, run_cli, monkeypatch) -> None:
    monkeypatch.setenv("DOCKGATE_PASSWORD", "wrong")
    code, _, err = run_cli("sign", f"oci:{oci_image.root}", "--key", key_pair.private)
    assert code == 2 and "wrong passphrase" in err
    _one_line(err)
    assert not list(oci_image.root.glob("**/*.tmp"))


def test_corrupt_key_files(oci_image, key_pair, tmp_path: Path, run_cli, password_env) -> None:
    broken = tmp_path / "broken.key"
    broken.write_bytes(key_pair.private.read_bytes()[:120])
    code, _, err = run_cli("sign", f"oci:{oci_image.root}", "--key", broken)
    assert code == 2 and "no END line" in err
    broken_pub = tmp_path / "broken.pub"
    broken_pub.write_text("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0C\n-----END PUBLIC KEY-----\n")
    code, _, err = run_cli("verify", f"oci:{oci_image.root}", "--key", broken_pub)
    assert code == 2 and "corrupt public key" in err
    code, _, err = run_cli("verify", f"oci:{oci_image.root}", "--key", tmp_path / "absent.pub")
    assert code == 2 and "no such key file" in err
    code, _, err = run_cli("verify", f"oci:{oci_image.root}", "--key", key_pair.private)
    assert code == 2 and "expected 'PUBLIC KEY'" in err
    code, _, err = run_cli("verify", f"oci:{oci_image.root}")
    assert code == 2 and "--key" in err


def test_no_passphrase_without_terminal(oci_image, key_pair, run_cli, monkeypatch) -> None:
    monkeypatch.delenv("DOCKGATE_PASSWORD", raising=False)
    monkeypatch.delenv("COSIGN_PASSWORD", raising=False)
    code, _, err = run_cli("sign", f"oci:{oci_image.root}", "--key", key_pair.private)
    assert code == 2 and "DOCKGATE_PASSWORD" in err


def test_oversized_image_manifest(oci_image, key_pair, run_cli) -> None:
    index_path = oci_image.root / "index.json"
    huge = b'{"schemaVersion":2,"pad":"' + b"x" * (5 << 20) + b'"}'
    import hashlib

    digest = "sha256:" + hashlib.sha256(huge).hexdigest()
    (oci_image.root / "blobs/sha256" / digest.split(":")[1]).write_bytes(huge)
    index = json.loads(index_path.read_text())
    index["manifests"] = [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest, "size": len(huge)}]
    index_path.write_text(json.dumps(index))
    code, _, err = _verify(run_cli, oci_image, key_pair)
    assert code == 2 and "bound" in err
    index["manifests"][0]["size"] = 100  # a lying descriptor does not get past the bound either
    index_path.write_text(json.dumps(index))
    code, _, err = _verify(run_cli, oci_image, key_pair)
    assert code == 2 and "bound" in err


def test_oversized_signature_manifest(oci_image, key_pair, run_cli) -> None:
    store = OciLayoutStore(oci_image.root)
    store.write_tagged_manifest(signature_tag(oci_image.manifest_digest), b'{"layers":[],"pad":"' + b"x" * (5 << 20) + b'"}', "application/vnd.oci.image.manifest.v1+json")
    code, _, err = _verify(run_cli, oci_image, key_pair)
    assert code == 2 and "bound" in err


def test_oversized_dir_manifest(tmp_path: Path, key_pair, run_cli) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "manifest.json").write_bytes(b"{" + b" " * (5 << 20) + b"}")
    code, _, err = run_cli("verify", f"dir:{folder}", "--key", key_pair.public)
    assert code == 2 and "bound" in err
    _one_line(err)


def test_too_many_signature_layers(oci_image, key_pair, run_cli) -> None:
    layers = [{"mediaType": "x", "size": 1, "digest": "sha256:" + "a" * 64}] * 1001
    store = OciLayoutStore(oci_image.root)
    store.write_tagged_manifest(signature_tag(oci_image.manifest_digest), json.dumps({"layers": layers}).encode(), "application/vnd.oci.image.manifest.v1+json")
    code, _, err = _verify(run_cli, oci_image, key_pair)
    assert code == 2 and "1001 layers" in err


def test_garbage_signature_files_in_dir_layout(tmp_path: Path, key_pair, oci_image, run_cli) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "manifest.json").write_bytes(oci_image.manifest)
    for number, content in enumerate([b"", b"\x00sigstore-json\n", b"\x00sigstore-json\n[]", b"\x00sigstore-json\n{\"mimeType\":1}", b"\x89PNG gpg blob", b'\x00sigstore-json\n{"mimeType":"application/vnd.dev.cosign.simplesigning.v1+json","payload":"***"}'], 1):
        (folder / f"signature-{number}").write_bytes(content)
    code, out, err = run_cli("verify", f"dir:{folder}", "--key", key_pair.public, "-f", "json")
    assert code == 1
    assert len(json.loads(out)["rejected"]) == 6


def test_unreachable_registry(key_pair, run_cli) -> None:
    from registry_fixtures import free_port

    code, _, err = run_cli("verify", f"127.0.0.1:{free_port()}/app:1.0", "--key", key_pair.public, "--registry-timeout", "2")
    assert code == 2
    _one_line(err)


def test_symlinked_blob_directory_is_refused(oci_image, key_pair, tmp_path: Path, run_cli, password_env) -> None:
    outside = tmp_path / "outside"
    shutil.move(str(oci_image.root / "blobs"), str(outside))
    (oci_image.root / "blobs").symlink_to(outside)
    before = sorted(p.name for p in (outside / "sha256").iterdir())
    code, _, err = run_cli("sign", f"oci:{oci_image.root}", "--key", key_pair.private)
    assert code == 2 and "symlink" in err
    assert sorted(p.name for p in (outside / "sha256").iterdir()) == before  # nothing written outside


def _manifest_blob(image) -> Path:
    return image.root / "blobs/sha256" / image.manifest_digest.split(":")[1]


def _symlink_away(path: Path) -> None:
    outside = path.parent.parent / f"outside-{path.name}"
    shutil.move(str(path), str(outside))
    path.symlink_to(outside)


HOSTILE_LAYOUTS = {
    "symlinked blob": (lambda image: _symlink_away(_manifest_blob(image)), "is a symlink"),
    "symlinked index": (lambda image: _symlink_away(image.root / "index.json"), "'index.json' is a symlink"),
    "fifo blob": (lambda image: (_manifest_blob(image).unlink(), os.mkfifo(_manifest_blob(image))), "not a regular file"),
    "changed blob": (lambda image: _manifest_blob(image).write_bytes(_manifest_blob(image).read_bytes() + b" "), "blob sha256:"),
    "malformed index": (lambda image: (image.root / "index.json").write_text("{not json"), "index.json: not valid JSON"),
    "index without manifests": (lambda image: (image.root / "index.json").write_text('{"manifests": 1}'), "'manifests'"),
    "oversized index": (lambda image: (image.root / "index.json").write_bytes(b" " * (5 << 20)), "bound"),
    "missing index": (lambda image: (image.root / "index.json").unlink(), "missing index.json"),
    "bad layout version": (lambda image: (image.root / "oci-layout").write_text('{"imageLayoutVersion":"2.0"}'), "imageLayoutVersion"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_LAYOUTS))
def test_hostile_layouts_fail_on_one_line_for_sign_and_verify(oci_image, key_pair, run_cli, password_env, case: str) -> None:
    """The layout is read by the image package's reader: the same refusals as ``dockgate sbom``."""
    damage, fragment = HOSTILE_LAYOUTS[case]
    damage(oci_image)
    before = sorted(str(p) for p in oci_image.root.rglob("*"))
    for command, key in (("verify", key_pair.public), ("sign", key_pair.private)):
        code, _, err = run_cli(command, f"oci:{oci_image.root}", "--key", key)
        _one_line(err)
        assert code == 2 and fragment in err, (command, err)
    assert sorted(str(p) for p in oci_image.root.rglob("*")) == before  # nothing written


def test_dir_layout_follows_symlinked_manifest(tmp_path: Path, oci_image, key_pair, run_cli, password_env) -> None:
    """``dir:`` layouts keep following symlinks (containers/image's fixtures link manifest.json)."""
    folder = tmp_path / "d"
    folder.mkdir()
    (tmp_path / "shared-manifest.json").write_bytes(oci_image.manifest)
    (folder / "manifest.json").symlink_to(tmp_path / "shared-manifest.json")
    assert run_cli("sign", f"dir:{folder}", "--key", key_pair.private)[0] == 0
    assert run_cli("verify", f"dir:{folder}", "--key", key_pair.public)[0] == 0
