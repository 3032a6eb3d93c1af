"""keygen → sign → verify on OCI layouts and dir: layouts built in the test."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dockgate.sign.keys import load_private_key, public_key_pem
from sign_helpers import build_oci_layout


def _index(root: Path) -> list[dict]:
    return json.loads((root / "index.json").read_text())["manifests"]


def test_keygen_sign_verify_oci_layout(tmp_path: Path, run_cli, password_env: str) -> None:
    image = build_oci_layout(tmp_path / "layout")
    prefix = tmp_path / "cosign"
    assert run_cli("keygen", "--key-prefix", prefix)[0] == 0
    code, out, err = run_cli("sign", f"oci:{image.root}:1.0", "--key", f"{prefix}.key", "--reference", "example.test/app", "-f", "json")
    assert code == 0, err
    signed = json.loads(out)
    assert signed["manifestDigest"] == image.manifest_digest and signed["dockerReference"] == "example.test/app"
    code, out, err = run_cli("verify", f"oci:{image.root}:1.0", "--key", f"{prefix}.pub", "-f", "json")
    assert code == 0, err
    assert [s["dockerReference"] for s in json.loads(out)["signatures"]] == ["example.test/app"]
    # the layout without a tag resolves to the one image (the .sig entry is not an image)
    assert run_cli("verify", str(image.root), "--key", f"{prefix}.pub")[0] == 0


def test_verify_with_another_key_fails(oci_image, key_pair, other_key_pair, run_cli, password_env) -> None:
    assert run_cli("sign", f"oci:{oci_image.root}", "--key", key_pair.private)[0] == 0
    code, out, err = run_cli("verify", f"oci:{oci_image.root}", "--key", other_key_pair.public)
    assert code == 1 and "does not verify" in err
    assert run_cli("verify", f"oci:{oci_image.root}", "--key", other_key_pair.public, "--key", key_pair.public)[0] == 0


def test_other_content_under_the_same_tag_fails(tmp_path: Path, key_pair, run_cli, password_env) -> None:
    root = tmp_path / "layout"
    build_oci_layout(root, tag="1.0")
    assert run_cli("sign", f"oci:{root}:1.0", "--key", key_pair.private)[0] == 0
    assert run_cli("verify", f"oci:{root}:1.0", "--key", key_pair.public)[0] == 0
    replaced = build_oci_layout(root, tag="1.0", content=b"something else\n", replace=True)
    code, out, err = run_cli("verify", f"oci:{root}:1.0", "--key", key_pair.public, "-f", "json")
    assert code == 1
    report = json.loads(out)
    assert report["manifestDigest"] == replaced.manifest_digest and report["signatures"] == []
    assert "no signatures found" in report["reason"]


def test_resigning_appends_layers_and_is_idempotent_per_signature(oci_image, key_pair, other_key_pair, run_cli, password_env) -> None:
    assert run_cli("sign", f"oci:{oci_image.root}", "--key", key_pair.private)[0] == 0
    assert run_cli("sign", f"oci:{oci_image.root}", "--key", other_key_pair.private)[0] == 0
    sig_entries = [d for d in _index(oci_image.root) if d.get("annotations", {}).get("org.opencontainers.image.ref.name", "").endswith(".sig")]
    assert len(sig_entries) == 1  # one manifest per signed image, replaced in place
    code, out, _ = run_cli("verify", f"oci:{oci_image.root}", "--key", key_pair.public, "--key", other_key_pair.public, "-f", "json")
    assert code == 0 and len(json.loads(out)["signatures"]) == 2


@pytest.mark.shared
def test_sign_with_the_cosign_generated_key(shared_dir: Path, oci_image, tmp_path: Path, run_cli, monkeypatch) -> None:
    monkeypatch.setenv("DOCKGATE_PASSWORD", "")
    key_path = shared_dir / "conformance/cosign/keys/cosign-generated.key"
    public = tmp_path / "derived.pub"
    public.write_bytes(public_key_pem(load_private_key(key_path, b"")))
    code, _, err = run_cli("sign", f"oci:{oci_image.root}", "--key", key_path)
    assert code == 0, err
    assert run_cli("verify", f"oci:{oci_image.root}", "--key", public)[0] == 0
    assert run_cli("verify", f"oci:{oci_image.root}", "--key", shared_dir / "conformance/cosign/cosign.pub")[0] == 1


def test_cosign_password_variable_is_accepted(oci_image, key_pair, run_cli, monkeypatch) -> None:
    monkeypatch.delenv("DOCKGATE_PASSWORD", raising=False)
    monkeypatch.setenv("COSIGN_PASSWORD", "correct horse battery staple")
    assert run_cli("sign", f"oci:{oci_image.root}", "--key", key_pair.private)[0] == 0


def test_sign_and_verify_dir_layout(tmp_path: Path, key_pair, run_cli, password_env) -> None:
    image = build_oci_layout(tmp_path / "layout")
    folder = tmp_path / "dir-image"
    folder.mkdir()
    (folder / "manifest.json").write_bytes(image.manifest)
    assert run_cli("sign", f"dir:{folder}", "--key", key_pair.private, "--reference", "example.test/app:1.0")[0] == 0
    assert (folder / "signature-1").read_bytes().startswith(b"\x00sigstore-json\n{")
    assert run_cli("sign", f"dir:{folder}", "--key", key_pair.private)[0] == 0
    assert (folder / "signature-2").is_file()
    code, out, _ = run_cli("verify", f"dir:{folder}", "--key", key_pair.public, "--reference", "example.test/app:1.0", "-f", "json")
    assert code == 0 and len(json.loads(out)["signatures"]) == 1


@pytest.mark.shared
def test_dockgate_dir_signature_matches_containers_image_file(cosign_fixtures: Path, key_pair, tmp_path: Path, run_cli, password_env) -> None:
    """A signature file dockgate writes has the same shape as the real one (prefix, keys)."""
    folder = tmp_path / "copy"
    shutil.copytree(cosign_fixtures / "dir-img-cosign-valid", folder)
    assert run_cli("sign", f"dir:{folder}", "--key", key_pair.private)[0] == 0
    ours, theirs = (folder / "signature-2").read_bytes(), (folder / "signature-1").read_bytes()
    prefix = b"\x00sigstore-json\n"
    assert ours.startswith(prefix) and theirs.startswith(prefix)
    ours_doc, theirs_doc = json.loads(ours[len(prefix) :]), json.loads(theirs[len(prefix) :])
    assert list(ours_doc) == list(theirs_doc) == ["mimeType", "payload", "annotations"]
    assert ours_doc["mimeType"] == theirs_doc["mimeType"]
    assert list(ours_doc["annotations"]) == list(theirs_doc["annotations"])


def test_archives_are_refused_for_signing(tmp_path: Path, key_pair, run_cli, password_env) -> None:
    archive = tmp_path / "image.tar"
    archive.write_bytes(b"")
    code, _, err = run_cli("sign", f"oci-archive:{archive}", "--key", key_pair.private)
    assert code == 2 and "not in archives" in err
    code, _, err = run_cli("verify", str(archive), "--key", key_pair.public)
    assert code == 2 and "is a file" in err


def test_report_goes_to_the_output_file(oci_image, key_pair, tmp_path: Path, run_cli, password_env) -> None:
    assert run_cli("sign", f"oci:{oci_image.root}", "--key", key_pair.private, "-o", tmp_path / "signed.json", "-f", "json")[1] == ""
    assert json.loads((tmp_path / "signed.json").read_text())["manifestDigest"] == oci_image.manifest_digest
    code, out, _ = run_cli("verify", f"oci:{oci_image.root}", "--key", key_pair.public, "-o", tmp_path / "verified.json", "-f", "json")
    assert code == 0 and out == ""
    assert json.loads((tmp_path / "verified.json").read_text())["verified"] is True
