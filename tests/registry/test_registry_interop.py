"""Interop: what dockgate pushes is a valid image for skopeo, and images stream from one
registry into another (plain → TLS with auth) without touching the disk."""

from __future__ import annotations

import pytest
from registry_fixtures import skopeo_copy, skopeo_inspect

from dockgate.registry import Credentials, RegistryClient, TransportOptions, parse_reference

pytestmark = pytest.mark.shared


def test_stream_copy_between_registries_is_valid_for_skopeo(registry_app_image, tls_registry, tmp_path):
    source_ref = parse_reference(registry_app_image.reference)
    target_options = TransportOptions(ca_file=str(tls_registry.ca_file))
    credentials = Credentials(tls_registry.username, tls_registry.password)
    with RegistryClient.for_reference(source_ref, use_docker_config=False) as source, RegistryClient(
        tls_registry.host, target_options, credentials, use_docker_config=False
    ) as target:
        manifest = source.get_manifest(source_ref.repository, source_ref.identifier)
        data = manifest.json()
        for descriptor in [data["config"], *data["layers"]]:
            with source.open_blob(source_ref.repository, descriptor["digest"], descriptor["size"]) as blob:
                pushed = target.push_blob_chunked("copied/app", blob, chunk_size=4 << 20, expected_digest=descriptor["digest"])
            assert (pushed.digest, pushed.size) == (descriptor["digest"], descriptor["size"])
        assert target.push_manifest("copied/app", "2.0", manifest.content, manifest.media_type) == manifest.digest
        # mount into a second repository instead of uploading again
        for descriptor in [data["config"], *data["layers"]]:
            assert target.mount_blob("copied/again", descriptor["digest"], "copied/app")
        target.push_manifest("copied/again", "2.0", manifest.content, manifest.media_type)
    for repository in ("copied/app", "copied/again"):
        raw = skopeo_inspect(f"{tls_registry.host}/{repository}:2.0", tls_registry, tmp_path, raw=True)
        assert raw == data
        inspected = skopeo_inspect(f"{tls_registry.host}/{repository}:2.0", tls_registry, tmp_path)
        assert inspected["Digest"] == manifest.digest and inspected["Os"] == "linux"
    # and skopeo can pull every blob of it back (it verifies digests itself)
    skopeo_copy(f"docker://{tls_registry.host}/copied/app:2.0", tls_registry, "copied/third", "2.0", tmp_path / "third", tls_registry)


def test_tls_fixture_image_pulls_with_auth(tls_registry_app_image, tls_registry):
    ref = parse_reference(tls_registry_app_image.reference)
    options = TransportOptions(ca_file=str(tls_registry.ca_file))
    with RegistryClient.for_reference(ref, options, Credentials(tls_registry.username, tls_registry.password), use_docker_config=False) as client:
        assert client.resolve(ref) == tls_registry_app_image.manifest_digest
