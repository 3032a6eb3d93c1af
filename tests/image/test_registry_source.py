"""Images streamed straight from a real registry (Debian's docker-registry on loopback)."""

from __future__ import annotations

import pytest

from dockgate.cli import main
from dockgate.image.registry_source import looks_like_registry_reference
from dockgate.inventory import build_inventory
from dockgate.registry.transport import TransportOptions

pytestmark = pytest.mark.shared


def summary(inventory):
    return sorted((p.type, p.name, p.version, p.path, p.layer_index) for p in inventory.packages)


def test_registry_inventory_equals_archive(registry_app_image, shared_dir) -> None:
    from_registry = build_inventory(registry_app_image.reference)
    from_archive = build_inventory(str(shared_dir / "images" / "app-bookworm.oci.tar"))
    assert from_registry.image.source_type == "registry"
    assert from_registry.image.manifest_digest == registry_app_image.manifest_digest
    assert from_registry.image.config_digest == from_archive.image.config_digest
    assert summary(from_registry) == summary(from_archive)
    assert from_registry.os == from_archive.os


def test_registry_by_digest_and_explicit_prefix(registry_app_image) -> None:
    ref = f"{registry_app_image.registry.host}/{registry_app_image.repository}@{registry_app_image.manifest_digest}"
    assert len(build_inventory(ref).packages) == 153
    assert build_inventory(f"docker://{registry_app_image.reference}").image.manifest_digest == registry_app_image.manifest_digest


def test_tls_registry_with_ca_and_credentials(tls_registry_app_image, tmp_path, monkeypatch, capsys) -> None:
    import base64
    import json

    registry = tls_registry_app_image.registry
    config = tmp_path / "docker"
    config.mkdir()
    auth = base64.b64encode(f"{registry.username}:{registry.password}".encode()).decode()
    (config / "config.json").write_text(json.dumps({"auths": {registry.host: {"auth": auth}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    inventory = build_inventory(tls_registry_app_image.reference, transport=TransportOptions(ca_file=str(registry.ca_file)))
    assert len(inventory.packages) == 153
    # without the CA the TLS handshake fails: one clear line, exit 2
    assert main(["sbom", tls_registry_app_image.reference, "-f", "json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("dockgate: error:")


def test_missing_tag_is_a_clear_error(registry_app_image, capsys) -> None:
    ref = f"{registry_app_image.registry.host}/{registry_app_image.repository}:nope"
    assert main(["sbom", ref]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "404" in err


def test_reference_detection() -> None:
    assert looks_like_registry_reference("127.0.0.1:5000/app:1.0")
    assert looks_like_registry_reference("ghcr.io/org/app@sha256:" + "a" * 64)
    assert looks_like_registry_reference("localhost/app")
    assert not looks_like_registry_reference("./images/app.tar")
    assert not looks_like_registry_reference("images/app.tar")
    assert not looks_like_registry_reference("app.tar")
