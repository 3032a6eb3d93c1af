"""Pull and push against a real registry (Debian's docker-registry, plain HTTP on loopback)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile

import pytest

from dockgate.errors import InputError
from dockgate.registry import OCI_INDEX, OCI_MANIFEST, Descriptor, RegistryClient, TransportOptions, parse_reference
from dockgate.registry.client import referrers_tag
from dockgate.registry.descriptor import OCI_EMPTY_JSON

pytestmark = pytest.mark.shared


@pytest.fixture
def client(plain_registry):
    with RegistryClient(plain_registry.host, use_docker_config=False) as registry_client:
        yield registry_client


def _push_small_image(client: RegistryClient, repository: str, tag: str, payload: bytes) -> tuple[str, bytes]:
    config = client.push_blob(repository, b'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}', "application/vnd.oci.image.config.v1+json")
    layer = client.push_blob(repository, payload, "application/vnd.oci.image.layer.v1.tar")
    manifest = json.dumps(
        {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": config.to_json(), "layers": [layer.to_json()]}
    ).encode()
    return client.push_manifest(repository, tag, manifest, OCI_MANIFEST), manifest


def test_pull_skopeo_pushed_image_streams_and_verifies_every_blob(registry_app_image, shared_dir):
    ref = parse_reference(registry_app_image.reference)
    with RegistryClient.for_reference(ref, use_docker_config=False) as client:
        manifest = client.get_manifest(ref.repository, ref.identifier)
        assert manifest.digest == registry_app_image.manifest_digest
        assert manifest.media_type == OCI_MANIFEST
        assert client.resolve(ref) == manifest.digest
        head = client.head_manifest(ref.repository, manifest.digest)
        assert head == manifest.descriptor
        data = manifest.json()
        config = client.get_blob(ref.repository, data["config"]["digest"])
        assert json.loads(config)["rootfs"]["type"] == "layers"
        # every layer streams through a tar reader, is hashed on the way, and matches the archive
        with tarfile.open(shared_dir / "images" / "app-bookworm.oci.tar") as archive:
            for layer in data["layers"]:
                with client.open_blob(ref.repository, layer["digest"], layer["size"]) as blob:
                    streamed = hashlib.sha256()
                    for chunk in blob.iter_chunks():
                        streamed.update(chunk)
                    assert blob.verified and blob.bytes_read == layer["size"]
                member = archive.extractfile("blobs/sha256/" + layer["digest"].split(":")[1])
                assert streamed.hexdigest() == hashlib.sha256(member.read()).hexdigest()


def test_blob_stream_is_a_file_object(registry_app_image):
    ref = parse_reference(registry_app_image.reference)
    with RegistryClient.for_reference(ref, use_docker_config=False) as client:
        layer = client.get_manifest(ref.repository, ref.identifier).json()["layers"][0]
        with client.open_blob(ref.repository, layer["digest"], layer["size"]) as blob:
            reader = io.BufferedReader(blob, 65536)
            head = reader.read(2)
            assert head == b"\x1f\x8b"  # gzip
            total = 2 + sum(len(piece) for piece in iter(lambda: reader.read(70001), b""))
            assert total == layer["size"] and blob.verified


def test_push_blob_monolithic_then_pull_back(client):
    data = os.urandom(300_000)
    pushed = client.push_blob("push/mono", data)
    assert pushed.digest == "sha256:" + hashlib.sha256(data).hexdigest() and pushed.size == len(data)
    assert client.blob_size("push/mono", pushed.digest) == len(data)
    assert client.get_blob("push/mono", pushed.digest) == data
    assert client.push_blob("push/mono", data) == pushed  # already there: no second upload


@pytest.mark.parametrize("chunk_size", [1 << 16, 100_000])
def test_push_blob_chunked_from_file_and_iterable(client, chunk_size):
    data = os.urandom(350_001)
    from_file = client.push_blob_chunked("push/chunked", io.BytesIO(data), chunk_size=chunk_size)
    assert from_file.digest == "sha256:" + hashlib.sha256(data).hexdigest() and from_file.size == len(data)
    with client.open_blob("push/chunked", from_file.digest, from_file.size) as blob:
        assert blob.read() == data
    other = os.urandom(10_000)
    pieces = (other[i : i + 777] for i in range(0, len(other), 777))
    from_iterable = client.push_blob_chunked("push/chunked", pieces, chunk_size=chunk_size)
    assert client.get_blob("push/chunked", from_iterable.digest) == other


def test_push_blob_chunked_rejects_a_stream_that_is_not_the_expected_digest(client):
    with pytest.raises(InputError, match="hashes to"):
        client.push_blob_chunked("push/chunked", io.BytesIO(b"abc"), expected_digest="sha256:" + "0" * 64)


def test_mount_blob_across_repositories(client):
    data = os.urandom(5000)
    pushed = client.push_blob("mount/source", data)
    assert client.blob_size("mount/target", pushed.digest) is None
    assert client.mount_blob("mount/target", pushed.digest, "mount/source") is True
    assert client.get_blob("mount/target", pushed.digest) == data
    assert client.mount_blob("mount/target2", "sha256:" + "1" * 64, "mount/source") is False


def test_push_manifest_pull_back_and_list_tags_with_pagination(client):
    digest, manifest = _push_small_image(client, "tags/app", "v1", b"layer-one")
    for tag in ("v2", "v3", "a", "b"):
        assert client.push_manifest("tags/app", tag, manifest, OCI_MANIFEST) == digest
    pulled = client.get_manifest("tags/app", "v3")
    assert (pulled.digest, pulled.content, pulled.media_type) == (digest, manifest, OCI_MANIFEST)
    by_digest = client.get_manifest("tags/app", digest)
    assert by_digest.content == manifest
    assert sorted(client.list_tags("tags/app")) == ["a", "b", "v1", "v2", "v3"]
    assert sorted(client.list_tags("tags/app", page_size=2)) == ["a", "b", "v1", "v2", "v3"]


def test_push_manifest_by_wrong_digest_is_refused_before_sending(client):
    with pytest.raises(InputError, match="differs from the reference"):
        client.push_manifest("tags/app", "sha256:" + "2" * 64, b"{}", OCI_MANIFEST)


def test_push_and_pull_an_index(client):
    digest, manifest = _push_small_image(client, "index/app", "single", b"layer")
    index = json.dumps(
        {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [{"mediaType": OCI_MANIFEST, "digest": digest, "size": len(manifest), "platform": {"os": "linux", "architecture": "amd64"}}]}
    ).encode()
    index_digest = client.push_manifest("index/app", "multi", index, OCI_INDEX)
    pulled = client.get_manifest("index/app", "multi")
    assert pulled.is_index and pulled.digest == index_digest


def test_referrers_fall_back_to_the_tag_schema(client):
    subject_digest, _ = _push_small_image(client, "ref/app", "1.0", b"subject-layer")
    assert client.referrers("ref/app", subject_digest) == []  # nothing yet, and 2.8 has no referrers API
    empty = client.push_blob("ref/app", b"{}", OCI_EMPTY_JSON)
    referrers = []
    for artifact_type, content in (("application/vnd.dev.sbom", b"sbom"), ("application/vnd.dev.sig", b"sig")):
        layer = client.push_blob("ref/app", content, "application/octet-stream")
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": OCI_MANIFEST,
                "artifactType": artifact_type,
                "config": empty.to_json(),
                "layers": [layer.to_json()],
                "subject": {"mediaType": OCI_MANIFEST, "digest": subject_digest, "size": 1},
            }
        ).encode()
        digest = client.push_manifest("ref/app", digest_tag := f"art-{len(referrers)}", manifest, OCI_MANIFEST)
        assert digest_tag
        descriptor = Descriptor(OCI_MANIFEST, digest, len(manifest), artifact_type, {"org.example.kind": artifact_type})
        client.add_referrer_to_fallback_tag("ref/app", subject_digest, descriptor)
        client.add_referrer_to_fallback_tag("ref/app", subject_digest, descriptor)  # idempotent
        referrers.append(descriptor)
    assert referrers_tag(subject_digest) in client.list_tags("ref/app")
    assert client.referrers("ref/app", subject_digest) == referrers
    assert client.referrers("ref/app", subject_digest, "application/vnd.dev.sig") == [referrers[1]]


def test_missing_things_are_one_line_404_errors_or_none(client, plain_registry):
    with pytest.raises(InputError) as caught:
        client.get_manifest("nope/app", "1.0")
    message = str(caught.value)
    assert "404" in message and plain_registry.host in message and "nope/app:1.0" in message and "\n" not in message
    assert client.get_manifest("nope/app", "1.0", missing_ok=True) is None
    assert client.head_manifest("nope/app", "1.0", missing_ok=True) is None
    with pytest.raises(InputError, match="404"):
        client.open_blob("nope/app", "sha256:" + "3" * 64)
    assert client.get_blob("nope/app", "sha256:" + "3" * 64, missing_ok=True) is None
    with pytest.raises(InputError, match="404"):
        client.list_tags("nope/app")


def test_delete_manifest(client):
    digest, _ = _push_small_image(client, "del/app", "x", b"to-delete")
    client.delete_manifest("del/app", digest)
    assert client.get_manifest("del/app", digest, missing_ok=True) is None


def test_non_loopback_name_is_refused_plain_http_without_the_flag(plain_registry, monkeypatch):
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(variable, raising=False)  # a non-loopback name would go through a proxy
    port = plain_registry.host.rsplit(":", 1)[1]
    # 127.1 resolves to this machine but is not a loopback literal: HTTPS only
    with RegistryClient(f"127.1:{port}", TransportOptions(retries=0), use_docker_config=False) as client:
        with pytest.raises(InputError) as caught:
            client.ping()
        assert "--insecure-http" in str(caught.value) and "TLS" in str(caught.value)
    with RegistryClient(f"127.1:{port}", TransportOptions(insecure_http=True), use_docker_config=False) as client:
        client.ping()
        assert client.base_url.startswith("http://")
