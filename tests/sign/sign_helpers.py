"""Helpers and fixtures for the signing tests: tiny OCI layouts built in the test, key pairs, and the
cosign conformance folders materialised in a temporary directory.

The conformance folders come from containers/image, where several files are git symlinks
(``dir-img-cosign-valid-2/manifest.json`` -> ``../dir-img-cosign-valid/manifest.json``). In
../shared they are checked out as small text files holding the link target, so the fixture
recreates the upstream layout: a file whose whole content is a relative path to an existing
fixture file is replaced by that file's bytes. Links whose target is absent upstream-side
(``../v2s1-invalid-signatures.manifest.json``) stay as they are.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from dockgate.image.digest import digest_of
from dockgate.sign.keys import PublicKey, encrypt_private_key, generate_private_key, public_key_pem

PASSWORD = "correct horse battery staple"


def _git_link_target(path: Path, top: Path) -> Path | None:
    data = path.read_bytes()
    if len(data) > 200 or b"\n" in data.strip() or not data.startswith(b"../"):
        return None
    target = (path.parent / data.decode().strip()).resolve()
    if top in target.parents and target.is_file():
        return target
    return None


@pytest.fixture(scope="session")
def cosign_fixtures(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = shared_dir / "conformance" / "cosign"
    if not source.is_dir():
        pytest.skip("../shared/conformance/cosign is absent")
    top = source.resolve()
    out = tmp_path_factory.mktemp("cosign-conformance")
    for item in sorted(source.rglob("*")):
        relative = item.relative_to(source)
        target = out / relative
        if item.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        link = _git_link_target(item, top)
        shutil.copyfile(link or item, target)
    return out


@dataclass
class OciImage:
    root: Path
    manifest_digest: str
    manifest: bytes


def _write_blob(root: Path, data: bytes) -> str:
    digest = digest_of(data)
    path = root / "blobs" / "sha256" / digest.split(":", 1)[1]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return digest


def build_oci_layout(root: Path, *, tag: str | None = "1.0", content: bytes = b"hello from dockgate\n", replace: bool = False) -> OciImage:
    """A tiny single-layer OCI image layout (uncompressed layer with one file)."""
    import io
    import tarfile

    root.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("hello.txt")
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    layer = buffer.getvalue()
    layer_digest = _write_blob(root, layer)
    config = json.dumps(
        {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [layer_digest]}, "config": {}}
    ).encode()
    config_digest = _write_blob(root, config)
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": len(config)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": len(layer)}],
        }
    ).encode()
    manifest_digest = _write_blob(root, manifest)
    (root / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    entry = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest, "size": len(manifest)}
    if tag:
        entry["annotations"] = {"org.opencontainers.image.ref.name": tag}
    index_path = root / "index.json"
    manifests = []
    if replace and index_path.exists():
        old = json.loads(index_path.read_text())["manifests"]
        ref = lambda d: (d.get("annotations") or {}).get("org.opencontainers.image.ref.name")
        manifests = [d for d in old if ref(d) != tag]
    manifests.append(entry)
    index_path.write_text(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}))
    return OciImage(root, manifest_digest, manifest)


@pytest.fixture
def oci_image(tmp_path: Path) -> OciImage:
    return build_oci_layout(tmp_path / "layout")


@dataclass
class KeyPair:
    private: Path
    public: Path
    key: object

    def public_key(self) -> PublicKey:
        from dockgate.sign.keys import load_public_key

        return load_public_key(self.public)


def make_key_pair(directory: Path, name: str = "cosign", password: str = PASSWORD, scrypt_n: int = 1024) -> KeyPair:
    """A key pair on disk (a small scrypt N keeps the tests fast; the format is the same)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = generate_private_key()
    private = directory / f"{name}.key"
    public = directory / f"{name}.pub"
    private.write_bytes(encrypt_private_key(key, password.encode(), scrypt_n=scrypt_n))
    public.write_bytes(public_key_pem(key))
    return KeyPair(private, public, key)


@pytest.fixture
def key_pair(tmp_path: Path) -> KeyPair:
    return make_key_pair(tmp_path / "keys")


@pytest.fixture
def other_key_pair(tmp_path: Path) -> KeyPair:
    return make_key_pair(tmp_path / "other-keys", "other")


@pytest.fixture
def password_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DOCKGATE_PASSWORD", PASSWORD)
    monkeypatch.delenv("COSIGN_PASSWORD", raising=False)
    return PASSWORD


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    from dockgate.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
