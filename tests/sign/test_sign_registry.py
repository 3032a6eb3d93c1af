"""Sign and verify against real registries (Debian's docker-registry on 127.0.0.1)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path

import pytest

from dockgate.registry import OCI_MANIFEST, RegistryClient, TransportOptions
from dockgate.sign.cosign_layout import signature_tag
from registry_fixtures import require_tool, skopeo_copy
from sign_helpers import OciImage, build_oci_layout


def push_layout(client: RegistryClient, image: OciImage, repository: str, tag: str) -> str:
    """Push a layout built by build_oci_layout (config, layer, manifest) under ``tag``."""
    manifest = json.loads(image.manifest)
    for descriptor in [manifest["config"], *manifest["layers"]]:
        blob = (image.root / "blobs/sha256" / descriptor["digest"].split(":")[1]).read_bytes()
        client.push_blob(repository, blob)
    return client.push_manifest(repository, tag, image.manifest, OCI_MANIFEST)


def test_sign_verify_and_repush_in_plain_registry(plain_registry, tmp_path: Path, key_pair, run_cli, password_env) -> None:
    first = build_oci_layout(tmp_path / "one")
    reference = f"{plain_registry.host}/signing/app:1.0"
    with RegistryClient(plain_registry.host, TransportOptions()) as client:
        assert push_layout(client, first, "signing/app", "1.0") == first.manifest_digest
        code, out, err = run_cli("sign", reference, "--key", key_pair.private, "-f", "json")
        assert code == 0, err
        assert json.loads(out)["dockerReference"] == f"{plain_registry.host}/signing/app"
        code, out, err = run_cli("verify", reference, "--key", key_pair.public, "-f", "json")
        assert code == 0, err
        assert [s["dockerReference"] for s in json.loads(out)["signatures"]] == [f"{plain_registry.host}/signing/app"]

        # what the registry holds is cosign's layout
        pulled = client.get_manifest("signing/app", signature_tag(first.manifest_digest))
        assert pulled is not None and pulled.media_type == OCI_MANIFEST
        manifest = pulled.json()
        (layer,) = manifest["layers"]
        assert layer["mediaType"] == "application/vnd.dev.cosign.simplesigning.v1+json"
        assert list(layer["annotations"]) == ["dev.cosignproject.cosign/signature"]
        payload = json.loads(client.get_blob("signing/app", layer["digest"]))
        assert payload["critical"]["image"]["docker-manifest-digest"] == first.manifest_digest

        # another image pushed under the same tag: its digest has no signature
        second = build_oci_layout(tmp_path / "two", content=b"other content\n")
        push_layout(client, second, "signing/app", "1.0")
        code, out, err = run_cli("verify", reference, "--key", key_pair.public, "-f", "json")
        assert code == 1 and "no signatures found" in err
        assert json.loads(out)["manifestDigest"] == second.manifest_digest
        # the signed one, by digest, still verifies
        assert run_cli("verify", f"{plain_registry.host}/signing/app@{first.manifest_digest}", "--key", key_pair.public)[0] == 0

        # a forged .sig under the new digest, copied from the old one: bound to the old digest
        client.push_manifest("signing/app", signature_tag(second.manifest_digest), pulled.content, OCI_MANIFEST)
        code, _, err = run_cli("verify", reference, "--key", key_pair.public)
        assert code == 1 and f"signature is for {first.manifest_digest}" in err


def test_attest_in_registry(plain_registry, tmp_path: Path, key_pair, run_cli, password_env) -> None:
    image = build_oci_layout(tmp_path / "img")
    with RegistryClient(plain_registry.host, TransportOptions()) as client:
        push_layout(client, image, "signing/attested", "v1")
    bom = tmp_path / "bom.json"
    bom.write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1}))
    reference = f"{plain_registry.host}/signing/attested:v1"
    assert run_cli("attest", reference, "--key", key_pair.private, "--type", "cyclonedx", "--predicate", bom)[0] == 0
    code, out, err = run_cli("verify-attestation", reference, "--key", key_pair.public, "--type", "cyclonedx", "-f", "json")
    assert code == 0, err
    assert json.loads(out)["attestations"][0]["subjects"] == [f"{plain_registry.host}/signing/attested"]


@pytest.mark.shared
def test_app_image_over_tls_with_basic_auth(tls_registry, shared_dir: Path, tmp_path: Path, key_pair, run_cli, password_env, monkeypatch) -> None:
    pushed = skopeo_copy(f"oci-archive:{shared_dir / 'images' / 'app-bookworm.oci.tar'}", tls_registry, "signing/app-bookworm", "1.0", tmp_path / "skopeo")
    docker = tmp_path / "docker"
    docker.mkdir()
    auth = base64.b64encode(f"{tls_registry.username}:{tls_registry.password}".encode()).decode()
    (docker / "config.json").write_text(json.dumps({"auths": {tls_registry.host: {"auth": auth}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(docker))
    tls = ("--ca-file", str(tls_registry.ca_file))
    assert run_cli("sign", pushed.reference, "--key", key_pair.private, *tls)[0] == 0
    code, out, err = run_cli("verify", pushed.reference, "--key", key_pair.public, *tls, "-f", "json")
    assert code == 0, err
    assert json.loads(out)["manifestDigest"] == pushed.manifest_digest
    code, _, err = run_cli("verify", pushed.reference, "--key", key_pair.public)  # without the test CA
    assert code == 2 and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "no-config"))
    code, _, err = run_cli("verify", pushed.reference, "--key", key_pair.public, *tls)
    assert code == 2 and "401" in err


def _skopeo(registry, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """skopeo with sigstore attachments enabled for the test registry (copying them needs no
    sigstore support; Debian's skopeo cannot sign or verify them itself)."""
    skopeo = require_tool("skopeo", "skopeo")
    registries_d = workdir / "registries.d"
    registries_d.mkdir(parents=True, exist_ok=True)
    (registries_d / "test.yaml").write_text(f"docker:\n  {registry.host}:\n    use-sigstore-attachments: true\n")
    policy = workdir / "policy.json"
    policy.write_text(json.dumps({"default": [{"type": "insecureAcceptAnything"}]}))
    command = [skopeo, "--policy", str(policy), "--registries.d", str(registries_d), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(workdir)})
    assert done.returncode == 0, done.stderr[-1500:]
    return done


def test_containers_image_reads_and_writes_our_signatures(plain_registry, tmp_path: Path, key_pair, run_cli, password_env) -> None:
    """Interop both ways with containers/image (skopeo): it finds dockgate's registry signature
    as a sigstore attachment and stores it in a dir: layout; and a .sig manifest that skopeo
    itself writes into a registry is verified by dockgate."""
    image = build_oci_layout(tmp_path / "img")
    with RegistryClient(plain_registry.host, TransportOptions()) as client:
        push_layout(client, image, "interop/source", "1.0")
    assert run_cli("sign", f"{plain_registry.host}/interop/source:1.0", "--key", key_pair.private)[0] == 0
    pulled = tmp_path / "pulled"
    _skopeo(plain_registry, tmp_path, "copy", "--src-tls-verify=false", f"docker://{plain_registry.host}/interop/source:1.0", f"dir:{pulled}")
    assert (pulled / "signature-1").is_file()
    code, out, err = run_cli("verify", f"dir:{pulled}", "--key", key_pair.public, "-f", "json")
    assert code == 0, err
    assert json.loads(out)["manifestDigest"] == image.manifest_digest
    _skopeo(plain_registry, tmp_path, "copy", "--dest-tls-verify=false", f"dir:{pulled}", f"docker://{plain_registry.host}/interop/copied:1.0")
    code, out, err = run_cli("verify", f"{plain_registry.host}/interop/copied:1.0", "--key", key_pair.public, "-f", "json")
    assert code == 0, err
    assert [s["dockerReference"] for s in json.loads(out)["signatures"]] == [f"{plain_registry.host}/interop/source"]
    assert run_cli("verify", f"{plain_registry.host}/interop/copied:1.0", "--key", key_pair.public, "--reference", f"{plain_registry.host}/interop/copied")[0] == 1


def test_unknown_digest_is_an_error_not_a_signing_target(plain_registry, key_pair, run_cli, password_env) -> None:
    reference = f"{plain_registry.host}/signing/app@sha256:{'e' * 64}"
    code, _, err = run_cli("sign", reference, "--key", key_pair.private)
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, _, err = run_cli("verify", reference, "--key", key_pair.public)
    assert code == 2
